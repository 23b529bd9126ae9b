package org.edgefm.trial.compare;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.spi.PluginBudget;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.PluginInfo;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.control.stats.MeanIntervals;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.CompareSuite;
import org.edgefm.sim.SimulationRun;

/**
 * Two or more planners run on the same cases (scenario and load), the same seeds, the same time
 * budgets and the same fallback, with each planner's paired difference from the first one over the
 * seeds. Every planner runs with the scenario's own planner settings; the seeds' task arrivals are
 * checked to be identical across planners, so the rows differ only by the planners' decisions. A
 * planner whose roles do not fit a scenario (a setting, a service kind) is reported as not applicable
 * there, with the reason.
 */
public final class Comparison {
    /**
     * How the planners are run.
     *
     * @param seeds      seeds per case
     * @param seedOffset the first seed is the scenario's {@code run.seed} plus this
     * @param threads    runs in parallel
     * @param options    budgets and fallback (the same for every planner)
     * @param fallback   the fallback's name, for the record ({@code none} when there is none)
     */
    public record Settings(int seeds, long seedOffset, int threads, SimulationRun.Options options, String fallback) {
        /** Validates every field. */
        public Settings {
            if (seeds < 1) {
                throw new IllegalArgumentException("seeds: " + seeds + " (expected: >= 1)");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
            }
            Objects.requireNonNull(options, "options is null");
            Objects.requireNonNull(fallback, "fallback is null");
        }
    }

    /**
     * One planner's runs in one case: one outcome per seed, or why it does not apply.
     *
     * @param planner       the planner's name as given
     * @param runs          one outcome per seed, in seed order (empty when not applicable)
     * @param notApplicable why the planner does not fit the case, or null
     */
    public record Row(String planner, List<SimulationRun.Outcome> runs, String notApplicable) {
        /** Per seed, the share of tasks on time. */
        public double[] onTime() {
            return runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
        }

        /** Per seed, the cost: C^cr + C^lt, or paper 2's cost where the scenario switches models. */
        public double[] cost() {
            return runs.stream().mapToDouble(r -> r.stats().genai() != null ? r.stats().genai().cost() : r.stats().totalCost())
                    .toArray();
        }

        /** The mean over seeds of each run's 95th latency percentile in ms (NaN: no completed task). */
        public double meanP95() {
            return runs.stream().mapToDouble(r -> r.stats().latencyQuantileMs(0.95)).filter(d -> !Double.isNaN(d)).average()
                    .orElse(Double.NaN);
        }

        /** Tasks lost over all seeds: unrouted, without a path, expired or at a node that went down. */
        public long tasksFailed() {
            return runs.stream().mapToLong(r -> r.stats().failed()).sum();
        }

        /** The plugin calls' books summed over the seeds. */
        public PluginHealth health() {
            return PluginHealth.sum(runs.stream().map(SimulationRun.Outcome::plugins).toList());
        }

        /** Mean and slowest charged time of the light controller's calls, in ms (NaNs when it made none). */
        public double[] decisionMs() {
            PluginHealth.Planner p = role(PluginInfo.LIGHT);
            return p == null || p.calls() == 0 ? new double[] {Double.NaN, Double.NaN}
                    : new double[] {p.totalMs() / p.calls(), p.slowestMs()};
        }

        /** The slowest core placement in ms, NaN when there was none. */
        public double slowestCoreMs() {
            PluginHealth.Planner p = role(PluginInfo.CORE);
            return p == null ? Double.NaN : p.slowestMs();
        }

        /** Failed calls of every role by reason ({@link PluginHealth#REASONS}, each present). */
        public Map<String, Long> failuresByReason() {
            Map<String, Long> byReason = new LinkedHashMap<>();
            PluginHealth h = health();
            for (String reason : PluginHealth.REASONS) {
                byReason.put(reason, h.planners().stream().mapToLong(p -> p.failures().getOrDefault(reason, 0L)).sum());
            }
            return byReason;
        }

        private PluginHealth.Planner role(String role) {
            return health().planners().stream().filter(p -> p.role().equals(role)).findFirst().orElse(null);
        }
    }

