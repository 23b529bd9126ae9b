package org.edgefm.trial.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.SimulationRun;
import org.edgefm.trial.PluginsSection;
import org.edgefm.trial.report.ReportWriter;
import org.jfree.chart.JFreeChart;

/**
 * The HTML report, written by the shared {@link ReportWriter}: a table per load level, box plots
 * of the per-seed on-time rate and cost per planner (paper 1, Fig. 3), the latency CDF per
 * planner, and on-time rate and cost against load (Fig. 4) when there are several load levels.
 */
final class SimReport {
    private SimReport() {
    }

    /** Each task type's deadline {@code D_n} in ms, the latency charts' markers. */
    static Map<String, Double> deadlines(Scenario scenario) {
        Map<String, Double> out = new LinkedHashMap<>();
        scenario.taskTypes().forEach(t -> out.put(t.id(), t.deadlineMs()));
        return out;
    }

    /** The charts {@code --figures} writes: paper 1's Fig. 3 (violins per load) and Fig. 4 (on-time against load). */
    static final String PAPER_FIGURES = "Fig. ";

    /** The report's page, not yet written: {@link ReportWriter#write} for the page, {@link ReportWriter#writeFigures(java.nio.file.Path, String)} for the figures ({@link #paperFigures} builds them without the page). */
    static ReportWriter of(Scenario scenario, List<SimCell> cells, List<Double> loads, List<String> planners,
            List<String> bounds, Map<Double, double[]> lp, List<Frontiers.Frontier> frontiers) {
        ReportWriter w = new ReportWriter("EdgeFM simulate: " + scenario.name());
        w.paragraph(scenario.description());
        w.paragraph(cells.get(0).runs().size() + " seeds per planner and load; " + scenario.run().slots()
                + " slots of " + SimulateRunner.fmt(scenario.run().slotMs()) + " ms.");
        for (String b : bounds) {
            w.paragraph(b);
        }
        for (double load : loads) {
            List<SimCell> atLoad = cells.stream().filter(c -> c.load() == load).toList();
            List<List<String>> rows = new ArrayList<>();
            Map<String, double[]> latency = new LinkedHashMap<>();
            for (SimCell c : atLoad) {
                double[] ot = SimulateRunner.meanCi95(c.onTime());
                rows.add(List.of(c.planner(), ReportWriter.fmt("%.2f%% ± %.2f%%", 100 * ot[0], 100 * ot[1]),
                        ReportWriter.fmt("%.1f", Arrays.stream(c.cost()).average().orElse(Double.NaN)),
                        ReportWriter.fmt("%.2f", c.meanQuantile(0.5)), ReportWriter.fmt("%.2f", c.meanQuantile(0.95)),
                        String.valueOf(c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum())));
                latency.put(c.planner(), pooledQuantiles(c.runs()));
            }
            w.table("Load " + SimulateRunner.fmt(load), List.of("planner", "on-time (mean ± 95% CI)", "cost C^cr + C^lt", "p50 ms",
                    "p95 ms", "plugin failures"), rows);
            List<JFreeChart> fig3 = fig3(load, atLoad);
            w.charts(null, fig3.get(0), fig3.get(1),
                    ReportWriter.cdf("End-to-end latency, load " + SimulateRunner.fmt(load) + " (seeds pooled)", "latency ms", latency,
                            deadlines(scenario)));
        }
        if (loads.size() > 1) {
            w.charts("Against load", fig4(cells, loads, planners, lp),
                    ReportWriter.lines("Mean total cost against load", "load factor", SimulateRunner.COST_AXIS,
                            againstLoad(cells, loads, planners, c -> Arrays.stream(c.cost()).average().orElse(Double.NaN))));
        }
        for (Frontiers.Frontier f : frontiers) {
            Map<String, double[][]> series = new LinkedHashMap<>();
            List<List<String>> rows = new ArrayList<>();
            f.points().forEach((base, ps) -> {
                series.put(base, new double[][] {ps.stream().mapToDouble(Frontiers.Point::cost).toArray(),
                        ps.stream().mapToDouble(q -> 100 * q.onTime()).toArray()});
                for (Frontiers.Point q : ps) {
                    rows.add(List.of(q.label(), ReportWriter.fmt("%.2f%% ± %.2f%%", 100 * q.onTime(), 100 * q.ci95()),
                            ReportWriter.fmt("%.1f", q.cost()), f.efficient().get(base).contains(q) ? "yes" : ""));
                }
            });
            w.table("Frontier, load " + SimulateRunner.fmt(f.load()), List.of("planner variant", "on-time (mean ± 95% CI)",
                    "cost C^cr + C^lt", "not dominated"), rows);
            w.charts(null, ReportWriter.lines("On-time against cost, load " + SimulateRunner.fmt(f.load()), SimulateRunner.COST_AXIS, "on-time %",
                    series));
        }
        PluginsSection.addTo(w, SimCell.pluginHealth(cells));
        w.paragraph("On-time: share of tasks finished within their deadline. Cost: C^cr + C^lt (paper 1, eqs. 6-7)."
                + " Violins: Gaussian kernel density of the per-seed values, clipped to their range, black point the"
                + " median.");
        return w;
    }

