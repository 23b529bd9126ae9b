package org.edgefm.api.spi;

/**
 * Tier 1: places core services for the long term ({@code x^cr_{v,m}}, with backups). May take
 * seconds; called at start, every planning epoch and when a node hosting core services is lost.
 * An instance may keep state between calls; the host creates one per control loop.
 */
public interface CorePlacementPlanner {
    /**
     * Computes a placement. Expected failures (no capacity, stale input) MUST be returned as an
     * {@link PlanResult.Infeasible} with reasons, never thrown.
     *
     * @param context what the planner is given
     * @return the placement, or an infeasible result with reasons (and a best effort where one exists)
     */
    PlanResult<CorePlacement> place(CorePlacementContext context);
}
