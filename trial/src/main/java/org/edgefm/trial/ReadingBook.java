package org.edgefm.trial;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.NodeStatus;
import org.edgefm.sim.calibration.Observed;

/**
 * What the host's control loop observed of the fleet in each snapshot (each node's online verdict,
 * telemetry age and CPU load, and the link reports of the agents' telemetry), with the wall-clock time
 * it was taken, for a planner replay that decides on the same readings. Bounded: past {@link #MAX}
 * entries a list keeps every other one (still spread over the whole trial).
 */
final class ReadingBook {
    /** Most entries per list held while the trial runs. */
    static final int MAX = 100_000;

    private List<Observed.NodeReading> nodes = new ArrayList<>();
    private List<Observed.LinkReading> links = new ArrayList<>();

    /** The loop took {@code s} at {@code nowMs} (wall clock). */
    void snapshot(FleetSnapshot s, long nowMs) {
        for (NodeStatus n : s.nodes()) {
            Double age = n.telemetryAgeMs() == null || n.telemetryAgeMs().isNaN() ? null : Math.max(0, n.telemetryAgeMs());
            Double cpu = n.cpuLoad() == null || n.cpuLoad().isNaN() || n.cpuLoad().isInfinite() ? null : n.cpuLoad();
            nodes.add(new Observed.NodeReading(nowMs, n.node(), n.online(), age, cpu));
        }
        for (LinkEstimate l : s.links()) {
            links.add(new Observed.LinkReading(nowMs, l.a(), l.b(), l.rttMs(), l.bandwidthMbPerMs()));
        }
        nodes = halved(nodes);
        links = halved(links);
    }

    List<Observed.NodeReading> nodes() {
        return List.copyOf(nodes);
    }

    List<Observed.LinkReading> links() {
        return List.copyOf(links);
    }

    private static <T> List<T> halved(List<T> l) {
        if (l.size() <= MAX) {
            return l;
        }
        List<T> out = new ArrayList<>(l.size() / 2 + 1);
        for (int i = 0; i < l.size(); i += 2) {
            out.add(l.get(i));
        }
        return out;
    }
}
