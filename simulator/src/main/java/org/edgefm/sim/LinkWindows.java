package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.scenario.LinkImpairment;

/**
 * The links of a simulated fleet under the scenario's impairment schedule: which links are in force
 * now (a window's bandwidth factor and added latency applied, cut links left out), the
 * {@link Network} over them, and what agents' link probes would report for the links impaired so far.
 */
final class LinkWindows {
    private final int nodeCount;
    private final Map<String, Integer> nodeIndex;
    private final List<LinkSpec> declared;
    private final List<LinkImpairment> impairments;
    /** Declared links that have been impaired so far (reported in every snapshot from then on), in declared order. */
    private final boolean[] reported;
    private List<LinkSpec> inForce;
    private Network network;

    /**
     * @throws IllegalArgumentException when an impairment names no declared link
     */
    LinkWindows(int nodeCount, Map<String, Integer> nodeIndex, List<LinkSpec> declared, List<LinkImpairment> impairments) {
        this.nodeCount = nodeCount;
        this.nodeIndex = nodeIndex;
        this.declared = declared;
        this.impairments = impairments;
        for (LinkImpairment m : impairments) {
            if (declared.stream().noneMatch(m::concerns)) {
                throw new IllegalArgumentException("impairment names no link '" + m.a() + "-" + m.b() + "'");
            }
        }
        reported = new boolean[declared.size()];
        inForce = declared;
        network = new Network(nodeCount, declared, nodeIndex);
    }

    /** The impairment schedule. */
    List<LinkImpairment> impairments() {
        return impairments;
    }

    /** Transfer times over the links in force now. */
    Network network() {
        return network;
    }

    /** The links in force now: the declared ones with the impairments open now applied, cut ones left out. */
    List<LinkSpec> inForce() {
        return inForce;
    }

    /** An impairment window opened or closed at {@code now}: true when the links in force (and {@link #network()}) changed. */
    boolean update(double now) {
        List<LinkSpec> links = new ArrayList<>(declared.size());
        for (int i = 0; i < declared.size(); i++) {
            LinkSpec l = declared.get(i);
            double bw = l.bandwidthMbPerMs();
            double extra = l.extraLatencyMs();
            boolean down = false;
            for (LinkImpairment m : impairments) {
                if (m.concerns(l) && m.activeAt(now)) {
                    reported[i] = true;
                    down |= m.down();
                    bw *= m.bandwidthFactor();
                    extra += m.extraLatencyMs();
                }
            }
            if (!down) {
                links.add(bw == l.bandwidthMbPerMs() && extra == l.extraLatencyMs() ? l
                        : new LinkSpec(l.a(), l.b(), bw, l.lengthKm(), extra));
            }
        }
        if (links.equals(inForce)) {
            return false;
        }
        inForce = List.copyOf(links);
        network = new Network(nodeCount, inForce, nodeIndex);
        return true;
    }

    /** What agents' probes would report now for each link impaired so far: a cut link is not reported (no probe answers). */
    List<LinkEstimate> reports() {
        List<LinkEstimate> out = null;
        for (int i = 0; i < reported.length; i++) {
            if (!reported[i]) {
                continue;
            }
            LinkSpec d = declared.get(i);
            for (LinkSpec l : inForce) {
                if (l.a().equals(d.a()) && l.b().equals(d.b())) {
                    if (out == null) {
                        out = new ArrayList<>();
                    }
                    out.add(new LinkEstimate(l.a(), l.b(), Latency.roundTripMs(l, Network.KM_PER_MS), l.bandwidthMbPerMs()));
                }
            }
        }
        return out == null ? List.of() : out;
    }
}
