package org.edgefm.trial.run;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.SimStats;
import org.edgefm.sim.SimulationRun;
import org.edgefm.trial.compare.Comparison;

/**
 * A simulation campaign's console tables: per load, each planner's on-time rate, cost, latency
 * quantiles, plugin failures and refused directives with the bounds; then the seed papers' own
 * metrics (paper 2's cost parts, paper 3's delay and energy budget) where the scenario has them.
 */
final class SimTables {
    private SimTables() {
    }

    static void print(PrintWriter out, Scenario scenario, List<Double> loads, List<SimCell> cells, SimBounds bounds) {
        for (double load : loads) {
            List<SimCell> atLoad = cells.stream().filter(c -> c.load() == load).toList();
            out.println();
            out.printf(Locale.ROOT, "%s, load %s (%d seeds)%n", scenario.name(), SimulateRunner.fmt(load),
                    atLoad.get(0).runs().size());
            int w = Math.max(22, atLoad.stream().mapToInt(c -> c.planner().length()).max().orElse(0));
            String name = "%-" + w + "s";
            out.printf(Locale.ROOT, name + " %-20s %12s %10s %10s %9s %8s%n", "PLANNER", "ON-TIME (95% CI)", "COST",
                    "P50 MS", "P95 MS", "FAILURES", "REFUSED");
            for (SimCell c : atLoad) {
                double[] ot = SimulateRunner.meanCi95(c.onTime());
                double cost = Arrays.stream(c.cost()).average().orElse(Double.NaN);
                int failures = c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum();
                long refused = c.runs().stream().mapToLong(r -> r.stats().refusedDirectives()).sum();
                out.printf(Locale.ROOT, name + " %6.2f%% ± %5.2f%%     %12.1f %10.2f %10.2f %9d %8d%n", c.planner(),
                        100 * ot[0], 100 * ot[1], cost, c.meanQuantile(0.5), c.meanQuantile(0.95), failures, refused);
            }
            double[] b = bounds.lp().get(load);
            if (b != null) {
                out.printf(Locale.ROOT, name + " %6.2f%% ± %5.2f%%%n", "(LP bound)", 100 * b[0], 100 * b[1]);
            }
            out.printf(Locale.ROOT, name + " %6.2f%% ± %5.2f%%%n", "(zero-contention bnd)",
                    100 * bounds.zeroContention().onTimeRate(), 196 * bounds.zeroContention().stdError());
            printPaired(out, name, atLoad);
        }
        printPaperTables(out, cells);
        out.println();
        out.println("on-time: share of tasks finished within their deadline (mean over seeds); cost: C^cr + C^lt"
                + " (eqs. 6-7); p50/p95: mean over seeds of each run's end-to-end latency quantiles;"
                + " failures: plugin calls that threw, overran, were infeasible or empty (by reason below); refused: directives the simulated"
                + " nodes refused because they exceed the node's capacity (eq. 8); LP bound: the offline fluid upper"
                + " bound on the expected on-time rate for the same seeds' arrivals, capped at the zero-contention bound"
                + " (docs/simulator.md); a short run can exceed it by its own sampling error.");
    }

    /**
     * Per other planner at one load, the first planner's on-time rate minus its own, paired by seed (the
     * same arrivals): mean and 95% interval (Student t) in percentage points. Pairing removes the spread
     * between seeds that both share, so it separates planners the unpaired intervals leave overlapping.
     */
    private static void printPaired(PrintWriter out, String name, List<SimCell> atLoad) {
        SimCell ref = atLoad.get(0);
        if (atLoad.size() < 2 || ref.runs().size() < 2) {
            return;
        }
        for (SimCell c : atLoad.subList(1, atLoad.size())) {
            double[] m = Comparison.paired(onTimeBySeed(ref), onTimeBySeed(c)); // NaN when the seed counts differ
            if (!Double.isNaN(m[0])) {
                out.printf(Locale.ROOT, name + " %+6.2f ± %5.2f points, paired by seed (%d seeds)%n",
                        "(" + ref.planner() + " − " + c.planner() + ")", 100 * m[0], 100 * m[1], c.runs().size());
            }
        }
    }

