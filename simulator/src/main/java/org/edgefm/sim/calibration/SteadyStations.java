package org.edgefm.sim.calibration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.Twin;

/**
 * Splits each station's timed service samples at the warm-up's end: the samples after it are the
 * station's steady state, those before it its warm-up; a station with none after it (a node the
 * live planner left during the warm-up, so every sample is a cold one) takes the same service's
 * steady samples at the other nodes, scaled by the agents' kernel calibrations, or the compute model.
 */
final class SteadyStations {
    /**
     * The split.
     *
     * @param steady per station key, its steady samples (or the substitute's); a station absent here keeps the model
     * @param warm   per station key, its warm-up samples
     * @param cold   the stations with warm-up samples only, and what stands for them
     */
    record Split(Map<String, Twin.Series> steady, Map<String, Twin.Series> warm, List<WarmupCut.ColdStation> cold) {
    }

    private SteadyStations() {
    }

    static Split split(Map<String, Twin.Series> service, double endMs, Calibration c, Scenario scenario) {
        Map<String, Twin.Series> steady = new HashMap<>();
        Map<String, Twin.Series> warm = new HashMap<>();
        Map<String, List<String>> byService = new TreeMap<>();
        for (Map.Entry<String, Twin.Series> e : new TreeMap<>(service).entrySet()) {
            Twin.Series[] parts = cut(e.getValue(), endMs);
            if (parts[0].size() > 0) {
                warm.put(e.getKey(), parts[0]);
            }
            if (parts[1].size() > 0) {
                steady.put(e.getKey(), parts[1]);
                byService.computeIfAbsent(serviceOf(e.getKey()), k -> new ArrayList<>()).add(nodeOf(e.getKey()));
            }
        }
        Map<String, String> kinds = new HashMap<>();
        if (scenario != null) {
            for (ServiceSpec s : scenario.services()) {
                kinds.put(s.id(), s.kernel() == null ? null : s.kernel().kind());
            }
        }
        List<WarmupCut.ColdStation> cold = new ArrayList<>();
        for (Map.Entry<String, Twin.Series> e : new TreeMap<>(warm).entrySet()) {
            String key = e.getKey();
            if (steady.containsKey(key)) {
                continue;
            }
            String node = nodeOf(key);
            String svc = serviceOf(key);
            List<String> from = new ArrayList<>(new TreeSet<>(byService.getOrDefault(svc, List.of())));
            from.remove(node);
            if (from.isEmpty()) {
                cold.add(new WarmupCut.ColdStation(node, svc, e.getValue().size(), WarmupCut.MODEL, List.of()));
                continue;
            }
            List<double[]> timed = new ArrayList<>();
            for (String m : from) {
                double f = TwinBuilder.scale(c, m, node, kinds.get(svc));
                Twin.Series s = steady.get(Twin.key(m, svc));
                for (int i = 0; i < s.size(); i++) {
                    timed.add(new double[] {s.atMs()[i], s.ms()[i] * f});
                }
            }
            steady.put(key, TwinBuilder.series(timed));
            cold.add(new WarmupCut.ColdStation(node, svc, e.getValue().size(), WarmupCut.SAME_SERVICE, from));
        }
        return new Split(steady, warm, cold);
    }

    /** The samples before {@code endMs} and those at or after it. */
    private static Twin.Series[] cut(Twin.Series s, double endMs) {
        int i = 0;
        while (i < s.size() && s.atMs()[i] < endMs) {
            i++;
        }
        return new Twin.Series[] {slice(s, 0, i), slice(s, i, s.size())};
    }

    private static Twin.Series slice(Twin.Series s, int from, int to) {
        return new Twin.Series(java.util.Arrays.copyOfRange(s.atMs(), from, to), java.util.Arrays.copyOfRange(s.ms(), from, to));
    }

    private static String nodeOf(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    private static String serviceOf(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
