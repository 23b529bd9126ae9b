package org.edgefm.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A hand-driven fleet for control-loop tests: nodes go on and offline, directives are recorded. */
public final class FakeFleet implements Fleet {
    public final Map<String, Boolean> online = new LinkedHashMap<>();
    public final List<org.edgefm.wire.Directive> applied = new ArrayList<>();
    /** Completions the next snapshot hands out (once). */
    public final List<org.edgefm.wire.TaskCompletion> completions = new ArrayList<>();
    public double now;
    /** Link reports handed out with the next snapshot only. */
    public final List<org.edgefm.api.spi.LinkEstimate> links = new ArrayList<>();

    public FakeFleet(String... nodes) {
        for (String n : nodes) {
            online.put(n, true);
        }
    }

    @Override
    public double nowMs() {
        return now;
    }

    @Override
    public FleetSnapshot snapshot() {
        List<NodeStatus> st = new ArrayList<>();
        online.forEach((n, on) -> st.add(new NodeStatus(n, on, 1, 0, 0, 0.0, null)));
        List<org.edgefm.api.spi.LinkEstimate> reported = List.copyOf(links);
        links.clear();
        List<org.edgefm.wire.TaskCompletion> done = List.copyOf(completions);
        completions.clear();
        return new FleetSnapshot(now, st, List.of(), List.of(), List.of(), reported, done, done.size());
    }

    @Override
    public void apply(org.edgefm.wire.Directive directive) {
        applied.add(directive);
    }

    @Override
    public void close() {
    }
}
