package org.edgefm.sim.calibration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.sim.RecordedReadings;

/**
 * What the live host's control loop observed of the fleet at each slot (its snapshots), on the
 * workload's clock, for a planner replay that decides on the same readings: per node its status
 * (online verdict, telemetry age, the agent's CPU load) where it changed, and each link report the
 * agents' telemetry carried. Each list holds at most {@link #MAX_READINGS} (more are thinned to evenly
 * spaced ones).
 *
 * @param nodes node readings in time order
 * @param links link reports in time order
 */
public record Observed(List<NodeReading> nodes, List<LinkReading> links) {
    /** Most readings of each list a file keeps. */
    public static final int MAX_READINGS = 20_000;

    /** Validates. */
    public Observed {
        nodes = Check.listOf(nodes, "nodes");
        links = Check.listOf(links, "links");
        if (nodes.size() > MAX_READINGS || links.size() > MAX_READINGS) {
            throw new InvalidFieldException("nodes", nodes.size() + " node and " + links.size()
                    + " link readings (expected: at most " + MAX_READINGS + " each)");
        }
    }

    /**
     * A node's status in one snapshot of the live host.
     *
     * @param atMs           ms after the workload's start (negative: before it)
     * @param node           the node
     * @param online         the host's verdict (session alive, telemetry fresh)
     * @param telemetryAgeMs the age of its newest telemetry, or null
     * @param cpuLoad        the agent's CPU load in [0, 1], or null
     */
    public record NodeReading(double atMs, String node, boolean online, Double telemetryAgeMs, Double cpuLoad) {
        /** Validates. */
        public NodeReading {
            finite(atMs);
            Check.nodeId(node, "node");
            if (telemetryAgeMs != null) {
                Check.nonNegative(telemetryAgeMs, "telemetryAgeMs");
            }
        }
    }

    /**
     * One link report the live host's loop received.
     *
     * @param atMs    ms after the workload's start (negative: before it)
     * @param a       the reporting node
     * @param b       its peer
     * @param rttMs   measured round trip
     * @param mbPerMs measured throughput
     */
    public record LinkReading(double atMs, String a, String b, double rttMs, double mbPerMs) {
        /** Validates. */
        public LinkReading {
            finite(atMs);
            Check.nodeId(a, "a");
            Check.nodeId(b, "b");
            Check.nonNegative(rttMs, "rttMs");
            Check.nonNegative(mbPerMs, "mbPerMs");
        }
    }

    /** At most {@link #MAX_READINGS} of {@code all}, evenly spaced (the first and last kept). */
    public static <T> List<T> thin(List<T> all) {
        if (all.size() <= MAX_READINGS) {
            return all;
        }
        List<T> out = new ArrayList<>(MAX_READINGS);
        for (int i = 0; i < MAX_READINGS; i++) {
            out.add(all.get((int) Math.round(i * (all.size() - 1) / (double) (MAX_READINGS - 1))));
        }
        return out;
    }

    /** The readings for a twin's snapshots. */
    public RecordedReadings readings() {
        Map<String, List<RecordedReadings.Node>> byNode = new HashMap<>();
        for (NodeReading r : nodes) {
            byNode.computeIfAbsent(r.node(), k -> new ArrayList<>())
                    .add(new RecordedReadings.Node(r.atMs(), r.online(), r.telemetryAgeMs(), r.cpuLoad()));
        }
        List<RecordedReadings.Link> l = new ArrayList<>(links.size());
        links.forEach(x -> l.add(new RecordedReadings.Link(x.atMs(), x.a(), x.b(), x.rttMs(), x.mbPerMs())));
        return new RecordedReadings(byNode, l);
    }

    private static void finite(double atMs) {
        if (Double.isNaN(atMs) || Double.isInfinite(atMs)) {
            throw new InvalidFieldException("atMs", atMs + " (expected: finite)");
        }
    }
}
