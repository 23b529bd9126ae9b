package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.planner.latency.MeanValueRouting;
import org.edgefm.planner.latency.NetworkPaths;
import org.edgefm.planner.twotier.LightEngine.Pair;
import org.edgefm.planner.twotier.LightEngine.StreamKey;

/** The light engine's service-floor step ({@code light.service-floor = one}; the rule itself: {@link ServiceFloor}). */
final class EngineFloor {
    private final Sizer sizer;
    private final Map<String, ServiceObservation> observed;
    private final Map<String, Integer> previousX;
    private final double slotMs;
    private final Map<String, TaskType> types;
    private final Function<StreamKey, MeanValueRouting> routing;

    /**
     * @param sizer     the engine's sizer (ladders of the pairs the floor creates)
     * @param observed  this slot's observations per {@code node|service}
     * @param previousX instances per {@code node|service} in the previous slot
     * @param slotMs    the slot length
     * @param types     task types by id
     * @param routing   a stream's mean-value analysis
     */
    EngineFloor(Sizer sizer, Map<String, ServiceObservation> observed, Map<String, Integer> previousX, double slotMs,
            Map<String, TaskType> types, Function<StreamKey, MeanValueRouting> routing) {
        this.sizer = sizer;
        this.observed = observed;
        this.previousX = previousX;
        this.slotMs = slotMs;
        this.types = types;
        this.routing = routing;
    }

    /**
     * {@code light.service-floor = one}: one instance reserved for every light stage of a planned stream that no
     * candidate serves, taken before the greedy resolution of its node, which then runs again ({@link ServiceFloor}).
     */
    void reserve(SystemModel model, Map<String, ServiceSpec> services, Map<StreamKey, Map<String, int[][]>> cands,
            Map<StreamKey, Double> rates, Map<String, ResourceVector> residual, NetworkPaths paths, Map<Long, Pair> pairs, List<Reason> notes) {
        List<ServiceFloor.Need> needs = new ArrayList<>();
        for (Map.Entry<StreamKey, Map<String, int[][]>> e : cands.entrySet()) {
            double rate = rates.getOrDefault(e.getKey(), 0.0);
            if (!(rate > 0)) {
                continue;
            }
            TaskType t = types.get(e.getKey().type());
            MeanValueRouting r = routing.apply(e.getKey());
            for (Stage st : t.stages()) {
                ServiceSpec svc = services.get(st.service());
                int[][] cs = e.getValue().get(st.id());
                if (svc.kind() == ServiceKind.LIGHT && cs[0].length > 0) {
                    double budget = t.deadlineMs() - r.preceding(st.id(), cs[1][0]) - r.toSink(st.id(), cs[1][0]);
                    needs.add(new ServiceFloor.Need(svc, cs[0], rate, budget));
                }
            }
        }
        Map<String, Integer> serviceIndex = new HashMap<>();
        for (ServiceSpec sv : model.services()) {
            serviceIndex.put(sv.id(), serviceIndex.size());
        }
        int added = 0;
        for (int round = 0; round < 3; round++) {
            Set<Integer> touched = new HashSet<>();
            added += ServiceFloor.apply(needs, new ServiceFloor.Nodes() {
                @Override
                public boolean runs(int node, String service) {
                    Pair p = pairs.get(Pair.key(node, serviceIndex.get(service)));
                    return p != null && (p.x > 0 || p.floor > 0);
                }

                @Override
                public boolean fitsOneMore(int node, ServiceSpec service) {
                    ResourceVector res = residual.get(paths.node(node).id());
                    return res != null && service.demand().fitsIn(res);
                }

                @Override
                public void addOne(int node, ServiceFloor.Need need) {
                    ServiceSpec svc = need.service();
                    long key = Pair.key(node, serviceIndex.get(svc.id()));
                    Pair p = pairs.computeIfAbsent(key, k -> new Pair(node, svc, k));
                    if (p.ladder == null || p.ladder.y().length < 2) {
                        String id = paths.node(node).id();
                        ServiceObservation so = observed.get(id + "|" + svc.id());
                        p.budget = Math.min(p.budget, need.budgetMs());
                        p.ladder = sizer.ladder(new Sizer.Input(paths.node(node), svc, p.lambda, p.budget,
                                previousX.getOrDefault(id + "|" + svc.id(), 0), sizer.queue(id, svc.id()), slotMs,
                                so == null ? new double[0] : so.rateSamplesMbPerMs(), so == null ? 1 : Math.max(1, so.parallelism()), 1, 0));
                    }
                    p.floor = 1;
                    touched.add(node);
                }
            });
            if (touched.isEmpty()) {
                break;
            }
            // the touched nodes are resolved again with the reserved instances first
            for (int v : touched) {
                List<Pair> at = new ArrayList<>();
                for (Pair p : pairs.values()) {
                    if (p.node == v) {
                        at.add(p);
                    }
                }
                NodeResolution.resolveNode(residual.get(paths.node(v).id()), at);
            }
        }
        if (added > 0) {
            notes.add(new Reason("service-floor", added + " light instance(s) added so that every light stage of a planned stream"
                    + " has a serving candidate (light.service-floor = one)"));
        }
    }
}
