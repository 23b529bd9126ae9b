package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;

/**
 * How a simulated fleet's tasks end: a finished task is on time or late by its deadline (eq. 9), a
 * lost one is counted by its cause; both go into the run's {@link SimStats} and, as a
 * {@link TaskCompletion} (with stage timings under {@code sim.stage-timings}), into the list the
 * next snapshot hands the control loop.
 */
final class TaskOutcomes {
    private final CompiledModel m;
    private final TaskTable tasks;
    private final SimStats stats;
    private final List<TaskCompletion> completions = new ArrayList<>();

    TaskOutcomes(CompiledModel m, TaskTable tasks, SimStats stats) {
        this.m = m;
        this.tasks = tasks;
        this.stats = stats;
    }

    /** The task's sink stage ended at {@code now}. */
    void finish(int task, double now) {
        int t = tasks.type[task];
        tasks.state[task] = TaskTable.ENDED;
        double latency = now - tasks.arrive[task];
        boolean onTime = latency <= m.deadline[t];
        stats.completed++;
        if (onTime) {
            stats.onTime++;
        }
        stats.addLatency(latency);
        completions.add(completion(task, latency, onTime, true, null));
    }

    /** The live task is lost at {@code now} for {@code why} (its first words name the counter); an ended one stays as it was. */
    void kill(int task, String why, double now) {
        if (tasks.state[task] != TaskTable.LIVE) {
            return;
        }
        tasks.state[task] = TaskTable.ENDED;
        if (why.startsWith("rejected")) {
            stats.rejected++;
        } else if (why.startsWith("unrouted")) {
            stats.failedUnrouted++;
        } else if (why.startsWith("no path")) {
            stats.failedNoPath++;
        } else if (why.startsWith("deadline")) {
            stats.failedExpired++;
        } else {
            stats.failedNodeDown++;
        }
        completions.add(completion(task, now - tasks.arrive[task], false, false, why));
    }

    /** The tasks that ended since the last call. */
    List<TaskCompletion> take() {
        List<TaskCompletion> done = List.copyOf(completions);
        completions.clear();
        return done;
    }

    private TaskCompletion completion(int task, double latency, boolean onTime, boolean success, String error) {
        int t = tasks.type[task];
        long submitted = (long) Math.floor(tasks.arrive[task]);
        // Whole-ms timestamps chosen so that TaskCompletion.onTime() agrees with the exact latency.
        long whole = onTime ? (long) Math.floor(latency)
                : Math.max((long) Math.ceil(latency), (long) Math.floor(m.deadline[t]) + 1);
        List<StageTiming> timings = List.of();
        if (tasks.start != null && success) {
            List<StageTiming> list = new ArrayList<>(m.stageIds[t].length);
            int base = task * m.maxStages;
            for (int k = 0; k < m.stageIds[t].length; k++) {
                long a = (long) Math.floor(tasks.start[base + k]);
                list.add(new StageTiming(m.stageIds[t][k], m.nodeIds[tasks.stageNode[base + k]], a,
                        Math.max(a, (long) Math.floor(tasks.end[base + k]))));
            }
            timings = list;
        }
        return new TaskCompletion("t" + tasks.seq[task], m.typeIds[t], m.nodeIds[m.streamOrigin[tasks.stream[task]]],
                submitted, submitted + whole, m.deadline[t], success, error, timings);
    }
}
