package org.edgefm.planner.baseline;

import java.util.Map;
import java.util.SplittableRandom;
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
 * {@code random-light}: a fresh random order of each light stage's candidates every slot (seeded by
 * {@code light.seed}); one task per instance ({@code y = 1}) sized on the mean demand.
 */
public final class RandomLightController implements LightServiceController {
    private final LightEngine engine;

    /** @param s validated settings */
    public RandomLightController(LightSettings s) {
        SplittableRandom random = new SplittableRandom(s.seed());
        CandidateOrder shuffled = new CandidateOrder() {
            @Override
            public int[] order(int[] byLatency, int[] nodeOf, int origin, Map<String, ResourceVector> residual, NetworkPaths paths) {
                int[] ordered = byLatency.clone();
                for (int i = ordered.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = ordered[i];
                    ordered[i] = ordered[j];
                    ordered[j] = t;
                }
                return ordered;
            }
        };
        this.engine = new LightEngine(s, new MeanSizer(s, 1), shuffled, MeanGuards.of(s));
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
