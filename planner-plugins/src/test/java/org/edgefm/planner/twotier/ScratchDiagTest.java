package org.edgefm.planner.twotier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.fixtures.CellFleet;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

class ScratchDiagTest {
    @Test
    void diag() {
        String what = System.getProperty("diag", "trial-lab");
        int n = Integer.getInteger("diag.nodes", 1000);
        int cores = Integer.getInteger("diag.cores", 20);
        SystemModel model = what.equals("random") ? Fixtures.random(17, Math.max(2, n / 10), n - Math.max(2, n / 10), cores, cores, cores)
                : CellFleet.of(what, n);
        for (String k : System.getProperty("diag.k", "64,0").split(",")) {
            CoreSettings s = CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", Integer.parseInt(k))));
            SparseCorePlanner planner = new SparseCorePlanner(s, SparseCorePlanner.Mode.MIP);
            CorePlacementContext ctx = new CorePlacementContext(model, List.of(), Set.of(), CorePlacement.EMPTY,
                    CorePlacementContext.Trigger.START, Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            SparseCorePlanner.Built b = planner.build(model, ctx);
            long t1 = System.nanoTime();
            GreedyCoreSolver.Result g = GreedyCoreSolver.solve(b.problem());
            System.out.println("k=" + k + " build ms " + (t1 - t0) / 1e6 + " nv " + b.problem().nodeCount() + " nm " + b.problem().serviceCount()
                    + " greedy obj " + b.problem().objective(g.x()) + " unmet " + g.unmet().size());
            long t2 = System.nanoTime();
            PlanResult<CorePlacement> r = planner.place(ctx);
            long t3 = System.nanoTime();
            System.out.println("k=" + k + " place ms " + (t3 - t2) / 1e6 + " " + r.reasons());
        }
    }
}
