package org.edgefm.trial;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.trial.parity.TrialLog;
import org.edgefm.wire.TaskCompletion;

/**
 * A trial's tasks: each one submitted (type, time, its stream's user and origin), refused by its agent,
 * or completed (the first completion the host's validator accepted; a task reported again counted once,
 * as a duplicate). Not thread-safe: {@link TrialMonitor} holds its lock around every call.
 */
final class TaskBook {
    /** Completed, on-time and failed tasks with the completed ones' latencies, in total and per task type. */
    record Totals(long completed, long onTime, long failed, double[] latenciesMs, Map<String, long[]> perType) {
    }

    private final Map<String, String> submittedType = new HashMap<>();
    private final Map<String, Long> submittedAt = new HashMap<>();
    /** For parity: each task's user and origin. */
    private final Map<String, String[]> source = new HashMap<>();
    private final Set<String> refused = new HashSet<>();
    private final Map<String, TaskCompletion> completions = new LinkedHashMap<>();
    private long duplicates;
    /** Completions the host's validator dropped as the same report again (read from the host at the end). */
    private long repeatedReports;

    /** A task submitted at {@code atMs}. */
    void submitted(String taskId, String taskType, long atMs) {
        submittedType.put(taskId, taskType);
        submittedAt.put(taskId, atMs);
    }

    /** The user and origin of a submitted task's stream. */
    void source(String taskId, String user, String origin) {
        source.put(taskId, new String[] {user, origin});
    }

    /** A task its agent did not accept. */
    void refused(String taskId) {
        refused.add(taskId);
    }

    /** A completion the host accepted; true for a task's first, false for a repeat (counted as a duplicate). */
    boolean completed(TaskCompletion c, boolean repeat) {
        if (repeat || completions.putIfAbsent(c.taskId(), c) != null) {
            duplicates++;
            return false;
        }
        return true;
    }

    /** The completions the host's validator dropped as the same report again. */
    void repeatedReports(long n) {
        this.repeatedReports = n;
    }

    /** Repeated completions: those the fleet state saw and those the validator dropped. */
    long duplicates() {
        return duplicates + repeatedReports;
    }

    /** Tasks submitted. */
    long submitted() {
        return submittedType.size();
    }

    /** Tasks refused. */
    long refused() {
        return refused.size();
    }

    /** The first completion of a task, or null. */
    TaskCompletion completion(String taskId) {
        return completions.get(taskId);
    }

    /** When each task was submitted (ms since the epoch), by task id. */
    Map<String, Long> submittedAt() {
        return submittedAt;
    }

    /** Tasks submitted and accepted but neither completed nor failed yet. */
    long pending() {
        return submittedType.keySet().stream().filter(t -> !refused.contains(t) && !completions.containsKey(t)).count();
    }

    /** Tasks completed successfully and those of them on time. */
    long[] completedOnTime() {
        long completed = 0;
        long onTime = 0;
        for (String t : submittedType.keySet()) {
            TaskCompletion c = completions.get(t);
            if (c != null && c.success()) {
                completed++;
                if (c.completedAtMs() - c.submittedAtMs() <= c.deadlineMs()) {
                    onTime++;
                }
            }
        }
        return new long[] {completed, onTime};
    }

    /**
     * The tasks submitted before {@code atMs} and those submitted from then on, each as submitted, completed and
     * on-time counts with the completed tasks' latencies ({@link Warmup}).
     */
    Warmup.Part[] split(long atMs) {
        long[][] c = new long[2][3];
        List<List<Double>> lat = List.of(new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<String, Long> e : submittedAt.entrySet()) {
            int part = e.getValue() < atMs ? 0 : 1;
            c[part][0]++;
            TaskCompletion tc = completions.get(e.getKey());
            if (tc != null && tc.success()) {
                c[part][1]++;
                double l = tc.completedAtMs() - tc.submittedAtMs();
                lat.get(part).add(l);
                if (l <= tc.deadlineMs()) {
                    c[part][2]++;
                }
            }
        }
        Warmup.Part[] out = new Warmup.Part[2];
        for (int i = 0; i < 2; i++) {
            out[i] = new Warmup.Part(c[i][0], c[i][1], c[i][2],
                    lat.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }
        return out;
    }

    /**
     * The totals for the summary; {@code perType} holds per task type, the scenario's first, submitted,
     * completed, on-time and failed counts.
     */
    Totals totals(List<String> taskTypes) {
        Map<String, long[]> perType = new LinkedHashMap<>();
        taskTypes.forEach(t -> perType.put(t, new long[4]));
        List<Double> latencies = new ArrayList<>();
        long completed = 0;
        long onTime = 0;
        long failed = 0;
        for (Map.Entry<String, String> e : submittedType.entrySet()) {
            long[] c = perType.computeIfAbsent(e.getValue(), k -> new long[4]);
            c[0]++;
            TaskCompletion tc = completions.get(e.getKey());
            if (tc == null) {
                continue;
            }
            if (!tc.success()) {
                failed++;
                c[3]++;
                continue;
            }
            completed++;
            c[1]++;
            double lat = tc.completedAtMs() - tc.submittedAtMs();
            latencies.add(lat);
            if (lat <= tc.deadlineMs()) {
                onTime++;
                c[2]++;
            }
        }
        return new Totals(completed, onTime, failed, latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray(),
                perType);
    }

    /** Every submitted task with its source, refusal and completion, in order of submission (for parity). */
    List<TrialLog.Task> log() {
        List<TrialLog.Task> tasks = new ArrayList<>();
        for (Map.Entry<String, String> e : submittedType.entrySet()) {
            String[] src = source.getOrDefault(e.getKey(), new String[2]);
            tasks.add(new TrialLog.Task(e.getKey(), e.getValue(), src[0], src[1],
                    submittedAt.getOrDefault(e.getKey(), -1L), refused.contains(e.getKey()), completions.get(e.getKey())));
        }
        tasks.sort(Comparator.comparingLong(TrialLog.Task::submittedMs));
        return tasks;
    }
}
