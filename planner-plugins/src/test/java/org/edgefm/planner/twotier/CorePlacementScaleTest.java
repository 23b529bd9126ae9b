package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Reason;
import org.edgefm.planner.fixtures.CellFleet;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The core placement at fleet scale: never worse than the greedy, time-limited solves reported as such, exact pruning. */
class CorePlacementScaleTest {
    private static CorePlacementContext ctx(SystemModel m) {
        return new CorePlacementContext(m, List.of(), Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                Duration.ofSeconds(10));
    }

    private static List<String> codes(PlanResult<?> r) {
        return r.reasons().stream().map(Reason::code).toList();
    }

    private static int[][] matrix(CorePlacementProblem p, CorePlacement placement) {
        int[][] x = new int[p.nodeCount()][p.serviceCount()];
        for (CoreAssignment a : placement.assignments()) {
            x[p.nodes().indexOf(a.node())][p.services().indexOf(a.service())] += a.instances();
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void seededInstances_neverWorseThanTheGreedyAndFeasible(long seed) {
        SystemModel m = Fixtures.random(seed, 4, 24, 5, 5, 5);
        for (int k : new int[] {0, 4}) {
            CoreSettings s = CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", k)));
            SparseCorePlanner planner = new SparseCorePlanner(s);
            CorePlacementProblem p = planner.build(m, ctx(m)).problem();
            GreedyCoreSolver.Result g = GreedyCoreSolver.solve(p);
            PlanResult<CorePlacement> r = planner.place(ctx(m));
            int[][] x = matrix(p, r.plan().orElseThrow());
            if (g.unmet().isEmpty()) {
                assertThat(p.violations(x)).as("seed %d, K %d", seed, k).isEmpty();
                assertThat(p.objective(x)).as("seed %d, K %d", seed, k).isLessThanOrEqualTo(p.objective(g.x()) + 1e-9);
            }
            assertThat(codes(r)).containsAnyOf("solver-optimal", "solver-time-limit");
        }
    }

    @Test
    void solverWorseThanTheGreedy_theGreedysPlanIsUsedAndSaid() {
        SystemModel m = Fixtures.random(3, 4, 24, 5, 5, 5);
        CoreSettings s = CoreSettings.from(PlannerConfig.EMPTY);
        // a "solver" that stops at its limit with a feasible but poor plan: every service on its worst hosts
        SparseCorePlanner planner = new SparseCorePlanner(s,  (problem, limit, hint) -> {
            assertThat(hint).as("the greedy's plan is passed as the start").isNotNull();
            int[][] worse = hint.clone();
            for (int v = 0; v < worse.length; v++) {
                worse[v] = hint[v].clone();
            }
            int v = 0;
            while (v < problem.nodeCount() && !extraFits(problem, worse, v)) {
                v++;
            }
            assertThat(v).isLessThan(problem.nodeCount());
            return new MipCoreSolver.Solution(MipCoreSolver.Outcome.FEASIBLE, worse, problem.objective(worse),
                    problem.objective(hint) - 50, limit, "FEASIBLE");
        });
        CorePlacementProblem p = planner.build(m, ctx(m)).problem();
        GreedyCoreSolver.Result g = GreedyCoreSolver.solve(p);
        PlanResult<CorePlacement> r = planner.place(ctx(m));
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        Reason note = r.reasons().stream().filter(x -> x.code().equals("solver-time-limit")).findFirst().orElseThrow();
        assertThat(note.message()).contains("gap").contains("the greedy's plan");
        assertThat(note.message()).contains("limit");
        assertThat(p.objective(matrix(p, r.plan().orElseThrow()))).isEqualTo(p.objective(g.x()));
    }

    /** Adds one more instance of a service the node already hosts when it fits (a worse, still feasible plan). */
    private static boolean extraFits(CorePlacementProblem p, int[][] x, int v) {
        for (int m = 0; m < p.serviceCount(); m++) {
            if (x[v][m] > 0 && x[v][m] < p.upper()[v][m]) {
                x[v][m]++;
                if (p.violations(x).isEmpty() && p.coefficient(v, m) > 0) {
                    return true;
                }
                x[v][m]--;
            }
        }
        return false;
    }

    @Test
    void realTimeLimitedSolve_returnsAFeasiblePlanNoWorseThanItsStart() {
        SystemModel m = Fixtures.random(17, 20, 180, 12, 12, 12);
        CoreSettings s = CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", 0)));
        CorePlacementProblem p = new SparseCorePlanner(s).build(m, ctx(m)).problem();
        GreedyCoreSolver.Result g = GreedyCoreSolver.solve(p);
        assertThat(g.unmet()).isEmpty();
        MipCoreSolver.Solution sol = new MipCoreSolver("SCIP", 0).solve(p, 200, g.x());
        assertThat(sol.outcome()).isIn(MipCoreSolver.Outcome.OPTIMAL, MipCoreSolver.Outcome.FEASIBLE);
        assertThat(p.violations(sol.x())).isEmpty();
        assertThat(sol.objective()).isLessThanOrEqualTo(p.objective(g.x()) + 1e-6);
        if (sol.outcome() == MipCoreSolver.Outcome.FEASIBLE && !Double.isNaN(sol.bound())) {
            assertThat(sol.bound()).isLessThanOrEqualTo(sol.objective() + 1e-6);
            assertThat(sol.gap()).isBetween(0.0, 1e6);
        }
    }

    @Test
    void noBudgetLeft_theGreedyIsUsedAndSaid() {
        SystemModel m = Fixtures.random(3, 4, 24, 5, 5, 5);
        SparseCorePlanner planner = new SparseCorePlanner(CoreSettings.from(PlannerConfig.EMPTY),  (problem, limit, hint) -> {
                    throw new AssertionError("the solver must not start without time");
                });
        CorePlacementContext tight = new CorePlacementContext(m, List.of(), Set.of(), CorePlacement.EMPTY,
                CorePlacementContext.Trigger.START, Duration.ofMillis(20));
        PlanResult<CorePlacement> r = planner.place(tight);
        assertThat(codes(r)).contains("greedy-fallback");
        assertThat(r.plan()).isPresent();
    }

    @Test
    void solverSaysInfeasibleButTheGreedyIsFeasible_theGreedysPlanIsUsed() {
        SystemModel m = Fixtures.random(3, 4, 24, 5, 5, 5);
        SparseCorePlanner planner = new SparseCorePlanner(CoreSettings.from(PlannerConfig.EMPTY),  (problem, limit, hint) -> new MipCoreSolver.Solution(MipCoreSolver.Outcome.INFEASIBLE, null, Double.NaN, Double.NaN,
                        1, "INFEASIBLE"));
        PlanResult<CorePlacement> r = planner.place(ctx(m));
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        assertThat(codes(r)).contains("greedy-fallback").doesNotContain("infeasible");
    }

    @Test
    void candidateNodesBelowMaxNodes_isAConfigExceptionNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", 2))))
                .isInstanceOf(org.edgefm.api.ConfigException.class).hasMessageContaining("sparse-ip.candidate-nodes");
    }

    @Test
    void pruning_keepsTheGreedysHostsAndAtMostKOthersPerService() {
        SystemModel m = Fixtures.random(5, 10, 90, 6, 6, 6);
        SparseCorePlanner planner = new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", 8))));
        CorePlacementProblem p = planner.build(m, ctx(m)).problem();
        GreedyCoreSolver.Result g = GreedyCoreSolver.solve(p);
        List<Reason> notes = new java.util.ArrayList<>();
        CorePlacementProblem r = planner.reduce(p, g.x(), notes);
        assertThat(r.violations(g.x())).isEqualTo(p.violations(g.x()));
        for (int mm = 0; mm < p.serviceCount(); mm++) {
            int free = 0;
            for (int v = 0; v < p.nodeCount(); v++) {
                free += r.upper()[v][mm] > 0 && g.x()[v][mm] == 0 ? 1 : 0;
            }
            assertThat(free).as(p.services().get(mm)).isLessThanOrEqualTo(8);
        }
        assertThat(notes.stream().map(Reason::code)).contains("candidates-pruned");
    }

    @Test
    void cellFleet_unreachableCellsChangeNoEstimate() {
        // cells are not linked: each cell's estimates must equal those of the cell alone
        SystemModel one = CellFleet.of("trial-lab", 4);
        SystemModel many = CellFleet.of("trial-lab", 40);
        CoreSettings s = CoreSettings.from(PlannerConfig.EMPTY);
        CoreEstimates a = CoreEstimates.compute(one, List.of(), Set.of(), s);
        CoreEstimates b = CoreEstimates.compute(many, List.of(), Set.of(), s);
        for (int v = 0; v < a.nodes.size(); v++) {
            int w = b.nodes.indexOf(a.nodes.get(v));
            for (int m = 0; m < a.services.size(); m++) {
                assertThat(b.load[w][m]).as("load %s %s", a.nodes.get(v), a.services.get(m)).isCloseTo(a.load[v][m],
                        org.assertj.core.data.Offset.offset(1e-9));
                // Q is normalised by the fleet's total rate: ten identical cells carry a tenth each
                assertThat(b.qos[w][m] * 10).isCloseTo(a.qos[v][m], org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }
}
