package org.edgefm.planner.baseline;

import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.planner.twotier.CandidateOrder;
import org.edgefm.planner.twotier.LightEngine;
import org.edgefm.planner.twotier.LightSettings;
import org.edgefm.planner.twotier.MeanSizer;

/**
 * {@code prop-avg}, paper 1's ablation: candidates by mean latency as {@code ec-lyapunov}, but capacity
 * proportional to the average demand ({@link MeanSizer}, parallelism up to {@code y_max}); no effective
 * capacity, no virtual queues, no release hysteresis. Guards: admission (by {@code light.admission}, the
 * same for every light controller) and sizing of idle pairs with backlog ({@code light.drain-backlog}).
 */
public final class PropAvgController implements LightServiceController {
    private final LightEngine engine;

    /** @param s validated settings */
    public PropAvgController(LightSettings s) {
        this.engine = new LightEngine(s, new MeanSizer(s, s.maxParallelism()), CandidateOrder.BY_MEAN_LATENCY, MeanGuards.of(s));
    }

    @Override
    public PlanResult<LightDecision> decide(SlotObservation obs) {
        return engine.decide(obs);
    }

    /** The engine's stream analyses of a placement about to come into force ({@link LightEngine#prepare}). */
    @Override
    public void prepare(SystemModel model, CorePlacement placement) {
        engine.prepare(model, placement);
    }
}
