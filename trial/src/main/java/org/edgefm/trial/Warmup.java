package org.edgefm.trial;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.trial.report.ReportWriter;

/**
 * How a trial dealt with the fleet's warm-up (agents born, core services placed, directives applied
 * with their instances loaded: {@link FleetReadiness}), for {@code summary.json}'s {@code warmup},
 * the console and the report. Either the workload {@code waited} for the fleet to be ready, or it
 * started earlier ({@code --warmup separate}, or the wait timed out) and the results are
 * {@code separated} into the tasks submitted before the fleet was ready and those submitted after.
 * Thread-safe: the trial's driver records, the summary reads.
 */
public final class Warmup {
    /** {@code summary.json}'s key. */
    public static final String KEY = "warmup";
    /** What "ready" means, for the summary. */
    public static final String CRITERIA = "every agent born; core placement in force for the fleet that joined (no join"
            + " pending, none being computed); the light controller decided; every node acknowledged its newest directive"
            + " as applied, which an agent does after loading the instances it starts";

    /** The workload waited for the fleet to be ready. */
    public static final String WAITED = "waited";
    /** The workload started before the fleet was ready; the results are split at the moment it was. */
    public static final String SEPARATED = "separated";

    /**
     * The tasks submitted on one side of the moment the fleet was ready.
     *
     * @param submitted   tasks submitted
     * @param completed   of those, completed successfully
     * @param onTime      of those, within their deadline
     * @param latenciesMs the completed tasks' latencies, sorted
     */
    public record Part(long submitted, long completed, long onTime, double[] latenciesMs) {
        /** On-time tasks over submitted tasks (NaN when none was submitted), as the timeline's windows count. */
        public double onTimeRate() {
            return submitted == 0 ? Double.NaN : (double) onTime / submitted;
        }

        /** A latency quantile ({@link Quantiles}), NaN without a completed task. */
        public double quantile(double q) {
            return Quantiles.of(latenciesMs, q);
        }

        void addTo(ObjectNode o) {
            o.put("submitted", submitted);
            o.put("completed", completed);
            o.put("onTime", onTime);
            putNumber(o, "onTimeRate", onTimeRate());
            putNumber(o, "p50Ms", quantile(0.5));
            putNumber(o, "p95Ms", quantile(0.95));
            putNumber(o, "p99Ms", quantile(0.99));
        }
    }

    /** What {@code --warmup} asked for: {@code wait} or {@code separate}. */
    private final String requested;
    private final long hostStartMs;
    private long workloadStartMs = -1;
    private long readyMs = -1;
    private boolean timedOut;
    private String status = "not checked";
    private Double maxPreloadMs;

    /**
     * Starts the record.
     *
     * @param wait        true: the workload waits for the fleet to be ready; false: it starts once agents are up
     * @param hostStartMs when the trial's host started (wall clock)
     */
    public Warmup(boolean wait, long hostStartMs) {
        this.requested = wait ? "wait" : "separate";
        this.hostStartMs = hostStartMs;
    }

    /** Records a readiness check at {@code nowMs}: the first ready one is the moment the fleet became ready. */
    public synchronized void check(FleetReadiness.State s, long nowMs, Double maxPreloadMs) {
        if (readyMs >= 0) {
            return;
        }
        status = s.status();
        this.maxPreloadMs = maxPreloadMs;
        if (s.ready()) {
            readyMs = nowMs;
        }
    }

    /** The wait for readiness ran out; the workload starts anyway and the results are separated. */
    public synchronized void timedOut() {
        timedOut = true;
    }

    /** The workload started at {@code atMs}. */
    public synchronized void workloadStarted(long atMs) {
        workloadStartMs = atMs;
    }

    /** When the workload started (wall clock), or -1 before it did. */
    public synchronized long workloadStartMs() {
        return workloadStartMs;
    }

    /** When the fleet was found ready (wall clock), or -1 before it was. */
    public synchronized long readyAtMs() {
        return readyMs;
    }

    /** True once the fleet was found ready. */
    public synchronized boolean ready() {
        return readyMs >= 0;
    }

    /** The last readiness status line. */
    public synchronized String status() {
        return status;
    }

    /** {@link #WAITED} when the workload started on a ready fleet, else {@link #SEPARATED}. */
    public synchronized String mode() {
        return "wait".equals(requested) && !timedOut && readyMs >= 0 && (workloadStartMs < 0 || readyMs <= workloadStartMs)
                ? WAITED : SEPARATED;
    }

    /** Seconds from the host's start to the fleet being ready, or NaN when it never was. */
    public synchronized double readyAfterS() {
        return readyMs < 0 ? Double.NaN : (readyMs - hostStartMs) / 1000.0;
    }

    /** Seconds from the workload's start to the fleet being ready (at most 0 when it was ready first), NaN when never. */
    public synchronized double readyInWorkloadS() {
        return readyMs < 0 || workloadStartMs < 0 ? Double.NaN : Math.max(0, readyMs - workloadStartMs) / 1000.0;
    }

