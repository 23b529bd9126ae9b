package org.edgefm.planner.baseline;

import java.util.Arrays;
import java.util.Map;
import org.edgefm.api.model.Resource;
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
 * {@code greedy-light}: the origin first, then the least-loaded nodes (largest residual CPU + GPU);
 * one task per instance ({@code y = 1}) sized on the mean demand ({@link MeanSizer}).
 */
public final class GreedyLightController implements LightServiceController {
    /** The origin first, then by largest residual CPU + GPU (ties keep the latency order). */
    static final CandidateOrder NEAREST_THEN_LEAST_LOADED = new CandidateOrder() {
        @Override
        public int[] order(int[] byLatency, int[] nodeOf, int origin, Map<String, ResourceVector> residual, NetworkPaths paths) {
            Integer[] boxed = Arrays.stream(byLatency).boxed().toArray(Integer[]::new);
            Arrays.sort(boxed, (a, b) -> {
                int na = nodeOf[a];
                int nb = nodeOf[b];
                if (na == origin || nb == origin) {
                    return na == origin ? (nb == origin ? 0 : -1) : 1;
                }
                return Double.compare(load(residual, paths.node(nb).id()), load(residual, paths.node(na).id()));
            });
            return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
        }
    };

    private final LightEngine engine;

    /** @param s validated settings */
    public GreedyLightController(LightSettings s) {
        this.engine = new LightEngine(s, new MeanSizer(s, 1), NEAREST_THEN_LEAST_LOADED, MeanGuards.of(s));
    }

    private static double load(Map<String, ResourceVector> residual, String node) {
        ResourceVector r = residual.get(node);
        return r == null ? -1 : r.get(Resource.CPU) + r.get(Resource.GPU);
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
