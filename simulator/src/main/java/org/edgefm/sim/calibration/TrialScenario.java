package org.edgefm.sim.calibration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.edgefm.scenario.FailureEvent;
import org.edgefm.scenario.Scenario;

/** A scenario narrowed to what a calibrated trial ran: its nodes, its users' origins, its measured links. */
final class TrialScenario {
    private TrialScenario() {
    }

    /**
     * The scenario as the trial ran it: only the nodes that took part (when the file names them),
     * each user at the node its tasks entered, and the measured links in place of the declared ones
     * (a measured link has no length; its one-way fixed delay is half the measured round trip, its
     * bandwidth the measured throughput). A declared link between nodes without a measurement stays.
     *
     * @throws EdgeFmException when the file names a node or user the scenario lacks
     */
    static Scenario apply(Calibration c, Scenario s) {
        Set<String> keep = new LinkedHashSet<>();
        if (c.workload().nodes().isEmpty()) {
            s.topology().nodes().forEach(n -> keep.add(n.id()));
        } else {
            for (String n : c.workload().nodes()) {
                if (s.topology().node(n).isEmpty()) {
                    throw new EdgeFmException("calibration of " + c.scenario() + ": workload.nodes: '" + n + "' is not a node of"
                            + " scenario " + s.name());
                }
                keep.add(n);
            }
        }
        List<NodeSpec> nodes = s.topology().nodes().stream().filter(n -> keep.contains(n.id())).toList();
        Map<String, LinkSpec> links = new LinkedHashMap<>();
        for (LinkSpec l : s.topology().links()) {
            if (keep.contains(l.a()) && keep.contains(l.b())) {
                links.put(pair(l.a(), l.b()), l);
            }
        }
        for (Link l : c.links()) {
            if (keep.contains(l.a()) && keep.contains(l.b()) && !l.a().equals(l.b()) && l.mbPerMs() != null
                    && l.rttMs() != null) {
                links.put(pair(l.a(), l.b()), new LinkSpec(l.a(), l.b(), l.mbPerMs(), 0, l.rttMs() / 2));
            }
        }
        List<UserSpec> users = new ArrayList<>();
        for (UserSpec u : s.users()) {
            String at = c.workload().origins().getOrDefault(u.id(), u.node());
            if (!keep.contains(at)) {
                throw new EdgeFmException("calibration of " + c.scenario() + ": user '" + u.id() + "' enters at '" + at
                        + "', which did not take part (c.workload().origins)");
            }
            users.add(new UserSpec(u.id(), at, u.uplinkBandwidthMbPerMs(), u.channel()));
        }
        List<FailureEvent> failures = s.failures().stream().filter(f -> keep.contains(f.node())).toList();
        return new Scenario(s.schema(), s.name(), s.description(), new Topology(nodes, List.copyOf(links.values())),
                s.services(), s.taskTypes(), users, s.workload(), s.run(), failures, s.planner(), s.models());
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }
}
