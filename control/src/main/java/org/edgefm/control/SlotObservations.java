package org.edgefm.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.wire.TaskCompletion;

/**
 * What a {@link ControlLoop}'s light controller sees of a slot: the fleet's snapshot turned into a
 * {@link SlotObservation} (each node of the model online or not, with its capacity left after the core
 * services placed on it), which nodes are offline, and the snapshots of a start and its first slot merged.
 */
final class SlotObservations {
    private final Map<String, ServiceSpec> catalog;
    private final double slotMs;
    /** The placement {@link #byNode} indexes. */
    private CorePlacement indexed;
    /** The assignments of {@link #indexed} by node, in placement order. */
    private Map<String, List<CoreAssignment>> byNode = Map.of();

    SlotObservations(Map<String, ServiceSpec> catalog, double slotMs) {
        this.catalog = catalog;
        this.slotMs = slotMs;
    }

    /**
     * The controller's observation of {@code slot}.
     *
     * @param decision the light decision in force, or null before the first
     */
    SlotObservation of(long slot, FleetSnapshot snap, SystemModel model, LinkEstimator links, CorePlacement placement,
            LightDecision decision) {
        Map<String, NodeStatus> status = new LinkedHashMap<>();
        snap.nodes().forEach(n -> status.put(n.node(), n));
        List<NodeObservation> nodes = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : onNode(placement, n.id())) {
                ServiceSpec spec = catalog.get(a.service());
                if (spec != null) {
                    used = used.plus(spec.demand().times(a.instances()));
                }
            }
            NodeStatus st = status.get(n.id());
            nodes.add(new NodeObservation(n.id(), st != null && st.online(), n.capacity().minusFloored(used),
                    st == null ? null : st.telemetryAgeMs(), st == null ? null : st.cpuLoad()));
        }
        return new SlotObservation(slot, snap.nowMs(), slotMs, links.model(), placement, nodes,
                snap.services(), snap.arrivals(), snap.users(), links.current(), decision);
    }

    /**
     * {@code placement.onNode(node)} from an index built once per placement: asked for every node of the
     * model each slot, the placement's scan made the observation cost nodes times assignments.
     */
    private List<CoreAssignment> onNode(CorePlacement placement, String node) {
        if (indexed != placement) {
            Map<String, List<CoreAssignment>> m = new HashMap<>();
            for (CoreAssignment a : placement.assignments()) {
                m.computeIfAbsent(a.node(), k -> new ArrayList<>()).add(a);
            }
            byNode = m;
            indexed = placement;
        }
        return byNode.getOrDefault(node, List.of());
    }

    /** The nodes the snapshot reports offline. */
    static Set<String> offline(FleetSnapshot s) {
        Set<String> off = new HashSet<>();
        for (NodeStatus n : s.nodes()) {
            if (!n.online()) {
                off.add(n.node());
            }
        }
        return off;
    }

    /** {@code s} with the completions, submissions and model switches of the earlier {@code c} added. */
    static FleetSnapshot merge(FleetSnapshot c, FleetSnapshot s) {
        List<TaskCompletion> all = new ArrayList<>(c.completions());
        all.addAll(s.completions());
        List<ModelSwitch> switches = new ArrayList<>(c.switches());
        switches.addAll(s.switches());
        return new FleetSnapshot(s.nowMs(), s.nodes(), s.services(), s.arrivals(), s.users(), s.links(), all,
                c.submitted() + s.submitted(), switches);
    }
}
