package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.SystemModel;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Reason;
import org.junit.jupiter.api.Test;

/**
 * {@code sparse-ip} when C2 cannot be met: paper-table1 at 10× its declared load needs more core
 * instances than its nodes hold. The max-min best effort gives every core service a share of its
 * requirement; the greedy's plan (the behaviour before) starves the services it ranks last.
 */
class BestEffortPlacementTest {
    private static SystemModel tenfold() {
        return ScenarioLoader.load(Path.of("..", "scenarios", "paper-table1.json")).model().withLoad(10);
    }

    private static CorePlacementContext ctx(SystemModel m) {
        return new CorePlacementContext(m, List.of(), Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                Duration.ofSeconds(20));
    }

    /** The smallest share of its C2 requirement that any core service gets from {@code placement}. */
    private static double worstShare(CoreProblems.Built b, CorePlacement placement) {
        CorePlacementProblem p = b.problem();
        double worst = Double.POSITIVE_INFINITY;
        for (int m = 0; m < p.serviceCount(); m++) {
            int total = 0;
            for (CoreAssignment a : placement.assignments()) {
                total += a.service().equals(p.services().get(m)) ? a.instances() : 0;
            }
            worst = Math.min(worst, total / p.required()[m]);
        }
        return worst;
    }

    private static void assertFits(SystemModel m, CorePlacement placement) {
        for (var n : m.topology().nodes()) {
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : placement.onNode(n.id())) {
                used = used.plus(m.service(a.service()).demand().times(a.instances()));
            }
            assertThat(used.fitsIn(n.capacity())).as(n.id()).isTrue();
        }
    }

    @Test
    void tenfoldDemand_maxMinGivesEveryCoreServiceAShareTheGreedyStarves() {
        SystemModel m = tenfold();
        // the core tier alone: the light reserve is dropped where it conflicts with C2 (sharing it is the next test)
        SparseCorePlanner maxMin = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.light-reserve-conflict",
                "drop"))));
        SparseCorePlanner greedy = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.best-effort", "greedy",
                "sparse-ip.light-reserve-conflict", "drop"))));
        CoreProblems.Built built = maxMin.build(m, ctx(m));
        PlanResult<CorePlacement> even = maxMin.place(ctx(m));
        PlanResult<CorePlacement> before = greedy.place(ctx(m));

        assertThat(even).isInstanceOf(PlanResult.Infeasible.class);
        assertThat(even.reasons().stream().map(Reason::code)).contains("best-effort");
        CorePlacement evenPlan = even.plan().orElseThrow();
        CorePlacement beforePlan = before.plan().orElseThrow();
        assertFits(m, evenPlan);
        // every core service gets at least half its requirement; the greedy leaves one below a third
        assertThat(worstShare(built, evenPlan)).isGreaterThanOrEqualTo(0.5);
        assertThat(worstShare(built, beforePlan)).isLessThan(1.0 / 3);
        // and the best effort hosts at least as many instances as the greedy: nothing is left idle
        int total = evenPlan.assignments().stream().mapToInt(CoreAssignment::instances).sum();
        int greedyTotal = beforePlan.assignments().stream().mapToInt(CoreAssignment::instances).sum();
        assertThat(total).isGreaterThanOrEqualTo(60).isGreaterThanOrEqualTo(greedyTotal);
    }

    @Test
    void tenfoldDemand_sharedReserve_leavesTheLightTierRoomOnEveryNodeAndStillCoversEveryCoreService() {
        SystemModel m = tenfold();
        SparseCorePlanner shared = new SparseCorePlanner(CoreSettings.from(PlannerConfig.EMPTY));
        SparseCorePlanner dropped = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.light-reserve-conflict",
                "drop"))));
        CoreProblems.Built built = shared.build(m, ctx(m));
        CorePlacement withShare = shared.place(ctx(m)).plan().orElseThrow();
        CorePlacement without = dropped.place(ctx(m)).plan().orElseThrow();
        assertFits(m, withShare);
        double[] share = SparseCorePlanner.lightShare(m, List.of(), built.problem());
        assertThat(share[0]).isPositive();
        // the core tier takes less of the fleet's CPU than with the reserve dropped, and every core service keeps a share
        assertThat(coreCpu(m, withShare)).isLessThan(coreCpu(m, without));
        assertThat(worstShare(built, withShare)).isGreaterThan(0.2);
    }

    @Test
    void tenfoldDemand_shortageSplit_fitsAndTakesNoMoreCpuThanDroppingTheReserve() {
        SystemModel m = tenfold();
        SparseCorePlanner shortage = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.light-reserve-conflict",
                "shortage"))));
        SparseCorePlanner dropped = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.light-reserve-conflict",
                "drop"))));
        CoreProblems.Built built = shortage.build(m, ctx(m));
        PlanResult<CorePlacement> r = shortage.place(ctx(m));
        CorePlacement plan = r.plan().orElseThrow();
        assertFits(m, plan);
        // the split never gives the core tier more of the CPU than dropping the reserve, and no core service goes empty
        assertThat(coreCpu(m, plan)).isLessThanOrEqualTo(coreCpu(m, dropped.place(ctx(m)).plan().orElseThrow()) + 1e-9);
        assertThat(worstShare(built, plan)).isPositive();
    }

    /**
     * Once C2 and the light reserve conflict, the shared reserve keeps the tiers in the proportion they need, so the
     * core tier stops growing with the offered load: paper-table1-contended conflicts already at 1×, and at 4× and
     * 12× the core placement takes no more CPU than at 1×. With the light need capped at 1/2 before scaling
     * ({@code share-capped}, the behaviour before) C2 kept growing at 12× and took the light stages' room.
     */
    @Test
    void overload_sharedReserve_coreTierStopsGrowingWithTheOfferedLoad() {
        Path file = Path.of("..", "scenarios", "paper-table1-contended.json");
        double atOne = coreCpu(file, 1, "share");
        for (double load : new double[] {4, 12}) {
            assertThat(coreCpu(file, load, "share")).as("load %s", load).isLessThanOrEqualTo(atOne + 1e-9);
        }
        assertThat(coreCpu(file, 12, "share-capped")).isGreaterThan(atOne + 1);
    }

    private static double coreCpu(Path scenario, double load, String conflict) {
        SystemModel m = ScenarioLoader.load(scenario).model().withLoad(load);
        SparseCorePlanner planner = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of(
                "sparse-ip.light-reserve-conflict", conflict))));
        CorePlacement plan = planner.place(ctx(m)).plan().orElseThrow();
        assertFits(m, plan);
        return coreCpu(m, plan);
    }

    private static double coreCpu(SystemModel m, CorePlacement p) {
        double cpu = 0;
        for (CoreAssignment a : p.assignments()) {
            cpu += m.service(a.service()).demand().get(org.edgefm.api.model.Resource.CPU) * a.instances();
        }
        return cpu;
    }

    @Test
    void waterFilling_raisesTheWorstCoverageAboveTheGreedys() {
        SystemModel m = tenfold();
        org.edgefm.planner.baseline.GreedyCorePlanner planner = new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY));
        CorePlacementProblem p = planner.build(m, ctx(m)).problem();
        GreedyCoreSolver.Result greedy = GreedyCoreSolver.solve(p);
        GreedyCoreSolver.Result even = GreedyCoreSolver.solveEvenly(p);
        assertThat(even.unmet()).isNotEmpty();
        assertThat(p.capacityViolations(even.x())).isEmpty();
        assertThat(p.diversityViolations(even.x())).isEmpty();
        assertThat(p.coverage(even.x())).isGreaterThan(p.coverage(greedy.x()) + 0.2);
    }

    @Test
    void nominalDemand_isUnchanged_noBestEffort() {
        SystemModel m = ScenarioLoader.load(Path.of("..", "scenarios", "paper-table1.json")).model();
        PlanResult<CorePlacement> r = new SparseCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(ctx(m));
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        assertThat(r.reasons().stream().map(Reason::code)).doesNotContain("best-effort");
    }

    @Test
    void lightReserve_keepsTheLightServicesShareOfEveryNodeFree() {
        SystemModel m = ScenarioLoader.load(Path.of("..", "scenarios", "paper-table1.json")).model().withLoad(3);
        SparseCorePlanner planner = new SparseCorePlanner(CoreSettings.from(PlannerConfig.EMPTY));
        PlanResult<CorePlacement> r = planner.place(ctx(m));
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        assertThat(r.reasons().stream().map(Reason::code)).contains("light-reserve");
        double[] share = SparseCorePlanner.lightShare(m, List.of(), planner.build(m, ctx(m)).problem());
        assertThat(share[0]).isPositive();
        CorePlacement p = r.plan().orElseThrow();
        for (var n : m.topology().nodes()) {
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : p.onNode(n.id())) {
                used = used.plus(m.service(a.service()).demand().times(a.instances()));
            }
            ResourceVector c = n.capacity();
            ResourceVector kept = ResourceVector.of(c.get(org.edgefm.api.model.Resource.CPU) * (1 - share[0]),
                    c.get(org.edgefm.api.model.Resource.RAM) * (1 - share[1]), c.get(org.edgefm.api.model.Resource.GPU) * (1 - share[2]),
                    c.get(org.edgefm.api.model.Resource.VRAM) * (1 - share[3]));
            assertThat(used.fitsIn(kept)).as(n.id()).isTrue();
        }
    }
}
