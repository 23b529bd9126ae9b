package org.edgefm.trial.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.stats.MeanIntervals;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.report.ReportWriter;
import org.jfree.chart.JFreeChart;

/**
 * The HTML report of {@code edgefm compare --out DIR}: an overview table of every case, then per case
 * (a scenario at its loads) a table and four charts: on-time rate and cost (means with 95% intervals
 * over the seeds), plugin failures and fallback slots (summed over the seeds), and the light
 * controller's decision time (mean and slowest call). Drawn by the trials' {@link ReportWriter}, so the
 * folder holds {@code index.html}, every chart as SVG and its data as CSV, and {@code compare.json}
 * next to them.
 */
public final class CompareReport {
    private CompareReport() {
    }

    /**
     * Writes the report.
     *
     * @param dir        the folder (created when missing)
     * @param comparison the comparison that produced the results
     * @param results    its results, in run order
     * @param title      the page's title
     * @return the path of {@code index.html}
     */
    public static Path write(Path dir, Comparison comparison, List<Comparison.Result> results, String title) throws IOException {
        return build(comparison, results, title).write(dir);
    }

    /** The report as a {@link ReportWriter}, not yet written. */
    public static ReportWriter build(Comparison comparison, List<Comparison.Result> results, String title) {
        List<String> names = comparison.names();
        ReportWriter w = new ReportWriter(title);
        for (String line : comparison.legend()) {
            w.paragraph(line);
        }
        w.paragraph("Seeds per case: " + comparison.settings().seeds() + "; the JSON of every figure: compare.json.");
        List<String> header = new ArrayList<>(List.of("case", "load"));
        names.forEach(n -> header.add(n + " on-time"));
        names.forEach(n -> header.add(n + " fail/fallback"));
        List<List<String>> overview = new ArrayList<>();
        for (Comparison.Result r : results) {
            List<String> row = new ArrayList<>(List.of(r.scenario().name(), Comparison.fmt(r.load())));
            for (Comparison.Row x : r.rows()) {
                row.add(x.notApplicable() != null ? "n/a" : pct(MeanIntervals.meanCi95(x.onTime())));
            }
            for (Comparison.Row x : r.rows()) {
                row.add(x.notApplicable() != null ? "n/a" : x.health().failures() + " / " + x.health().slotsOnFallback());
            }
            overview.add(row);
        }
        w.table("Overview", header, overview);

        Map<String, List<Comparison.Result>> byScenario = new LinkedHashMap<>();
        results.forEach(r -> byScenario.computeIfAbsent(r.scenario().name(), k -> new ArrayList<>()).add(r));
        for (List<Comparison.Result> group : byScenario.values()) {
            addCase(w, comparison, group, names);
        }
        return w;
    }

