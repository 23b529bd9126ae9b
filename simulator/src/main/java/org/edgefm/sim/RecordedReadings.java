package org.edgefm.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.edgefm.api.spi.LinkEstimate;

/**
 * What a live host observed of its fleet at each decision, on the workload's clock (ms after its
 * start; negative: before it), for a twin that replays that trial: per node the status readings its
 * snapshots held (online, telemetry age, CPU load), and the link reports the agents' telemetry carried.
 * With {@value #KEY} = {@code recorded} a replaying twin's snapshots report these instead of its own
 * (docs/simulator.md, "Recorded readings").
 *
 * @param nodes per node, its readings in time order
 * @param links the link reports in time order
 */
public record RecordedReadings(Map<String, List<Node>> nodes, List<Link> links) {
    /** The key that says whose readings a replaying twin's planners see. */
    public static final String KEY = "sim.twin.readings";

    /**
     * One node's status as a snapshot of the live host held it.
     *
     * @param atMs           when, on the workload's clock
     * @param online         the host's verdict (session alive and telemetry fresh)
     * @param telemetryAgeMs the age of the node's newest telemetry, or null
     * @param cpuLoad        its CPU load in [0, 1] (the agent's OSHI reading), or null
     */
    public record Node(double atMs, boolean online, Double telemetryAgeMs, Double cpuLoad) {
        /** Validates. */
        public Node {
            finite(atMs, "atMs");
        }
    }

    /**
     * One link report as the live host's loop received it.
     *
     * @param atMs    when, on the workload's clock
     * @param a       the reporting node
     * @param b       its peer
     * @param rttMs   the measured round trip
     * @param mbPerMs the measured throughput
     */
    public record Link(double atMs, String a, String b, double rttMs, double mbPerMs) {
        /** Validates. */
        public Link {
            finite(atMs, "atMs");
            Objects.requireNonNull(a, "a is null");
            Objects.requireNonNull(b, "b is null");
        }
    }

    /** Validates, copies and orders by time. */
    public RecordedReadings {
        Map<String, List<Node>> byNode = new HashMap<>();
        Objects.requireNonNull(nodes, "nodes is null").forEach((n, l) -> {
            List<Node> sorted = new ArrayList<>(l);
            sorted.sort(Comparator.comparingDouble(Node::atMs));
            byNode.put(n, List.copyOf(sorted));
        });
        nodes = Map.copyOf(byNode);
        List<Link> sorted = new ArrayList<>(Objects.requireNonNull(links, "links is null"));
        sorted.sort(Comparator.comparingDouble(Link::atMs));
        links = List.copyOf(sorted);
    }

    /**
     * {@value #KEY} of a scenario's planner section: {@code recorded} (default: a twin replaying a
     * trial's own arrivals reports the readings the live host had) or {@code twin} (its own model).
     */
    public static boolean recorded(Map<String, ?> planner) {
        return SimSettings.oneOf(planner == null ? Map.of() : planner, KEY, "recorded", "recorded", "twin").equals("recorded");
    }

    /** The node's reading in force at {@code nowMs} (the last at or before it, else its first), or null without any. */
    public Node at(String node, double nowMs) {
        List<Node> l = nodes.get(node);
        if (l == null || l.isEmpty()) {
            return null;
        }
        return l.get(Math.max(0, atOrBefore(l, Node::atMs, nowMs) - 1));
    }

    /** The link reports received after {@code fromMs} and at or before {@code toMs} (every earlier one when {@code first}). */
    public List<LinkEstimate> between(double fromMs, double toMs, boolean first) {
        List<LinkEstimate> out = new ArrayList<>();
        for (int i = first ? 0 : atOrBefore(links, Link::atMs, fromMs); i < links.size() && links.get(i).atMs() <= toMs; i++) {
            Link l = links.get(i);
            out.add(new LinkEstimate(l.a(), l.b(), l.rttMs(), l.mbPerMs()));
        }
        return out;
    }

    /** How many entries of {@code l}, in time order, are at or before {@code ms}. */
    private static <T> int atOrBefore(List<T> l, ToDoubleFunction<T> atMs, double ms) {
        int lo = 0;
        int hi = l.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (atMs.applyAsDouble(l.get(mid)) <= ms) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void finite(double x, String what) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(what + ": " + x + " (expected: finite)");
        }
    }
}
