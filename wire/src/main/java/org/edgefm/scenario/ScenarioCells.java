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
 *
 * <p>With a {@link Backbone}, the cells are linked in a tree: the gateway of cell {@code r > 0} (its
 * first edge server or cloud node, else its first node) is linked to the gateway of cell
 * {@code (r - 1) / fanOut}, so every node reaches every other in at most {@code 2 log_fanOut(cells)}
 * backbone hops.
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
        return expand(base, nodes, null);
    }

    /**
     * The backbone between cells.
     *
     * @param fanOut           cells linked below each cell's gateway, at least 2
     * @param bandwidthMbPerMs each backbone link's bandwidth in MB/ms
     * @param lengthKm         its length
     * @param extraLatencyMs   its fixed extra latency
     */
    public record Backbone(int fanOut, double bandwidthMbPerMs, double lengthKm, double extraLatencyMs) {
        /** Validates every field. */
        public Backbone {
            if (fanOut < 2) {
                throw new IllegalArgumentException("fanOut: " + fanOut + " (expected: >= 2)");
            }
            new LinkSpec("a", "b", bandwidthMbPerMs, lengthKm, extraLatencyMs); // validates the figures
        }

        /**
         * A 10 Gbit/s metro backbone: fan-out 4, 1.25 MB/ms, 20 km, 1 ms per hop
         * (assumption: a regional aggregation network; nothing in the papers fixes it).
         */
        public static Backbone metro() {
            return new Backbone(4, 1.25, 20, 1.0);
        }
    }

    /**
     * The scenario scaled to {@code nodes} nodes, its cells linked by {@code backbone} (null: unlinked).
     *
     * @param base     the cell
     * @param nodes    the node count, at least 1
     * @param backbone the links between cells, or null for none
     * @return a valid scenario named {@code <base>-x<nodes>}
     */
    public static Scenario expand(Scenario base, int nodes, Backbone backbone) {
        if (!base.pinsNodes()) {
            throw new IllegalArgumentException("scenario " + base.name() + " declares no nodes: it cannot be a cell");
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes: " + nodes + " (expected: > 0)");
        }
        List<NodeSpec> cell = base.topology().nodes();
        List<NodeSpec> ns = new ArrayList<>(nodes);
        List<LinkSpec> links = new ArrayList<>();
        List<UserSpec> users = new ArrayList<>();
        List<Demand> workload = new ArrayList<>();
        List<String> gateways = new ArrayList<>();
        for (int r = 0; ns.size() < nodes; r++) {
            Set<String> here = new HashSet<>();
            String gateway = null;
            for (NodeSpec n : cell) {
                if (ns.size() == nodes) {
                    break;
                }
                ns.add(new NodeSpec(inCell(n.id(), r), n.kind(), n.capacity(), n.profile(), n.speedFactor()));
                here.add(n.id());
                if (gateway == null && n.kind() != org.edgefm.api.model.NodeKind.DEVICE) {
                    gateway = inCell(n.id(), r);
                }
            }
            if (gateway == null) {
                gateway = inCell(cell.stream().filter(n -> here.contains(n.id())).findFirst().orElseThrow().id(), r);
            }
            gateways.add(gateway);
            if (backbone != null && r > 0) {
                links.add(new LinkSpec(gateway, gateways.get((r - 1) / backbone.fanOut()), backbone.bandwidthMbPerMs(),
                        backbone.lengthKm(), backbone.extraLatencyMs()));
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
                + " repeated to " + nodes + " nodes" + (backbone == null ? "." : ", cells linked by a backbone tree."), new Topology(ns, links), base.services(), base.taskTypes(), users,
                workload, base.run(), List.of(), Map.copyOf(base.planner()));
    }
}
