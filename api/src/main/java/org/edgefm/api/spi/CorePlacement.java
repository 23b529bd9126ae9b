package org.edgefm.api.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * The static backbone (paper 1, tier 1): core instances per node, plus a failover plan per node so
 * the host can re-place onto survivors at once when a node is lost, before the planner has
 * re-optimised.
 *
 * @param assignments the instances, at most one entry per (node, service)
 * @param failover    for a node id: the assignments to add elsewhere when that node is lost
 */
public record CorePlacement(List<CoreAssignment> assignments, Map<String, List<CoreAssignment>> failover) {
    /** The placement without any core instance. */
    public static final CorePlacement EMPTY = new CorePlacement(List.of(), Map.of());

    /**
     * Validates that no (node, service) pair appears twice.
     *
     * @param assignments the instances, at most one entry per (node, service)
     * @param failover for a node id: the assignments to add elsewhere when that node is lost
     */
    public CorePlacement {
        assignments = Check.listOf(assignments, "assignments");
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < assignments.size(); i++) {
            CoreAssignment a = assignments.get(i);
            if (!seen.add(a.node() + "|" + a.service())) {
                throw new InvalidFieldException("assignments[" + i + "]", "a second entry for service '"
                        + a.service() + "' on node '" + a.node() + "'");
            }
        }
        Map<String, List<CoreAssignment>> f = new LinkedHashMap<>();
        Check.mapOf(failover, "failover").forEach((k, v) -> f.put(Check.id(k, "failover"), Check.listOf(v, "failover." + k)));
        failover = Map.copyOf(f);
    }

    /**
     * Instances of {@code service} on {@code node} (0 when none).
     *
     * @param node the node id
     * @param service the service id
     * @return instances of {@code service} on {@code node} (0 when none)
     */
    public int instances(String node, String service) {
        for (CoreAssignment a : assignments) {
            if (a.node().equals(node) && a.service().equals(service)) {
                return a.instances();
            }
        }
        return 0;
    }

    /**
     * The nodes hosting at least one instance of {@code service}.
     *
     * @param service the service id
     * @return the nodes hosting at least one instance of {@code service}
     */
    public List<String> nodesHosting(String service) {
        return assignments.stream().filter(a -> a.service().equals(service)).map(CoreAssignment::node).toList();
    }

    /**
     * The assignments on one node.
     *
     * @param node the node id
     * @return the assignments on one node
     */
    public List<CoreAssignment> onNode(String node) {
        return assignments.stream().filter(a -> a.node().equals(node)).toList();
    }

    /**
     * The placement after losing {@code node}: its assignments removed and its failover assignments
     * added to the survivors (instances add up where a survivor already hosts the service).
     *
     * @param node the node id
     * @return the placement after losing {@code node}: its assignments removed and its failover assignments added to the survivors (instances add up where a survivor already hosts the service)
     */
    public CorePlacement withoutNode(String node) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CoreAssignment a : assignments) {
            if (!a.node().equals(node)) {
                counts.merge(a.node() + "|" + a.service(), a.instances(), Integer::sum);
            }
        }
        for (CoreAssignment a : failover.getOrDefault(node, List.of())) {
            if (!a.node().equals(node)) {
                counts.merge(a.node() + "|" + a.service(), a.instances(), Integer::sum);
            }
        }
        List<CoreAssignment> out = new ArrayList<>();
        counts.forEach((k, v) -> {
            int bar = k.indexOf('|');
            out.add(new CoreAssignment(k.substring(0, bar), k.substring(bar + 1), v));
        });
        Map<String, List<CoreAssignment>> f = new LinkedHashMap<>(failover);
        f.remove(node);
        return new CorePlacement(out, f);
    }
}
