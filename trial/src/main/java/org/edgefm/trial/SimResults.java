package org.edgefm.trial;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.edgefm.control.stats.MeanIntervals;
import org.edgefm.sim.SimStats;
import org.edgefm.sim.SimulationRun;

/**
 * A simulation's {@link Results.Result} for one planner and load from its runs (one per seed): the
 * on-time rate, cost and delay as mean and 95 % interval over seeds ({@link MeanIntervals}), the
 * latency quantiles as each run's ({@code control.stats.Quantiles}) averaged over seeds, the
 * outcomes summed.
 */
public final class SimResults {
    private SimResults() {
    }

    /** Per seed: seed paper 2's total cost when the scenario has switchable models, else {@code C^cr + C^lt}. */
    public static double[] costs(List<SimulationRun.Outcome> runs) {
        return runs.stream().mapToDouble(r -> r.stats().genai() != null ? r.stats().genai().cost()
                : r.stats().totalCost()).toArray();
    }

    /** The mean over runs of each run's {@code q}-quantile of end-to-end latency (runs without completions left out). */
    public static double meanQuantile(List<SimulationRun.Outcome> runs, double q) {
        return runs.stream().mapToDouble(r -> r.stats().latencyQuantileMs(q)).filter(d -> !Double.isNaN(d))
                .average().orElse(Double.NaN);
    }

    /**
     * The result of {@code runs}.
     *
     * @param planner the planner's label
     * @param load    the load factor
     * @param runs    its runs, one per seed, in seed order
     */
    public static Results.Result of(String planner, double load, List<SimulationRun.Outcome> runs) {
        double[] ots = runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
        double[] costs = costs(runs);
        List<Results.SeedRun> perSeed = new java.util.ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            perSeed.add(new Results.SeedRun(runs.get(i).seed(), ots[i], costs[i]));
        }
        double[] costCi = MeanIntervals.meanCi95(costs);
        boolean genai = !runs.isEmpty() && runs.get(0).stats().genai() != null;
        boolean partition = !runs.isEmpty() && runs.get(0).stats().partition() != null;
        Results.Cost cost = genai
                ? new Results.Cost(costCi[0], costCi[1], "paper2", genai(runs, SimStats.GenAi::delayCost),
                        genai(runs, SimStats.GenAi::resourceCost), genai(runs, SimStats.GenAi::cloudCost))
                : Results.Cost.of(costCi);
        Results.Outcomes outcomes = new Results.Outcomes(sum(runs, SimStats::submitted), sum(runs, SimStats::onTime),
                sum(runs, s -> s.completed() - s.onTime()), null, null, sum(runs, SimStats::failedUnrouted),
                sum(runs, SimStats::failedExpired), sum(runs, SimStats::failedNodeDown), sum(runs, SimStats::failedNoPath),
                sum(runs, SimStats::rejected), sum(runs, SimStats::pending));
        Results.GenAi g = genai ? new Results.GenAi(genai(runs, x -> x.cloudRequests()), genai(runs, x -> x.switches()),
                genai(runs, SimStats.GenAi::meanSwitchMs), genai(runs, SimStats.GenAi::energyJ),
                genai(runs, x -> x.slotsOverEnergyBudget())) : null;
        Results.Energy energy = null;
        if (partition) {
            long ok = runs.stream().filter(x -> x.stats().partition().satisfied()).count();
            energy = new Results.Energy(partition(runs, SimStats.Partition::budgetW),
                    partition(runs, SimStats.Partition::timeAverageW),
                    runs.stream().mapToDouble(x -> x.stats().partition().ratio()).max().orElse(Double.NaN),
                    ok == runs.size(), ok);
        }
        return new Results.Result(planner, load, runs.size(), Results.Interval.of(MeanIntervals.meanCi95(ots)), cost,
                new Results.LatencyMs(meanQuantile(runs, 0.5), meanQuantile(runs, 0.95), meanQuantile(runs, 0.99)),
                outcomes, perSeed, Results.Interval.of(MeanIntervals.meanCi95(
                        runs.stream().mapToDouble(r -> r.stats().meanLatencyMs()).toArray())), g, energy);
    }

    private static long sum(List<SimulationRun.Outcome> runs, ToLongFunction<SimStats> f) {
        return runs.stream().mapToLong(r -> f.applyAsLong(r.stats())).sum();
    }

    private static double genai(List<SimulationRun.Outcome> runs, ToDoubleFunction<SimStats.GenAi> f) {
        return runs.stream().mapToDouble(r -> f.applyAsDouble(r.stats().genai())).average().orElse(Double.NaN);
    }

    private static double partition(List<SimulationRun.Outcome> runs, ToDoubleFunction<SimStats.Partition> f) {
        return runs.stream().mapToDouble(r -> f.applyAsDouble(r.stats().partition())).average().orElse(Double.NaN);
    }
}