    /**
     * The charts {@code --figures} writes, built alone (no page, no latency CDFs): per load paper 1's
     * Fig. 3 (on-time and cost per seed), then Fig. 4 (on-time against load) when there are several
     * loads; the same charts, by the same methods, as the page's charts titled {@link #PAPER_FIGURES}.
     */
    static List<JFreeChart> paperFigures(List<SimCell> cells, List<Double> loads, List<String> planners, Map<Double, double[]> lp) {
        List<JFreeChart> out = new ArrayList<>();
        for (double load : loads) {
            out.addAll(fig3(load, cells.stream().filter(c -> c.load() == load).toList()));
        }
        if (loads.size() > 1) {
            out.add(fig4(cells, loads, planners, lp));
        }
        return out;
    }

    /** Paper 1, Fig. 3 at one load: the per-seed on-time rate and the per-seed cost, a violin per planner. */
    private static List<JFreeChart> fig3(double load, List<SimCell> atLoad) {
        Map<String, double[]> onTime = new LinkedHashMap<>();
        Map<String, double[]> cost = new LinkedHashMap<>();
        for (SimCell c : atLoad) {
            onTime.put(c.planner(), Arrays.stream(c.onTime()).map(v -> 100 * v).toArray());
            cost.put(c.planner(), c.cost());
        }
        return List.of(
                ReportWriter.violin("Fig. 3: on-time completion per seed, load " + SimulateRunner.fmt(load), "on-time %", onTime),
                ReportWriter.violin("Fig. 3: total cost per seed, load " + SimulateRunner.fmt(load), SimulateRunner.COST_AXIS, cost));
    }

    /** Paper 1, Fig. 4: the mean on-time rate against load per planner, with the LP bound where it was computed at every load. */
    private static JFreeChart fig4(List<SimCell> cells, List<Double> loads, List<String> planners, Map<Double, double[]> lp) {
        Map<String, double[][]> onTime = againstLoad(cells, loads, planners, c -> 100 * SimulateRunner.meanCi95(c.onTime())[0]);
        if (lp.size() == loads.size()) {
            double[] x = new double[loads.size()];
            double[] b = new double[loads.size()];
            for (int i = 0; i < loads.size(); i++) {
                x[i] = loads.get(i);
                b[i] = 100 * lp.get(loads.get(i))[0];
            }
            onTime.put("LP bound", new double[][] {x, b});
        }
        return ReportWriter.lines("Fig. 4: mean on-time completion against load", "load factor", "on-time %", onTime);
    }

    /** Per planner, the series (load, value of its cell at that load). */
    private static Map<String, double[][]> againstLoad(List<SimCell> cells, List<Double> loads, List<String> planners,
            ToDoubleFunction<SimCell> value) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String p : planners) {
            double[] x = new double[loads.size()];
            double[] y = new double[loads.size()];
            for (int i = 0; i < loads.size(); i++) {
                double l = loads.get(i);
                SimCell cell = cells.stream().filter(k -> k.planner().equals(p) && k.load() == l).findFirst().orElseThrow();
                x[i] = l;
                y[i] = value.applyAsDouble(cell);
            }
            out.put(p, new double[][] {x, y});
        }
        return out;
    }

    /** Per run 1,000 evenly spaced latency quantiles ({@link Quantiles}), pooled: each seed weighs the same in the CDF. */
    private static double[] pooledQuantiles(List<SimulationRun.Outcome> runs) {
        int per = 1_000;
        double[] out = new double[0];
        for (SimulationRun.Outcome r : runs) {
            double[] v = r.stats().latenciesMs();
            if (v.length == 0) {
                continue;
            }
            double[] qs = new double[per];
            for (int i = 0; i < per; i++) {
                qs[i] = (i + 0.5) / per;
            }
            double[] q = Quantiles.of(v, qs); // the project's one quantile definition
            double[] merged = Arrays.copyOf(out, out.length + per);
            System.arraycopy(q, 0, merged, out.length, per);
            out = merged;
        }
        return out;
    }
}
