package org.edgefm.planner.lymdo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LymdoEngineTest {
    @org.junit.jupiter.api.BeforeAll
    static void oneNd4jThread() {
        // The actor's matrices are tiny; on a busy 2-core machine ND4J's threads only add overhead.
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);
    }

    static final double V = 0.003;
    static final double FPS = 10;
    static final double BUDGET_W = 0.6;
    static final double MEAN_SNR = 100;

    /** Time averages of one run over the measured slots. */
    record Run(double meanDelayMs, double[] meanEnergyJ, double budgetJ, int infeasibleSlots) {
        double worstEnergyRatio() {
            double w = 0;
            for (double e : meanEnergyJ) {
                w = Math.max(w, e / budgetJ);
            }
            return w;
        }
    }

    /**
     * Drives an engine through {@code slots} slots of random load and fading (seeded, so every
     * selector sees the same inputs), both known at the start of the slot as in DROO; each slot's
     * energy is charged to the virtual queues. Averages over slots from {@code from}.
     */
    static Run run(PartitionSelector selector, int n, int slots, int from, long seed) {
        LymdoEngine engine = new LymdoEngine(selector);
        List<SlotProblem.Ue> base = LymdoFixtures.ues(n, FPS, BUDGET_W);
        SplittableRandom r = new SplittableRandom(seed);
        double delaySum = 0;
        double rateSum = 0;
        double[] energy = new double[n];
        int infeasible = 0;
        for (int t = 0; t < slots; t++) {
            SlotProblem slot = new SlotProblem(LymdoFixtures.draw(base, r, MEAN_SNR), V, LymdoFixtures.SLOT_MS,
                    LymdoFixtures.POOL);
            Allocation a = engine.decide(slot);
            Allocation real = engine.account(slot, a);
            if (t >= from) {
                for (int i = 0; i < n; i++) {
                    double lambda = slot.ues().get(i).ratePerMs();
                    // An overloaded stage counts with a capped delay so that one bad slot cannot hide in an infinity.
                    delaySum += lambda * Math.min(real.delayMs()[i], 1000);
                    rateSum += lambda;
                    energy[i] += real.energyJ()[i];
                }
                if (!a.feasible()) {
                    infeasible++;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            energy[i] /= slots - from;
        }
        return new Run(delaySum / rateSum, energy, base.get(0).energyBudgetJ(), infeasible);
    }

    @Test
    void virtualQueues_bindingBudget_keepTimeAverageEnergyWithinFivePercent() {
        int n = 3;
        Run unconstrained = runWithBudget(new ExhaustivePartition(), n, 100.0);
        Run run = run(new ExhaustivePartition(), n, 1500, 0, 7);
        // The budget binds: without it the UEs would spend clearly more.
        assertThat(max(unconstrained.meanEnergyJ())).isGreaterThan(1.3 * run.budgetJ());
        for (double e : run.meanEnergyJ()) {
            assertThat(e).isLessThanOrEqualTo(1.05 * run.budgetJ());
        }
        assertThat(run.infeasibleSlots()).isZero();
    }

    @Test
    void droo_afterOnlineTraining_comesWithinTenPercentOfExhaustiveDelay() {
        int n = 3;
        Run exhaustive = run(new ExhaustivePartition(), n, 1500, 700, 7);
        DrooActor actor = new DrooActor(DrooActor.Settings.DEFAULT);
        Run learned = run(actor, n, 1500, 700, 7);
        assertThat(actor.trainSteps()).isGreaterThan(500);
        assertThat(learned.meanDelayMs()).isLessThanOrEqualTo(1.10 * exhaustive.meanDelayMs());
        assertThat(learned.worstEnergyRatio()).isLessThanOrEqualTo(1.05);
        // The case is not trivial: a fixed split, the best for the average slot, is clearly worse.
        FixedPartition fixed = new FixedPartition(FixedPartition.Rule.BEST_AVERAGE);
        fixed.calibrate(new SlotProblem(LymdoFixtures.ues(n, FPS, BUDGET_W).stream().map(u -> u.withLoad(u.ratePerMs(), MEAN_SNR))
                .toList(), V, LymdoFixtures.SLOT_MS, LymdoFixtures.POOL), new ConvexAllocator());
        Run split = run(fixed, n, 1500, 700, 7);
        assertThat(split.meanDelayMs()).isGreaterThan(1.10 * exhaustive.meanDelayMs());
    }

    @Test
    void exhaustive_neverWorseThanAnyFixedRuleInTheSameSlot() {
        SplittableRandom r = new SplittableRandom(1);
        ConvexAllocator alloc = new ConvexAllocator();
        for (int k = 0; k < 30; k++) {
            SlotProblem p = new SlotProblem(LymdoFixtures.draw(LymdoFixtures.ues(3, FPS, BUDGET_W), r, MEAN_SNR).stream()
                    .map(u -> u.withQueue(5 * r.nextDouble())).toList(), V, LymdoFixtures.SLOT_MS, LymdoFixtures.POOL);
            Allocation best = new ExhaustivePartition().select(p, alloc);
            for (FixedPartition.Rule rule : FixedPartition.Rule.values()) {
                Allocation other = new FixedPartition(rule).select(p, alloc);
                assertThat(best.objective()).isLessThanOrEqualTo(other.objective());
            }
        }
    }

    @Test
    void exhaustive_branchAndBound_choosesWhatFullEnumerationChooses() {
        SplittableRandom r = new SplittableRandom(11);
        ConvexAllocator alloc = new ConvexAllocator();
        int infeasible = 0;
        for (int k = 0; k < 120; k++) {
            int n = 2 + r.nextInt(3);
            double fps = 5 + 40 * r.nextDouble();
            SlotProblem p = new SlotProblem(LymdoFixtures.draw(LymdoFixtures.ues(n, fps, BUDGET_W), r, MEAN_SNR).stream()
                    .map(u -> u.withQueue(r.nextDouble() < 0.3 ? 0 : 5 * r.nextDouble())).toList(), V, LymdoFixtures.SLOT_MS,
                    LymdoFixtures.POOL);
            java.util.List<int[]> all = new java.util.ArrayList<>();
            int total = (int) ExhaustivePartition.combinations(p);
            for (int code = 0; code < total; code++) {
                int[] c = new int[n];
                int x = code;
                for (int i = 0; i < n; i++) {
                    c[i] = x % 5;
                    x /= 5;
                }
                all.add(c);
            }
            Allocation full = PartitionSelector.best(p, alloc, all);
            Allocation bb = new ExhaustivePartition().select(p, alloc);
            assertThat(bb.feasible()).isEqualTo(full.feasible());
            assertThat(bb.cuts()).containsExactly(full.cuts());
            if (full.feasible()) {
                assertThat(bb.objective()).isEqualTo(full.objective());
            } else {
                infeasible++;
            }
        }
        // The instances cover both outcomes.
        assertThat(infeasible).isBetween(1, 100);
    }

    @Test
    void accountMeasured_chargesTheVirtualQueuesWithTheMeasuredEnergy() {
        LymdoEngine engine = new LymdoEngine(new ExhaustivePartition());
        SlotProblem p = new SlotProblem(LymdoFixtures.ues(2, FPS, BUDGET_W), V, LymdoFixtures.SLOT_MS, LymdoFixtures.POOL);
        Allocation a = engine.decide(p);
        engine.accountMeasured(p, a, new double[] {0.5, 0.01});
        // Budget 0.6 W · 100 ms = 0.06 J per slot.
        assertThat(engine.queues().get("ue0")).isCloseTo(0.44, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(engine.queues().get("ue1")).isZero();
        engine.accountMeasured(p, a, new double[] {0.0, 0.07});
        assertThat(engine.queues().get("ue0")).isCloseTo(0.38, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(engine.queues().get("ue1")).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void safeCuts_keepEachDeviceSustainableAndSendTheLeastData() {
        // detector(1): local work 0, 8, 18, 28, 34 ms; uplink 0.3, 0.8, 0.4, 0.1, 0 MB.
        List<SlotProblem.Ue> ues = List.of(LymdoFixtures.ues(1, FPS, BUDGET_W).get(0).withLoad(0.02, MEAN_SNR),
                LymdoFixtures.ues(1, FPS, BUDGET_W).get(0).withLoad(0.04, MEAN_SNR),
                LymdoFixtures.ues(1, FPS, BUDGET_W).get(0).withLoad(0.2, MEAN_SNR));
        SlotProblem p = new SlotProblem(ues.stream().map(u -> new SlotProblem.Ue(u.id() + u.ratePerMs(), u.ratePerMs(), u.snr(),
                0, u.profile(), u.localPowerW(), u.txPowerW(), u.energyBudgetJ())).toList(), V, LymdoFixtures.SLOT_MS,
                LymdoFixtures.POOL);
        // 0.02/ms: everything local is sustainable (0.68); 0.04/ms: only cuts 0-2 are (cut 3 needs 1.12),
        // of which cut 0 sends least; 0.2/ms: only cut 0.
        assertThat(DrooActor.safeCuts(p)).containsExactly(4, 0, 0);
    }

    static Run runWithBudget(PartitionSelector s, int n, double budgetW) {
        LymdoEngine engine = new LymdoEngine(s);
        SplittableRandom r = new SplittableRandom(7);
        List<SlotProblem.Ue> base = LymdoFixtures.ues(n, FPS, budgetW);
        double[] energy = new double[n];
        for (int t = 0; t < 300; t++) {
            SlotProblem slot = new SlotProblem(LymdoFixtures.draw(base, r, MEAN_SNR), V, LymdoFixtures.SLOT_MS, LymdoFixtures.POOL);
            Allocation real = engine.account(slot, engine.decide(slot));
            for (int i = 0; i < n; i++) {
                energy[i] += real.energyJ()[i] / 300;
            }
        }
        return new Run(0, energy, base.get(0).energyBudgetJ(), 0);
    }

    static double max(double[] xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }
}
