package org.edgefm.trial;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.wire.Ack;
import org.edgefm.wire.Directive;

/**
 * A trial's directives as the host's outbox published them and the agents acknowledged them: sent
 * (the first publication of a node's planner epoch and version), re-sent (each later one), applied,
 * when each was first published, and how old the node's newest telemetry was then. Not thread-safe:
 * {@link TrialMonitor} holds its lock around every call.
 */
final class DirectiveBook {
    /** The first ones kept: the telemetry ages are bounded. */
    private static final int MAX_TELEMETRY_AGES = 100_000;

    private final Set<String> seen = new HashSet<>();
    private final Set<String> acked = new HashSet<>();
    private final Set<String> appliedNodes = new HashSet<>();
    private long resent;
    private final List<Long> firstPublished = new ArrayList<>();
    private final Map<String, Long> telemetryAt = new HashMap<>();
    /** Per directive published, the age of the node's newest telemetry. */
    private final List<Double> telemetryAges = new ArrayList<>();

    private static String key(String node, long plannerEpoch, long version) {
        return node + "/" + plannerEpoch + "/" + version;
    }

    /** Telemetry of {@code node} arrived at {@code now}. */
    void telemetry(String node, long now) {
        telemetryAt.put(node, now);
    }

    /** A publication of {@code d} at {@code now}; true for its first, false for a re-send. */
    boolean published(Directive d, long now) {
        if (!seen.add(key(d.nodeId(), d.plannerEpoch(), d.version()))) {
            resent++;
            return false;
        }
        firstPublished.add(now);
        Long at = telemetryAt.get(d.nodeId());
        if (at != null && telemetryAges.size() < MAX_TELEMETRY_AGES) {
            telemetryAges.add((double) (now - at));
        }
        return true;
    }

    /** An ack of outcome applied. */
    void applied(Ack a) {
        acked.add(key(a.nodeId(), a.plannerEpoch(), a.version()));
        appliedNodes.add(a.nodeId());
    }

    /** Whether the node acknowledged a directive as applied. */
    boolean applied(String node) {
        return appliedNodes.contains(node);
    }

    /** Whether the node acknowledged the directive of this planner epoch and version as applied. */
    boolean appliedAck(String node, long plannerEpoch, long version) {
        return acked.contains(key(node, plannerEpoch, version));
    }

    /** Whether every directive seen so far is acknowledged as applied. */
    boolean settled() {
        // A node's directive counts as settled once it, or a later one for that node, was applied
        // (an agent may reject an early directive that names a peer not yet born).
        if (seen.isEmpty()) {
            return false;
        }
        Map<String, long[]> latest = new HashMap<>();
        for (String k : seen) {
            String[] p = k.split("/");
            long[] ev = {Long.parseLong(p[p.length - 2]), Long.parseLong(p[p.length - 1])};
            String node = k.substring(0, k.length() - p[p.length - 2].length() - p[p.length - 1].length() - 2);
            latest.merge(node, ev, (a, b) -> a[0] > b[0] || (a[0] == b[0] && a[1] >= b[1]) ? a : b);
        }
        return latest.entrySet().stream().allMatch(e -> acked.contains(key(e.getKey(), e.getValue()[0], e.getValue()[1])));
    }

    /** Directives sent (first publications). */
    long sent() {
        return seen.size();
    }

    /** Directives acknowledged as applied. */
    long acked() {
        return acked.size();
    }

    /** Publications after the first. */
    long resent() {
        return resent;
    }

    /** When each directive was first published (ms since the epoch), in order. */
    List<Long> firstPublished() {
        return firstPublished;
    }

    /** Per directive published, the age of the node's newest telemetry in ms (the live list, for parity). */
    List<Double> telemetryAges() {
        return telemetryAges;
    }
}
