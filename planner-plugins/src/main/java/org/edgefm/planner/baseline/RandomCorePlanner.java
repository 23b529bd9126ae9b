package org.edgefm.planner.baseline;

import java.util.SplittableRandom;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.planner.twotier.CoreProblems;
import org.edgefm.planner.twotier.CoreSettings;

/**
 * {@code random-core}: eq. (14)'s instance placed by the greedy in a random order (seeded by
 * {@code sparse-ip.seed}), so every instance lands on a random feasible node; failover plan as the
 * others, no solver.
 */
public final class RandomCorePlanner implements CorePlacementPlanner {
    private final CoreSettings settings;
    private final SplittableRandom random;

    /** @param settings validated settings */
    public RandomCorePlanner(CoreSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    @Override
    public PlanResult<CorePlacement> place(CorePlacementContext ctx) {
        return CoreProblems.placeGreedily(CoreProblems.build(ctx.model(), ctx, settings, false), (v, m) -> random.nextDouble());
    }
}
