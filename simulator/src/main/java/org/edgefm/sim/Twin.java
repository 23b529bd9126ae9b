package org.edgefm.sim;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What makes a {@link SimulatedFleet} a calibrated twin of a measured fleet: measured service
 * times, preload times and per-hop overheads that replace the model's, and optionally the arrivals
 * of a recorded task log instead of the scenario's arrival processes. Built from a calibration file
 * ({@code org.edgefm.sim.calibration.Calibration}); every figure is a measurement, none is invented.
 *
 * <ul>
 *   <li>{@code serviceMs}: per (node, service), measured service times in ms; a stage served there
 *       takes a time drawn from them (with replacement) instead of {@code a_m / f_m} (eq. 3).
 *       Stations without samples keep the model.</li>
 *   <li>{@code preloadMs}: per (node, service), the measured time to load an instance; a directive
 *       applied after the start that starts instances takes effect that much later (as an agent
 *       prepares the new instances before it swaps the desired state in).</li>
 *   <li>{@code ingressMs}: the measured time from a task's submission at its origin to its first
 *       stage's queue, beyond the modelled link; it replaces the radio uplink of eq. (1).</li>
 *   <li>{@code localHopMs}, {@code remoteHopMs}: the measured time between a stage's end and the next
 *       stage's queue on the same node or on another one, beyond the modelled link (HTTP,
 *       serialisation, the event loop); added to each hop.</li>
 *   <li>{@code arrivals}: a task log to replay (time, user, task type), or null for the scenario's
 *       arrival processes.</li>
 * </ul>
 *
 * @param serviceMs   per {@link #key(String, String) node/service}, service-time samples in ms
 * @param preloadMs   per node/service, the preload in ms
 * @param ingressMs   ingress overhead samples in ms (empty: none added, the uplink still replaced)
 * @param localHopMs  overhead samples of a hop on one node, ms (empty: none)
 * @param remoteHopMs overhead samples of a hop between nodes, ms (empty: none)
 * @param arrivals    the task log to replay, or null
 */
public record Twin(Map<String, double[]> serviceMs, Map<String, Double> preloadMs, double[] ingressMs,
        double[] localHopMs, double[] remoteHopMs, List<Arrival> arrivals) {

    /**
     * One recorded arrival.
     *
     * @param atMs     ms after the run's start
     * @param user     the scenario user whose stream it belongs to
     * @param taskType the task type
     */
    public record Arrival(double atMs, String user, String taskType) {
        /** Validates. */
        public Arrival {
            if (!(atMs >= 0) || Double.isInfinite(atMs)) {
                throw new IllegalArgumentException("atMs: " + atMs + " (expected: >= 0)");
            }
            Objects.requireNonNull(user, "user is null");
            Objects.requireNonNull(taskType, "taskType is null");
        }
    }

    /** Validates and copies. */
    public Twin {
        serviceMs = Map.copyOf(Objects.requireNonNull(serviceMs, "serviceMs is null"));
        preloadMs = Map.copyOf(Objects.requireNonNull(preloadMs, "preloadMs is null"));
        ingressMs = check(ingressMs, "ingressMs");
        localHopMs = check(localHopMs, "localHopMs");
        remoteHopMs = check(remoteHopMs, "remoteHopMs");
        serviceMs.forEach((k, v) -> check(v, "serviceMs." + k));
        preloadMs.forEach((k, v) -> {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("preloadMs." + k + ": " + v + " (expected: >= 0)");
            }
        });
        arrivals = arrivals == null ? null : List.copyOf(arrivals);
    }

    /** The key of a (node, service) pair in {@link #serviceMs} and {@link #preloadMs}. */
    public static String key(String node, String service) {
        return node + "/" + service;
    }

    /** The same twin replaying {@code log} (or the scenario's arrival processes for null). */
    public Twin withArrivals(List<Arrival> log) {
        return new Twin(serviceMs, preloadMs, ingressMs, localHopMs, remoteHopMs, log);
    }

    /** One of {@code samples} drawn uniformly, or 0 when there are none. */
    static double draw(double[] samples, SplittableRandom random) {
        return samples.length == 0 ? 0 : samples[random.nextInt(samples.length)];
    }

    private static double[] check(double[] samples, String what) {
        Objects.requireNonNull(samples, what + " is null");
        for (int i = 0; i < samples.length; i++) {
            if (!(samples[i] >= 0) || Double.isInfinite(samples[i])) {
                throw new IllegalArgumentException(what + "[" + i + "]: " + samples[i] + " (expected: >= 0)");
            }
        }
        return samples.clone();
    }
}
