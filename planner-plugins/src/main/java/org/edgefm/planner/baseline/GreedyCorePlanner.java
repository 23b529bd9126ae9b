package org.edgefm.planner.baseline;

import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.planner.twotier.CoreProblems;
import org.edgefm.planner.twotier.CoreSettings;

/**
 * {@code greedy-core}: eq. (14)'s instance placed by the greedy alone (best {@code c − ξQ} first),
 * with its failover plan; no solver, no light reserve, no best effort.
 */
public final class GreedyCorePlanner implements CorePlacementPlanner {
    private final CoreSettings settings;

    /** @param settings validated settings */
    public GreedyCorePlanner(CoreSettings settings) {
        this.settings = settings;
    }

    @Override
    public PlanResult<CorePlacement> place(CorePlacementContext ctx) {
        return CoreProblems.placeGreedily(build(ctx.model(), ctx), null);
    }

    /** Builds the problem instance (tests and benchmarks). */
    public CoreProblems.Built build(SystemModel model, CorePlacementContext ctx) {
        return CoreProblems.build(model, ctx, settings, false);
    }
}
