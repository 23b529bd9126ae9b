package org.edgefm.trial.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.control.stats.MeanIntervals;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.FluidLpBound;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.ZeroContentionBound;

/**
 * A campaign's upper bounds on on-time completion: the zero-contention bound (each task alone on its
 * best nodes, any load) and, per load, the fluid LP bound over the seeds' arrivals, capped at the former.
 *
 * @param zeroContention the zero-contention estimate
 * @param lp             per load, the LP bound's mean and 95% half-width; empty when OR-Tools fails
 */
record SimBounds(ZeroContentionBound.Estimate zeroContention, Map<Double, double[]> lp) {
    /** Both bounds for {@code loads} and {@code seeds} seeds from {@code firstSeed}; an LP failure is said on {@code err}. */
    static SimBounds of(Scenario scenario, List<Double> loads, int seeds, long firstSeed, PrintWriter err) {
        SimSettings settings = SimSettings.from(scenario.planner());
        ZeroContentionBound.Estimate bound = ZeroContentionBound.estimate(scenario.model(), 200_000, scenario.run().seed(),
                settings.compute());
        return new SimBounds(bound, lpBounds(scenario, settings, loads, seeds, err, firstSeed, bound.onTimeRate()));
    }

    /**
     * The LP bound per load (mean and 95% half-width over the seeds' arrivals); empty when OR-Tools
     * fails. Each seed's value is capped at the zero-contention bound {@code cap}: both bound the same
     * expected rate (the LP's per-stream feasible share is at most the zero-contention one), so the
     * smaller is a bound too, and the two estimates' sampling cannot print the LP above the other.
     */
    private static Map<Double, double[]> lpBounds(Scenario scenario, SimSettings settings, List<Double> loads, int seeds,
            PrintWriter err, long firstSeed, double cap) {
        Map<Double, double[]> out = new LinkedHashMap<>();
        try {
            FluidLpBound b = FluidLpBound.prepare(scenario.model(), scenario.run().slotMs(), settings,
                    FluidLpBound.DEFAULT_SAMPLES_PER_STREAM, scenario.run().seed());
            for (double load : loads) {
                double[] v = new double[seeds];
                for (int s = 0; s < seeds; s++) {
                    v[s] = Math.min(cap, b.onTimeRate(load, scenario.run().slots(), firstSeed + s));
                }
                out.put(load, MeanIntervals.meanCi95(v));
            }
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            err.println("simulate: LP bound unavailable: " + e.getMessage());
        }
        return out;
    }

    /** The console's line on the zero-contention bound. */
    String zeroContentionLine() {
        return String.format(Locale.ROOT, "upper bound on on-time completion (each task alone on its best nodes, any load): "
                + "%.2f%% (± %.2f%%, %d sampled tasks)", 100 * zeroContention.onTimeRate(), 196 * zeroContention.stdError(),
                zeroContention.samples());
    }

    /** The report's paragraphs on the bounds. */
    List<String> reportLines() {
        List<String> bounds = new ArrayList<>();
        bounds.add(String.format(Locale.ROOT, "Upper bound on on-time completion (each task alone on its best"
                + " nodes, no queueing, any load): %.2f%% (± %.2f%%).", 100 * zeroContention.onTimeRate(),
                196 * zeroContention.stdError()));
        lp.forEach((l, b) -> bounds.add(String.format(Locale.ROOT, "LP bound (fluid relaxation, the seeds' arrivals"
                + " known, node capacities, at most the bound above), load %s: %.2f%% (± %.2f%%).", SimulateRunner.fmt(l),
                100 * b[0], 100 * b[1])));
        return bounds;
    }
}
