package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.wire.TaskCompletion;

/**
 * The host's task meters: completions by task type and by origin node with their outcome, the
 * end-to-end latency histogram by task type, the run's on-time rate, and the last
 * {@value #HISTORY} slots' figures for the dashboard. Fed by each snapshot's completions. Part of
 * {@link HostMeters}; thread-safe.
 */
final class TaskMeters {
    private static final int HISTORY = 600;
    private static final String TASKS_HELP = "Task completions by task type and outcome (on_time, late, failed)";
    private static final String ORIGIN_HELP = "Task completions by origin node and outcome (on_time, late, failed)";

    private final MeterRegistry registry;
    private final MeterLabels labels;
    private final Counter completed;
    private final Counter onTime;
    private final Deque<HostMeters.SlotPoint> history = new ArrayDeque<>();
    private long totalCompleted;
    private long totalOnTime;

    TaskMeters(MeterRegistry registry, MeterLabels labels) {
        this.registry = registry;
        this.labels = labels;
        completed = Counter.builder("edgefm.tasks.completed").description("Task completions counted (every outcome)").register(registry);
        onTime = Counter.builder("edgefm.tasks.ontime").description("Task completions within their deadline").register(registry);
        Gauge.builder("edgefm.tasks.ontime.rate", this, TaskMeters::onTimeRate)
                .description("Share of completed tasks that met their deadline").register(registry);
    }

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    /** The outcome label of a completion: {@code failed}, {@code on_time} or {@code late}. */
    static String outcome(TaskCompletion c) {
        return !c.success() ? "failed" : c.onTime() ? "on_time" : "late";
    }

    private void countTask(TaskCompletion c) {
        String type = labels.taskType(c.taskType());
        String outcome = outcome(c);
        counter("edgefm.tasks", TASKS_HELP, "task_type", type, "outcome", outcome).increment();
        counter("edgefm.tasks.by.origin", ORIGIN_HELP, "node", labels.node(c.origin()), "outcome", outcome).increment();
        Timer.builder("edgefm.task.latency").description("End-to-end latency of completed tasks (submission at the origin"
                + " to the end of the sink stage), by task type").tag("task_type", type).serviceLevelObjectives(MeterBuckets.TASK)
                .register(registry).record(Math.max(0, c.latencyMs()), TimeUnit.MILLISECONDS);
    }

    /** Completions of {@code taskType} with {@code outcome} so far. */
    long count(String taskType, String outcome) {
        var c = registry.find("edgefm.tasks").tags("task_type", labels.taskType(taskType), "outcome", outcome).counter();
        return c == null ? 0 : (long) c.count();
    }

    void onSnapshot(long slot, FleetSnapshot snapshot) {
        int n = 0;
        int ok = 0;
        double latency = 0;
        for (TaskCompletion c : snapshot.completions()) {
            countTask(c);
            n++;
            latency += c.latencyMs();
            if (c.onTime()) {
                ok++;
            }
        }
        completed.increment(n);
        onTime.increment(ok);
        synchronized (this) {
            totalCompleted += n;
            totalOnTime += ok;
            history.addLast(new HostMeters.SlotPoint(slot, snapshot.nowMs(), n, ok, n == 0 ? null : latency / n));
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    /** The on-time rate over the run, or NaN before the first completion. */
    synchronized double onTimeRate() {
        return totalCompleted == 0 ? Double.NaN : (double) totalOnTime / totalCompleted;
    }

    /** Completions over the run. */
    synchronized long totalCompleted() {
        return totalCompleted;
    }

    /** The recent per-slot figures, oldest first. */
    synchronized List<HostMeters.SlotPoint> history() {
        return new ArrayList<>(history);
    }
}