    /**
     * One case's results.
     *
     * @param scenario     the scenario as run
     * @param what         what the case tests (one line)
     * @param load         the load factor
     * @param seeds        the seeds, in order
     * @param rows         one row per planner, in the order given
     * @param sameArrivals true when every planner saw the same number of task arrivals on every seed
     */
    public record Result(Scenario scenario, String what, double load, List<Long> seeds, List<Row> rows, boolean sameArrivals) {
        /** The reference row (the first planner's). */
        public Row reference() {
            return rows.get(0);
        }

        /** The paired difference of {@code row}'s on-time rates from the reference's, or null for none. */
        public double[] deltaOnTime(Row row) {
            return row == reference() || reference().notApplicable() != null ? null : paired(row.onTime(), reference().onTime());
        }

        /** The paired difference of {@code row}'s costs from the reference's, or null for none. */
        public double[] deltaCost(Row row) {
            return row == reference() || reference().notApplicable() != null ? null : paired(row.cost(), reference().cost());
        }
    }

    private final Map<String, ResolvedPlanner> planners;
    private final Settings settings;

    /**
     * A comparison of planners.
     *
     * @param planners the planners by the name given, the first is the reference (two or more)
     * @param settings how they run
     */
    public Comparison(Map<String, ResolvedPlanner> planners, Settings settings) {
        if (planners.size() < 2) {
            throw new IllegalArgumentException("planners: " + planners.keySet() + " (expected: two or more)");
        }
        this.planners = new LinkedHashMap<>(planners);
        this.settings = Objects.requireNonNull(settings, "settings is null");
    }

