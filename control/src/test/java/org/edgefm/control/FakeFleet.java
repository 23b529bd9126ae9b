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

    /** Nodes that announced a birth (a fleet model builds the planners' nodes from them). */
    public final Map<String, JoinedNode> births = new LinkedHashMap<>();
    public long membership;
    public final List<org.edgefm.api.model.UserSpec> users = new ArrayList<>();

    /** A node joins: it is born and online. */
    public void join(String id, String profile, List<String> labels) {
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
    public Map<String, String> peerEndpoints() {
        Map<String, String> m = new java.util.TreeMap<>();
        births.forEach((id, b) -> {
            if (b.dataEndpoint() != null && !b.dataEndpoint().isBlank()) {
                m.put(id, b.dataEndpoint());
            }
        });
        return m;
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
