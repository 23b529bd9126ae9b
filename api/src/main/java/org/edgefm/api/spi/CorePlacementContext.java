package org.edgefm.api.spi;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.model.SystemModel;

/**
 * What a core-placement planner is given.
 *
 * @param model        topology, catalog, task types, users and declared workload
 * @param demand       long-term arrival-rate estimates per (user, task type)
 * @param offlineNodes nodes that MUST NOT receive core instances (lost or partitioned)
 * @param current      the placement in force, or {@link CorePlacement#EMPTY} at start
 * @param trigger      why the planner is called
 * @param timeBudget   wall time the planner may use; the host reports an overrun by name
 */
public record CorePlacementContext(SystemModel model, List<DemandEstimate> demand, Set<String> offlineNodes,
        CorePlacement current, Trigger trigger, Duration timeBudget) {

    /** Why a core placement is requested. */
    public enum Trigger {
        /** The control loop starts. */
        START,
        /** A planning epoch has passed. */
        EPOCH,
        /** A node hosting core services went offline. */
        NODE_LOST,
        /** Nodes joined the fleet (or a stream's origin joined): the planners' model has grown. */
        NODE_JOINED
    }

    /**
     * Validates every field.
     *
     * @param model topology, catalog, task types, users and declared workload
     * @param demand long-term arrival-rate estimates per (user, task type)
     * @param offlineNodes nodes that MUST NOT receive core instances (lost or partitioned)
     * @param current the placement in force, or {@link CorePlacement#EMPTY} at start
     * @param trigger why the planner is called
     * @param timeBudget wall time the planner may use; the host reports an overrun by name
     */
    public CorePlacementContext {
        Check.notNull(model, "model");
        demand = Check.listOf(demand, "demand");
        offlineNodes = Set.copyOf(Check.notNull(offlineNodes, "offlineNodes"));
        Check.notNull(current, "current");
        Check.notNull(trigger, "trigger");
        Check.notNull(timeBudget, "timeBudget");
    }
}
