package org.edgefm.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A calibrated twin's stations sharing one machine's cores ({@value #KEY} = N &gt; 0), as a trial's
 * agents do: each agent runs a stage on a worker thread of its service's pool, and every such thread of
 * every agent, with the machine's other runnable threads ({@value #BACKGROUND_KEY} = b), shares the
 * N cores (processor sharing). A stage in service then progresses at {@code min(1, N / (n + b))} of
 * its own pace, n being the stages in service on all nodes, so a stage that overlaps others is slowed
 * by them and a lone one is not, where the plain twin draws a wall time that carries the sharing as
 * it was live at that moment, whatever the twin's own overlap.
 *
 * <p>The measured wall times are turned into work first ({@link #deflate}, where the twin is
 * built): each sample times {@code min(1, N / (n̄ + b))}, n̄ being the stages in service live, averaged over the sample's own
 * interval (from the task log's stage timings). The event loop then serves work at the shared pace:
 * a virtual clock advances at that pace and a stage ends when it has advanced by its work.
 * Reconstruction: one thread per stage (an agent's ND4J products may use more), every node on one
 * machine (a trial's local agents).
 */
public final class SharedCores {
    /** The key of the machine's cores (0: off, every station serves on its own). */
    public static final String KEY = "sim.twin.shared-cores";
    /** The key of the machine's other runnable threads. */
    public static final String BACKGROUND_KEY = "sim.twin.background-threads";

    private static final long[] NONE = new long[0];

    private final double cores;
    private final double background;
    /** Virtual work clock: ms of work each stage in service has received since the start. */
    private double virtual;
    private double lastMs;
    /** Stages in service: the virtual time each one ends at, and its event payload. */
    private double[] endsAt = new double[64];
    private long[] payload = new long[64];
    private int size;
    private long epoch;

    SharedCores(double cores, double background) {
        this.cores = cores;
        this.background = background;
    }

    /** The machine's cores from a scenario's planner section, 0 when off. */
    public static double cores(Map<String, ?> planner) {
        return SimSettings.nonNegative(planner == null ? Map.of() : planner, KEY, 0);
    }

    /** The background threads from a scenario's planner section. */
    static double background(Map<String, ?> planner) {
        return SimSettings.nonNegative(planner == null ? Map.of() : planner, BACKGROUND_KEY, 0);
    }

    /** The pace of each of {@code n} stages in service: the share of a core each gets, at most 1. */
    double pace(double n) {
        return Math.min(1.0, cores / Math.max(1e-9, n + background));
    }

    /** The epoch of the pending end event; an event of an older one is stale. */
    long epoch() {
        return epoch;
    }

    /** A stage starts at {@code nowMs} with {@code workMs} of work; its end event is {@code donePayload}. */
    void start(double nowMs, double workMs, long donePayload) {
        advance(nowMs);
        if (size == endsAt.length) {
            endsAt = Arrays.copyOf(endsAt, size * 2);
            payload = Arrays.copyOf(payload, size * 2);
        }
        endsAt[size] = virtual + workMs;
        payload[size] = donePayload;
        size++;
    }

    /** The stages whose work is done at {@code nowMs}, removed (their end events' payloads). */
    long[] finished(double nowMs) {
        advance(nowMs);
        int done = 0;
        long[] out = NONE;
        for (int i = 0; i < size; i++) {
            // a relative tolerance: the end time was computed from the same clock
            if (endsAt[i] <= virtual + 1e-9 * Math.max(1, virtual)) {
                if (done == out.length) {
                    out = Arrays.copyOf(out, Math.max(4, 2 * done));
                }
                out[done++] = payload[i];
                endsAt[i] = endsAt[size - 1];
                payload[i] = payload[size - 1];
                size--;
                i--;
            }
        }
        return done == out.length ? out : Arrays.copyOf(out, done);
    }

    /**
     * When the next stage ends, from {@code nowMs} at the present pace (NaN with none in service),
     * and a new epoch begun: the caller pushes one end event for it.
     */
    double nextEndMs(double nowMs) {
        advance(nowMs);
        epoch++;
        if (size == 0) {
            return Double.NaN;
        }
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            min = Math.min(min, endsAt[i]);
        }
        return nowMs + Math.max(0, min - virtual) / pace(size);
    }

    private void advance(double nowMs) {
        if (nowMs > lastMs) {
            virtual += (nowMs - lastMs) * pace(size);
            lastMs = nowMs;
        }
    }

    /**
     * Measured wall times turned into work under {@code planner}'s {@value #KEY} (unchanged when it is
     * off): each sample times the pace it had live, from the stages in service then on every node,
     * averaged over the sample's interval.
     *
     * @param measured per node/service, its measured service times by stage start (all of the trial's)
     * @param planner  a scenario's planner section
     * @return per node/service the work series
     */
    public static Map<String, Twin.Series> deflate(Map<String, Twin.Series> measured, Map<String, ?> planner) {
        double cores = cores(planner);
        if (cores == 0) {
            return measured;
        }
        SharedCores shared = new SharedCores(cores, background(planner));
        List<double[]> edges = new ArrayList<>();
        for (Twin.Series s : measured.values()) {
            for (int i = 0; i < s.size(); i++) {
                edges.add(new double[] {s.atMs()[i], +1});
                edges.add(new double[] {s.atMs()[i] + s.ms()[i], -1});
            }
        }
        // ends before starts at the same instant: a stage that ended does not overlap one that began then
        edges.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        double[] at = new double[edges.size()];
        double[] level = new double[edges.size()];
        int n = 0;
        for (int i = 0; i < at.length; i++) {
            n += (int) edges.get(i)[1];
            at[i] = edges.get(i)[0];
            level[i] = n;
        }
        Map<String, Twin.Series> out = new HashMap<>();
        measured.forEach((k, s) -> {
            double[] work = new double[s.size()];
            for (int i = 0; i < s.size(); i++) {
                double a = s.atMs()[i];
                work[i] = s.ms()[i] * shared.pace(Math.max(1, meanLevel(at, level, a, a + s.ms()[i])));
            }
            out.put(k, new Twin.Series(s.atMs(), work));
        });
        return out;
    }

    /** The time-average of the step function (at, level) over [a, b]; its value at a when b = a. */
    private static double meanLevel(double[] at, double[] level, double a, double b) {
        int i = Arrays.binarySearch(at, a);
        // the last edge at or before a (the sweep's level just after it)
        int k = i >= 0 ? i : -i - 2;
        while (k + 1 < at.length && at[k + 1] <= a) {
            k++;
        }
        double cur = k >= 0 ? level[k] : 0;
        if (b <= a) {
            return cur;
        }
        double sum = 0;
        double t = a;
        for (int j = k + 1; j < at.length && at[j] < b; j++) {
            sum += cur * (at[j] - t);
            t = at[j];
            cur = level[j];
        }
        sum += cur * (b - t);
        return sum / (b - a);
    }
}
