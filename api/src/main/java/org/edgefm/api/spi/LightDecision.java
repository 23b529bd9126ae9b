package org.edgefm.api.spi;

import java.util.List;
import org.edgefm.api.Check;

/**
 * A light-service controller's decision for one slot: light instances and parallelism per node,
 * routing for every stage, and optional per-user allocations.
 *
 * @param slot        the slot it was made for
 * @param allocations light-service allocations; a (node, service) pair not listed runs 0 instances
 * @param routing     where each stage of each task type runs (core stages included)
 * @param users       per-user resource allocations, empty when not controlled
 * @param notes       remarks, e.g. demand that could not be served
 */
public record LightDecision(long slot, List<ServiceAllocation> allocations, RoutingTable routing,
        List<UserAllocation> users, List<Reason> notes) {
    /**
     * Validates every field.
     *
     * @param slot the slot it was made for
     * @param allocations light-service allocations; a (node, service) pair not listed runs 0 instances
     * @param routing where each stage of each task type runs (core stages included)
     * @param users per-user resource allocations, empty when not controlled
     * @param notes remarks, e.g. demand that could not be served
     */
    public LightDecision {
        Check.nonNegative(slot, "slot");
        allocations = Check.listOf(allocations, "allocations");
        Check.notNull(routing, "routing");
        users = Check.listOf(users, "users");
        notes = Check.listOf(notes, "notes");
    }

    /**
     * The allocation of {@code service} at {@code node}, or null when none.
     *
     * @param node the node id
     * @param service the service id
     * @return the allocation of {@code service} at {@code node}, or null when none
     */
    public ServiceAllocation allocation(String node, String service) {
        for (ServiceAllocation a : allocations) {
            if (a.node().equals(node) && a.service().equals(service)) {
                return a;
            }
        }
        return null;
    }
}
