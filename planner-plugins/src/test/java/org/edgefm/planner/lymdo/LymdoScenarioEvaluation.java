package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.UserSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.UserObservation;
import org.edgefm.planner.genai.GenAiScenarioEvaluation;

/**
 * A model-level replay of the {@code lymdo-video} scenario (not the discrete-event simulator): each
 * slot the channels are drawn from the users' channel models and shown to the controller (known at
 * the start of the slot, as in DROO), the controller decides on the last slot's arrival counts, and
 * the decision is scored with the tandem-queue model: end-to-end delay at the declared mean rate
 * and this slot's channel (overloaded slots count 1000 ms), energy on the slot's Poisson arrival
 * counts, charged against each camera's budget.
 */
public final class LymdoScenarioEvaluation {
    private LymdoScenarioEvaluation() {
    }

    /**
     * Outcome of one run.
     *
     * @param meanDelayMs     mean end-to-end delay over slots and cameras
     * @param worstEnergyRatio the largest time-average energy over budget among the cameras
     * @param overloadedSlots slots in which some stage was predicted unstable
     */
    public record Outcome(double meanDelayMs, double worstEnergyRatio, int overloadedSlots) {
    }

    /** Runs planner {@code name} for {@code slots} slots with seed {@code seed}. */
    public static Outcome run(Scenario sc, String name, long seed, int slots) {
        SystemModel m = sc.model();
        LymdoController c = (LymdoController) new LymdoPlugin().lightServiceControllers().stream()
                .filter(f -> f.name().equals(name)).findFirst().orElseThrow().create(sc.plannerConfig());
        SplittableRandom r = new SplittableRandom(seed);
        double slotMs = sc.run().slotMs();
        List<NodeObservation> nodes = new ArrayList<>();
        for (NodeSpec n : m.topology().nodes()) {
            nodes.add(new NodeObservation(n.id(), true, n.capacity(), 0.0, null));
        }
        Map<String, Double> meanRate = new HashMap<>();
        for (Demand d : m.workload()) {
            meanRate.merge(d.user(), d.arrivals().meanRatePerMs(), Double::sum);
        }
        List<DemandEstimate> last = List.of();
        double delay = 0;
        int samples = 0;
        int overloaded = 0;
        double[] energy = null;
        double[] budget = null;
        for (int t = 0; t < slots; t++) {
            List<UserObservation> ch = new ArrayList<>();
            for (UserSpec u : m.users()) {
                ch.add(new UserObservation(u.id(), u.channel().sampleSnr(r)));
            }
            c.decide(new SlotObservation(t, t * slotMs, slotMs, m, CorePlacement.EMPTY, nodes, List.of(), last, ch,
                    List.of(), null));
            SlotProblem p = c.lastProblem();
            Allocation a = c.lastAllocation();
            List<SlotProblem.Ue> atMean = new ArrayList<>();
            List<SlotProblem.Ue> atCount = new ArrayList<>();
            List<DemandEstimate> counted = new ArrayList<>();
            for (SlotProblem.Ue u : p.ues()) {
                atMean.add(u.withLoad(meanRate.get(u.id()), u.snr()));
                int k = GenAiScenarioEvaluation.poissonCount(r, meanRate.get(u.id()) * slotMs);
                atCount.add(u.withLoad(k / slotMs, u.snr()));
            }
            for (Demand d : m.workload()) {
                SlotProblem.Ue u = atCount.stream().filter(x -> x.id().equals(d.user())).findFirst().orElse(null);
                counted.add(new DemandEstimate(d.user(), d.taskType(), u == null ? 0 : u.ratePerMs()));
            }
            Allocation dm = ConvexAllocator.evaluate(p.withUes(atMean), a.cuts(), a.localShare(), a.txShare(), a.bandwidth(),
                    a.edgeShare(), a.infeasibility());
            Allocation em = ConvexAllocator.evaluate(p.withUes(atCount), a.cuts(), a.localShare(), a.txShare(), a.bandwidth(),
                    a.edgeShare(), a.infeasibility());
            if (energy == null) {
                energy = new double[p.size()];
                budget = p.ues().stream().mapToDouble(SlotProblem.Ue::energyBudgetJ).toArray();
            }
            boolean bad = false;
            for (int i = 0; i < p.size(); i++) {
                double d = dm.delayMs()[i];
                bad |= !(d < 1000);
                delay += Math.min(d, 1000);
                samples++;
                energy[i] += em.energyJ()[i] / slots;
            }
            if (bad) {
                overloaded++;
            }
            last = counted;
        }
        double worst = 0;
        for (int i = 0; i < energy.length; i++) {
            worst = Math.max(worst, energy[i] / budget[i]);
        }
        return new Outcome(delay / samples, worst, overloaded);
    }

    /** Prints mean delay and energy-budget satisfaction per planner over seeds 1..N (default 20). */
    public static void main(String[] args) {
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);   // tiny matrices: threads only add overhead
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int slots = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        Scenario sc = GenAiScenarioEvaluation.scenario("lymdo-video");
        List<String> planners = args.length > 2 ? List.of(args[2].split(","))
                : List.of("lymdo", "all-local", "all-edge", "fixed-split", "lymdo-exhaustive");
        for (String p : planners) {
            double[] d = new double[seeds];
            double worst = 0;
            int over = 0;
            for (int s = 0; s < seeds; s++) {
                Outcome o = run(sc, p, s + 1, slots);
                d[s] = o.meanDelayMs();
                worst = Math.max(worst, o.worstEnergyRatio());
                over += o.overloadedSlots();
            }
            double mean = 0;
            for (double x : d) {
                mean += x / seeds;
            }
            double var = 0;
            for (double x : d) {
                var += (x - mean) * (x - mean) / Math.max(1, seeds - 1);
            }
            System.out.printf(Locale.ROOT, "%-17s delay %.2f +- %.2f ms, worst energy/budget %.3f, overloaded slots %d (%d seeds x %d slots)%n",
                    p, mean, Math.sqrt(var), worst, over, seeds, slots);
        }
    }
}
