package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.planner.latency.LatencyModel;

/**
 * The light engine's admission job ({@code light.admission = reject}): what the pairs may take, what the core
 * tier admits (for sizing), and the reject shares of the routing table ({@link Admission}), with the deadline
 * rule of {@link DeadlineAdmission} when {@code light.admission-deadline = split}. One instance per
 * {@link LightEngine} call; it reads the call's model, placement and usable nodes.
 */
final class EngineAdmission {
    private final LightSettings s;
    private final Map<String, TaskType> types;
    private final Map<String, ServiceSpec> services;
    private final CorePlacement placement;
    private final Map<String, NodeSpec> nodes;
    private final Set<String> unusable;

    EngineAdmission(LightSettings settings, Map<String, TaskType> types, Map<String, ServiceSpec> services, CorePlacement placement,
            Map<String, NodeSpec> nodes, Set<String> unusable) {
        this.s = settings;
        this.types = types;
        this.services = services;
        this.placement = placement;
        this.nodes = nodes;
        this.unusable = unusable;
    }

    /**
     * Per core pair {@code node|service} (or per core service with {@code byService}), {@code u} × instances over
     * the mean processing time {@code a/(f·speed)} in tasks/ms (eq. 10: one task per instance).
     */
    private Map<String, Double> coreRates(double u, boolean byService) {
        Map<String, Double> rate = new HashMap<>();
        for (var a : placement.assignments()) {
            NodeSpec n = nodes.get(a.node());
            ServiceSpec svc = services.get(a.service());
            if (n != null && svc != null && !unusable.contains(a.node()) && a.instances() > 0) {
                rate.merge(byService ? a.service() : a.node() + "|" + a.service(),
                        u * a.instances() / LatencyModel.meanProcessingMs(svc, n), Double::sum);
            }
        }
        return rate;
    }

    /**
     * Per stream, the rate its core stages admit ({@code light.admission-sizing = admitted}): per core service
     * the admission capacity of its hosts ({@code light.admission-utilization} × instances / (a/(f·speed)),
     * as {@link #admit} counts it) against the demand of every stream through it; a stream keeps the
     * smallest of those shares over its core services, at most 1. A fluid estimate of what {@link Admission}
     * will let through, so the light pairs are not sized, and the nodes' resources not spent, for tasks the
     * core tier rejects at arrival.
     *
     * @param rates per stream, its planned rate
     * @param type  a stream's task type id
     */
    <K> Map<K, Double> coreAdmitted(Map<K, Double> rates, java.util.function.Function<K, String> type) {
        Map<String, Double> capacity = coreRates(s.admissionUtilization(), true);
        Map<String, Double> demand = new HashMap<>();
        rates.forEach((k, r) -> {
            for (Stage st : types.get(type.apply(k)).stages()) {
                if (services.get(st.service()).kind() == ServiceKind.CORE) {
                    demand.merge(st.service(), r, Double::sum);
                }
            }
        });
        Map<K, Double> out = new LinkedHashMap<>();
        rates.forEach((k, r) -> {
            double share = 1;
            for (Stage st : types.get(type.apply(k)).stages()) {
                if (services.get(st.service()).kind() == ServiceKind.CORE) {
                    share = Math.min(share, capacity.getOrDefault(st.service(), 0.0) / demand.get(st.service()));
                }
            }
            out.put(k, r * share);
        });
        return out;
    }

    /**
     * {@code light.admission = reject}: reject shares where the routed demand exceeds what the pairs serve
     * ({@link Admission}); with {@code light.admission-deadline = split} also where it exceeds what they finish
     * in time ({@link DeadlineAdmission}).
     *
     * @param routing       the engine's routes
     * @param streams       the planned streams, with their mean-value end-to-end times
     * @param lightCapacity per light pair with instances, the sizer's admissible rate for them (tasks/ms)
     * @param notes         receives the admission note
     */
    RoutingTable admit(RoutingTable routing, List<Admission.Stream> streams, Map<String, Double> lightCapacity, List<Reason> notes) {
        Map<String, Double> limit = new HashMap<>(lightCapacity);
        // eq. (10): one task per core instance, for a/(f·speed) ms; light pairs: the sizer's admissible rate
        coreRates(s.admissionUtilization(), false).forEach((pair, r) -> limit.merge(pair, r, Double::sum));
        DeadlineAdmission.Rule rule = null;
        if (s.admissionDeadline()) {
            Map<String, Double> rate = new HashMap<>(lightCapacity);
            coreRates(1, false).forEach((pair, r) -> rate.merge(pair, r, Double::sum));
            rule = new DeadlineAdmission.Rule(s.admissionEpsilon(), rate);
        }
        return Admission.apply(routing, new ArrayList<>(streams), limit, s.rejectUnserved(), rule, notes);
    }
}
