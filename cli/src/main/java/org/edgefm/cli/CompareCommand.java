package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.spi.PluginBudget;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.control.PluginFallback;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.PluginInfo;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.SimulationRun;
import org.edgefm.trial.run.SimulateRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm compare}: two or more planners on the same cases (scenario and load), the same seeds,
 * the same time budgets and the same fallback, side by side, with each planner's paired difference
 * from the first one over the seeds. Every planner is run with the scenario's own planner settings;
 * the seeds' task arrivals are checked to be identical across planners, so the rows differ only by
 * the planners' decisions.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare planners side by side in simulation: the same scenarios, loads, seeds, budgets and"
                + " fallback for every planner; on-time, cost, latency, plugin failures and decision time, with"
                + " each planner's paired difference from the first.")
final class CompareCommand implements Callable<Integer> {
    /** A case of the suite: a scenario at one or more loads. */
    record Case(String scenario, List<Double> loads) {
    }

    /** The documented suite {@code standard}. */
    static final List<Case> STANDARD = List.of(
            new Case("paper-table1", List.of(0.5, 1.0, 2.0, 3.0)),
            new Case("paper-table1-contended", List.of(1.0)),
            new Case("jetson-lab", List.of(1.0)),
            new Case("genai-edge", List.of(1.0)),
            new Case("lymdo-video", List.of(1.0)));

    @Option(names = "--planners", split = ",", paramLabel = "a,b[,c...]", required = true,
            description = "Two or more planners: presets or CORE+LIGHT (see ./edgefm plugins); the first is the reference"
                    + " of the paired differences.")
    List<String> planners;

    @Option(names = "--scenario", split = ",", paramLabel = "NAME|FILE",
            description = "Scenarios (files or built-in names), each run at every --load.")
    List<String> scenarios;

    @Option(names = "--suite", paramLabel = "NAME", description = "A documented suite instead of --scenario: standard"
            + " (paper-table1 at loads 0.5, 1, 2, 3; paper-table1-contended; jetson-lab; genai-edge; lymdo-video).")
    String suite;

