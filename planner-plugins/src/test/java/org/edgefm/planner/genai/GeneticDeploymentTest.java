package org.edgefm.planner.genai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.PlannerConfig;
import org.junit.jupiter.api.Test;

class GeneticDeploymentTest {

    /** A random instance in the ranges of papers.md 3.1/5.2: storage 2-50 GB, GPU memory 1-6 GB. */
    static DeploymentProblem randomProblem(SplittableRandom r, int n) {
        List<DeploymentProblem.Model> ms = new ArrayList<>();
        double totalS = 0;
        double totalG = 0;
        double totalE = 0;
        for (int i = 0; i < n; i++) {
            double s = 2 + 48 * r.nextDouble();
            double g = 1 + 5 * r.nextDouble();
            double e = 20 + 80 * r.nextDouble();
            totalS += s;
            totalG += g;
            totalE += e;
            ms.add(new DeploymentProblem.Model("m" + i, s, g, 1000 * s / 1.25, 200 + 300 * g,
                    50 + 500 * r.nextDouble(), 600 + 3000 * r.nextDouble(), 40 * Math.pow(r.nextDouble(), 2),
                    e, 10 * r.nextDouble()));
        }
        boolean[] prev = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = r.nextDouble() < 0.3;
        }
        // Budgets between 20 % and 60 % of the total footprint so that the constraints bind.
        return new DeploymentProblem(ms, totalS * (0.2 + 0.4 * r.nextDouble()), totalG * (0.2 + 0.4 * r.nextDouble()),
                totalE * (0.2 + 0.4 * r.nextDouble()), new DeploymentProblem.Weights(0.001, 0.002, 0.02), prev);
    }

    @Test
    void decide_randomInstances_neverReturnsAnInfeasibleDeployment() {
        SplittableRandom r = new SplittableRandom(42);
        GeneticDeployment ga = new GeneticDeployment(new GeneticDeployment.Settings(20, 15, 0.9, 0.3, 2, true, 7));
        for (int k = 0; k < 300; k++) {
            DeploymentProblem p = randomProblem(r, 2 + r.nextInt(25));
            boolean[] x = ga.decide(p, null, k);
            assertThat(DeploymentCost.violations(p, x)).as("instance %d", k).isEmpty();
        }
    }

    @Test
    void decide_smallInstances_matchesExhaustiveCostWithinOnePercent() {
        // The default GA minimises the horizon cost (switching amortised over its horizon) ...
        assertWithinOnePercentOfExhaustive(GeneticDeployment.Settings.DEFAULT);
    }

    @Test
    void decide_myopicSmallInstances_matchesExhaustiveCostWithinOnePercent() {
        // ... and the myopic GA (horizon 1) paper 2's one-slot cost.
        GeneticDeployment.Settings d = GeneticDeployment.Settings.DEFAULT;
        assertWithinOnePercentOfExhaustive(new GeneticDeployment.Settings(d.population(), d.generations(),
                d.crossoverRate(), d.mutationRate(), d.tournament(), d.warmStart(), d.seed(), 1));
    }

    private static void assertWithinOnePercentOfExhaustive(GeneticDeployment.Settings settings) {
        SplittableRandom r = new SplittableRandom(2024);
        GeneticDeployment ga = new GeneticDeployment(settings);
        double h = settings.horizonSlots();
        double worst = 0;
        for (int k = 0; k < 40; k++) {
            DeploymentProblem p = randomProblem(r, 4 + r.nextInt(9));
            double opt = DeploymentCost.horizonCost(p, ExhaustiveDeployment.solve(p, h), h);
            double got = DeploymentCost.horizonCost(p, ga.decide(p, null, k), h);
            assertThat(got).as("instance %d", k).isGreaterThanOrEqualTo(opt - 1e-9);
            worst = Math.max(worst, (got - opt) / opt);
        }
        assertThat(worst).isLessThanOrEqualTo(0.01);
    }

    @Test
    void horizonCost_horizonOne_isTheOneSlotCost() {
        DeploymentProblem p = randomProblem(new SplittableRandom(3), 8);
        boolean[] x = {true, false, true, false, false, true, false, false};
        assertThat(DeploymentCost.horizonCost(p, x, 1)).isCloseTo(DeploymentCost.cost(p, x), offset(1e-9));
        double amortised = DeploymentCost.cost(p, x) - p.weights().delay() * DeploymentCost.switchingMs(p, x) * 0.75;
        assertThat(DeploymentCost.horizonCost(p, x, 4)).isCloseTo(amortised, offset(1e-9));
    }

    /**
     * One model, not resident: 30 requests per slot save 100 ms each over the cloud (3000 ms per slot)
     * and its switch-in takes 20 000 ms. Over one slot loading it does not pay; over 10 slots it does.
     */
    @Test
    void decide_benefitOverHorizonExceedsSwitchCost_horizonGaLoadsItAndMyopicGaDoesNot() {
        List<DeploymentProblem.Model> ms = List.of(
                new DeploymentProblem.Model("llm", 5, 4, 15_000, 5_000, 400, 500, 30, 10, 1),
                new DeploymentProblem.Model("other", 5, 4, 15_000, 5_000, 400, 500, 0, 10, 1));
        DeploymentProblem p = new DeploymentProblem(ms, 10, 8, 1000, new DeploymentProblem.Weights(0.001, 0, 0), null);
        GeneticDeployment myopic = new GeneticDeployment(new GeneticDeployment.Settings(10, 10, 0.9, -1, 2, true, 1, 1));
        GeneticDeployment horizon = new GeneticDeployment(new GeneticDeployment.Settings(10, 10, 0.9, -1, 2, true, 1, 10));
        assertThat(myopic.decide(p, null, 0)).containsExactly(false, false);
        assertThat(horizon.decide(p, null, 0)).containsExactly(true, false);
        assertThat(ExhaustiveDeployment.solve(p, 10)).containsExactly(true, false);
    }

    /**
     * Room for one of two models; "a" is resident. In slot 1 "a" dips just below "b" (9 vs 10
     * requests), in slot 2 it is back (12 vs 10). Popularity-greedy follows the ranking and switches
     * twice (20 s each); the horizon GA keeps "a": one extra request's 100 ms per slot never pays for
     * a 20 s switch spread over 10 slots.
     */
    @Test
    void decide_shortDipOfTheResidentModel_horizonGaKeepsItWhilePopularityGreedyThrashes() {
        GeneticDeployment ga = new GeneticDeployment(GeneticDeployment.Settings.DEFAULT);
        DeploymentPolicy greedy = Baselines.popularityGreedy();
        boolean[] gaX = {true, false};
        boolean[] greedyX = {true, false};
        int gaSwitches = 0;
        int greedySwitches = 0;
        double[][] requests = {{9, 10}, {12, 10}};
        for (int t = 0; t < requests.length; t++) {
            boolean[] gaNext = ga.decide(twoModels(requests[t], gaX), null, t);
            boolean[] greedyNext = greedy.decide(twoModels(requests[t], greedyX), null, t);
            gaSwitches += switchIns(gaX, gaNext);
            greedySwitches += switchIns(greedyX, greedyNext);
            gaX = gaNext;
            greedyX = greedyNext;
            assertThat(gaX).as("genai-ga, slot %d", t).containsExactly(true, false);
        }
        assertThat(gaSwitches).isZero();
        assertThat(greedySwitches).isEqualTo(2);
    }

    private static DeploymentProblem twoModels(double[] requests, boolean[] previous) {
        List<DeploymentProblem.Model> ms = List.of(
                new DeploymentProblem.Model("a", 5, 4, 15_000, 5_000, 400, 500, requests[0], 10, 1),
                new DeploymentProblem.Model("b", 5, 4, 15_000, 5_000, 400, 500, requests[1], 10, 1));
        return new DeploymentProblem(ms, 10, 4, 1000, new DeploymentProblem.Weights(0.001, 0, 0), previous);
    }

    private static int switchIns(boolean[] before, boolean[] after) {
        int n = 0;
        for (int i = 0; i < before.length; i++) {
            if (after[i] && !before[i]) {
                n++;
            }
        }
        return n;
    }

    @Test
    void settings_horizonKey_parsedWithItsDefaultAndValidated() {
        assertThat(GenAiSettings.from(PlannerConfig.EMPTY).ga().horizonSlots())
                .isEqualTo(GeneticDeployment.Settings.DEFAULT_HORIZON_SLOTS);
        assertThat(GenAiSettings.from(PlannerConfig.of(Map.of("genai-ga.horizon-slots", 4))).ga().horizonSlots())
                .isEqualTo(4.0);
        assertThatThrownBy(() -> GenAiSettings.from(PlannerConfig.of(Map.of("genai-ga.horizon-slots", 0))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("genai-ga.horizon-slots: 0.0");
    }

    @Test
    void settings_horizonBelowOne_isRejected() {
        assertThatThrownBy(() -> new GeneticDeployment.Settings(10, 10, 0.9, -1, 2, true, 1, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("horizon-slots");
    }

    @Test
    void repair_overfullDeployment_evictsLowestRequestsPerGpuMemoryFirst() {
        List<DeploymentProblem.Model> ms = List.of(
                new DeploymentProblem.Model("busy", 10, 2, 0, 0, 1, 10, 20, 0, 0),   // 10 requests per GB
                new DeploymentProblem.Model("idle", 10, 2, 0, 0, 1, 10, 2, 0, 0),    // 1 per GB
                new DeploymentProblem.Model("big", 10, 4, 0, 0, 1, 10, 20, 0, 0));   // 5 per GB
        DeploymentProblem p = new DeploymentProblem(ms, 100, 6, 100, new DeploymentProblem.Weights(1, 0, 0), null);
        boolean[] x = DeploymentCost.repair(p, new boolean[] {true, true, true});
        assertThat(x).containsExactly(true, false, true);
    }

    @Test
    void decide_warmStartAtTheOptimum_keepsTheOptimumWithOneGeneration() {
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < 20; k++) {
            DeploymentProblem p0 = randomProblem(r, 10);
            boolean[] opt = ExhaustiveDeployment.solve(p0);
            DeploymentProblem p = new DeploymentProblem(p0.models(), p0.storageBudget(), p0.gpuBudget(),
                    p0.energyBudget(), p0.weights(), opt);
            boolean[] x = new GeneticDeployment(new GeneticDeployment.Settings(4, 1, 0.9, 0.5, 2, true, 3)).decide(p, null, 0);
            assertThat(DeploymentCost.cost(p, x)).isLessThanOrEqualTo(DeploymentCost.cost(p, ExhaustiveDeployment.solve(p)) + 1e-9);
        }
    }

    @Test
    void switchingCost_chargedOnlyForModelsNotResidentBefore() {
        List<DeploymentProblem.Model> ms = List.of(
                new DeploymentProblem.Model("a", 1, 1, 100, 50, 1, 10, 0, 0, 5),
                new DeploymentProblem.Model("b", 1, 1, 200, 70, 1, 10, 0, 0, 5));
        DeploymentProblem p = new DeploymentProblem(ms, 10, 10, 100, new DeploymentProblem.Weights(1, 0, 0),
                new boolean[] {true, false});
        assertThat(DeploymentCost.switchingMs(p, new boolean[] {true, true})).isEqualTo(270.0);
        assertThat(DeploymentCost.energyJ(p, new boolean[] {true, true})).isEqualTo(5.0);
    }

    @Test
    void baselines_randomInstances_areFeasible() {
        SplittableRandom r = new SplittableRandom(9);
        List<DeploymentPolicy> ps = List.of(Baselines.allCloud(), Baselines.popularityGreedy(), Baselines.densityGreedy(),
                Baselines.lru());
        for (int k = 0; k < 100; k++) {
            DeploymentProblem p = randomProblem(r, 1 + r.nextInt(15));
            double[] obs = new double[p.size()];
            for (int i = 0; i < obs.length; i++) {
                obs[i] = r.nextInt(3);
            }
            for (DeploymentPolicy pol : ps) {
                assertThat(DeploymentCost.feasible(p, pol.decide(p, obs, k))).isTrue();
            }
        }
    }

    @Test
    void lru_modelRequestedLongAgo_isEvictedBeforeARecentOne() {
        List<DeploymentProblem.Model> ms = List.of(
                new DeploymentProblem.Model("old", 1, 1, 0, 0, 1, 10, 0, 0, 0),
                new DeploymentProblem.Model("new", 1, 1, 0, 0, 1, 10, 0, 0, 0));
        DeploymentProblem p = new DeploymentProblem(ms, 10, 1, 100, new DeploymentProblem.Weights(1, 0, 0), null);
        DeploymentPolicy lru = Baselines.lru();
        assertThat(lru.decide(p, new double[] {3, 0}, 0)).containsExactly(true, false);
        assertThat(lru.decide(p, new double[] {0, 1}, 1)).containsExactly(false, true);
    }
}
