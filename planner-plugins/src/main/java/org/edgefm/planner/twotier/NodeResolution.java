package org.edgefm.planner.twotier;

import java.util.List;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.planner.twotier.LightEngine.Pair;

/** The light engine's node resolution: one node's residual capacity shared among its pairs, greedily. */
final class NodeResolution {
    private NodeResolution() {
    }

    /**
     * Greedy resolution of one node's resources (papers.md 1.5): repeatedly give one more instance to
     * the pair whose objective drops most per unit of its bottleneck resource share, while it fits.
     */
    static void resolveNode(ResourceVector residual, List<Pair> pairs) {
        if (residual == null) {
            return;
        }
        ResourceVector used = ResourceVector.ZERO;
        for (Pair p : pairs) {
            p.x = 0;
        }
        // light.service-floor: the reserved instances first
        for (Pair p : pairs) {
            while (p.x < p.floor && p.x + 1 < p.ladder.value().length && used.plus(p.service.demand()).fitsIn(residual)) {
                p.x++;
                used = used.plus(p.service.demand());
            }
        }

        while (true) {
            Pair best = null;
            double bestScore = 0;
            for (Pair p : pairs) {
                if (p.x + 1 >= p.ladder.value().length) {
                    continue;
                }
                double base = p.x == 0 ? 0 : p.ladder.value()[p.x];
                double gain = base - p.ladder.value()[p.x + 1];
                if (gain <= 1e-12 || !used.plus(p.service.demand()).fitsIn(residual)) {
                    continue;
                }
                double score = gain / Math.max(1e-9, bottleneck(p.service.demand(), residual));
                if (score > bestScore) {
                    bestScore = score;
                    best = p;
                }
            }
            if (best == null) {
                break;
            }
            best.x++;
            used = used.plus(best.service.demand());
        }
        // release hysteresis: instances wanted in the last few slots stay while the node has room
        for (Pair p : pairs) {
            p.wanted = p.x;
        }
        for (Pair p : pairs) {
            while (p.x < p.hold && p.x + 1 < p.ladder.value().length && used.plus(p.service.demand()).fitsIn(residual)) {
                p.x++;
                used = used.plus(p.service.demand());
            }
        }
    }

    private static double bottleneck(ResourceVector demand, ResourceVector residual) {
        double b = 0;
        for (Resource k : Resource.values()) {
            double d = demand.get(k);
            if (d > 0) {
                b = Math.max(b, d / Math.max(1e-9, residual.get(k)));
            }
        }
        return b;
    }
}