    /** The console line said when the fleet became ready. */
    public synchronized String readyLine() {
        String pre = maxPreloadMs == null ? "" : String.format(Locale.ROOT, ", largest instance preload %.0f ms", maxPreloadMs);
        if (workloadStartMs >= 0 && readyMs > workloadStartMs) {
            return String.format(Locale.ROOT, "fleet ready %.1f s into the workload (%.1f s after the host started): %s%s",
                    (readyMs - workloadStartMs) / 1000.0, readyAfterS(), status, pre);
        }
        return String.format(Locale.ROOT, "fleet ready %.1f s after the host started: %s%s", readyAfterS(), status, pre);
    }

    /** The split of the monitor's tasks at the moment the fleet was ready (all tasks after it in {@link #WAITED} mode). */
    private Part[] parts(TrialMonitor monitor) {
        long at = readyMs < 0 ? Long.MAX_VALUE : Math.max(readyMs, workloadStartMs);
        return monitor.split(at);
    }

    /** Adds {@code warmup} to a summary's JSON. */
    public synchronized void addTo(ObjectNode j, TrialMonitor monitor) {
        ObjectNode w = j.putObject(KEY);
        String mode = mode();
        w.put("mode", mode);
        w.put("requested", requested);
        w.put("criteria", CRITERIA);
        putNumber(w, "fleetReadyAfterS", readyAfterS());
        putNumber(w, "workloadStartAfterS", workloadStartMs < 0 ? Double.NaN : (workloadStartMs - hostStartMs) / 1000.0);
        putNumber(w, "readyInWorkloadS", readyInWorkloadS());
        w.put("timedOut", timedOut);
        w.put("status", status);
        if (maxPreloadMs == null) {
            w.putNull("maxPreloadMs");
        } else {
            w.put("maxPreloadMs", maxPreloadMs);
        }
        Part[] p = parts(monitor);
        if (SEPARATED.equals(mode)) {
            p[0].addTo(w.putObject("beforeReady"));
        }
        p[1].addTo(w.putObject("afterReady"));
    }

    /** Console lines. */
    public synchronized List<String> lines(TrialMonitor monitor) {
        List<String> out = new ArrayList<>();
        String mode = mode();
        if (WAITED.equals(mode)) {
            out.add(String.format(Locale.ROOT, "warm-up: the workload started on a ready fleet (ready %.1f s after the host"
                    + " started)", readyAfterS()));
            return out;
        }
        Part[] p = parts(monitor);
        out.add(readyMs < 0 ? "warm-up: the fleet was never ready (" + status + "); every task ran during warm-up"
                : String.format(Locale.ROOT, "warm-up: the workload started %s; the fleet was ready %.1f s into it",
                        timedOut ? "after the wait for a ready fleet timed out" : "before the fleet was ready",
                        readyInWorkloadS()));
        out.add(line("  before ready", p[0]));
        out.add(line("  after ready ", p[1]));
        return out;
    }

    private static String line(String label, Part p) {
        return String.format(Locale.ROOT, "%s: %d task(s), %s on time, p50 %s, p95 %s", label, p.submitted(),
                Double.isNaN(p.onTimeRate()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * p.onTimeRate()),
                ms(p.quantile(0.5)), ms(p.quantile(0.95)));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    /** Adds the report's "Warm-up" section. */
    public synchronized void addTo(ReportWriter w, TrialMonitor monitor) {
        String mode = mode();
        Part[] p = parts(monitor);
        List<List<String>> rows = new ArrayList<>();
        if (SEPARATED.equals(mode)) {
            rows.add(row("before the fleet was ready", p[0]));
        }
        rows.add(row(SEPARATED.equals(mode) ? "after the fleet was ready" : "all (the workload waited)", p[1]));
        w.table("Warm-up", List.of("tasks submitted", "count", "on time", "p50 ms", "p95 ms", "p99 ms"), rows);
        w.paragraph((WAITED.equals(mode)
                ? String.format(Locale.ROOT, "The workload started when the fleet was ready, %.1f s after the host started.",
                        readyAfterS())
                : readyMs < 0 ? "The fleet was never ready: " + status + "."
                        : String.format(Locale.ROOT, "The workload started before the fleet was ready%s; it was ready %.1f s"
                                + " into the workload. The trial's overall figures include both parts.",
                                timedOut ? " (the wait timed out)" : "", readyInWorkloadS()))
                + " Ready means: " + CRITERIA + ".");
    }

    private static List<String> row(String label, Part p) {
        return List.of(label, String.valueOf(p.submitted()),
                Double.isNaN(p.onTimeRate()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * p.onTimeRate()),
                fmt(p.quantile(0.5)), fmt(p.quantile(0.95)), fmt(p.quantile(0.99)));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, Math.round(v * 1000) / 1000.0);
        }
    }
}