    private static void addCase(ReportWriter w, Comparison comparison, List<Comparison.Result> group, List<String> names) {
        Comparison.Result first = group.get(0);
        Scenario s = first.scenario();
        w.section(s.name() + ": " + first.what(), "<p>" + ReportWriter.esc(String.format(Locale.ROOT,
                "%d slots of %.0f ms, seeds %d..%d; %d node failure(s), %d link impairment(s) scheduled. %s",
                s.run().slots(), s.run().slotMs(), first.seeds().get(0), first.seeds().get(first.seeds().size() - 1),
                s.failures().size(), s.impairments().size(), s.description()))
                + "</p>");
        List<List<String>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Comparison.Result r : group) {
            if (!r.sameArrivals()) {
                notes.add("load " + Comparison.fmt(r.load()) + ": the task arrivals DIFFERED between planners (not paired)");
            }
            for (Comparison.Row row : r.rows()) {
                if (row.notApplicable() != null) {
                    notes.add(row.planner() + " does not apply: " + row.notApplicable());
                    continue;
                }
                double[] dOt = r.deltaOnTime(row);
                double[] dCost = r.deltaCost(row);
                double[] cost = MeanIntervals.meanCi95(row.cost());
                Map<String, Long> by = row.failuresByReason();
                PluginHealth h = row.health();
                double[] dec = row.decisionMs();
                rows.add(List.of(row.planner(), Comparison.fmt(r.load()), pct(MeanIntervals.meanCi95(row.onTime())),
                        dOt == null ? "(reference)" : String.format(Locale.ROOT, "%+.2f ± %.2f", 100 * dOt[0], 100 * dOt[1]),
                        String.format(Locale.ROOT, "%.1f ± %.1f", cost[0], cost[1]),
                        dCost == null ? "" : String.format(Locale.ROOT, "%+.1f ± %.1f", dCost[0], dCost[1]),
                        num(row.meanP95()), String.valueOf(row.tasksFailed()), String.valueOf(h.failures()),
                        by.get(PluginHealth.THREW) + "/" + by.get(PluginHealth.OVERRAN) + "/" + by.get(PluginHealth.INFEASIBLE)
                                + "/" + by.get(PluginHealth.EMPTY),
                        h.slotsOnFallback() + " / " + h.slots(),
                        Double.isNaN(dec[0]) ? "-" : String.format(Locale.ROOT, "%.2f / %.1f", dec[0], dec[1]),
                        num(row.slowestCoreMs())));
            }
            notes.addAll(comparison.failureLines(r));
        }
        w.table(null, List.of("planner", "load", "on-time % (95% CI)", "Δ on-time (pp)", "cost", "Δ cost", "p95 ms",
                "tasks lost", "failed calls", "threw/overran/infeasible/empty", "fallback slots / slots", "decide ms mean / max",
                "core ms max"), rows);
        if (!notes.isEmpty()) {
            w.section(null, "<ul>" + notes.stream().map(n -> "<li>" + ReportWriter.esc(n) + "</li>").reduce("", String::concat)
                    + "</ul>");
        }
        w.charts(null, charts(group, names, s.name()).toArray(JFreeChart[]::new));
    }

    /** The four charts of one case: on-time, cost, failures and fallback, decision time. */
    static List<JFreeChart> charts(List<Comparison.Result> group, List<String> names, String scenario) {
        boolean multi = group.size() > 1;
        Map<String, Map<String, Double>> onTime = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> onTimeCi = new LinkedHashMap<>();
        Map<String, Map<String, Double>> cost = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> costCi = new LinkedHashMap<>();
        Map<String, Map<String, Double>> failures = new LinkedHashMap<>();
        Map<String, Map<String, Double>> decide = new LinkedHashMap<>();
        for (Comparison.Result r : group) {
            String load = "load " + Comparison.fmt(r.load());
            String prefix = multi ? load + ": " : "";
            for (Comparison.Row row : r.rows()) {
                if (row.notApplicable() != null) {
                    continue;
                }
                String p = row.planner();
                double[] ot = MeanIntervals.meanCi95(row.onTime());
                onTime.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(load, 100 * ot[0]);
                if (Double.isFinite(ot[1])) {
                    onTimeCi.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(load,
                            new double[] {100 * (ot[0] - ot[1]), 100 * (ot[0] + ot[1])});
                }
                double[] c = MeanIntervals.meanCi95(row.cost());
                cost.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(load, c[0]);
                if (Double.isFinite(c[1])) {
                    costCi.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(load, new double[] {c[0] - c[1], c[0] + c[1]});
                }
                PluginHealth h = row.health();
                Map<String, Double> f = failures.computeIfAbsent(p, k -> new LinkedHashMap<>());
                f.put(prefix + "failed calls", (double) h.failures());
                f.put(prefix + "fallback slots", (double) h.slotsOnFallback());
                double[] dec = row.decisionMs();
                Map<String, Double> d = decide.computeIfAbsent(p, k -> new LinkedHashMap<>());
                d.put(prefix + "mean", Double.isNaN(dec[0]) ? 0 : dec[0]);
                d.put(prefix + "slowest", Double.isNaN(dec[1]) ? 0 : dec[1]);
            }
        }
        return List.of(
                ReportWriter.bars(scenario + ": on-time", "tasks on time (%), mean and 95% CI over seeds", onTime, onTimeCi),
                ReportWriter.bars(scenario + ": cost", "cost (price units), mean and 95% CI over seeds", cost, costCi),
                ReportWriter.bars(scenario + ": plugin failures and fallback", "count, summed over seeds", failures),
                ReportWriter.bars(scenario + ": decision time", "light controller call (ms, charged)", decide));
    }

    private static String pct(double[] meanCi) {
        return Double.isFinite(meanCi[1]) ? String.format(Locale.ROOT, "%.2f ± %.2f", 100 * meanCi[0], 100 * meanCi[1])
                : String.format(Locale.ROOT, "%.2f", 100 * meanCi[0]);
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.1f", d) : "-";
    }
}
