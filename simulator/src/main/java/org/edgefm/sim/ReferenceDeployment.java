package org.edgefm.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;

/**
 * A fixed, hand-made deployment used to drive the simulator without a planner (benchmarks, engine
 * checks): every task of a user runs all its stages on the one server (edge server or cloud) with
 * the fastest link from the user's device, and each (server, service) gets enough instances for
 * {@code headroom} times its mean busy servers, within the server's capacity. It is not a planner
 * and is not tuned to anything; it only gives the engine realistic work.
 */
public final class ReferenceDeployment {
    private ReferenceDeployment() {
    }

    /**
     * The directives for every node (version 1, planner epoch 1).
     *
     * @param model       the (load-scaled) model
     * @param parallelism y of every light instance
     * @param headroom    instances per mean busy server, {@code >= 1}
     */
    public static List<Directive> directives(SystemModel model, int parallelism, double headroom) {
        List<NodeSpec> servers = model.topology().nodes().stream().filter(n -> n.kind() != NodeKind.DEVICE).toList();
        if (servers.isEmpty()) {
            servers = model.topology().nodes();
        }
        Map<String, ServiceSpec> catalog = model.servicesById();
        Map<String, String> serverOf = new HashMap<>();
        List<Route> routes = new ArrayList<>();
        Map<String, Map<String, Double>> busy = new LinkedHashMap<>();
        for (NodeSpec s : servers) {
            busy.put(s.id(), new LinkedHashMap<>());
        }
        for (UserSpec u : model.users()) {
            serverOf.put(u.node(), nearest(model, u.node(), servers));
        }
        for (Demand d : model.workload()) {
            String origin = model.user(d.user()).node();
            String server = serverOf.get(origin);
            TaskType t = model.taskType(d.taskType());
            for (Stage st : t.stages()) {
                ServiceSpec spec = catalog.get(st.service());
                double speed = model.topology().node(server).orElseThrow().speedFactor();
                double perServer = spec.kind() == ServiceKind.CORE ? 1 : parallelism;
                busy.get(server).merge(st.service(), d.arrivals().meanRatePerMs() * spec.meanProcessingMs(speed) / perServer,
                        Double::sum);
            }
        }
        for (String origin : serverOf.keySet()) {
            for (TaskType t : model.taskTypes()) {
                for (Stage st : t.stages()) {
                    routes.add(new Route(t.id(), st.id(), origin, List.of(new WeightedTarget(serverOf.get(origin), 1))));
                }
            }
        }
        List<Route> shared = List.copyOf(routes);
        List<Directive> out = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            List<DesiredService> services = new ArrayList<>();
            Map<String, Double> load = busy.getOrDefault(n.id(), Map.of());
            ResourceVector used = ResourceVector.ZERO;
            for (Map.Entry<String, Double> e : load.entrySet()) {
                ServiceSpec spec = catalog.get(e.getKey());
                int want = Math.max(1, (int) Math.ceil(e.getValue() * headroom));
                int fit = spec.demand().copiesFittingIn(n.capacity().minusFloored(used));
                int x = Math.min(want, fit);
                if (x <= 0) {
                    continue;
                }
                used = used.plus(spec.demand().times(x));
                boolean core = spec.kind() == ServiceKind.CORE;
                services.add(new DesiredService(spec.id(), spec.kind(), x, core ? 1 : parallelism, null,
                        spec.workloadMb(), null));
            }
            out.add(new Directive(WireCodec.SCHEMA, n.id(), 1, 1, 0, new DesiredState(services, shared, Map.of())));
        }
        return out;
    }

    private static String nearest(SystemModel model, String device, List<NodeSpec> servers) {
        String best = servers.get(0).id();
        double bestCost = Double.POSITIVE_INFINITY;
        for (NodeSpec s : servers) {
            if (s.id().equals(device)) {
                return s.id();
            }
            var link = model.topology().link(device, s.id());
            if (link.isPresent()) {
                double c = Latency.linkDelayMs(link.get(), 1.0, Network.KM_PER_MS);
                if (c < bestCost) {
                    bestCost = c;
                    best = s.id();
                }
            }
        }
        return best;
    }
}
