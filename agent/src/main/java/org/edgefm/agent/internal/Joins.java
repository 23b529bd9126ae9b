package org.edgefm.agent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.agent.internal.TaskVerticle.Data;
import org.edgefm.agent.internal.TaskVerticle.Header;
import org.edgefm.api.model.Stage;
import org.edgefm.wire.StageTiming;

/**
 * Fusion (multi-parent) stages waiting here for their parents' outputs, by task and stage. A join is
 * kept at least the floor the agent was given, and twice its task type's deadline; one whose parents
 * did not all come by then is handed back by {@link #expire} for the agent to fail. Used from the
 * data plane's event loop only.
 */
final class Joins {
    /** A join whose parents have all arrived: their outputs in the parents' order, and the stages' timings so far. */
    record Ready(List<Data> inputs, List<StageTiming> timings) {
    }

    /** A join given up: its first header, the timings so far, the parents that never came and how long it waited. */
    record Expired(Header first, List<StageTiming> timings, List<String> missing, long keepMs) {
    }

    private final long minKeepMs;
    private final Map<String, Join> joins = new HashMap<>();

    Joins(long minKeepMs) {
        this.minKeepMs = minKeepMs;
    }

    /**
     * One parent's output for a fusion stage.
     *
     * @param h       the header it came with (its stage is the fusion stage, its {@code fromStage} the parent)
     * @param data    the parent's output
     * @param parents the fusion stage's parents
     * @return the inputs once every parent is here, else null (the join keeps the data)
     */
    Ready offer(Header h, Data data, List<Stage> parents) {
        String key = h.taskId() + "/" + h.stage();
        Join j = joins.computeIfAbsent(key, k -> new Join(h, minKeepMs));
        Data replaced = j.inputs.put(h.fromStage(), data);
        if (replaced != null && replaced.owner() != data.owner()) {
            replaced.release(); // the same parent twice (a resend): keep the latest
        }
        for (StageTiming t : h.timings()) {
            if (j.timings.stream().noneMatch(x -> x.stage().equals(t.stage()))) {
                j.timings.add(t);
            }
        }
        if (j.inputs.size() < parents.size()) {
            return null;
        }
        joins.remove(key);
        List<Data> inputs = new ArrayList<>();
        for (Stage p : parents) {
            Data in = j.inputs.get(p.id());
            if (in != null && in.array() != null) {
                inputs.add(in);
            }
        }
        return new Ready(inputs, j.timings);
    }

    /**
     * Removes the joins kept past their time, releasing the data they held.
     *
     * @param nowMs the time now
     * @return the joins given up
     */
    List<Expired> expire(long nowMs) {
        List<Expired> out = new ArrayList<>();
        for (var it = joins.values().iterator(); it.hasNext();) {
            Join j = it.next();
            if (nowMs - j.createdMs > j.keepMs) {
                it.remove();
                j.inputs.values().forEach(Data::release);
                List<String> missing = j.first.taskType().parents(j.first.stage()).stream().map(Stage::id)
                        .filter(p -> !j.inputs.containsKey(p)).toList();
                out.add(new Expired(j.first, j.timings, missing, j.keepMs));
            }
        }
        return out;
    }

    /** Joins waiting now. */
    int size() {
        return joins.size();
    }

    private static final class Join {
        final long createdMs = System.currentTimeMillis();
        final long keepMs;
        final Header first;
        final Map<String, Data> inputs = new LinkedHashMap<>();
        final List<StageTiming> timings = new ArrayList<>();

        /**
         * A parent may never come: it failed elsewhere (reported there), or it went to another node
         * because the routing changed while the task was under way (reported here on expiry).
         */
        Join(Header first, long minKeepMs) {
            this.first = first;
            this.keepMs = (long) Math.max(minKeepMs, 2 * first.taskType().deadlineMs());
        }
    }
}
