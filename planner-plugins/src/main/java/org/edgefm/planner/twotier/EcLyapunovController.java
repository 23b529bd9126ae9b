package org.edgefm.planner.twotier;

import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.SlotObservation;

/**
 * {@code ec-lyapunov}, paper 1's tier 2: the {@link LightEngine} with the effective-capacity Lyapunov
 * sizer ({@link EcLyapunovSizer}: deadline check, virtual queues, drift-plus-penalty, its stability
 * guard), candidates by mean latency, and every engine guard: admission (by {@code light.admission}),
 * sizing of idle pairs with backlog, release hysteresis ({@code ec-lyapunov.release-after-slots}).
 */
public final class EcLyapunovController implements LightServiceController {
    private final LightEngine engine;

    /** @param settings validated settings */
    public EcLyapunovController(LightSettings settings) {
        this.engine = engine(settings);
    }

    /** The engine as this controller composes it (tests and benchmarks read its analyses and sizer). */
    public static LightEngine engine(LightSettings settings) {
        return new LightEngine(settings, new EcLyapunovSizer(settings), CandidateOrder.BY_MEAN_LATENCY,
                new LightEngine.Guards(settings.admission(), true, true));
    }

    @Override
    public PlanResult<LightDecision> decide(SlotObservation obs) {
        return engine.decide(obs);
    }

    /** The stream analyses of a placement about to come into force ({@link LightEngine#prepare}). */
    @Override
    public void prepare(SystemModel model, CorePlacement placement) {
        engine.prepare(model, placement);
    }
}
