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
 * @param timeline    the same measurements with the times they were taken, for draws local in time
 *                    ({@link Timeline}); {@link Timeline#NONE}: every draw is from the pooled samples
 * @param readings    what the live host observed of the fleet at each decision, for the twin's snapshots
 *                    ({@link RecordedReadings}), or null: the twin reports its own
 */
public record Twin(Map<String, double[]> serviceMs, Map<String, Double> preloadMs, double[] ingressMs,
        double[] localHopMs, double[] remoteHopMs, List<Arrival> arrivals, Timeline timeline, RecordedReadings readings) {

    /** A twin whose snapshots report its own readings. */
    public Twin(Map<String, double[]> serviceMs, Map<String, Double> preloadMs, double[] ingressMs,
            double[] localHopMs, double[] remoteHopMs, List<Arrival> arrivals, Timeline timeline) {
        this(serviceMs, preloadMs, ingressMs, localHopMs, remoteHopMs, arrivals, timeline, null);
    }

    /** A twin drawing from its pooled samples only. */
    public Twin(Map<String, double[]> serviceMs, Map<String, Double> preloadMs, double[] ingressMs,
            double[] localHopMs, double[] remoteHopMs, List<Arrival> arrivals) {
        this(serviceMs, preloadMs, ingressMs, localHopMs, remoteHopMs, arrivals, Timeline.NONE);
    }

    /**
     * Measurements in the order they were taken: each sample with its time on the workload's clock
     * (ms after its start; the simulation's clock starts there too).
     *
     * @param atMs the times, ascending
     * @param ms   the measured times, one per {@code atMs}
     */
    public record Series(double[] atMs, double[] ms) {
        /** Validates and copies. */
        public Series {
            atMs = Objects.requireNonNull(atMs, "atMs is null").clone();
            ms = check(ms, "ms");
            if (atMs.length != ms.length) {
                throw new IllegalArgumentException("atMs and ms differ in length: " + atMs.length + " and " + ms.length);
            }
            for (int i = 0; i < atMs.length; i++) {
                if (Double.isNaN(atMs[i]) || Double.isInfinite(atMs[i]) || (i > 0 && atMs[i] < atMs[i - 1])) {
                    throw new IllegalArgumentException("atMs[" + i + "]: " + atMs[i] + " (expected: finite, ascending)");
                }
            }
        }

        /** How many samples. */
        public int size() {
            return ms.length;
        }

        /**
         * One of the {@code k} samples taken nearest in time to {@code nowMs}, drawn uniformly (all of
         * them when there are fewer; before the first or after the last, the first or last {@code k}).
         */
        public double near(double nowMs, int k, SplittableRandom random) {
            int n = ms.length;
            if (n == 0) {
                return 0;
            }
            if (k >= n) {
                return ms[random.nextInt(n)];
            }
            // the first index at or after nowMs, then widen the window [lo, hi) to k samples by nearness
            int lo = 0;
            int hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (atMs[mid] < nowMs) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int left = lo;
            int right = lo;
            while (right - left < k) {
                if (left == 0) {
                    right++;
                } else if (right == n) {
                    left--;
                } else if (nowMs - atMs[left - 1] <= atMs[right] - nowMs) {
                    left--;
                } else {
                    right++;
                }
            }
            return ms[left + random.nextInt(k)];
        }
    }

    /**
     * The twin's measurements with their times: with {@code sim.twin.neighbours} k &gt; 0, a draw at
     * simulated time t takes one of the k samples of its kind measured nearest to t, so effects that
     * cluster in time in the field (a fresh JVM's first calls, a burst, a busy machine) cluster in the
     * twin too, instead of spreading evenly over the run as draws from the pooled samples do.
     *
     * <p>Service times measured before {@code warmupEndMs} (the trial's warm-up: a fresh JVM's first
     * calls, first loads) are kept apart in {@code warmService}: a draw before that time takes one of
     * them where the station has any, a later draw one of {@code service}, the station's steady state.
     *
     * @param service     per {@link #key(String, String) node/service}, service times by stage start (after the warm-up)
     * @param ingress     ingress overheads by submission
     * @param localHop    overheads of hops on one node, by arrival in the worker pool
     * @param remoteHop   overheads of hops between nodes, by arrival in the worker pool
     * @param warmService per node/service, the service times measured during the warm-up
     * @param warmupEndMs the warm-up's end on the workload's clock (0: none kept apart)
     */
    public record Timeline(Map<String, Series> service, Series ingress, Series localHop, Series remoteHop,
            Map<String, Series> warmService, double warmupEndMs) {
        /** No times: pooled draws. */
        public static final Timeline NONE = new Timeline(Map.of(), null, null, null);

        /** Validates and copies. */
        public Timeline {
            service = Map.copyOf(Objects.requireNonNull(service, "service is null"));
            warmService = Map.copyOf(Objects.requireNonNull(warmService, "warmService is null"));
            if (!(warmupEndMs >= 0) || Double.isInfinite(warmupEndMs)) {
                throw new IllegalArgumentException("warmupEndMs: " + warmupEndMs + " (expected: >= 0)");
            }
        }

        /** A timeline without a warm-up kept apart. */
        public Timeline(Map<String, Series> service, Series ingress, Series localHop, Series remoteHop) {
            this(service, ingress, localHop, remoteHop, Map.of(), 0);
        }
    }

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
        timeline = timeline == null ? Timeline.NONE : timeline;
    }

    /** The key of a (node, service) pair in {@link #serviceMs} and {@link #preloadMs}. */
    public static String key(String node, String service) {
        return node + "/" + service;
    }

    /** The same twin replaying {@code log} (or the scenario's arrival processes for null). */
    public Twin withArrivals(List<Arrival> log) {
        return new Twin(serviceMs, preloadMs, ingressMs, localHopMs, remoteHopMs, log, timeline, readings);
    }

    /** The same twin with its snapshots reporting {@code recorded} (null: its own readings). */
    public Twin withReadings(RecordedReadings recorded) {
        return new Twin(serviceMs, preloadMs, ingressMs, localHopMs, remoteHopMs, arrivals, timeline, recorded);
    }

    /** The key of {@link #neighbours}. */
    public static final String NEIGHBOURS_KEY = "sim.twin.neighbours";
    /** Its default. */
    public static final int DEFAULT_NEIGHBOURS = 8;

    /**
     * {@value #NEIGHBOURS_KEY} of a scenario's planner section: from how many samples measured nearest
     * in time a twin draws (0: from all of its kind, pooled).
     */
    public static int neighbours(Map<String, ?> planner) {
        double k = SimSettings.nonNegative(planner == null ? Map.of() : planner, NEIGHBOURS_KEY, DEFAULT_NEIGHBOURS);
        if (k != Math.rint(k) || k > 1_000_000) {
            throw new org.edgefm.api.ConfigException(NEIGHBOURS_KEY + ": " + k + " (expected: a whole number >= 0)");
        }
        return (int) k;
    }

    /** The key of {@link #unmeasuredFromSameService}. */
    public static final String UNMEASURED_KEY = "sim.twin.unmeasured";

    /**
     * {@value #UNMEASURED_KEY} of a scenario's planner section: {@code same-service} (default: a
     * (node, service) that served nothing in the trial takes the service's times measured at the
     * other nodes, scaled by the kernel calibrations) or {@code model} (it keeps the scenario's model).
     */
    public static boolean unmeasuredFromSameService(Map<String, ?> planner) {
        return SimSettings.oneOf(planner == null ? Map.of() : planner, UNMEASURED_KEY, "same-service", "same-service",
                "model").equals("same-service");
    }

    /** The key of {@link #warmupApart}. */
    public static final String WARMUP_KEY = "sim.twin.warmup";

    /**
     * {@value #WARMUP_KEY} of a scenario's planner section: {@code apart} (default: a station's samples
     * measured during the trial's warm-up are drawn during the twin's warm-up only, and a station with
     * none after it takes the same service's steady samples at the other nodes) or {@code mixed} (every
     * sample drawn all run).
     */
    public static boolean warmupApart(Map<String, ?> planner) {
        return SimSettings.oneOf(planner == null ? Map.of() : planner, WARMUP_KEY, "apart", "apart", "mixed").equals("apart");
    }

    /**
     * A draw at {@code nowMs}: from the {@link Timeline}'s series when it has one with samples and
     * draws locally in time, else uniformly from the pooled {@code samples} (0 when there are none).
     */
    static double draw(Series timed, int neighbours, double[] samples, double nowMs, SplittableRandom random) {
        if (neighbours > 0 && timed != null && timed.size() > 0) {
            return timed.near(nowMs, neighbours, random);
        }
        return draw(samples, random);
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
