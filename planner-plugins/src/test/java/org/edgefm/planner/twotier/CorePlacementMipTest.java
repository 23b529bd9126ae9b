package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.planner.twotier.CorePlacementProblem.CapacityMode;
import org.edgefm.planner.twotier.CorePlacementProblem.Sparsity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Each term of eq. (14) and each constraint on a tiny instance, solved by the real MIP. */
class CorePlacementMipTest {
    private static final MipCoreSolver SCIP = new MipCoreSolver("SCIP", 0);

    /** n nodes of capacity {@code cap} each (CPU only), m services of CPU demand {@code need[m]}. */
    private static CorePlacementProblem problem(double[] cap, double[] need, double[][] q, double[] required, CapacityMode cm,
            Sparsity sp, int smin, int smax, int s) {
        int nv = cap.length;
        int nm = need.length;
        ResourceVector[] c = new ResourceVector[nv];
        for (int v = 0; v < nv; v++) {
            c[v] = ResourceVector.of(cap[v], 0, 0, 0);
        }
        ResourceVector[] d = new ResourceVector[nm];
        double[] cost = new double[nm];
        int[] min = new int[nm];
        int[] max = new int[nm];
        for (int m = 0; m < nm; m++) {
            d[m] = ResourceVector.of(need[m], 0, 0, 0);
            cost[m] = 24;
            min[m] = smin;
            max[m] = smax;
        }
        int[][] upper = new int[nv][nm];
        for (int v = 0; v < nv; v++) {
            for (int m = 0; m < nm; m++) {
                upper[v][m] = CorePlacementProblem.copies(d[m], c[v], 64);
            }
        }
        List<String> nodes = java.util.stream.IntStream.range(0, nv).mapToObj(i -> "n" + i).toList();
        List<String> svcs = java.util.stream.IntStream.range(0, nm).mapToObj(i -> "s" + i).toList();
        return new CorePlacementProblem(nodes, svcs, c, d, cost, q, 10, required, upper, cm, sp, min, max, s);
    }

    private static int total(int[][] x, int m) {
        int t = 0;
        for (int[] row : x) {
            t += row[m];
        }
        return t;
    }

