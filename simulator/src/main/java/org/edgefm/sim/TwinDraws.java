package org.edgefm.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.Demand;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;

/**
 * What a calibrated twin ({@link Twin}) puts in place of the model's draws: measured ingress, hop
 * overheads and service times per station (each a sample measured near the current time, from its own
 * seeded stream so runs without a twin keep every draw they made before), instance preloads that delay
 * a directive, and the replayed task log per stream. Without a twin every answer is "not measured".
 */
final class TwinDraws {
    private final Twin twin;
    private final int neighbours;
    private final SplittableRandom random;
    private final double[][] serviceMs;
    private final Twin.Series[] serviceSeries;
    /** Per station its service times measured during the trial's warm-up, or null. */
    private final Twin.Series[] warmSeries;
    private final double warmupEndMs;
    private final double[] preloadMs;
    private final Map<String, Integer> serviceIndex;
    private final int serviceCount;
    /** Per stream the task log's arrival times, or null when the arrival processes drive the run. */
    private final double[][] traceMs;
    private final int[] traceNext;

    /**
     * @throws IllegalArgumentException when the twin's task log names a (user, task type) without a
     *                                  stream in the workload
     */
    TwinDraws(CompiledModel m, Twin twin, Map<String, ?> subModelKeys, long seed, List<Demand> workload) {
        this.twin = twin;
        serviceIndex = m.serviceIndex;
        serviceCount = m.serviceCount;
        // the twin's own stream: runs without a twin keep every draw they made before
        random = new SplittableRandom(seed * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
        serviceMs = new double[m.stations()][];
        serviceSeries = new Twin.Series[m.stations()];
        warmSeries = new Twin.Series[m.stations()];
        warmupEndMs = twin == null ? 0 : twin.timeline().warmupEndMs();
        neighbours = Twin.neighbours(subModelKeys);
        preloadMs = new double[m.stations()];
        Arrays.fill(preloadMs, Double.NaN);
        if (twin != null) {
            for (int st = 0; st < m.stations(); st++) {
                String k = Twin.key(m.nodeIds[st / serviceCount], m.serviceIds[st % serviceCount]);
                double[] ms = twin.serviceMs().get(k);
                serviceMs[st] = ms == null || ms.length == 0 ? null : ms;
                serviceSeries[st] = twin.timeline().service().get(k);
                warmSeries[st] = twin.timeline().warmService().get(k);
                preloadMs[st] = twin.preloadMs().getOrDefault(k, Double.NaN);
            }
        }
        if (twin != null && twin.arrivals() != null) {
            traceMs = tracePerStream(twin.arrivals(), workload);
            traceNext = new int[m.streamCount];
        } else {
            traceMs = null;
            traceNext = null;
        }
    }

    /** True with a twin. */
    boolean active() {
        return twin != null;
    }

    /** True when the twin's task log replaces the arrival processes. */
    boolean replays() {
        return traceMs != null;
    }

    /** The task log's next arrival time of {@code stream}, or NaN when its entries are used up. */
    double nextArrival(int stream) {
        return traceNext[stream] < traceMs[stream].length ? traceMs[stream][traceNext[stream]++] : Double.NaN;
    }

    /** A measured ingress (in place of eq. (1)'s uplink). */
    double ingressMs(double now) {
        return Twin.draw(twin.timeline().ingress(), neighbours, twin.ingressMs(), now, random);
    }

    /** A measured per-hop overhead, between stages on the same node or on two. */
    double hopMs(boolean local, double now) {
        return local
                ? Twin.draw(twin.timeline().localHop(), neighbours, twin.localHopMs(), now, random)
                : Twin.draw(twin.timeline().remoteHop(), neighbours, twin.remoteHopMs(), now, random);
    }

    /** True when the twin measured the station's service times. */
    boolean measures(int st) {
        return serviceMs[st] != null;
    }

    /**
     * A measured service time of the station (only where {@link #measures}): during the trial's warm-up
     * one the station measured then, where it has any; after it one of its steady state.
     */
    double serviceMs(int st, double now) {
        Twin.Series warm = warmSeries[st];
        if (now < warmupEndMs && warm != null && warm.size() > 0) {
            return neighbours > 0 ? warm.near(now, neighbours, random) : Twin.draw(warm.ms(), random);
        }
        return Twin.draw(serviceSeries[st], neighbours, serviceMs[st], now, random);
    }

    /** The delay before {@code directive} takes effect at {@code node}: the longest measured preload of an instance it starts. */
    double preloadMs(int node, Directive directive, int[] instances) {
        if (twin == null) {
            return 0;
        }
        double max = 0;
        for (DesiredService d : directive.desired().services()) {
            Integer s = serviceIndex.get(d.service());
            if (s == null) {
                continue;
            }
            int st = node * serviceCount + s;
            if (d.instances() > instances[st] && !Double.isNaN(preloadMs[st])) {
                max = Math.max(max, preloadMs[st]);
            }
        }
        return max;
    }

    /** Per stream of the workload, the sorted arrival times of the task log's entries of its (user, task type). */
    private static double[][] tracePerStream(List<Twin.Arrival> log, List<Demand> workloadList) {
        Map<String, Integer> byKey = new HashMap<>();
        for (int i = 0; i < workloadList.size(); i++) {
            byKey.putIfAbsent(workloadList.get(i).user() + "\u0000" + workloadList.get(i).taskType(), i);
        }
        List<List<Double>> per = new ArrayList<>();
        workloadList.forEach(d -> per.add(new ArrayList<>()));
        for (Twin.Arrival a : log) {
            Integer i = byKey.get(a.user() + "\u0000" + a.taskType());
            if (i == null) {
                throw new IllegalArgumentException("task log: user '" + a.user() + "' with task type '" + a.taskType()
                        + "' has no stream in the workload");
            }
            per.get(i).add(a.atMs());
        }
        double[][] out = new double[per.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = per.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
        return out;
    }
}
