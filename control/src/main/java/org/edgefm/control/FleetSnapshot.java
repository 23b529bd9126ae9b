package org.edgefm.control;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.UserObservation;
import org.edgefm.wire.TaskCompletion;

/**
 * What a {@link Fleet} reports at one instant; the control loop turns it into the planners'
 * {@link org.edgefm.api.spi.SlotObservation}.
 *
 * @param nowMs       the fleet clock
 * @param nodes       every known node
 * @param services    per (node, service) state over the interval since the previous snapshot
 * @param arrivals    arrival rates per (user, task type) over that interval
 * @param users       the users' current channels
 * @param links       links measured since the previous snapshot, one entry per node and peer (empty in simulation)
 * @param completions tasks completed in that interval, each reported once
 * @param submitted   tasks submitted in that interval
 * @param switches    model switches (service instances started and stopped) that nodes acknowledged in
 *                    that interval, each reported once (empty in simulation; absent in older journals)
 */
public record FleetSnapshot(double nowMs, List<NodeStatus> nodes, List<ServiceObservation> services,
        List<DemandEstimate> arrivals, List<UserObservation> users, List<LinkEstimate> links,
        List<TaskCompletion> completions, long submitted, List<ModelSwitch> switches) {
    /** Validates every field. */
    public FleetSnapshot {
        Check.nonNegative(nowMs, "nowMs");
        nodes = Check.listOf(nodes, "nodes");
        services = Check.listOf(services, "services");
        arrivals = Check.listOf(arrivals, "arrivals");
        users = Check.listOf(users, "users");
        links = Check.listOf(links, "links");
        completions = Check.listOf(completions, "completions");
        Check.nonNegative(submitted, "submitted");
        switches = Check.listOf(switches, "switches");
    }

    /** A snapshot without model switches. */
    public FleetSnapshot(double nowMs, List<NodeStatus> nodes, List<ServiceObservation> services,
            List<DemandEstimate> arrivals, List<UserObservation> users, List<LinkEstimate> links,
            List<TaskCompletion> completions, long submitted) {
        this(nowMs, nodes, services, arrivals, users, links, completions, submitted, List.of());
    }
}