    @Test
    void objective_costTerm_placesNoMoreInstancesThanC2Needs() {
        CorePlacementProblem p = problem(new double[] {100, 100}, new double[] {4}, new double[][] {{0.5}, {0.5}},
                new double[] {2.3}, CapacityMode.AGGREGATE, Sparsity.NONE, 1, 2, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(s.outcome()).isEqualTo(MipCoreSolver.Outcome.OPTIMAL);
        assertThat(total(s.x(), 0)).isEqualTo(3);
    }

    @Test
    void objective_qosTerm_prefersTheNodeWithTheHigherScore() {
        CorePlacementProblem p = problem(new double[] {100, 100}, new double[] {4}, new double[][] {{0.1}, {0.9}},
                new double[] {1}, CapacityMode.AGGREGATE, Sparsity.NONE, 1, 2, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(s.x()[1][0]).isEqualTo(1);
        assertThat(s.x()[0][0]).isZero();
        assertThat(s.objective()).isCloseTo(24 - 10 * 0.9, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void c1Aggregate_servicesShareTheNodeCapacity() {
        // node 0 is attractive for both services but fits only 2 instances in total
        CorePlacementProblem p = problem(new double[] {8, 100}, new double[] {4, 4}, new double[][] {{0.9, 0.9}, {0.1, 0.1}},
                new double[] {2, 2}, CapacityMode.AGGREGATE, Sparsity.NONE, 1, 2, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(s.x()[0][0] + s.x()[0][1]).isEqualTo(2);
        assertThat(p.capacityViolations(s.x())).isEmpty();
    }

    @Test
    void c1PerService_asPrintedBoundsEachServiceAlone() {
        CorePlacementProblem p = problem(new double[] {8, 100}, new double[] {4, 4}, new double[][] {{0.9, 0.9}, {0.1, 0.1}},
                new double[] {2, 2}, CapacityMode.PER_SERVICE, Sparsity.NONE, 1, 2, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(s.x()[0][0]).isEqualTo(2);
        assertThat(s.x()[0][1]).isEqualTo(2);
    }

    @Test
    void c2_totalInstancesCoverTheEstimatedDemand() {
        CorePlacementProblem p = problem(new double[] {20, 20, 20}, new double[] {4}, new double[][] {{0.2}, {0.2}, {0.2}},
                new double[] {7.01}, CapacityMode.AGGREGATE, Sparsity.NONE, 1, 3, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(total(s.x(), 0)).isEqualTo(8);
        assertThat(p.violations(s.x())).isEmpty();
    }

    @Test
    void diversity_spreadsOneInstanceDemandOverSminNodes() {
        CorePlacementProblem p = problem(new double[] {100, 100, 100}, new double[] {4}, new double[][] {{0.9}, {0.5}, {0.1}},
                new double[] {1}, CapacityMode.AGGREGATE, Sparsity.DIVERSITY, 2, 3, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(s.x()[0][0]).isEqualTo(1);
        assertThat(s.x()[1][0]).isEqualTo(1);
        assertThat(s.x()[2][0]).isZero();
    }

    @Test
    void diversity_smaxKeepsTheServiceOnFewNodes() {
        CorePlacementProblem p = problem(new double[] {100, 100, 100}, new double[] {4}, new double[][] {{0.9}, {0.9}, {0.9}},
                new double[] {5}, CapacityMode.AGGREGATE, Sparsity.DIVERSITY, 1, 1, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        int distinct = 0;
        for (int[] row : s.x()) {
            distinct += row[0] > 0 ? 1 : 0;
        }
        assertThat(distinct).isEqualTo(1);
        assertThat(total(s.x(), 0)).isEqualTo(5);
    }

    @Test
    void isolation_atMostSTypesPerNode() {
        CorePlacementProblem p = problem(new double[] {100, 100}, new double[] {4, 4}, new double[][] {{0.9, 0.9}, {0.1, 0.1}},
                new double[] {1, 1}, CapacityMode.AGGREGATE, Sparsity.ISOLATION, 1, 2, 1);
        MipCoreSolver.Solution s = SCIP.solve(p, 5000);
        assertThat(p.isolationViolations(s.x())).isEmpty();
        assertThat(s.x()[0][0] + s.x()[0][1]).isEqualTo(1);
        assertThat(s.x()[1][0] + s.x()[1][1]).isEqualTo(1);
    }

    @Test
    void infeasible_reportedAsOutcomeNotException() {
        CorePlacementProblem p = problem(new double[] {4}, new double[] {4}, new double[][] {{0.5}},
                new double[] {3}, CapacityMode.AGGREGATE, Sparsity.NONE, 1, 1, 1);
        assertThat(SCIP.solve(p, 5000).outcome()).isEqualTo(MipCoreSolver.Outcome.INFEASIBLE);
    }

    @Test
    void violations_nameEachBrokenConstraint() {
        CorePlacementProblem p = problem(new double[] {8, 8}, new double[] {4, 4}, new double[][] {{0, 0}, {0, 0}},
                new double[] {3, 1}, CapacityMode.AGGREGATE, Sparsity.BOTH, 2, 2, 1);
        int[][] x = {{2, 1}, {0, 0}};
        assertThat(String.join("\n", p.violations(x)))
                .contains("C1: node n0").contains("C2: s0").contains("diversity: s0").contains("isolation: node n0");
    }

    @ParameterizedTest
    @EnumSource(Sparsity.class)
    void mip_equalsBruteForceOptimum_on3NodesBy2Services(Sparsity sparsity) {
        SplittableRandom r = new SplittableRandom(42 + sparsity.ordinal());
        int checked = 0;
        for (int trial = 0; trial < 12; trial++) {
            double[] cap = {r.nextInt(4, 13), r.nextInt(4, 13), r.nextInt(4, 13)};
            double[] need = {r.nextInt(2, 6), r.nextInt(2, 6)};
            double[][] q = new double[3][2];
            for (double[] row : q) {
                row[0] = r.nextDouble();
                row[1] = r.nextDouble();
            }
            double[] req = {r.nextDouble() * 3, r.nextDouble() * 3};
            // with both readings, S_min = 2 for two services would need four single-type nodes
            CorePlacementProblem p = problem(cap, need, q, req, CapacityMode.AGGREGATE, sparsity, sparsity == Sparsity.BOTH ? 1 : 2, 2, 1);
            double best = bruteForce(p);
            MipCoreSolver.Solution s = SCIP.solve(p, 5000);
            if (best == Double.POSITIVE_INFINITY) {
                assertThat(s.outcome()).isEqualTo(MipCoreSolver.Outcome.INFEASIBLE);
            } else {
                checked++;
                assertThat(s.outcome()).isEqualTo(MipCoreSolver.Outcome.OPTIMAL);
                assertThat(p.violations(s.x())).isEmpty();
                assertThat(s.objective()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(checked).isGreaterThan(3);
    }

    /** Enumerates every x in [0, U]^(3x2). */
    private static double bruteForce(CorePlacementProblem p) {
        int cells = p.nodeCount() * p.serviceCount();
        int[] idx = new int[cells];
        double best = Double.POSITIVE_INFINITY;
        while (true) {
            int[][] x = new int[p.nodeCount()][p.serviceCount()];
            for (int c = 0; c < cells; c++) {
                x[c / p.serviceCount()][c % p.serviceCount()] = idx[c];
            }
            if (p.violations(x).isEmpty()) {
                best = Math.min(best, p.objective(x));
            }
            int c = 0;
            while (c < cells) {
                int v = c / p.serviceCount();
                int m = c % p.serviceCount();
                if (idx[c] < p.upper()[v][m]) {
                    idx[c]++;
                    break;
                }
                idx[c] = 0;
                c++;
            }
            if (c == cells) {
                return best;
            }
        }
    }

    @Test
    void greedy_respectsEveryConstraintOnAFeasibleInstance() {
        CorePlacementProblem p = problem(new double[] {16, 16, 16}, new double[] {4, 6}, new double[][] {{0.9, 0.1}, {0.5, 0.5}, {0.1, 0.9}},
                new double[] {3, 2}, CapacityMode.AGGREGATE, Sparsity.DIVERSITY, 2, 3, 1);
        GreedyCoreSolver.Result g = GreedyCoreSolver.solve(p);
        assertThat(g.unmet()).isEmpty();
        assertThat(p.violations(g.x())).isEmpty();
        assertThat(p.objective(g.x())).isGreaterThanOrEqualTo(SCIP.solve(p, 5000).objective() - 1e-9);
    }

    private static CorePlacementProblem withCurrent(CorePlacementProblem p, int[][] current, double deploy) {
        double[] dp = new double[p.serviceCount()];
        java.util.Arrays.fill(dp, deploy);
        return new CorePlacementProblem(p.nodes(), p.services(), p.capacity(), p.demand(), p.cost(), p.qos(), p.xi(), p.required(),
                p.upper(), p.capacityMode(), p.sparsity(), p.minNodes(), p.maxNodes(), p.maxTypesPerNode(), current, dp);
    }

    @Test
    void keepCurrent_runningInstanceBeatsASlightlyBetterNewNode() {
        CorePlacementProblem p = problem(new double[] {100, 100}, new double[] {4}, new double[][] {{0.5}, {0.6}},
                new double[] {1}, CapacityMode.AGGREGATE, Sparsity.NONE, 1, 2, 1);
        assertThat(SCIP.solve(p, 5000).x()[1][0]).isEqualTo(1);
        CorePlacementProblem running = withCurrent(p, new int[][] {{1}, {0}}, 20);
        MipCoreSolver.Solution s = SCIP.solve(running, 5000);
        assertThat(s.x()[0][0]).isEqualTo(1);
        assertThat(s.x()[1][0]).isZero();
        assertThat(s.objective()).isCloseTo(24 - 10 * 0.5 - 20, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void keepCurrent_mipEqualsBruteForceWithRunningInstances() {
        SplittableRandom r = new SplittableRandom(99);
        for (int trial = 0; trial < 10; trial++) {
            double[] cap = {r.nextInt(6, 13), r.nextInt(6, 13), r.nextInt(6, 13)};
            double[][] q = new double[3][2];
            int[][] cur = new int[3][2];
            for (int v = 0; v < 3; v++) {
                q[v][0] = r.nextDouble();
                q[v][1] = r.nextDouble();
                cur[v][r.nextInt(2)] = r.nextInt(3);
            }
            CorePlacementProblem p = withCurrent(problem(cap, new double[] {3, 4}, q, new double[] {r.nextDouble() * 3, r.nextDouble() * 3},
                    CapacityMode.AGGREGATE, Sparsity.DIVERSITY, 1, 2, 1), cur, 20);
            double best = bruteForce(p);
            MipCoreSolver.Solution s = SCIP.solve(p, 5000);
            assertThat(s.outcome()).isEqualTo(MipCoreSolver.Outcome.OPTIMAL);
            assertThat(s.objective()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"SCIP", "CP_SAT", "CBC"})
    void everyBackend_findsTheBruteForceOptimum(String backend) {
        CorePlacementProblem p = problem(new double[] {12, 9, 16}, new double[] {3, 5}, new double[][] {{0.9, 0.2}, {0.4, 0.7}, {0.1, 0.5}},
                new double[] {2.5, 1.2}, CapacityMode.AGGREGATE, Sparsity.DIVERSITY, 2, 2, 1);
        MipCoreSolver.Solution s = new MipCoreSolver(backend, 0).solve(p, 10_000);
        assertThat(s.outcome()).as(s.detail()).isEqualTo(MipCoreSolver.Outcome.OPTIMAL);
        assertThat(s.objective()).isCloseTo(bruteForce(p), org.assertj.core.data.Offset.offset(1e-6));
    }
}
