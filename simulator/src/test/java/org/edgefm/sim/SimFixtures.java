package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;

/** Small hand-made models and directives for the simulator tests. */
final class SimFixtures {
    private SimFixtures() {
    }

    static final ResourceVector BIG = ResourceVector.of(1000, 1000, 1000, 1000);

    static NodeSpec node(String id, double speed) {
        return new NodeSpec(id, NodeKind.EDGE_SERVER, BIG, null, speed);
    }

    static ServiceSpec coreService(String id, double workload, double output, double rate) {
        return new ServiceSpec(id, ServiceKind.CORE, ResourceVector.of(1, 1, 1, 1), workload, output,
                new RateModel.Deterministic(rate), ServiceCosts.PAPER1_CORE, null, null);
    }

    static ServiceSpec lightService(String id, double workload, double output, RateModel rate) {
        return new ServiceSpec(id, ServiceKind.LIGHT, ResourceVector.of(0.5, 0.5, 0, 0), workload, output, rate,
                ServiceCosts.PAPER1_LIGHT, null, null);
    }

    /** A user at {@code node} with a fixed SNR and the given uplink bandwidth. */
    static UserSpec user(String id, String node, double bandwidth, double snr) {
        return new UserSpec(id, node, bandwidth, new ChannelModel.Fixed(snr));
    }

    static SystemModel model(List<NodeSpec> nodes, List<LinkSpec> links, List<ServiceSpec> services,
            List<TaskType> types, List<UserSpec> users, List<Demand> workload) {
        return new SystemModel(new Topology(nodes, links), services, types, users, workload);
    }

    static TaskType chain(String id, double inputMb, double deadlineMs, String... services) {
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < services.length; i++) {
            stages.add(new Stage("s" + i, services[i], i + 1 < services.length ? "s" + (i + 1) : null));
        }
        return new TaskType(id, inputMb, deadlineMs, stages);
    }

    static Demand poisson(String user, String type, double rate) {
        return new Demand(user, type, new ArrivalProcess.Poisson(rate));
    }

    static Demand periodic(String user, String type, double period) {
        return new Demand(user, type, new ArrivalProcess.Periodic(period));
    }

    static DesiredService core(ServiceSpec s, int instances) {
        return new DesiredService(s.id(), ServiceKind.CORE, instances, 1, null, s.workloadMb(), null);
    }

    static DesiredService light(ServiceSpec s, int instances, int parallelism) {
        return new DesiredService(s.id(), ServiceKind.LIGHT, instances, parallelism, null, s.workloadMb(), null);
    }

    static Route route(String type, String stage, String... nodes) {
        List<WeightedTarget> t = new ArrayList<>();
        for (String n : nodes) {
            t.add(new WeightedTarget(n, 1.0));
        }
        return new Route(type, stage, null, t);
    }

    static Directive directive(String node, long version, List<DesiredService> services, List<Route> routes) {
        return new Directive(WireCodec.SCHEMA, node, 1, version, 0, new DesiredState(services, routes, Map.of()));
    }
}
