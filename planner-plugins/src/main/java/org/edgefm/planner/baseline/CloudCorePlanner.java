package org.edgefm.planner.baseline;

import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.planner.twotier.CoreProblems;
import org.edgefm.planner.twotier.CoreSettings;

/**
 * {@code cloud-core}: every core instance on nodes of kind cloud, which must carry the whole fleet's
 * core demand; greedy, no sparsity constraint, no solver.
 */
public final class CloudCorePlanner implements CorePlacementPlanner {
    private final CoreSettings settings;

    /** @param settings validated settings */
    public CloudCorePlanner(CoreSettings settings) {
        this.settings = settings;
    }

    @Override
    public PlanResult<CorePlacement> place(CorePlacementContext ctx) {
        return CoreProblems.placeGreedily(CoreProblems.build(ctx.model(), ctx, settings, true), null);
    }
}
