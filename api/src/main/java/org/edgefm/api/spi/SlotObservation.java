package org.edgefm.api.spi;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.model.SystemModel;

/**
 * What a light-service controller is given at the start of slot {@code t}.
 *
 * @param slot          the slot index t, from 0
 * @param nowMs         time at the start of the slot, in ms since the run began (virtual or wall)
 * @param slotMs        the slot length Δt in ms
 * @param model         topology, catalog, task types, users, declared workload
 * @param corePlacement the core placement in force
 * @param nodes         every node, online or not, with its residual capacity
 * @param services      per (node, service) state over the last slot
 * @param arrivals      arrivals counted over the last slot per (user, task type), as rates
 * @param users         the users' channels for this slot
 * @param links         measured links (empty in simulation, where the model's links are exact)
 * @param previous      the decision in force, or null in the first slot
 */
public record SlotObservation(long slot, double nowMs, double slotMs, SystemModel model, CorePlacement corePlacement,
        List<NodeObservation> nodes, List<ServiceObservation> services, List<DemandEstimate> arrivals,
        List<UserObservation> users, List<LinkEstimate> links, LightDecision previous) {
    /**
     * Validates every field.
     *
     * @param slot the slot index t, from 0
     * @param nowMs time at the start of the slot, in ms since the run began (virtual or wall)
     * @param slotMs the slot length Δt in ms
     * @param model topology, catalog, task types, users, declared workload
     * @param corePlacement the core placement in force
     * @param nodes every node, online or not, with its residual capacity
     * @param services per (node, service) state over the last slot
     * @param arrivals arrivals counted over the last slot per (user, task type), as rates
     * @param users the users' channels for this slot
     * @param links measured links (empty in simulation, where the model's links are exact)
     * @param previous the decision in force, or null in the first slot
     */
    public SlotObservation {
        Check.nonNegative(slot, "slot");
        Check.nonNegative(nowMs, "nowMs");
        Check.positive(slotMs, "slotMs");
        Check.notNull(model, "model");
        Check.notNull(corePlacement, "corePlacement");
        nodes = Check.listOf(nodes, "nodes");
        services = Check.listOf(services, "services");
        arrivals = Check.listOf(arrivals, "arrivals");
        users = Check.listOf(users, "users");
        links = Check.listOf(links, "links");
    }

    /**
     * The observation of one (node, service), or null when nothing was reported for it.
     *
     * @param node the node id
     * @param service the service id
     * @return the observation of one (node, service), or null when nothing was reported for it
     */
    public ServiceObservation service(String node, String service) {
        for (ServiceObservation s : services) {
            if (s.node().equals(node) && s.service().equals(service)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The observation of one node, or null when the node is unknown.
     *
     * @param node the node id
     * @return the observation of one node, or null when the node is unknown
     */
    public NodeObservation node(String node) {
        for (NodeObservation n : nodes) {
            if (n.node().equals(node)) {
                return n;
            }
        }
        return null;
    }
}