    private static double[] onTimeBySeed(SimCell c) {
        return c.runs().stream().sorted(Comparator.comparingLong(SimulationRun.Outcome::seed))
                .mapToDouble(r -> r.stats().onTimeRate()).toArray();
    }

    /** The seed papers' own metrics (paper 2: cost and its parts; paper 3: delay and energy budget). */
    private static void printPaperTables(PrintWriter out, List<SimCell> cells) {
        if (cells.stream().anyMatch(SimCell::genai)) {
            out.println();
            out.printf(Locale.ROOT, "%-22s %6s %22s %12s %12s %10s %10s %9s %9s%n", "PLANNER (paper 2)", "LOAD",
                    "COST (95% CI)", "DELAY COST", "RESOURCE", "CLOUD REQ", "SWITCHES", "DELAY S", "E>BUDGET");
            for (SimCell c : cells) {
                if (!c.genai()) {
                    continue;
                }
                double[] cost = SimulateRunner.meanCi95(c.cost());
                out.printf(Locale.ROOT, "%-22s %6s %12.1f ± %7.1f %12.1f %12.1f %10.0f %10.1f %9.2f %9.1f%n", c.planner(),
                        SimulateRunner.fmt(c.load()), cost[0], cost[1], genaiMean(c, g -> g.delayCost()),
                        genaiMean(c, g -> g.resourceCost()), genaiMean(c, g -> g.cloudRequests()), genaiMean(c, g -> g.switches()),
                        genaiMean(c, g -> g.meanDelayMs()) / 1000, genaiMean(c, g -> g.slotsOverEnergyBudget()));
            }
            out.println("paper 2 (sim.genai.*): cost = w_d x sum of request delays + storage and GPU-memory cost of resident"
                    + " models + cloud price x cloud requests; delay s: mean request delay; switches and E>budget"
                    + " (slots whose edge energy exceeded power x slot): means over seeds.");
        }
        if (cells.stream().anyMatch(SimCell::partition)) {
            out.println();
            out.printf(Locale.ROOT, "%-22s %6s %22s %12s %14s %12s%n", "PLANNER (paper 3)", "LOAD", "DELAY MS (95% CI)",
                    "BUDGET W", "WORST AVG W", "SATISFIED");
            for (SimCell c : cells) {
                if (!c.partition()) {
                    continue;
                }
                double[] d = SimulateRunner.meanCi95(c.delay());
                long ok = c.runs().stream().filter(r -> r.stats().partition().satisfied()).count();
                out.printf(Locale.ROOT, "%-22s %6s %12.2f ± %7.2f %12.3f %14.3f %9d/%d%n", c.planner(), SimulateRunner.fmt(c.load()),
                        d[0], d[1], partitionMean(c, p -> p.budgetW()), partitionMean(c, p -> p.timeAverageW()), ok,
                        c.runs().size());
            }
            out.println("paper 3 (sim.partition = serial): delay: mean end-to-end delay of completed tasks; worst avg:"
                    + " time-average power of the user furthest over its budget (mean over seeds); satisfied: seeds in"
                    + " which every user stayed within budget x (1 + sim.partition.energy-tolerance).");
        }
    }

    private static double genaiMean(SimCell c, ToDoubleFunction<SimStats.GenAi> f) {
        return c.runs().stream().mapToDouble(r -> f.applyAsDouble(r.stats().genai())).average().orElse(Double.NaN);
    }

    private static double partitionMean(SimCell c, ToDoubleFunction<SimStats.Partition> f) {
        return c.runs().stream().mapToDouble(r -> f.applyAsDouble(r.stats().partition())).average().orElse(Double.NaN);
    }
}
