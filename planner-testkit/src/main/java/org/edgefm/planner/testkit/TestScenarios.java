package org.edgefm.planner.testkit;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.ChannelModel;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceCosts;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;

/** Small systems for plugin tests, with paper 1's Table I prices and value ranges. */
public final class TestScenarios {
    private TestScenarios() {
    }

    /**
     * Two devices and two edge servers; one in-tree task type ({@code image} and {@code text}
     * pre-processing leaves → {@code encoder} core → {@code head} light sink), one user per device.
     *
     * @return the system
     */
    public static SystemModel small() {
        List<NodeSpec> nodes = List.of(
                new NodeSpec("es-1", NodeKind.EDGE_SERVER, ResourceVector.of(128, 64, 1024, 256)),
                new NodeSpec("es-2", NodeKind.EDGE_SERVER, ResourceVector.of(128, 64, 1024, 256)),
                new NodeSpec("dev-1", NodeKind.DEVICE, ResourceVector.of(16, 8, 16, 16)),
                new NodeSpec("dev-2", NodeKind.DEVICE, ResourceVector.of(16, 8, 16, 16)));
        List<LinkSpec> links = List.of(
                new LinkSpec("es-1", "es-2", 1.0, 2.0, 0),
                new LinkSpec("dev-1", "es-1", 0.5, 0.5, 0),
                new LinkSpec("dev-2", "es-2", 0.5, 0.5, 0),
                new LinkSpec("dev-1", "dev-2", 0.1, 0.2, 0));
        List<ServiceSpec> services = List.of(
                new ServiceSpec("image-pre", ServiceKind.LIGHT, ResourceVector.of(1, 0.25, 1, 0.5), 1.0, 0.5,
                        new RateModel.Gamma(1.5, 5), ServiceCosts.PAPER1_LIGHT, null, null),
                new ServiceSpec("text-pre", ServiceKind.LIGHT, ResourceVector.of(0.5, 0.25, 0.25, 0), 0.5, 0.1,
                        new RateModel.Gamma(2, 4), ServiceCosts.PAPER1_LIGHT, null, null),
                new ServiceSpec("encoder", ServiceKind.CORE, ResourceVector.of(8, 2, 16, 16), 8.0, 0.5,
                        new RateModel.Deterministic(16), ServiceCosts.PAPER1_CORE, null, null),
                new ServiceSpec("head", ServiceKind.LIGHT, ResourceVector.of(1, 0.5, 2, 1), 1.0, 0.01,
                        new RateModel.Gamma(1.2, 8), ServiceCosts.PAPER1_LIGHT, null, null));
        TaskType t = new TaskType("vqa", 2.0, 80, List.of(
                new Stage("img", "image-pre", "enc"),
                new Stage("txt", "text-pre", "enc"),
                new Stage("enc", "encoder", "out"),
                new Stage("out", "head", null)));
        List<UserSpec> users = new ArrayList<>();
        List<Demand> work = new ArrayList<>();
        for (String d : List.of("dev-1", "dev-2")) {
            String u = "user-" + d.substring(4);
            users.add(new UserSpec(u, d, 1.0, new ChannelModel.Fixed(30)));
            work.add(new Demand(u, "vqa", new ArrivalProcess.Poisson(0.05)));
        }
        return new SystemModel(new Topology(nodes, links), services, List.of(t), users, work);
    }

    /**
     * A fleet of a realistic size for budget checks: {@code cells} copies of {@link #small()} (4 nodes and 2
     * users each, ids suffixed {@code -c}), their first edge servers linked in a chain.
     *
     * @param cells at least 1 (50 cells: 200 nodes, 100 users)
     * @return the system
     */
    public static SystemModel fleet(int cells) {
        if (cells < 1) {
            throw new IllegalArgumentException("cells: " + cells + " (expected: >= 1)");
        }
        SystemModel one = small();
        List<NodeSpec> nodes = new ArrayList<>();
        List<LinkSpec> links = new ArrayList<>();
        List<UserSpec> users = new ArrayList<>();
        List<Demand> work = new ArrayList<>();
        for (int c = 0; c < cells; c++) {
            String sfx = "-" + c;
            for (NodeSpec n : one.topology().nodes()) {
                nodes.add(new NodeSpec(n.id() + sfx, n.kind(), n.capacity(), n.profile(), n.speedFactor()));
            }
            for (LinkSpec l : one.topology().links()) {
                links.add(new LinkSpec(l.a() + sfx, l.b() + sfx, l.bandwidthMbPerMs(), l.lengthKm(), l.extraLatencyMs()));
            }
            if (c > 0) {
                links.add(new LinkSpec("es-1-" + (c - 1), "es-1" + sfx, 1.0, 2.0, 0));
            }
            for (UserSpec u : one.users()) {
                users.add(new UserSpec(u.id() + sfx, u.node() + sfx, u.uplinkBandwidthMbPerMs(), u.channel()));
            }
            for (Demand d : one.workload()) {
                work.add(new Demand(d.user() + sfx, d.taskType(), d.arrivals()));
            }
        }
        return new SystemModel(new Topology(nodes, links), one.services(), one.taskTypes(), users, work);
    }
}
