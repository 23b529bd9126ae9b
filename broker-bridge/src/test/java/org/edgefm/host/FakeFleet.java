package org.edgefm.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A hand-driven fleet for control-loop tests: nodes go on and offline, directives are recorded. */
final class FakeFleet implements Fleet {
    final Map<String, Boolean> online = new LinkedHashMap<>();
    final List<org.edgefm.api.wire.Directive> applied = new ArrayList<>();
    /** Completions the next snapshot hands out (once). */
    final List<org.edgefm.api.wire.TaskCompletion> completions = new ArrayList<>();
    double now;
    /** Link reports handed out with the next snapshot only. */
    final List<org.edgefm.api.spi.LinkEstimate> links = new ArrayList<>();

    /** Nodes that announced a birth (a fleet model builds the planners' nodes from them). */
    final Map<String, JoinedNode> births = new LinkedHashMap<>();
    long membership;
    final List<org.edgefm.api.model.UserSpec> users = new ArrayList<>();

    /** A node joins: it is born and online. */
    void join(String id, String profile, List<String> labels) {
        births.put(id, new JoinedNode(id, profile, org.edgefm.api.model.ResourceVector.of(8, 16, 16, 8), labels,
                "127.0.0.1:1", true));
        online.put(id, true);
        membership++;
    }

    @Override
    public long membershipVersion() {
        return membership;
    }

    @Override
    public List<JoinedNode> joined() {
        return List.copyOf(births.values());
    }

    @Override
    public void users(List<org.edgefm.api.model.UserSpec> bound) {
        users.clear();
        users.addAll(bound);
    }

    FakeFleet(String... nodes) {
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
        List<org.edgefm.api.wire.TaskCompletion> done = List.copyOf(completions);
        completions.clear();
        return new FleetSnapshot(now, st, List.of(), List.of(), List.of(), reported, done, done.size());
    }

    @Override
    public void apply(org.edgefm.api.wire.Directive directive) {
        applied.add(directive);
    }

    @Override
    public void close() {
    }
}
