package org.edgefm.sim;

import java.util.Arrays;
import java.util.List;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.routing.StageRouter;

/** A node's routing table (a directive's routes) compiled to arrays indexed by (task type, stage, origin). */
final class RouteTable {
    /** One stage's targets: node indices and weights, and the share of new tasks refused (admission control). */
    record Target(int[] nodes, double[] weights, double reject) {
    }

    /** The route list this table was compiled from. */
    final List<Route> source;
    private final CompiledModel m;
    private final Target[] table;

    RouteTable(CompiledModel m, List<Route> routes) {
        this.m = m;
        source = routes;
        table = new Target[m.typeCount * m.maxStages * m.nodeCount];
        // Routes without an origin first, so a route for a specific origin overrides them; within a
        // pass the table is read backwards, so the first of two routes for the same stage (and
        // origin) wins, as StageRouter.routeOf reads it for the agents.
        for (int pass = 0; pass < 2; pass++) {
            for (int k = routes.size() - 1; k >= 0; k--) {
                Route r = routes.get(k);
                if ((r.origin() == null) != (pass == 0)) {
                    continue;
                }
                Integer t = m.typeIndex.get(r.taskType());
                if (t == null) {
                    continue;
                }
                int stage = -1;
                for (int i = 0; i < m.stageIds[t].length; i++) {
                    if (m.stageIds[t][i].equals(r.stage())) {
                        stage = i;
                    }
                }
                if (stage < 0) {
                    continue;
                }
                Target tg = compile(r.targets());
                if (tg == null) {
                    continue;
                }
                int base = (t * m.maxStages + stage) * m.nodeCount;
                if (r.origin() == null) {
                    for (int o = 0; o < m.nodeCount; o++) {
                        table[base + o] = tg;
                    }
                } else {
                    Integer o = m.nodeIndex.get(r.origin());
                    if (o != null) {
                        table[base + o] = tg;
                    }
                }
            }
        }
    }

    /** The targets for {@code stage} of a task of type {@code t} that entered at {@code origin}, or null. */
    Target get(int t, int stage, int origin) {
        return table[(t * m.maxStages + stage) * m.nodeCount + origin];
    }

    private Target compile(List<WeightedTarget> targets) {
        int[] nodes = new int[targets.size()];
        double[] weights = new double[targets.size()];
        int n = 0;
        for (WeightedTarget w : targets) {
            Integer i = w.isReject() ? null : m.nodeIndex.get(w.node());
            if (i != null) {
                nodes[n] = i;
                weights[n] = w.weight();
                n++;
            }
        }
        double share = StageRouter.rejectShare(targets);
        return n == 0 && share == 0 ? null : new Target(Arrays.copyOf(nodes, n), Arrays.copyOf(weights, n), share);
    }
}
