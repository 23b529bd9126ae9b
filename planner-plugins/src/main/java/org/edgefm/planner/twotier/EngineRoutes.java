package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.planner.latency.MeanValueRouting;
import org.edgefm.planner.latency.NetworkPaths;
import org.edgefm.planner.twotier.LightEngine.Contribution;
import org.edgefm.planner.twotier.LightEngine.StreamKey;

/**
 * The light engine's step 6: routing tables for every stage of every task type, per stream and an
 * origin-less fallback. Light stages go to the nodes their demand was given to among those that run an
 * instance of the service, core stages to the hosts within {@code core-route-slack-ms} of the best mean
 * latency (weights = instances).
 */
final class EngineRoutes {
    private final LightSettings s;
    private final StreamAnalyses analyses;

    EngineRoutes(LightSettings settings, StreamAnalyses analyses) {
        this.s = settings;
        this.analyses = analyses;
    }

    RoutingTable routes(SystemModel model, Map<StreamKey, Map<String, int[][]>> cands, List<Contribution> contributions,
            CorePlacement placement, List<ServiceAllocation> allocations, NetworkPaths paths, Set<String> unusable,
            List<Reason> notes) {
        List<Route> routes = new ArrayList<>();
        Map<String, Map<String, Double>> fallback = new LinkedHashMap<>();
        // per (stream, stage), keyed by the stage's candidates array (one per stream and stage)
        Map<int[][], Map<String, Double>> perStream = new IdentityHashMap<>();
        // A light stage is routed only to nodes that run an instance of its service after the node
        // resolution: demand attributed to a pair that got no instance (its node's residual went to
        // other pairs, or its spill found no further candidate) would otherwise send tasks to a node
        // that cannot serve them, where they are lost as unrouted. The stream's other targets take its
        // share; a stream left with none falls back to every node running the service.
        Set<String> running = new HashSet<>();
        for (ServiceAllocation a : allocations) {
            if (a.instances() > 0) {
                running.add(a.node() + "|" + a.service());
            }
        }
        for (Contribution c : contributions) {
            int[][] cs = c.cands;
            if (c.rank < cs[0].length && c.share > 1e-12) {
                String node = paths.node(cs[0][c.rank]).id();
                if (!running.contains(node + "|" + c.service.id())) {
                    continue;
                }
                perStream.computeIfAbsent(cs, k -> new LinkedHashMap<>()).merge(node, c.share, Double::sum);
            }
        }
        for (Map.Entry<StreamKey, Map<String, int[][]>> e : cands.entrySet()) {
            StreamKey k = e.getKey();
            TaskType t = analyses.types().get(k.type());
            MeanValueRouting r = analyses.routing(k);
            for (Stage st : t.stages()) {
                Map<String, Double> targets;
                int[][] cs = e.getValue().get(st.id());
                if (analyses.services().get(st.service()).kind() == ServiceKind.CORE) {
                    targets = coreTargets(r, st, cs[1], placement, paths);
                } else {
                    targets = perStream.getOrDefault(cs, Map.of());
                }
                if (targets.isEmpty()) {
                    continue;
                }
                List<WeightedTarget> w = weighted(targets);
                if (w.isEmpty()) {
                    continue;
                }
                routes.add(new Route(k.type(), st.id(), k.origin(), w));
                Map<String, Double> fb = fallback.computeIfAbsent(k.type() + "|" + st.id(), x -> new LinkedHashMap<>());
                targets.forEach((n, wt) -> fb.merge(n, wt, Double::sum));
            }
        }
        List<String> unrouted = new ArrayList<>();
        for (TaskType t : model.taskTypes()) {
            for (Stage st : t.stages()) {
                Map<String, Double> fb = fallback.get(t.id() + "|" + st.id());
                if (fb == null && analyses.services().get(st.service()).kind() == ServiceKind.CORE) {
                    // no demand seen for this type: route core stages to every usable host
                    fb = new LinkedHashMap<>();
                    for (var a : placement.assignments()) {
                        if (a.service().equals(st.service()) && !unusable.contains(a.node())) {
                            fb.merge(a.node(), (double) a.instances(), Double::sum);
                        }
                    }
                } else if (fb == null || fb.isEmpty()) {
                    // no demand seen for this type, or none of its targets got an instance: a light stage
                    // shares the instances other types and streams run
                    fb = new LinkedHashMap<>();
                    for (ServiceAllocation a : allocations) {
                        if (a.service().equals(st.service())) {
                            fb.merge(a.node(), (double) a.instances(), Double::sum);
                        }
                    }
                }
                List<WeightedTarget> w = fb == null ? List.of() : weighted(fb);
                if (w.isEmpty()) {
                    unrouted.add(t.id() + "/" + st.id());
                    continue;
                }
                routes.add(new Route(t.id(), st.id(), null, w));
            }
        }
        if (!unrouted.isEmpty()) {
            notes.add(new Reason("unrouted-stage", "no serving node for " + String.join(", ", unrouted)
                    + " (no demand or no usable host this slot)"));
        }
        return new RoutingTable(routes);
    }

    /** Core stage: usable hosts within the slack of the best mean latency, weighted by instances (assumption: papers.md 5.1 item 6). */
    private Map<String, Double> coreTargets(MeanValueRouting r, Stage st, int[] ranked, CorePlacement placement, NetworkPaths paths) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (r == null) {
            return out;
        }
        int[] cand = r.candidates(st.id());
        if (ranked.length == 0) {
            return out;
        }
        double best = r.through(st.id(), ranked[0]);
        for (int j : ranked) {
            if (r.through(st.id(), j) <= best + s.coreRouteSlackMs()) {
                String node = paths.node(cand[j]).id();
                out.put(node, (double) placement.instances(node, st.service()));
            }
        }
        return out;
    }

    private static List<WeightedTarget> weighted(Map<String, Double> m) {
        double total = m.values().stream().mapToDouble(Double::doubleValue).sum();
        List<WeightedTarget> out = new ArrayList<>();
        m.forEach((n, w) -> {
            if (w > 0) {
                out.add(new WeightedTarget(n, w / total));
            }
        });
        return out;
    }
}