    @Option(names = "--load", split = ",", paramLabel = "L", defaultValue = "1",
            description = "Load factors for --scenario (default: ${DEFAULT-VALUE}).")
    List<Double> loads;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "5", description = "Seeds per case (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--seed-offset", paramLabel = "N", defaultValue = "0",
            description = "Run seeds run.seed+N ... (default: ${DEFAULT-VALUE}).")
    long seedOffset;

    @Option(names = "--slots", paramLabel = "N", description = "Override every scenario's number of slots.")
    Integer slots;

    @Option(names = "--threads", paramLabel = "N", description = "Runs in parallel (default: the number of processors).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-",
            description = "Write the results as JSON to FILE, or alone: print JSON instead of the tables.")
    String json;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--fallback-planner", paramLabel = "NAME", defaultValue = PluginCallGuard.DEFAULT_FALLBACK,
            description = "Light controller that decides while a planner's controller has never decided usably within"
                    + " budget, the same for every planner (default: ${DEFAULT-VALUE}; none: no fallback).")
    String fallbackPlanner;

    @Option(names = "--no-budget", description = "Measure plugin calls without cutting them, for every planner (profiling).")
    boolean noBudget;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One planner's runs in one case: one outcome per seed, or why it does not apply. */
    record Row(String planner, List<SimulationRun.Outcome> runs, String notApplicable) {
        double[] onTime() {
            return runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
        }

        double[] cost() {
            return runs.stream().mapToDouble(r -> r.stats().genai() != null ? r.stats().genai().cost() : r.stats().totalCost())
                    .toArray();
        }

        double meanP95() {
            return runs.stream().mapToDouble(r -> r.stats().latencyQuantileMs(0.95)).filter(d -> !Double.isNaN(d)).average()
                    .orElse(Double.NaN);
        }

        PluginHealth health() {
            return PluginHealth.sum(runs.stream().map(SimulationRun.Outcome::plugins).toList());
        }

        /** Mean and slowest charged time of the light controller's calls, in ms. */
        double[] decisionMs() {
            PluginHealth.Planner p = role(PluginInfo.LIGHT);
            return p == null || p.calls() == 0 ? new double[] {Double.NaN, Double.NaN}
                    : new double[] {p.totalMs() / p.calls(), p.slowestMs()};
        }

        double slowestCoreMs() {
            PluginHealth.Planner p = role(PluginInfo.CORE);
            return p == null ? Double.NaN : p.slowestMs();
        }

        PluginHealth.Planner role(String role) {
            return health().planners().stream().filter(p -> p.role().equals(role)).findFirst().orElse(null);
        }
    }

    /** One case's results. */
    record Result(Scenario scenario, double load, List<Long> seeds, List<Row> rows, boolean sameArrivals) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = planners.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.size() < 2 || new LinkedHashSet<>(names).size() != names.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--planners: '" + String.join(",", planners)
                    + "' (expected: two or more different planners)");
        }
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds: " + seeds + " (expected: >= 1)");
        }
        for (double l : loads) {
            if (!(l > 0)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--load: " + l + " (expected: > 0)");
            }
        }
        List<Case> cases = cases();
        PluginRegistry registry = PluginsCli.registry(pluginsDir);
        Map<String, ResolvedPlanner> resolved = new LinkedHashMap<>();
        for (String p : names) {
            resolved.put(p, registry.resolve(p)); // an unknown planner fails here, before any run
        }
        SimulationRun.Options options = new SimulationRun.Options(!noBudget, PluginFallback.resolve(registry, fallbackPlanner));
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        List<Result> results = new ArrayList<>();
        try {
            for (Case c : cases) {
                Scenario base = ScenarioLoader.resolve(c.scenario());
                Scenario scenario = slots == null ? base : SimulateRunner.withSlots(base, slots);
                for (double load : c.loads()) {
                    results.add(runCase(pool, scenario, load, resolved, options));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if ("-".equals(json)) {
            out.println(mapper().writeValueAsString(toJson(results, names)));
            return 0;
        }
        for (Result r : results) {
            print(out, r, names);
        }
        out.println();
        out.println("Fair by construction: every planner ran the same scenario, load and seeds (the same task arrivals,"
                + " checked), the same simulated fleet, the same time budgets (" + (noBudget ? "none: --no-budget"
                : String.format(Locale.ROOT, "%.0f%% of a slot per controller call, its first %d calls at least %d ms;"
                + " %d ms per core placement", 100 * PluginBudget.LIGHT_SHARE_OF_SLOT, PluginBudget.WARMUP_CALLS,
                PluginBudget.WARMUP_MIN_MS, PluginBudget.CORE_BUDGET_MS)) + ") and the same fallback ("
                + fallbackPlanner + "), with the scenario's own planner settings.");
        out.println("on-time: share of tasks within their deadline; Δ: the paired difference from " + names.get(0)
                + " over the same seeds (mean ± 95% CI; an interval that excludes 0 is a difference the seeds support);"
                + " cost: C^cr + C^lt (paper 2's cost where the scenario switches models); fail: plugin calls that threw,"
                + " overran, were infeasible or empty; fallback: slots decided by the fallback; decide: the light"
                + " controller's charged time per call (CPU + waiting), mean/max; core: slowest core placement.");
        if (json != null) {
            Path file = Path.of(json);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            mapper().writeValue(file.toFile(), toJson(results, names));
            out.println("wrote " + file);
        }
        if (results.stream().anyMatch(r -> !r.sameArrivals())) {
            err.println("compare: warning: the task arrivals differed between planners in some case (see above)");
        }
        return 0;
    }

    private List<Case> cases() {
        if (suite != null && scenarios != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--suite and --scenario: give one of them");
        }
        if (suite != null) {
            if (!suite.equals("standard")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--suite: '" + suite + "' (expected: standard)");
            }
            return STANDARD;
        }
        if (scenarios == null || scenarios.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --scenario NAME|FILE or --suite standard");
        }
        return scenarios.stream().map(s -> new Case(s.trim(), loads)).toList();
    }

    private Result runCase(ExecutorService pool, Scenario scenario, double load, Map<String, ResolvedPlanner> resolved,
            SimulationRun.Options options) throws Exception {
        long first = scenario.run().seed() + seedOffset;
        List<Long> seedList = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            seedList.add(first + s);
        }
        Map<String, List<Future<SimulationRun.Outcome>>> futures = new LinkedHashMap<>();
        for (Map.Entry<String, ResolvedPlanner> e : resolved.entrySet()) {
            List<Future<SimulationRun.Outcome>> list = new ArrayList<>();
            for (long seed : seedList) {
                list.add(pool.submit(() -> SimulationRun.run(scenario, e.getValue(), scenario.plannerConfig(), seed, load,
                        null, options)));
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
        return new Result(scenario, load, seedList, rows, same);
    }

    /** Mean and 95% half-width of the per-seed differences {@code a - ref}, or NaNs. */
    static double[] paired(double[] a, double[] ref) {
        if (a.length != ref.length || a.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - ref[i];
        }
        return SimulateRunner.meanCi95(d);
    }

    private void print(PrintWriter out, Result r, List<String> names) {
        out.println();
        out.printf(Locale.ROOT, "%s, load %s: %d seed(s) %d..%d, %d slots of %.0f ms; task arrivals %s%n", r.scenario().name(),
                SimulateRunner.fmt(r.load()), r.seeds().size(), r.seeds().get(0), r.seeds().get(r.seeds().size() - 1),
                r.scenario().run().slots(), r.scenario().run().slotMs(), r.sameArrivals()
                        ? "identical for every planner" : "DIFFERED between planners (the comparison is not paired)");
        int w = Math.max(14, names.stream().mapToInt(String::length).max().orElse(0));
        String name = "%-" + w + "s";
        out.printf(Locale.ROOT, name + " %-18s %-18s %10s %-16s %8s %6s %8s %15s %9s%n", "PLANNER", "ON-TIME", "Δ ON-TIME",
                "COST", "Δ COST", "P95 MS", "FAIL", "FALLBACK", "DECIDE MS", "CORE MS");
        Row ref = r.rows().get(0);
        for (Row row : r.rows()) {
            if (row.notApplicable() != null) {
                out.printf(Locale.ROOT, name + " n/a: %s%n", row.planner(), row.notApplicable());
                continue;
            }
            double[] ot = SimulateRunner.meanCi95(row.onTime());
            double[] cost = SimulateRunner.meanCi95(row.cost());
            boolean isRef = row == ref || ref.notApplicable() != null;
            double[] dOt = isRef ? null : paired(row.onTime(), ref.onTime());
            double[] dCost = isRef ? null : paired(row.cost(), ref.cost());
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
        for (Row row : r.rows()) {
            if (row.notApplicable() == null && row.health().failures() > 0) {
                for (PluginHealth.Planner p : row.health().planners()) {
                    if (p.failed() > 0) {
                        out.printf(Locale.ROOT, "  %s: %s (%s) failed %s of %d calls%n", row.planner(), p.name(), p.role(),
                                p.failuresText(), p.calls());
                    }
                }
            }
        }
    }

    private Map<String, Object> toJson(List<Result> results, List<String> names) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("planners", names);
        root.put("reference", names.get(0));
        Map<String, Object> fair = new LinkedHashMap<>();
        fair.put("budget", noBudget ? "none (--no-budget)" : "live");
        fair.put("lightShareOfSlot", PluginBudget.LIGHT_SHARE_OF_SLOT);
        fair.put("lightWarmupCalls", PluginBudget.WARMUP_CALLS);
        fair.put("lightWarmupMinMs", PluginBudget.WARMUP_MIN_MS);
        fair.put("coreMs", PluginBudget.CORE_BUDGET_MS);
        fair.put("fallback", fallbackPlanner);
        fair.put("plannerSettings", "the scenario's own");
        root.put("conditions", fair);
        List<Object> cases = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("scenario", r.scenario().name());
            c.put("load", r.load());
            c.put("seeds", r.seeds());
            c.put("slots", r.scenario().run().slots());
            c.put("slotMs", r.scenario().run().slotMs());
            c.put("sameArrivals", r.sameArrivals());
            Row ref = r.rows().get(0);
            List<Object> rows = new ArrayList<>();
            for (Row row : r.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("planner", row.planner());
                if (row.notApplicable() != null) {
                    m.put("notApplicable", row.notApplicable());
                    rows.add(m);
                    continue;
                }
                m.put("onTime", stat(SimulateRunner.meanCi95(row.onTime()), row.onTime()));
                m.put("cost", stat(SimulateRunner.meanCi95(row.cost()), row.cost()));
                if (row != ref && ref.notApplicable() == null) {
                    m.put("deltaOnTime", stat(paired(row.onTime(), ref.onTime()), null));
                    m.put("deltaCost", stat(paired(row.cost(), ref.cost()), null));
                }
                m.put("p95Ms", finite(row.meanP95()));
                m.put("submitted", row.runs().stream().mapToLong(o -> o.stats().submitted()).toArray());
                PluginHealth h = row.health();
                m.put("failures", h.failures());
                Map<String, Long> byReason = new LinkedHashMap<>();
                for (String reason : PluginHealth.REASONS) {
                    byReason.put(reason, h.planners().stream().mapToLong(p -> p.failures().getOrDefault(reason, 0L)).sum());
                }
                m.put("failuresByReason", byReason);
                m.put("slotsOnFallback", h.slotsOnFallback());
                m.put("slots", h.slots());
                double[] dec = row.decisionMs();
                m.put("decisionMsMean", finite(dec[0]));
                m.put("decisionMsMax", finite(dec[1]));
                m.put("coreMsMax", finite(row.slowestCoreMs()));
                rows.add(m);
            }
            c.put("rows", rows);
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
            m.put("perSeed", Arrays.stream(perSeed).mapToObj(CompareCommand::finite).toList());
        }
        return m;
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
