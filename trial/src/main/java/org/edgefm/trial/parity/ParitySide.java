package org.edgefm.trial.parity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.control.stats.Quantiles;

/**
 * One side of a parity comparison (the live trial or its replay), computed the same way for both
 * from task outcomes and a {@link CostLedger.Tally}: on-time rate (on-time tasks over submitted
 * ones), latency quantiles of the completed tasks ({@link Quantiles}), cost, directives and
 * placement changes, per task type and per window of the workload's time.
 *
 * @param submitted        tasks submitted
 * @param completed        of those, completed successfully
 * @param onTime           of those, within their deadline
 * @param p50Ms            median latency of the completed ones (NaN without any)
 * @param p95Ms            95th percentile
 * @param p99Ms            99th percentile
 * @param cost             eqs. (6)-(7) over the workload's time ({@link CostLedger})
 * @param directives       directives published during the workload
 * @param placementChanges of those, the ones that changed a node's instance counts
 * @param perType          per task type: submitted, completed, on time, p50, p95
 * @param windows          per window: submitted, completed, on time, p50, p95, directives, placement changes
 * @param afterWarmup      the tasks submitted after the first window (the warm-up: a fresh JVM's first calls)
 */
public record ParitySide(long submitted, long completed, long onTime, double p50Ms, double p95Ms, double p99Ms,
        double cost, long directives, long placementChanges, Map<String, Row> perType, List<Row> windows, Row afterWarmup) {

    /**
     * One task's outcome.
     *
     * @param atMs       submission, ms after the workload's start
     * @param taskType   its type
     * @param success    whether it completed
     * @param latencyMs  its end-to-end latency (when it completed)
     * @param deadlineMs its deadline
     */
    public record Outcome(double atMs, String taskType, boolean success, double latencyMs, double deadlineMs) {
        /** Completed within the deadline. */
        public boolean onTime() {
            return success && latencyMs <= deadlineMs;
        }
    }

    /**
     * Figures of a part of the tasks (a task type or a window).
     *
     * @param label            the type, or the window's start in s
     * @param submitted        tasks submitted
     * @param completed        completed
     * @param onTime           on time
     * @param p50Ms            median latency (NaN without completions)
     * @param p95Ms            95th percentile
     * @param directives       directives in the window (0 for a task type)
     * @param placementChanges placement changes in the window (0 for a task type)
     */
    public record Row(String label, long submitted, long completed, long onTime, double p50Ms, double p95Ms, long directives,
            long placementChanges) {
        /** On-time over submitted (NaN when none). */
        public double onTimeRate() {
            return submitted == 0 ? Double.NaN : (double) onTime / submitted;
        }
    }

    /** On-time over submitted (NaN when none). */
    public double onTimeRate() {
        return submitted == 0 ? Double.NaN : (double) onTime / submitted;
    }

    /**
     * Computes a side.
     *
     * @param outcomes   every task submitted during the workload
     * @param tally      the directive history charged over the workload's time
     * @param types      the task types, in the report's order
     * @param windowMs   the window width
     * @param workloadMs the workload's length (the windows cover it)
     */
    public static ParitySide of(List<Outcome> outcomes, CostLedger.Tally tally, List<String> types, double windowMs,
            double workloadMs) {
        Map<String, Row> perType = new LinkedHashMap<>();
        for (String t : types) {
            perType.put(t, row(t, outcomes.stream().filter(o -> o.taskType().equals(t)).toList(), 0, 0));
        }
        int n = (int) Math.max(1, Math.ceil(workloadMs / windowMs));
        List<Row> windows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double from = i * windowMs;
            double to = from + windowMs;
            boolean lastW = i == n - 1;
            List<Outcome> in = outcomes.stream().filter(o -> o.atMs() >= from && (o.atMs() < to || lastW)).toList();
            long d = tally.directiveTimes().stream().filter(t -> t >= from && (t < to || lastW)).count();
            long c = tally.changeTimes().stream().filter(t -> t >= from && (t < to || lastW)).count();
            windows.add(row(String.valueOf(Math.round(from / 100.0) / 10.0), in, d, c));
        }
        Row all = row("all", outcomes, 0, 0);
        double[] lat = latencies(outcomes);
        Row steady = row("after warm-up", outcomes.stream().filter(o -> o.atMs() >= windowMs).toList(), 0, 0);
        return new ParitySide(all.submitted(), all.completed(), all.onTime(), all.p50Ms(), all.p95Ms(), quantile(lat, 0.99),
                tally.cost(), tally.directives(), tally.placementChanges(), perType, windows, steady);
    }

    private static Row row(String label, List<Outcome> in, long directives, long changes) {
        double[] lat = latencies(in);
        return new Row(label, in.size(), lat.length, in.stream().filter(Outcome::onTime).count(), quantile(lat, 0.5),
                quantile(lat, 0.95), directives, changes);
    }

    private static double[] latencies(List<Outcome> in) {
        return in.stream().filter(Outcome::success).mapToDouble(o -> Math.max(0, o.latencyMs())).sorted().toArray();
    }

    /** The project's one quantile ({@link Quantiles}); NaN without values. */
    static double quantile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : Quantiles.of(sorted, q);
    }
}
