package org.edgefm.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.control.LinkEstimator;
import org.edgefm.scenario.Scenario;
import org.edgefm.wire.PeerMetrics;

/**
 * The links between a trial's agents: the newest peer measurements each agent's telemetry reported, and
 * the summary's rows of declared against measured bandwidth and round trip. Not thread-safe:
 * {@link TrialMonitor} holds its lock around every call.
 */
final class LinkBook {
    private final Map<String, Map<String, PeerMetrics>> peers = new TreeMap<>();

    /** The peer measurements of one telemetry message of {@code node}. */
    void measured(String node, List<PeerMetrics> measured) {
        Map<String, PeerMetrics> m = peers.computeIfAbsent(node, k -> new TreeMap<>());
        measured.forEach(p -> m.put(p.peer(), p));
    }

    /** A copy of the newest measurements, by node and peer. */
    Map<String, Map<String, PeerMetrics>> peers() {
        Map<String, Map<String, PeerMetrics>> p = new TreeMap<>();
        peers.forEach((k, v) -> p.put(k, Map.copyOf(v)));
        return p;
    }

    /** Declared and measured links between the agents that took part ({@code nodes}), one row per pair. */
    List<TrialSummary.Link> links(Scenario scenario, Set<String> nodes) {
        Map<String, String[]> pairs = new TreeMap<>();
        for (LinkSpec l : scenario.topology().links()) {
            if (nodes.contains(l.a()) && nodes.contains(l.b())) {
                pairs.put(MeasuredLink.pair(l.a(), l.b()), new String[] {l.a(), l.b()});
            }
        }
        peers.forEach((node, m) -> m.keySet().forEach(peer -> pairs.putIfAbsent(MeasuredLink.pair(node, peer), new String[] {node, peer})));
        double kmPerMs = LinkEstimator.Settings.defaults().kmPerMs();
        List<TrialSummary.Link> out = new ArrayList<>();
        for (String[] p : pairs.values()) {
            LinkSpec d = scenario.topology().link(p[0], p[1]).orElse(null);
            MeasuredLink m = MeasuredLink.fold(peers, p[0], p[1]);
            out.add(new TrialSummary.Link(p[0], p[1], d == null ? null : d.bandwidthMbPerMs() * 8000,
                    d == null ? null : Latency.roundTripMs(d, kmPerMs), m.mbPerMs() == null ? null : m.mbPerMs() * 8000,
                    m.rttMs(), m.samples()));
        }
        return out;
    }
}
