package org.edgefm.planner.baseline;

import java.util.Map;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.planner.latency.NetworkPaths;
import org.edgefm.planner.twotier.CandidateOrder;
import org.edgefm.planner.twotier.LightEngine;
import org.edgefm.planner.twotier.LightSettings;
import org.edgefm.planner.twotier.MeanSizer;

/**
 * {@code cloud-light}: every light stage on nodes of kind cloud, by mean latency, sized on the mean
 * demand (parallelism up to {@code y_max}); infeasible when no cloud node is usable.
 */
public final class CloudLightController implements LightServiceController {
    private static final CandidateOrder CLOUD_BY_MEAN_LATENCY = new CandidateOrder() {
        @Override
        public int[] order(int[] byLatency, int[] nodeOf, int origin, Map<String, ResourceVector> residual, NetworkPaths paths) {
            return byLatency;
        }

        @Override
        public boolean cloudOnly() {
            return true;
        }
    };

    private final LightEngine engine;

    /** @param s validated settings */
    public CloudLightController(LightSettings s) {
        this.engine = new LightEngine(s, new MeanSizer(s, s.maxParallelism()), CLOUD_BY_MEAN_LATENCY, MeanGuards.of(s));
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
