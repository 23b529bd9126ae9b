package org.edgefm.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;

/**
 * Scales a scenario to N nodes (the load benchmark's fleet, and the planners' scale tests): the
 * scenario's topology is one <em>cell</em>;
 * cell {@code r} is a copy of it whose node and user ids carry the suffix {@code -r} (four digits),
 * with the same links, users and demand streams inside the cell, and no link between cells. The
 * last cell is cut to reach exactly N nodes (its users and streams on missing nodes are left out).
 * Scheduled failures are dropped. Services, task types, run settings and planner settings stay.
 */
public final class ScenarioCells {
    private ScenarioCells() {
    }

    /** The id of node or user {@code id} in cell {@code cell}. */
    public static String inCell(String id, int cell) {
        return String.format(Locale.ROOT, "%s-%04d", id, cell);
    }

    /**
     * The scenario scaled to {@code nodes} nodes.
     *
     * @param base  the cell
     * @param nodes the node count, at least 1
     * @return a valid scenario named {@code <base>-x<nodes>}
     */
    public static Scenario expand(Scenario base, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes: " + nodes + " (expected: > 0)");
        }
        List<NodeSpec> cell = base.topology().nodes();
        List<NodeSpec> ns = new ArrayList<>(nodes);
        List<LinkSpec> links = new ArrayList<>();
        List<UserSpec> users = new ArrayList<>();
        List<Demand> workload = new ArrayList<>();
        for (int r = 0; ns.size() < nodes; r++) {
            Set<String> here = new HashSet<>();
            for (NodeSpec n : cell) {
                if (ns.size() == nodes) {
                    break;
                }
                ns.add(new NodeSpec(inCell(n.id(), r), n.kind(), n.capacity(), n.profile(), n.speedFactor()));
                here.add(n.id());
            }
            for (LinkSpec l : base.topology().links()) {
                if (here.contains(l.a()) && here.contains(l.b())) {
                    links.add(new LinkSpec(inCell(l.a(), r), inCell(l.b(), r), l.bandwidthMbPerMs(), l.lengthKm(),
                            l.extraLatencyMs()));
                }
            }
            Set<String> usersHere = new HashSet<>();
            for (UserSpec u : base.users()) {
                if (here.contains(u.node())) {
                    users.add(new UserSpec(inCell(u.id(), r), inCell(u.node(), r), u.uplinkBandwidthMbPerMs(), u.channel()));
                    usersHere.add(u.id());
                }
            }
            for (Demand d : base.workload()) {
                if (usersHere.contains(d.user())) {
                    workload.add(new Demand(inCell(d.user(), r), d.taskType(), d.arrivals()));
                }
            }
        }
        return new Scenario(Scenario.SCHEMA, base.name() + "-x" + nodes, "Load benchmark: " + base.name()
                + " repeated to " + nodes + " nodes.", new Topology(ns, links), base.services(), base.taskTypes(), users,
                workload, base.run(), List.of(), Map.copyOf(base.planner()));
    }
}
