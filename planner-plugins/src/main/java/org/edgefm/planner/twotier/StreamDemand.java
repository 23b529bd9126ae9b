package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.planner.twotier.LightEngine.StreamKey;

/**
 * The light engine's step 2: the demand per stream (origin node, task type) a slot is planned for, the
 * counted arrival rates smoothed over slots from the declared workload, with a floor for declared streams.
 */
final class StreamDemand {
    /** A smoothed rate below this (about one task a day) of an undeclared stream is dropped. */
    private static final double FORGET_BELOW_PER_MS = 1e-8;

    private final LightSettings s;
    /** Smoothed arrival rate per stream, tasks per ms. */
    private final Map<StreamKey, Double> smoothed = new LinkedHashMap<>();

    StreamDemand(LightSettings settings) {
        this.s = settings;
    }

    /** The declared workload's rate per stream (origin node, task type), in the model's order. */
    static Map<StreamKey, Double> declared(SystemModel model) {
        Map<String, String> userNode = new HashMap<>();
        for (UserSpec u : model.users()) {
            userNode.put(u.id(), u.node());
        }
        Set<String> typeIds = new HashSet<>();
        model.taskTypes().forEach(t -> typeIds.add(t.id()));
        Map<StreamKey, Double> declared = new LinkedHashMap<>();
        for (Demand w : model.workload()) {
            String node = userNode.get(w.user());
            if (node != null && typeIds.contains(w.taskType())) {
                declared.merge(new StreamKey(node, w.taskType()), w.arrivals().meanRatePerMs(), Double::sum);
            }
        }
        return declared;
    }

    /**
     * The demand the slot is planned for, per stream (origin node, task type). A slot's arrival count
     * is a poor forecast of the next slot when a stream brings a task or two per slot: a stream that
     * happened to bring none would lose its light instances and every route, and its next task would
     * find no serving node. So the counted rates are smoothed (EWMA with weight
     * {@code ec-lyapunov.demand-smoothing} on the newest slot, starting from the declared workload), and
     * a declared stream is planned for at least {@code ec-lyapunov.demand-floor} of its declared rate.
     */
    Map<StreamKey, Double> rates(SlotObservation obs, SystemModel model, List<Reason> notes) {
        Map<String, String> userNode = new HashMap<>();
        for (UserSpec u : model.users()) {
            userNode.put(u.id(), u.node());
        }
        Set<String> typeIds = new HashSet<>();
        model.taskTypes().forEach(t -> typeIds.add(t.id()));
        Map<StreamKey, Double> declared = declared(model);
        if (smoothed.isEmpty()) {
            smoothed.putAll(declared);
        }
        List<DemandEstimate> d = obs.arrivals();
        if (d.isEmpty()) {
            // nothing counted: the estimates stay as they are (the declared workload before any count)
            if (obs.slot() > 0 && !declared.isEmpty()) {
                notes.add(new Reason("missing-arrivals", "no arrival counts in this slot; planning for the smoothed"
                        + " estimates (the declared workload before any count)"));
            }
        } else {
            Map<StreamKey, Double> counted = new HashMap<>();
            List<String> unknown = new ArrayList<>();
            for (DemandEstimate de : d) {
                String node = userNode.get(de.user());
                if (node == null || !typeIds.contains(de.taskType())) {
                    unknown.add(de.user() + "/" + de.taskType());
                    continue;
                }
                counted.merge(new StreamKey(node, de.taskType()), de.ratePerMs(), Double::sum);
            }
            if (!unknown.isEmpty()) {
                notes.add(new Reason("unknown-demand", "arrivals for unknown user/task type ignored: " + String.join(", ", unknown)));
            }
            double w = s.demandSmoothing();
            counted.keySet().forEach(k -> smoothed.putIfAbsent(k, 0.0));
            // a stream neither declared nor counted for long is forgotten
            smoothed.replaceAll((k, old) -> (1 - w) * old + w * counted.getOrDefault(k, 0.0));
            smoothed.entrySet().removeIf(e -> e.getValue() < FORGET_BELOW_PER_MS && !declared.containsKey(e.getKey()));
        }
        Map<StreamKey, Double> rates = new LinkedHashMap<>();
        smoothed.forEach((k, r) -> {
            double rate = Math.max(r, s.demandFloor() * declared.getOrDefault(k, 0.0));
            if (rate > 0) {
                rates.put(k, rate);
            }
        });
        return rates;
    }
}
