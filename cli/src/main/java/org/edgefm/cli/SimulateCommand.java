package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefm.api.ConfigException;
import org.edgefm.api.EdgeFmException;
import org.edgefm.scenario.RunSettings;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.trial.report.ReportWriter;
import org.edgefm.sim.FluidLpBound;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.ZeroContentionBound;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm simulate}: runs planners on a scenario in virtual time, through the same control
 * loop and plugins as a field trial, over seeds and load levels, and compares them.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run planners on a scenario in virtual time (simulated fleet) and compare on-time completion,"
                + " cost and latency over seeds and load levels.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE", description = "A scenario file or built-in name.")
    String scenarioRef;

    @Option(names = "--planners", split = ",", paramLabel = "a,b,c", defaultValue = "two-tier",
            description = "Planners: presets, light controllers or CORE+LIGHT (default: ${DEFAULT-VALUE}; see ./edgefm plugins).")
    List<String> planners;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "5", description = "Seeds per planner and load (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--load", split = ",", paramLabel = "L", defaultValue = "1",
            description = "Load factors on every arrival rate, e.g. 0.5,1,1.5,2,3 (default: ${DEFAULT-VALUE}).")
    List<Double> loads;

    @Option(names = "--slots", paramLabel = "N", description = "Override the scenario's number of slots.")
    Integer slots;

    @Option(names = "--threads", paramLabel = "N", description = "Trials run in parallel (default: the number of processors).")
    Integer threads;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a planner setting for every planner of the run (repeatable; the key must be a setting of"
                    + " one of the planners, see planner-plugins/README.md; simulator settings cannot be set here).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report with plots (index.html).")
    Path report;

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins",
            description = "Folder of plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The trials of one (planner, load). */
    record Cell(String planner, double load, List<SimulationRun.Outcome> runs) {
        double[] onTime() {
            return runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
        }

        /** Per seed: seed paper 2's total cost when the scenario has switchable models, else C^cr + C^lt. */
        double[] cost() {
            return runs.stream().mapToDouble(r -> r.stats().genai() != null ? r.stats().genai().cost()
                    : r.stats().totalCost()).toArray();
        }

        /** Per seed: the mean end-to-end delay of completed tasks (seed paper 3's metric). */
        double[] delay() {
            return runs.stream().mapToDouble(r -> r.stats().meanLatencyMs()).toArray();
        }

        boolean genai() {
            return !runs.isEmpty() && runs.get(0).stats().genai() != null;
        }

        boolean partition() {
            return !runs.isEmpty() && runs.get(0).stats().partition() != null;
        }

        double meanQuantile(double q) {
            return runs.stream().mapToDouble(r -> r.stats().latencyQuantileMs(q)).filter(d -> !Double.isNaN(d))
                    .average().orElse(Double.NaN);
        }
    }

    /**
     * The scenario's planner settings with the {@code --set} overrides; a key that no chosen planner
     * declares is refused, and each planner is built once with the result so a bad value fails here.
     */
    private PlannerConfig plannerConfig(Scenario scenario, Map<String, ResolvedPlanner> resolved) {
        if (sets.isEmpty()) {
            return scenario.plannerConfig();
        }
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (ResolvedPlanner r : resolved.values()) {
            if (r.core() != null) {
                r.core().configKeys().forEach(k -> known.add(k.name()));
            }
            r.controller().configKeys().forEach(k -> known.add(k.name()));
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set: '" + kv + "' (expected: KEY=VALUE)");
            }
            String key = kv.substring(0, eq).trim();
            if (!known.contains(key)) {
                throw new ConfigException("--set: unknown key '" + key
                        + "' (not a setting of " + String.join(", ", resolved.keySet()) + "; the keys are listed in planner-plugins/README.md)");
            }
            overrides.put(key, kv.substring(eq + 1).trim());
        }
        PlannerConfig config = scenario.plannerConfig().with(overrides);
        for (ResolvedPlanner r : resolved.values()) {
            if (r.core() != null) {
                r.core().create(config);
            }
            r.controller().create(config);
        }
        return config;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds: " + seeds + " (expected: >= 1)");
        }
        for (double l : loads) {
            if (!(l > 0)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--load: " + l + " (expected: > 0)");
            }
        }
        Scenario base = ScenarioLoader.resolve(scenarioRef);
        Scenario scenario = slots == null ? base : withSlots(base, slots);
        PluginRegistry registry = PluginRegistry.load(SimulateCommand.class.getClassLoader(), pluginsDir);
        Map<String, ResolvedPlanner> resolved = new LinkedHashMap<>();
        for (String p : planners) {
            resolved.put(p, registry.resolve(p.trim()));
        }
        PlannerConfig config = plannerConfig(scenario, resolved);
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        int total = resolved.size() * loads.size() * seeds;
        out.printf(Locale.ROOT, "simulate %s: %d planner(s) x %d load level(s) x %d seed(s), %d slots of %.0f ms, %d thread(s)%n",
                scenario.name(), resolved.size(), loads.size(), seeds, scenario.run().slots(), scenario.run().slotMs(), nThreads);
        out.flush();

        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        AtomicInteger done = new AtomicInteger();
        Map<String, List<Future<SimulationRun.Outcome>>> futures = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try {
            for (double load : loads) {
                for (Map.Entry<String, ResolvedPlanner> p : resolved.entrySet()) {
                    List<Future<SimulationRun.Outcome>> list = new ArrayList<>();
                    for (int s = 0; s < seeds; s++) {
                        long seed = scenario.run().seed() + s;
                        list.add(pool.submit(() -> {
                            SimulationRun.Outcome o = SimulationRun.run(scenario, p.getValue(), config,
                                    seed, load, null);
                            progress(err, done.incrementAndGet(), total, t0);
                            return o;
                        }));
                    }
                    futures.put(key(p.getKey(), load), list);
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (double load : loads) {
                for (String p : resolved.keySet()) {
                    List<SimulationRun.Outcome> runs = new ArrayList<>();
                    for (Future<SimulationRun.Outcome> f : futures.get(key(p, load))) {
                        runs.add(unwrap(f));
                    }
                    cells.add(new Cell(p, load, runs));
                }
            }
            if (System.console() != null) {
                err.println();
            }
            SimSettings simSettings = SimSettings.from(scenario.planner());
            ZeroContentionBound.Estimate bound = ZeroContentionBound.estimate(scenario.model(), 200_000, scenario.run().seed(),
                    simSettings.compute());
            Map<Double, double[]> lp = lpBounds(scenario, simSettings, err);
            printTables(out, scenario, cells, lp);
            out.printf(Locale.ROOT, "upper bound on on-time completion (each task alone on its best nodes, any load): "
                    + "%.2f%% (± %.2f%%, %d sampled tasks)%n", 100 * bound.onTimeRate(), 196 * bound.stdError(), bound.samples());
            double wallS = (System.nanoTime() - t0) / 1e9;
            long events = cells.stream().flatMap(c -> c.runs().stream()).mapToLong(r -> r.stats().events()).sum();
            double plannerS = cells.stream().flatMap(c -> c.runs().stream()).mapToDouble(SimulationRun.Outcome::plannerMs)
                    .sum() / 1e3;
            out.printf(Locale.ROOT, "wall time %.1f s: %,d simulator events (%.2f M/s), planner calls %.1f s of thread time%n",
                    wallS, events, events / wallS / 1e6, plannerS);
            if (json != null) {
                writeJson(scenario, cells);
                out.println("wrote " + json);
            }
            if (report != null) {
                List<String> bounds = new ArrayList<>();
                bounds.add(String.format(Locale.ROOT, "Upper bound on on-time completion (each task alone on its best"
                        + " nodes, no queueing, any load): %.2f%% (± %.2f%%).", 100 * bound.onTimeRate(), 196 * bound.stdError()));
                lp.forEach((l, b) -> bounds.add(String.format(Locale.ROOT, "LP bound (fluid relaxation, the seeds' arrivals"
                        + " known, node capacities), load %s: %.2f%% (± %.2f%%).", fmt(l), 100 * b[0], 100 * b[1])));
                Path index = SimReport.write(report, scenario, cells, loads, List.copyOf(resolved.keySet()), bounds);
                out.println("wrote " + index);
            }
            return 0;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String key(String planner, double load) {
        return planner + "@" + load;
    }

    private static SimulationRun.Outcome unwrap(Future<SimulationRun.Outcome> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EdgeFmException x) {
                throw x;
            }
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    private static synchronized void progress(PrintWriter err, int done, int total, long t0) {
        int width = 30;
        int filled = (int) Math.round(width * (double) done / total);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        String bar = String.format(Locale.ROOT, "[%s%s] %d/%d trials, %.0f s elapsed, ~%.0f s left ", "#".repeat(filled),
                "-".repeat(width - filled), done, total, elapsed, eta);
        if (System.console() != null) {
            err.print("\r" + bar); // a terminal: one line rewritten in place
        } else if (done == total || 10 * done / total != 10 * (done - 1) / total) {
            err.println(bar); // a pipe or a log file: a line at every tenth, none rewritten
        }
        err.flush();
    }

    /** The scenario with its slot count replaced; a count below 1 is refused. */
    static Scenario withSlots(Scenario s, int slots) {
        if (slots < 1) {
            throw new ConfigException("--slots: " + slots + " (expected: >= 1)");
        }
        RunSettings r = s.run();
        return new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(), s.users(),
                s.workload(), new RunSettings(r.slotMs(), slots, r.planningEpochMs(), r.seed()), s.failures(), s.planner());
    }

    /** Mean and half-width of the 95% confidence interval (Student t). */
    static double[] meanCi95(double[] x) {
        double[] v = Arrays.stream(x).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        if (v.length == 1) {
            return new double[] {mean, 0};
        }
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        double sd = Math.sqrt(ss / (v.length - 1));
        return new double[] {mean, tQuantile975(v.length - 1) * sd / Math.sqrt(v.length)};
    }

    private static double tQuantile975(int df) {
        double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
                2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
                2.045, 2.042};
        return df <= t.length ? t[df - 1] : 1.96;
    }

    private void printTables(PrintWriter out, Scenario scenario, List<Cell> cells, Map<Double, double[]> lp) {
        for (double load : loads) {
            List<Cell> atLoad = cells.stream().filter(c -> c.load() == load).toList();
            out.println();
            out.printf(Locale.ROOT, "%s, load %s (%d seeds)%n", scenario.name(), fmt(load), atLoad.get(0).runs().size());
            out.printf(Locale.ROOT, "%-22s %-20s %12s %10s %10s %9s %8s%n", "PLANNER", "ON-TIME (95% CI)", "COST",
                    "P50 MS", "P95 MS", "FAILURES", "REFUSED");
            for (Cell c : atLoad) {
                double[] ot = meanCi95(c.onTime());
                double cost = Arrays.stream(c.cost()).average().orElse(Double.NaN);
                int failures = c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum();
                long refused = c.runs().stream().mapToLong(r -> r.stats().refusedDirectives()).sum();
                out.printf(Locale.ROOT, "%-22s %6.2f%% ± %5.2f%%     %12.1f %10.2f %10.2f %9d %8d%n", c.planner(),
                        100 * ot[0], 100 * ot[1], cost, c.meanQuantile(0.5), c.meanQuantile(0.95), failures, refused);
            }
            double[] b = lp.get(load);
            if (b != null) {
                out.printf(Locale.ROOT, "%-22s %6.2f%% ± %5.2f%%%n", "(LP bound)", 100 * b[0], 100 * b[1]);
            }
        }
        printPaperTables(out, cells);
        out.println();
        out.println("on-time: share of tasks finished within their deadline (mean over seeds); cost: C^cr + C^lt"
                + " (eqs. 6-7); p50/p95: mean over seeds of each run's end-to-end latency quantiles;"
                + " failures: plugin calls that threw, overran or returned no plan; refused: directives the simulated"
                + " nodes refused because they exceed the node's capacity (eq. 8); LP bound: the offline fluid upper"
                + " bound on the expected on-time rate for the same seeds' arrivals (docs/simulator.md); a short run"
                + " can exceed it by its own sampling error.");
    }

    /** The LP bound per load (mean and 95% half-width over the seeds' arrivals); empty when OR-Tools fails. */
    private Map<Double, double[]> lpBounds(Scenario scenario, SimSettings settings, PrintWriter err) {
        Map<Double, double[]> out = new LinkedHashMap<>();
        try {
            FluidLpBound b = FluidLpBound.prepare(scenario.model(), scenario.run().slotMs(), settings,
                    FluidLpBound.DEFAULT_SAMPLES_PER_STREAM, scenario.run().seed());
            for (double load : loads) {
                double[] v = new double[seeds];
                for (int s = 0; s < seeds; s++) {
                    v[s] = b.onTimeRate(load, scenario.run().slots(), scenario.run().seed() + s);
                }
                out.put(load, meanCi95(v));
            }
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            err.println("simulate: LP bound unavailable: " + e.getMessage());
        }
        return out;
    }

    /** The seed papers' own metrics (paper 2: cost and its parts; paper 3: delay and energy budget). */
    private static void printPaperTables(PrintWriter out, List<Cell> cells) {
        if (cells.stream().anyMatch(Cell::genai)) {
            out.println();
            out.printf(Locale.ROOT, "%-22s %6s %22s %12s %12s %10s %10s %9s %9s%n", "PLANNER (paper 2)", "LOAD",
                    "COST (95% CI)", "DELAY COST", "RESOURCE", "CLOUD REQ", "SWITCHES", "DELAY S", "E>BUDGET");
            for (Cell c : cells) {
                if (!c.genai()) {
                    continue;
                }
                double[] cost = meanCi95(c.cost());
                out.printf(Locale.ROOT, "%-22s %6s %12.1f ± %7.1f %12.1f %12.1f %10.0f %10.1f %9.2f %9.1f%n", c.planner(),
                        fmt(c.load()), cost[0], cost[1], genaiMean(c, g -> g.delayCost()), genaiMean(c, g -> g.resourceCost()),
                        genaiMean(c, g -> g.cloudRequests()), genaiMean(c, g -> g.switches()),
                        genaiMean(c, g -> g.meanDelayMs()) / 1000, genaiMean(c, g -> g.slotsOverEnergyBudget()));
            }
            out.println("paper 2 (sim.genai.*): cost = w_d x sum of request delays + storage and GPU-memory cost of resident"
                    + " models + cloud price x cloud requests; delay s: mean request delay; switches and E>budget"
                    + " (slots whose edge energy exceeded power x slot): means over seeds.");
        }
        if (cells.stream().anyMatch(Cell::partition)) {
            out.println();
            out.printf(Locale.ROOT, "%-22s %6s %22s %12s %14s %12s%n", "PLANNER (paper 3)", "LOAD", "DELAY MS (95% CI)",
                    "BUDGET W", "WORST AVG W", "SATISFIED");
            for (Cell c : cells) {
                if (!c.partition()) {
                    continue;
                }
                double[] d = meanCi95(c.delay());
                long ok = c.runs().stream().filter(r -> r.stats().partition().satisfied()).count();
                out.printf(Locale.ROOT, "%-22s %6s %12.2f ± %7.2f %12.3f %14.3f %9d/%d%n", c.planner(), fmt(c.load()), d[0],
                        d[1], partitionMean(c, p -> p.budgetW()), partitionMean(c, p -> p.timeAverageW()), ok,
                        c.runs().size());
            }
            out.println("paper 3 (sim.partition = serial): delay: mean end-to-end delay of completed tasks; worst avg:"
                    + " time-average power of the user furthest over its budget (mean over seeds); satisfied: seeds in"
                    + " which every user stayed within budget x (1 + sim.partition.energy-tolerance).");
        }
    }

    private static double genaiMean(Cell c, java.util.function.ToDoubleFunction<org.edgefm.sim.SimStats.GenAi> f) {
        return c.runs().stream().mapToDouble(r -> f.applyAsDouble(r.stats().genai())).average().orElse(Double.NaN);
    }

    private static double partitionMean(Cell c,
            java.util.function.ToDoubleFunction<org.edgefm.sim.SimStats.Partition> f) {
        return c.runs().stream().mapToDouble(r -> f.applyAsDouble(r.stats().partition())).average().orElse(Double.NaN);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void writeJson(Scenario scenario, List<Cell> cells) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("scenario", scenario.name());
        ArrayNode results = root.putArray("results");
        for (Cell c : cells) {
            ObjectNode r = results.addObject();
            r.put("planner", c.planner());
            r.put("load", c.load());
            r.put("seeds", c.runs().size());
            double[] ot = meanCi95(c.onTime());
            ObjectNode o = r.putObject("onTimeRate");
            o.put("mean", ot[0]);
            o.put("ci95", ot[1]);
            ObjectNode cost = r.putObject("cost");
            double[] costCi = meanCi95(c.cost());
            cost.put("mean", costCi[0]);
            ObjectNode l = r.putObject("latencyMs");
            l.put("p50", c.meanQuantile(0.5));
            l.put("p95", c.meanQuantile(0.95));
            double[] delay = meanCi95(c.delay());
            ObjectNode d = r.putObject("delayMs");
            d.put("mean", delay[0]);
            d.put("ci95", delay[1]);
            if (c.genai()) {
                cost.put("ci95", costCi[1]);
                cost.put("model", "paper2");
                cost.put("delayCost", genaiMean(c, g -> g.delayCost()));
                cost.put("resourceCost", genaiMean(c, g -> g.resourceCost()));
                cost.put("cloudCost", genaiMean(c, g -> g.cloudCost()));
                ObjectNode g = r.putObject("genai");
                g.put("cloudRequests", genaiMean(c, x -> x.cloudRequests()));
                g.put("switches", genaiMean(c, x -> x.switches()));
                g.put("meanSwitchMs", genaiMean(c, x -> x.meanSwitchMs()));
                g.put("energyJ", genaiMean(c, x -> x.energyJ()));
                g.put("slotsOverEnergyBudget", genaiMean(c, x -> x.slotsOverEnergyBudget()));
            }
            if (c.partition()) {
                ObjectNode e = r.putObject("energy");
                e.put("budget", partitionMean(c, p -> p.budgetW()));
                e.put("timeAverage", partitionMean(c, p -> p.timeAverageW()));
                e.put("worstRatio", c.runs().stream().mapToDouble(x -> x.stats().partition().ratio()).max().orElse(Double.NaN));
                long ok = c.runs().stream().filter(x -> x.stats().partition().satisfied()).count();
                e.put("satisfied", ok == c.runs().size());
                e.put("satisfiedSeeds", ok);
            }
        }
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(json, m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * The HTML report, written by the shared {@link ReportWriter}: a table per load level, box plots
     * of the per-seed on-time rate and cost per planner (paper 1, Fig. 3), the latency CDF per
     * planner, and on-time rate and cost against load (Fig. 4) when there are several load levels.
     */
    static final class SimReport {
        private SimReport() {
        }

        static Path write(Path dir, Scenario scenario, List<Cell> cells, List<Double> loads, List<String> planners,
                List<String> bounds) throws IOException {
            ReportWriter w = new ReportWriter("EdgeFM simulate: " + scenario.name());
            w.paragraph(scenario.description());
            w.paragraph(cells.get(0).runs().size() + " seeds per planner and load; " + scenario.run().slots()
                    + " slots of " + fmt(scenario.run().slotMs()) + " ms.");
            for (String b : bounds) {
                w.paragraph(b);
            }
            for (double load : loads) {
                List<Cell> atLoad = cells.stream().filter(c -> c.load() == load).toList();
                List<List<String>> rows = new ArrayList<>();
                Map<String, double[]> onTime = new LinkedHashMap<>();
                Map<String, double[]> cost = new LinkedHashMap<>();
                Map<String, double[]> latency = new LinkedHashMap<>();
                for (Cell c : atLoad) {
                    double[] ot = meanCi95(c.onTime());
                    rows.add(List.of(c.planner(), ReportWriter.fmt("%.2f%% ± %.2f%%", 100 * ot[0], 100 * ot[1]),
                            ReportWriter.fmt("%.1f", Arrays.stream(c.cost()).average().orElse(Double.NaN)),
                            ReportWriter.fmt("%.2f", c.meanQuantile(0.5)), ReportWriter.fmt("%.2f", c.meanQuantile(0.95)),
                            String.valueOf(c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum())));
                    onTime.put(c.planner(), Arrays.stream(c.onTime()).map(v -> 100 * v).toArray());
                    cost.put(c.planner(), c.cost());
                    latency.put(c.planner(), pooledQuantiles(c.runs()));
                }
                w.table("Load " + fmt(load), List.of("planner", "on-time (mean ± 95% CI)", "cost C^cr + C^lt", "p50 ms",
                        "p95 ms", "plugin failures"), rows);
                w.charts(null,
                        ReportWriter.boxPlot("On-time completion per seed, load " + fmt(load), "on-time %", onTime),
                        ReportWriter.boxPlot("Total cost per seed, load " + fmt(load), "C^cr + C^lt", cost),
                        ReportWriter.cdf("End-to-end latency, load " + fmt(load) + " (seeds pooled)", "latency ms", latency));
            }
            if (loads.size() > 1) {
                Map<String, double[][]> onTime = new LinkedHashMap<>();
                Map<String, double[][]> cost = new LinkedHashMap<>();
                for (String p : planners) {
                    double[] x = new double[loads.size()];
                    double[] ot = new double[loads.size()];
                    double[] c = new double[loads.size()];
                    for (int i = 0; i < loads.size(); i++) {
                        double l = loads.get(i);
                        Cell cell = cells.stream().filter(k -> k.planner().equals(p) && k.load() == l).findFirst().orElseThrow();
                        x[i] = l;
                        ot[i] = 100 * meanCi95(cell.onTime())[0];
                        c[i] = Arrays.stream(cell.cost()).average().orElse(Double.NaN);
                    }
                    onTime.put(p, new double[][] {x, ot});
                    cost.put(p, new double[][] {x, c});
                }
                w.charts("Against load",
                        ReportWriter.lines("Mean on-time completion against load", "load factor", "on-time %", onTime),
                        ReportWriter.lines("Mean total cost against load", "load factor", "C^cr + C^lt", cost));
            }
            w.paragraph("On-time: share of tasks finished within their deadline. Cost: C^cr + C^lt (paper 1, eqs. 6-7)."
                    + " Boxes: quartiles and median over seeds, whiskers to the extremes within 1.5"
                    + " inter-quartile ranges, points beyond them.");
            return w.write(dir);
        }

        /** Per run 1,000 evenly spaced latency quantiles, pooled: each seed weighs the same in the CDF. */
        private static double[] pooledQuantiles(List<SimulationRun.Outcome> runs) {
            int per = 1_000;
            double[] out = new double[0];
            for (SimulationRun.Outcome r : runs) {
                double[] v = r.stats().latenciesMs();
                if (v.length == 0) {
                    continue;
                }
                Arrays.sort(v);
                double[] q = new double[per];
                for (int i = 0; i < per; i++) {
                    q[i] = v[(int) Math.min(v.length - 1, Math.floor((i + 0.5) / per * v.length))];
                }
                double[] merged = Arrays.copyOf(out, out.length + per);
                System.arraycopy(q, 0, merged, out.length, per);
                out = merged;
            }
            return out;
        }
    }
}