    /** The planners' names, the reference first. */
    public List<String> names() {
        return List.copyOf(planners.keySet());
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /**
     * Runs every case at each of its loads.
     *
     * @param cases  the cases
     * @param onCase called with each case's result as soon as it is done (progress), or null
     */
    public List<Result> run(List<CompareSuite.Case> cases, java.util.function.Consumer<Result> onCase) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
        List<Result> results = new ArrayList<>();
        try {
            for (CompareSuite.Case c : cases) {
                for (double load : c.loads()) {
                    Result r = runCase(pool, c, load);
                    results.add(r);
                    if (onCase != null) {
                        onCase.accept(r);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    private Result runCase(ExecutorService pool, CompareSuite.Case c, double load) throws Exception {
        Scenario scenario = c.scenario();
        long first = scenario.run().seed() + settings.seedOffset();
        List<Long> seedList = new ArrayList<>();
        for (int s = 0; s < settings.seeds(); s++) {
            seedList.add(first + s);
        }
        Map<String, List<Future<SimulationRun.Outcome>>> futures = new LinkedHashMap<>();
        for (Map.Entry<String, ResolvedPlanner> e : planners.entrySet()) {
            List<Future<SimulationRun.Outcome>> list = new ArrayList<>();
            for (long seed : seedList) {
                list.add(pool.submit(() -> SimulationRun.run(scenario, e.getValue(), scenario.plannerConfig(), seed, load,
                        null, settings.options())));
            }
            futures.put(e.getKey(), list);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Future<SimulationRun.Outcome>>> e : futures.entrySet()) {
            List<SimulationRun.Outcome> runs = new ArrayList<>();
            String notApplicable = null;
            for (Future<SimulationRun.Outcome> f : e.getValue()) {
                try {
                    runs.add(f.get());
                } catch (ExecutionException x) {
                    if (x.getCause() instanceof EdgeFmException ee) {
                        // a planner whose roles do not fit this scenario (a setting, a service kind): said, not fatal
                        notApplicable = ee.getMessage();
                    } else if (x.getCause() instanceof Exception ex) {
                        throw ex;
                    } else {
                        throw x;
                    }
                }
            }
            rows.add(notApplicable != null ? new Row(e.getKey(), List.of(), notApplicable) : new Row(e.getKey(), runs, null));
        }
        boolean same = true;
        List<Row> ran = rows.stream().filter(r -> r.notApplicable() == null).toList();
        for (int s = 0; s < seedList.size() && !ran.isEmpty(); s++) {
            long submitted = ran.get(0).runs().get(s).stats().submitted();
            for (Row r : ran) {
                same &= r.runs().get(s).stats().submitted() == submitted;
            }
        }
        return new Result(scenario, c.what(), load, seedList, rows, same);
    }

    /** Mean and 95% half-width of the per-seed differences {@code a - ref}, or NaNs. */
    public static double[] paired(double[] a, double[] ref) {
        if (a.length != ref.length || a.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - ref[i];
        }
        return MeanIntervals.meanCi95(d);
    }

    /** One line on the budgets every planner ran under. */
    public String budgetText() {
        return !settings.options().budget() ? "none: --no-budget"
                : String.format(Locale.ROOT, "%.0f%% of a slot per controller call, its first %d calls at least %d ms;"
                        + " %d ms per core placement", 100 * PluginBudget.LIGHT_SHARE_OF_SLOT, PluginBudget.WARMUP_CALLS,
                        PluginBudget.WARMUP_MIN_MS, PluginBudget.CORE_BUDGET_MS);
    }

    /** The fairness statement and the column legend printed under the tables and on the report. */
    public List<String> legend() {
        return List.of("Fair by construction: every planner ran the same scenario, load and seeds (the same task arrivals,"
                + " checked), the same simulated fleet, the same time budgets (" + budgetText() + ") and the same fallback ("
                + settings.fallback() + "), with the scenario's own planner settings.",
                "on-time: share of tasks within their deadline; Δ: the paired difference from " + names().get(0)
                + " over the same seeds (mean ± 95% CI; an interval that excludes 0 is a difference the seeds support);"
                + " cost: C^cr + C^lt (paper 2's cost where the scenario switches models); fail: plugin calls that threw,"
                + " overran, were infeasible or empty; fallback: slots decided by the fallback; decide: the light"
                + " controller's charged time per call (CPU + waiting), mean/max; core: slowest core placement.");
    }

    /** Prints one case as a text table, followed by a line per planner plugin that failed. */
    public void print(PrintWriter out, Result r) {
        List<String> names = names();
        out.println();
        out.printf(Locale.ROOT, "%s, load %s: %d seed(s) %d..%d, %d slots of %.0f ms; task arrivals %s%n", r.scenario().name(),
                fmt(r.load()), r.seeds().size(), r.seeds().get(0), r.seeds().get(r.seeds().size() - 1),
                r.scenario().run().slots(), r.scenario().run().slotMs(), r.sameArrivals()
                        ? "identical for every planner" : "DIFFERED between planners (the comparison is not paired)");
        int w = Math.max(14, names.stream().mapToInt(String::length).max().orElse(0));
        String name = "%-" + w + "s";
        out.printf(Locale.ROOT, name + " %-18s %-18s %10s %-16s %8s %6s %8s %15s %9s%n", "PLANNER", "ON-TIME", "Δ ON-TIME",
                "COST", "Δ COST", "P95 MS", "FAIL", "FALLBACK", "DECIDE MS", "CORE MS");
        for (Row row : r.rows()) {
            if (row.notApplicable() != null) {
                out.printf(Locale.ROOT, name + " n/a: %s%n", row.planner(), row.notApplicable());
                continue;
            }
            double[] ot = MeanIntervals.meanCi95(row.onTime());
            double[] cost = MeanIntervals.meanCi95(row.cost());
            double[] dOt = r.deltaOnTime(row);
            double[] dCost = r.deltaCost(row);
            PluginHealth h = row.health();
            double[] dec = row.decisionMs();
            out.printf(Locale.ROOT, name + " %-18s %-18s %10.1f %-16s %8.1f %6d %8d %15s %9s%n", row.planner(),
                    String.format(Locale.ROOT, "%6.2f%% ± %5.2f", 100 * ot[0], 100 * ot[1]),
                    dOt == null ? "(reference)" : String.format(Locale.ROOT, "%+6.2f ± %5.2f", 100 * dOt[0], 100 * dOt[1]),
                    cost[0], dCost == null ? "" : String.format(Locale.ROOT, "%+.1f ± %.1f", dCost[0], dCost[1]),
                    row.meanP95(), h.failures(), h.slotsOnFallback(),
                    Double.isNaN(dec[0]) ? "-" : String.format(Locale.ROOT, "%.2f/%.1f", dec[0], dec[1]),
                    Double.isNaN(row.slowestCoreMs()) ? "-" : String.format(Locale.ROOT, "%.1f", row.slowestCoreMs()));
        }
        for (String line : failureLines(r)) {
            out.println("  " + line);
        }
    }

    /**
     * Per planner plugin that failed in the case: which plugin, its role, the failures by reason and of
     * how many calls; and per planner with more than half of its slots decided by the fallback, that its
     * figures are mostly the fallback's.
     */
    public List<String> failureLines(Result r) {
        List<String> lines = new ArrayList<>();
        for (Row row : r.rows()) {
            if (row.notApplicable() != null) {
                continue;
            }
            PluginHealth h = row.health();
            if (h.failures() > 0) {
                for (PluginHealth.Planner p : h.planners()) {
                    if (p.failed() > 0) {
                        lines.add(String.format(Locale.ROOT, "%s: %s (%s) failed %s of %d calls", row.planner(), p.name(),
                                p.role(), p.failuresText(), p.calls()));
                    }
                }
            }
            if (h.slots() > 0 && 2 * h.slotsOnFallback() > h.slots()) {
                lines.add(String.format(Locale.ROOT, "%s: %d of %d slots were decided by the fallback (%s): its on-time"
                        + " and cost are mostly the fallback's, not the planner's", row.planner(), h.slotsOnFallback(),
                        h.slots(), settings.fallback()));
            }
        }
        return lines;
    }

    /** The results as the JSON document of {@code compare --json} (maps and lists for Jackson). */
    public Map<String, Object> toJson(List<Result> results) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("planners", names());
        root.put("reference", names().get(0));
        Map<String, Object> fair = new LinkedHashMap<>();
        fair.put("budget", settings.options().budget() ? "live" : "none (--no-budget)");
        fair.put("lightShareOfSlot", PluginBudget.LIGHT_SHARE_OF_SLOT);
        fair.put("lightWarmupCalls", PluginBudget.WARMUP_CALLS);
        fair.put("lightWarmupMinMs", PluginBudget.WARMUP_MIN_MS);
        fair.put("coreMs", PluginBudget.CORE_BUDGET_MS);
        fair.put("fallback", settings.fallback());
        fair.put("plannerSettings", "the scenario's own");
        root.put("conditions", fair);
        List<Object> cases = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("scenario", r.scenario().name());
            c.put("what", r.what());
            c.put("load", r.load());
            c.put("seeds", r.seeds());
            c.put("slots", r.scenario().run().slots());
            c.put("slotMs", r.scenario().run().slotMs());
            c.put("nodeFailures", r.scenario().failures().size());
            c.put("linkImpairments", r.scenario().impairments().size());
            c.put("sameArrivals", r.sameArrivals());
            List<Object> rows = new ArrayList<>();
            for (Row row : r.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("planner", row.planner());
                if (row.notApplicable() != null) {
                    m.put("notApplicable", row.notApplicable());
                    rows.add(m);
                    continue;
                }
                m.put("onTime", stat(MeanIntervals.meanCi95(row.onTime()), row.onTime()));
                m.put("cost", stat(MeanIntervals.meanCi95(row.cost()), row.cost()));
                if (r.deltaOnTime(row) != null) {
                    m.put("deltaOnTime", stat(r.deltaOnTime(row), null));
                    m.put("deltaCost", stat(r.deltaCost(row), null));
                }
                m.put("p95Ms", finite(row.meanP95()));
                m.put("submitted", row.runs().stream().mapToLong(o -> o.stats().submitted()).toArray());
                m.put("tasksFailed", row.runs().stream().mapToLong(o -> o.stats().failed()).toArray());
                PluginHealth h = row.health();
                m.put("failures", h.failures());
                m.put("failuresByReason", row.failuresByReason());
                m.put("slotsOnFallback", h.slotsOnFallback());
                m.put("slots", h.slots());
                double[] dec = row.decisionMs();
                m.put("decisionMsMean", finite(dec[0]));
                m.put("decisionMsMax", finite(dec[1]));
                m.put("coreMsMax", finite(row.slowestCoreMs()));
                rows.add(m);
            }
            c.put("rows", rows);
            c.put("pluginFailures", failureLines(r));
            cases.add(c);
        }
        root.put("cases", cases);
        return root;
    }

    private static Map<String, Object> stat(double[] meanCi, double[] perSeed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", finite(meanCi[0]));
        m.put("ci95", finite(meanCi[1]));
        if (perSeed != null) {
            m.put("perSeed", Arrays.stream(perSeed).mapToObj(Comparison::finite).toList());
        }
        return m;
    }

    static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    /** A load or other figure without a needless ".0". */
    public static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
