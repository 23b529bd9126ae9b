package org.edgefm.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.wire.TaskCompletion;

/**
 * A trial's timeline: the workload's time cut into windows from its start, the impaired part marked,
 * and per window the tasks submitted, completed and on time with their p95 latency, the directives first
 * published and the placement changes. Not thread-safe: {@link TrialMonitor} holds its lock around every
 * call.
 */
final class TrialTimeline {
    /** When the workload started (-1: not yet), how long it runs, the window width and the impaired part of the workload. */
    private long workloadStartMs = -1;
    private long workloadMs = -1;
    private long windowMs = 5_000;
    private long impairedFromMs = -1;
    private long impairedToMs = -1;

    /** Starts the timeline (see {@link TrialMonitor#workloadStarted}). */
    void workloadStarted(long startMs, long workloadMs, long windowMs, long impairedFromMs, long impairedToMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("windowMs: " + windowMs + " (expected > 0)");
        }
        this.workloadStartMs = startMs;
        this.windowMs = windowMs;
        this.workloadMs = workloadMs;
        this.impairedFromMs = impairedFromMs;
        this.impairedToMs = impairedToMs;
    }

    /** When the workload started (ms since the epoch), or -1. */
    long workloadStartMs() {
        return workloadStartMs;
    }

    /** How long the workload runs in ms, or -1 before it starts. */
    long workloadMs() {
        return workloadMs;
    }

    /** The window width in ms. */
    long windowMs() {
        return windowMs;
    }

    /**
     * Per window of the workload's time (to its end, or the trial's {@code end} if sooner): tasks submitted in
     * it and of those the completed and on-time ones with their p95 latency, directives first published and
     * placement changes in it.
     */
    TrialSummary.Timeline timeline(long end, TaskBook tasks, List<Long> directiveTimes, List<Long> placementTimes) {
        if (workloadStartMs < 0) {
            return TrialSummary.Timeline.none();
        }
        long until = Math.min(end, workloadStartMs + workloadMs);
        int n = (int) Math.max(1, (until - workloadStartMs + windowMs - 1) / windowMs);
        long[] sub = new long[n];
        long[] done = new long[n];
        long[] onTime = new long[n];
        long[] dirs = new long[n];
        long[] changes = new long[n];
        List<List<Double>> lat = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lat.add(new ArrayList<>());
        }
        for (Map.Entry<String, Long> e : tasks.submittedAt().entrySet()) {
            int w = window(e.getValue(), n);
            if (w < 0) {
                continue;
            }
            sub[w]++;
            TaskCompletion c = tasks.completion(e.getKey());
            if (c != null && c.success()) {
                done[w]++;
                double l = c.completedAtMs() - c.submittedAtMs();
                lat.get(w).add(l);
                if (l <= c.deadlineMs()) {
                    onTime[w]++;
                }
            }
        }
        directiveTimes.stream().mapToInt(t -> window(t, n)).filter(w -> w >= 0).forEach(w -> dirs[w]++);
        placementTimes.stream().mapToInt(t -> window(t, n)).filter(w -> w >= 0).forEach(w -> changes[w]++);
        double toMs = Math.min(impairedToMs < 0 ? Long.MAX_VALUE : impairedToMs, until - workloadStartMs);
        List<TrialSummary.Window> windows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long from = i * windowMs;
            boolean impaired = impairedFromMs >= 0 && from < toMs && from + windowMs > impairedFromMs;
            double[] l = lat.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            windows.add(new TrialSummary.Window(from / 1000.0, sub[i], done[i], onTime[i],
                    TrialSummary.quantile(l, 0.95), dirs[i], changes[i], impaired));
        }
        return new TrialSummary.Timeline(windowMs / 1000.0, windows, impairedFromMs < 0 ? null : impairedFromMs / 1000.0,
                impairedFromMs < 0 ? null : toMs / 1000.0);
    }

    private int window(long t, int n) {
        long w = (t - workloadStartMs) / windowMs;
        return t < workloadStartMs || w >= n ? -1 : (int) w;
    }
}
