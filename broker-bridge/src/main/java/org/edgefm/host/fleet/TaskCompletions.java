package org.edgefm.host.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.wire.TaskCompletion;

/**
 * The fleet's task completions between two snapshots, for {@link FleetState}: each task id counted
 * once (within the newest {@value #DEDUP_WINDOW} ids, also across a host restart), handed out with
 * the next snapshot, and turned into arrival rates per stream (user and task type). Not thread-safe:
 * {@link FleetState} holds its lock around every call.
 */
final class TaskCompletions {
    private static final int DEDUP_WINDOW = 100_000;

    private final Map<String, String> userByNode = new LinkedHashMap<>();
    private final LinkedHashSet<String> seenTasks = new LinkedHashSet<>();
    private final List<TaskCompletion> completions = new ArrayList<>();
    private long submitted;

    /** Replaces the users, each by the node its tasks enter at (a node's first user counts). */
    void users(List<UserSpec> users) {
        userByNode.clear();
        for (UserSpec u : users) {
            userByNode.putIfAbsent(u.node(), u.id());
        }
    }

    /** Marks task ids as counted already (by the previous run of the host). */
    void alreadyCounted(List<String> taskIds) {
        for (String id : taskIds) {
            seenTasks.add(id);
            forgetOldest();
        }
    }

    /** Counts a completion unless its task was counted already; true when it was new. */
    boolean add(TaskCompletion c) {
        if (!seenTasks.add(c.taskId())) {
            return false;
        }
        completions.add(c);
        submitted++;
        forgetOldest();
        return true;
    }

    private void forgetOldest() {
        if (seenTasks.size() > DEDUP_WINDOW) {
            seenTasks.remove(seenTasks.iterator().next());
        }
    }

    /**
     * Arrival rates per stream over an interval: the completions of tasks that entered at a user's node,
     * per (user, task type), divided by the interval; none for an interval of 0 (the first snapshot).
     */
    List<DemandEstimate> arrivals(double intervalMs) {
        // assumption: arrivals per (user, task type) are counted from the completions of tasks that
        // entered at the user's node; telemetry carries per-service, not per-user, arrivals.
        Map<String, Integer> perStream = new TreeMap<>();
        for (TaskCompletion c : completions) {
            String user = userByNode.get(c.origin());
            if (user != null) {
                perStream.merge(user + "|" + c.taskType(), 1, Integer::sum);
            }
        }
        List<DemandEstimate> arrivals = new ArrayList<>();
        if (intervalMs > 0) {
            perStream.forEach((k, v) -> {
                int bar = k.indexOf('|');
                arrivals.add(new DemandEstimate(k.substring(0, bar), k.substring(bar + 1), v / intervalMs));
            });
        }
        return arrivals;
    }

    /** The completions since the last call, handed out once. */
    List<TaskCompletion> drain() {
        List<TaskCompletion> done = List.copyOf(completions);
        completions.clear();
        return done;
    }

    /** The number of tasks completed since the last call. */
    long drainSubmitted() {
        long sub = submitted;
        submitted = 0;
        return sub;
    }
}
