package org.edgefm.trial.run;

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
import org.edgefm.control.PluginCallGuard;
import org.edgefm.control.PluginFallback;
import org.edgefm.control.PluginHealth;
import org.edgefm.trial.PluginsSection;
import org.edgefm.trial.report.ReportWriter;
import org.edgefm.sim.FluidLpBound;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.ZeroContentionBound;

/**
 * What {@code edgefm simulate} does: runs planners on a scenario in virtual time, through the same
 * control loop and plugins as a field trial, over seeds and load levels; prints the comparison and
 * writes the results document ({@code --json}) and the HTML report ({@code --report}).
 */
public final class SimulateRunner {
    // the options, as SimulateOptions names them
    private final String scenarioRef;
    private final List<String> planners;
    private final int seeds;
    private final List<Double> loads;
    private final Integer slots;
    private final Integer threads;
    private final long seedOffset;
    private final List<String> sets;
    private final List<String> sweeps;
    private final Path json;
    private final Path report;
    private final Path pluginsDir;
    private final boolean noBudget;
    private final String fallbackPlanner;
    private final Path calibrateFrom;
    private final boolean replayTaskLog;
    private final boolean parity;
    private final boolean plannersGiven;

    /** One simulation campaign. */
    public SimulateRunner(SimulateOptions options) {
        java.util.Objects.requireNonNull(options, "options is null");
        scenarioRef = java.util.Objects.requireNonNull(options.scenario(), "options.scenario is null");
        planners = options.planners() == null ? List.of("two-tier") : List.copyOf(options.planners());
        plannersGiven = options.planners() != null;
        seeds = options.seeds();
        loads = options.loads() == null ? List.of(1.0) : List.copyOf(options.loads());
        slots = options.slots();
        threads = options.threads();
        seedOffset = options.seedOffset();
        sets = options.sets() == null ? List.of() : List.copyOf(options.sets());
        sweeps = options.sweeps() == null ? List.of() : List.copyOf(options.sweeps());
        json = options.json();
        report = options.report();
        pluginsDir = options.pluginsDir();
        noBudget = options.noBudget();
        fallbackPlanner = options.fallbackPlanner() == null ? PluginCallGuard.DEFAULT_FALLBACK : options.fallbackPlanner();
        calibrateFrom = options.calibrateFrom();
        replayTaskLog = options.replayTaskLog();
        parity = options.parity();
    }

    /** The trials of one (planner, load). */
    record Cell(String planner, double load, List<SimulationRun.Outcome> runs) {
        double[] onTime() {
            return runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
        }

        /** Per seed: seed paper 2's total cost when the scenario has switchable models, else C^cr + C^lt. */
        double[] cost() {
            return org.edgefm.trial.SimResults.costs(runs);
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
            return org.edgefm.trial.SimResults.meanQuantile(runs, q);
        }
    }

    /** One planner of the run: its label in tables, the planner it is a variant of, and its settings. */
    record Entry(String label, String base, ResolvedPlanner planner, PlannerConfig config) {
    }

    /** A parsed {@code [PLANNER:]KEY=VALUE}. */
    record SettingArg(String scope, String key, String value) {
        static SettingArg parse(String option, String kv) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(option + ": '" + kv + "' (expected: [PLANNER:]KEY=VALUE)");
            }
            String lhs = kv.substring(0, eq).trim();
            String scope = null;
            int colon = lhs.indexOf(':');
            if (colon >= 0) {
                scope = lhs.substring(0, colon).trim();
                lhs = lhs.substring(colon + 1).trim();
                if (scope.isEmpty() || lhs.isEmpty()) {
                    throw new ConfigException(option + ": '" + kv + "' (expected: [PLANNER:]KEY=VALUE)");
                }
            }
            return new SettingArg(scope, lhs, kv.substring(eq + 1).trim());
        }
    }

    /** The keys a planner reads: its core planner's and its light controller's. */
    static java.util.Set<String> keysOf(ResolvedPlanner r) {
        java.util.Set<String> k = new java.util.TreeSet<>();
        if (r.core() != null) {
            r.core().configKeys().forEach(c -> k.add(c.name()));
        }
        r.controller().configKeys().forEach(c -> k.add(c.name()));
        return k;
    }

    /** The installed presets and light controllers that read {@code key}. */
    static List<String> readersOf(PluginRegistry registry, String key) {
        List<String> out = new ArrayList<>();
        for (org.edgefm.control.PluginInfo i : registry.list()) {
            if (i.roles().contains(org.edgefm.control.PluginInfo.PRESET) || i.roles().contains(org.edgefm.control.PluginInfo.LIGHT)) {
                try {
                    if (keysOf(registry.resolve(i.name())).contains(key)) {
                        out.add(i.name());
                    }
                } catch (ConfigException e) {
                    // a preset whose parts are missing reads nothing
                }
            }
        }
        return out;
    }

    private static String readersText(PluginRegistry registry, String key) {
        List<String> r = readersOf(registry, key);
        return r.isEmpty() ? "no installed planner reads it; the keys are listed in planner-plugins/README.md, the"
                + " simulator's (sim.*) in docs/simulator.md" : "read by: " + String.join(", ", r);
    }

    /**
     * The chosen planners that {@code o} applies to; a key that none of them reads, or a scope that is
     * not a chosen planner, is refused naming the planners that read the key.
     */
    private static List<String> targets(String option, SettingArg o, Map<String, ResolvedPlanner> resolved,
            PluginRegistry registry) {
        if (o.scope() != null) {
            ResolvedPlanner r = resolved.get(o.scope());
            if (r == null) {
                throw new ConfigException(option + ": '" + o.scope() + "' is not one of the chosen planners ("
                        + String.join(", ", resolved.keySet()) + ")");
            }
            if (!keysOf(r).contains(o.key())) {
                throw new ConfigException(option + ": " + o.scope() + " does not read '" + o.key() + "' ("
                        + readersText(registry, o.key()) + ")");
            }
            return List.of(o.scope());
        }
        List<String> t = new ArrayList<>();
        resolved.forEach((name, r) -> {
            if (keysOf(r).contains(o.key())) {
                t.add(name);
            }
        });
        if (t.isEmpty()) {
            throw new ConfigException(option + ": no chosen planner (" + String.join(", ", resolved.keySet()) + ") reads '"
                    + o.key() + "' (" + readersText(registry, o.key()) + ")");
        }
        return t;
    }

    /**
     * The scenario with the {@code --set sim.*} overrides in its planner section (the simulated fleet
     * and the bounds read them there); an unknown or malformed simulator key is refused.
     */
    private Scenario withSimOverrides(Scenario scenario) {
        Map<String, Object> planner = new LinkedHashMap<>(scenario.planner());
        boolean any = false;
        for (String kv : sets) {
            SettingArg o = SettingArg.parse("--set", kv);
            if (!o.key().startsWith("sim.")) {
                continue;
            }
            if (o.scope() != null) {
                throw new ConfigException("--set: '" + kv + "': sim.* keys set the simulated fleet of every planner"
                        + " and the bounds, not one planner (drop '" + o.scope() + ":')");
            }
            String key = SimSettings.canonical(o.key());
            if (key == null) {
                throw new ConfigException("--set: unknown simulator key '" + o.key() + "' (known: "
                        + String.join(", ", SimSettings.KEYS) + ")");
            }
            planner.remove(key);
            planner.keySet().removeIf(k -> key.equals(SimSettings.canonical(k)));
            planner.put(key, o.value());
            any = true;
        }
        if (!any) {
            return scenario;
        }
        Scenario out = scenario.withPlanner(planner);
        SimSettings.from(out.planner()); // a malformed value fails here with its key
        return out;
    }

    /**
     * The planners of the run: each chosen planner with the scenario's settings and the {@code --set}
     * overrides it reads, expanded into one variant per combination of the {@code --sweep} values it
     * reads. Each variant is built once here, so a bad value fails before any trial.
     */
    private List<Entry> entries(Scenario scenario, Map<String, ResolvedPlanner> resolved, PluginRegistry registry,
            PrintWriter out) {
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        resolved.keySet().forEach(p -> overrides.put(p, new LinkedHashMap<>()));
        for (String kv : sets) {
            SettingArg o = SettingArg.parse("--set", kv);
            if (o.key().startsWith("sim.")) {
                continue;
            }
            List<String> t = targets("--set", o, resolved, registry);
            t.forEach(p -> overrides.get(p).put(o.key(), o.value()));
            if (o.scope() == null && t.size() < resolved.size()) {
                List<String> not = resolved.keySet().stream().filter(p -> !t.contains(p)).toList();
                out.printf(Locale.ROOT, "--set %s applies to %s (%s %s not read it)%n", kv, String.join(", ", t),
                        String.join(", ", not), not.size() == 1 ? "does" : "do");
            }
        }
        Map<String, List<Map<String, String>>> variants = new LinkedHashMap<>();
        resolved.keySet().forEach(p -> {
            List<Map<String, String>> v = new ArrayList<>();
            v.add(new LinkedHashMap<>());
            variants.put(p, v);
        });
        for (String kv : sweeps) {
            SettingArg o = SettingArg.parse("--sweep", kv);
            if (o.key().startsWith("sim.")) {
                throw new ConfigException("--sweep: '" + o.key() + "': simulator keys are swept by separate runs with --set");
            }
            List<String> values = Arrays.stream(o.value().split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
            if (values.isEmpty()) {
                throw new ConfigException("--sweep: '" + kv + "' (expected: [PLANNER:]KEY=V1,V2,...)");
            }
            for (String p : targets("--sweep", o, resolved, registry)) {
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> v : variants.get(p)) {
                    for (String value : values) {
                        Map<String, String> m = new LinkedHashMap<>(v);
                        m.put(o.key(), value);
                        next.add(m);
                    }
                }
                variants.put(p, next);
            }
        }
        List<Entry> out2 = new ArrayList<>();
        for (Map.Entry<String, ResolvedPlanner> e : resolved.entrySet()) {
            for (Map<String, String> v : variants.get(e.getKey())) {
                Map<String, String> all = new LinkedHashMap<>(overrides.get(e.getKey()));
                all.putAll(v);
                PlannerConfig config = scenario.plannerConfig().with(all);
                ResolvedPlanner r = e.getValue();
                if (r.core() != null) {
                    r.core().create(config);
                }
                r.controller().create(config);
                String label = e.getKey();
                if (!v.isEmpty()) {
                    List<String> parts = new ArrayList<>();
                    v.forEach((k, val) -> parts.add(k.substring(k.indexOf('.') + 1) + "=" + val));
                    label += "[" + String.join(",", parts) + "]";
                }
                out2.add(new Entry(label, e.getKey(), r, config));
            }
        }
        return out2;
    }

    /**
     * Runs the campaign: refuses bad options ({@link UsageException}, or a {@link ConfigException} naming the
     * setting) before any run, then runs every planner, load and seed and reports.
     *
     * @return the exit code (0)
     */
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        if (seeds < 1) {
            throw new UsageException("--seeds: " + seeds + " (expected: >= 1)");
        }
        for (double l : loads) {
            if (!(l > 0)) {
                throw new UsageException("--load: " + l + " (expected: > 0)");
            }
        }
        Scenario base = ScenarioLoader.resolve(scenarioRef);
        org.edgefm.sim.calibration.Calibration calibration = calibrateFrom == null ? null
                : org.edgefm.sim.calibration.Calibration.read(calibrateFrom);
        if (parity) {
            if (calibration == null) {
                throw new UsageException("--parity compares with a recorded trial: it needs --calibrate-from RUN|FILE");
            }
            if (planners.size() > 1) {
                throw new UsageException("--parity replays one planner (default: the trial's): --planners " + planners);
            }
            PluginRegistry registry = PluginRegistry.load(SimulateRunner.class.getClassLoader(),
                    org.edgefm.control.PluginsFolder.resolve(pluginsDir).path());
            return org.edgefm.trial.parity.ParityRerun.print(out, withSimOverrides(base), calibration, calibrateFrom, registry,
                    plannersGiven ? planners.get(0).trim() : null, fallbackPlanner);
        }
        if (replayTaskLog && calibration == null) {
            throw new UsageException("--replay-task-log replays a trial's task log: it needs --calibrate-from RUN|FILE");
        }
        if (replayTaskLog && !loads.equals(List.of(1.0))) {
            throw new UsageException("--replay-task-log replays the recorded arrivals: --load does not apply");
        }
        Integer runSlots = slots;
        if (replayTaskLog && runSlots == null) {
            // the trial's workload and its drain (the longest deadline and 3 s), as a trial's parity replay runs
            double deadline = base.taskTypes().stream().mapToDouble(org.edgefm.api.model.TaskType::deadlineMs).max().orElse(0);
            runSlots = (int) Math.max(1, Math.ceil((calibration.workload().durationMs() + deadline + 3_000) / base.run().slotMs()));
        }
        Scenario prepared = withSimOverrides(runSlots == null ? base : withSlots(base, runSlots));
        Scenario scenario = calibration == null ? prepared : calibration.apply(prepared);
        if (calibration != null) {
            out.println(calibration.describe(calibrateFrom));
        }
        org.edgefm.control.PluginsFolder folder = org.edgefm.control.PluginsFolder.resolve(pluginsDir);
        folder.mentionIfMissing();
        PluginRegistry registry = PluginRegistry.load(SimulateRunner.class.getClassLoader(), folder.path());
        Map<String, ResolvedPlanner> resolved = new LinkedHashMap<>();
        for (String p : planners) {
            resolved.put(p.trim(), registry.resolve(p.trim()));
        }
        List<Entry> entries = entries(scenario, resolved, registry, out);
        SimulationRun.Options runOptions = new SimulationRun.Options(!noBudget, PluginFallback.resolve(registry, fallbackPlanner),
                calibration == null ? null : calibration.twin(replayTaskLog, scenario), null);
        long firstSeed = scenario.run().seed() + seedOffset;
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        int total = entries.size() * loads.size() * seeds;
        out.printf(Locale.ROOT, "simulate %s: %d planner(s) x %d load level(s) x %d seed(s) (%d to %d), %d slots of %.0f ms,"
                + " %d thread(s)%n", scenario.name(), entries.size(), loads.size(), seeds, firstSeed, firstSeed + seeds - 1,
                scenario.run().slots(), scenario.run().slotMs(), nThreads);
        out.flush();

        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        AtomicInteger done = new AtomicInteger();
        Map<String, List<Future<SimulationRun.Outcome>>> futures = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try {
            for (double load : loads) {
                for (Entry p : entries) {
                    List<Future<SimulationRun.Outcome>> list = new ArrayList<>();
                    for (int s = 0; s < seeds; s++) {
                        long seed = firstSeed + s;
                        list.add(pool.submit(() -> {
                            SimulationRun.Outcome o = SimulationRun.run(scenario, p.planner(), p.config(),
                                    seed, load, null, runOptions);
                            progress(err, done.incrementAndGet(), total, t0);
                            return o;
                        }));
                    }
                    futures.put(key(p.label(), load), list);
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (double load : loads) {
                for (String p : entries.stream().map(Entry::label).toList()) {
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
            Map<Double, double[]> lp = lpBounds(scenario, simSettings, err, firstSeed, bound.onTimeRate());
            printTables(out, scenario, cells, lp, bound);
            out.printf(Locale.ROOT, "upper bound on on-time completion (each task alone on its best nodes, any load): "
                    + "%.2f%% (± %.2f%%, %d sampled tasks)%n", 100 * bound.onTimeRate(), 196 * bound.stdError(), bound.samples());
            out.println();
            PluginsSection.lines(pluginHealth(cells)).forEach(out::println);
            if (noBudget) {
                out.println("  (--no-budget: calls measured, none cut)");
            }
            List<Frontier> frontiers = sweeps.isEmpty() ? List.of() : frontiers(entries, cells);
            printFrontiers(out, frontiers);
            double wallS = (System.nanoTime() - t0) / 1e9;
            long events = cells.stream().flatMap(c -> c.runs().stream()).mapToLong(r -> r.stats().events()).sum();
            double plannerS = cells.stream().flatMap(c -> c.runs().stream()).mapToDouble(SimulationRun.Outcome::plannerMs)
                    .sum() / 1e3;
            out.printf(Locale.ROOT, "wall time %.1f s: %,d simulator events (%.2f M/s), planner calls %.1f s of thread time%n",
                    wallS, events, events / wallS / 1e6, plannerS);
            if (json != null) {
                writeJson(scenario, cells, lp, bound, frontiers, firstSeed);
                out.println("wrote " + json);
            }
            if (report != null) {
                List<String> bounds = new ArrayList<>();
                bounds.add(String.format(Locale.ROOT, "Upper bound on on-time completion (each task alone on its best"
                        + " nodes, no queueing, any load): %.2f%% (± %.2f%%).", 100 * bound.onTimeRate(), 196 * bound.stdError()));
                lp.forEach((l, b) -> bounds.add(String.format(Locale.ROOT, "LP bound (fluid relaxation, the seeds' arrivals"
                        + " known, node capacities, at most the bound above), load %s: %.2f%% (± %.2f%%).", fmt(l), 100 * b[0],
                        100 * b[1])));
                Path index = SimReport.write(report, scenario, cells, loads, entries.stream().map(Entry::label).toList(),
                        bounds, lp, frontiers);
                out.println("wrote " + index);
            }
            return 0;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The plugin calls' books per planner, summed over its seeds and loads. */
    static Map<String, PluginHealth> pluginHealth(List<Cell> cells) {
        Map<String, List<PluginHealth>> by = new LinkedHashMap<>();
        for (Cell c : cells) {
            for (SimulationRun.Outcome o : c.runs()) {
                by.computeIfAbsent(c.planner(), k -> new ArrayList<>()).add(o.plugins());
            }
        }
        Map<String, PluginHealth> out = new LinkedHashMap<>();
        by.forEach((k, v) -> out.put(k, PluginHealth.sum(v)));
        return out;
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
    public static Scenario withSlots(Scenario s, int slots) {
        if (slots < 1) {
            throw new ConfigException("--slots: " + slots + " (expected: >= 1)");
        }
        RunSettings r = s.run();
        return s.withRun(new RunSettings(r.slotMs(), slots, r.planningEpochMs(), r.seed()));
    }

    /** The label of cost axes: the scenario's prices are in price units (paper 1, eqs. 6-7). */
    static final String COST_AXIS = "total cost C^cr + C^lt (price units)";

    /** Mean and half-width of the 95% confidence interval (Student t): {@link org.edgefm.control.stats.MeanIntervals}. */
    public static double[] meanCi95(double[] x) {
        return org.edgefm.control.stats.MeanIntervals.meanCi95(x);
    }

    /** A planner variant's mean result at one load. */
    record Point(String label, double onTime, double ci95, double cost) {
    }

    /**
     * The frontier of one load: per planner, its variants' points by cost and the efficient ones; the
     * reference (the first planner's first variant) and, per other planner, its best on-time rate at
     * no more than the reference's cost and its cheapest variant at least as on time as the reference.
     */
    record Frontier(double load, Point reference, Map<String, List<Point>> points, Map<String, List<Point>> efficient,
            Map<String, Point> bestAtMatchedCost, Map<String, Point> cheapestAtMatchedOnTime) {
    }

    static List<Frontier> frontiers(List<Entry> entries, List<Cell> cells) {
        List<Frontier> out = new ArrayList<>();
        List<Double> ls = cells.stream().map(Cell::load).distinct().toList();
        for (double load : ls) {
            Map<String, List<Point>> points = new LinkedHashMap<>();
            for (Entry e : entries) {
                Cell c = cells.stream().filter(k -> k.load() == load && k.planner().equals(e.label())).findFirst().orElseThrow();
                double[] ot = meanCi95(c.onTime());
                points.computeIfAbsent(e.base(), k -> new ArrayList<>())
                        .add(new Point(e.label(), ot[0], ot[1], Arrays.stream(c.cost()).average().orElse(Double.NaN)));
            }
            Point ref = points.values().iterator().next().get(0);
            Map<String, List<Point>> efficient = new LinkedHashMap<>();
            Map<String, Point> best = new LinkedHashMap<>();
            Map<String, Point> cheapest = new LinkedHashMap<>();
            for (Map.Entry<String, List<Point>> e : points.entrySet()) {
                List<Point> ps = new ArrayList<>(e.getValue());
                ps.sort(java.util.Comparator.comparingDouble(Point::cost));
                e.setValue(ps);
                efficient.put(e.getKey(), ps.stream().filter(p -> ps.stream().noneMatch(q -> q != p && q.cost() <= p.cost()
                        && q.onTime() >= p.onTime() && (q.cost() < p.cost() || q.onTime() > p.onTime()))).toList());
                ps.stream().filter(p -> p.cost() <= ref.cost()).max(java.util.Comparator.comparingDouble(Point::onTime))
                        .ifPresent(p -> best.put(e.getKey(), p));
                ps.stream().filter(p -> p.onTime() >= ref.onTime()).min(java.util.Comparator.comparingDouble(Point::cost))
                        .ifPresent(p -> cheapest.put(e.getKey(), p));
            }
            out.add(new Frontier(load, ref, points, efficient, best, cheapest));
        }
        return out;
    }

    private static void printFrontiers(PrintWriter out, List<Frontier> frontiers) {
        for (Frontier f : frontiers) {
            out.println();
            out.printf(Locale.ROOT, "frontier, load %s (per planner by cost; * = not dominated by another of its variants)%n",
                    fmt(f.load()));
            for (Map.Entry<String, List<Point>> e : f.points().entrySet()) {
                for (Point p : e.getValue()) {
                    out.printf(Locale.ROOT, "  %-" + Math.max(40, p.label().length()) + "s %6.2f%% ± %5.2f%% %12.1f %s%n", p.label(), 100 * p.onTime(),
                            100 * p.ci95(), p.cost(), f.efficient().get(e.getKey()).contains(p) ? "*" : "");
                }
            }
            Point r = f.reference();
            out.printf(Locale.ROOT, "matched cost, load %s, against %s (%.2f%% ± %.2f%% at %.1f):%n", fmt(f.load()), r.label(),
                    100 * r.onTime(), 100 * r.ci95(), r.cost());
            for (String base : f.points().keySet()) {
                if (f.points().get(base).contains(r)) {
                    continue;
                }
                Point b = f.bestAtMatchedCost().get(base);
                Point c = f.cheapestAtMatchedOnTime().get(base);
                out.printf(Locale.ROOT, "  %-12s best at cost <= %.1f: %s; cheapest at on-time >= %.2f%%: %s%n", base, r.cost(),
                        b == null ? "none (every variant costs more)" : String.format(Locale.ROOT, "%s %.2f%% ± %.2f%% at %.1f",
                                b.label(), 100 * b.onTime(), 100 * b.ci95(), b.cost()),
                        100 * r.onTime(), c == null ? "none" : String.format(Locale.ROOT, "%s %.2f%% ± %.2f%% at %.1f",
                                c.label(), 100 * c.onTime(), 100 * c.ci95(), c.cost()));
            }
        }
    }

    private void printTables(PrintWriter out, Scenario scenario, List<Cell> cells, Map<Double, double[]> lp,
            ZeroContentionBound.Estimate zc) {
        for (double load : loads) {
            List<Cell> atLoad = cells.stream().filter(c -> c.load() == load).toList();
            out.println();
            out.printf(Locale.ROOT, "%s, load %s (%d seeds)%n", scenario.name(), fmt(load), atLoad.get(0).runs().size());
            int w = Math.max(22, atLoad.stream().mapToInt(c -> c.planner().length()).max().orElse(0));
            String name = "%-" + w + "s";
            out.printf(Locale.ROOT, name + " %-20s %12s %10s %10s %9s %8s%n", "PLANNER", "ON-TIME (95% CI)", "COST",
                    "P50 MS", "P95 MS", "FAILURES", "REFUSED");
            for (Cell c : atLoad) {
                double[] ot = meanCi95(c.onTime());
                double cost = Arrays.stream(c.cost()).average().orElse(Double.NaN);
                int failures = c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum();
                long refused = c.runs().stream().mapToLong(r -> r.stats().refusedDirectives()).sum();
                out.printf(Locale.ROOT, name + " %6.2f%% ± %5.2f%%     %12.1f %10.2f %10.2f %9d %8d%n", c.planner(),
                        100 * ot[0], 100 * ot[1], cost, c.meanQuantile(0.5), c.meanQuantile(0.95), failures, refused);
            }
            double[] b = lp.get(load);
            if (b != null) {
                out.printf(Locale.ROOT, name + " %6.2f%% ± %5.2f%%%n", "(LP bound)", 100 * b[0], 100 * b[1]);
            }
            out.printf(Locale.ROOT, name + " %6.2f%% ± %5.2f%%%n", "(zero-contention bnd)", 100 * zc.onTimeRate(),
                    196 * zc.stdError());
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
     * The LP bound per load (mean and 95% half-width over the seeds' arrivals); empty when OR-Tools
     * fails. Each seed's value is capped at the zero-contention bound {@code cap}: both bound the same
     * expected rate (the LP's per-stream feasible share is at most the zero-contention one), so the
     * smaller is a bound too, and the two estimates' sampling cannot print the LP above the other.
     */
    private Map<Double, double[]> lpBounds(Scenario scenario, SimSettings settings, PrintWriter err, long firstSeed,
            double cap) {
        Map<Double, double[]> out = new LinkedHashMap<>();
        try {
            FluidLpBound b = FluidLpBound.prepare(scenario.model(), scenario.run().slotMs(), settings,
                    FluidLpBound.DEFAULT_SAMPLES_PER_STREAM, scenario.run().seed());
            for (double load : loads) {
                double[] v = new double[seeds];
                for (int s = 0; s < seeds; s++) {
                    v[s] = Math.min(cap, b.onTimeRate(load, scenario.run().slots(), firstSeed + s));
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

    public static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void writeJson(Scenario scenario, List<Cell> cells, Map<Double, double[]> lp, ZeroContentionBound.Estimate zc,
            List<Frontier> frontiers, long firstSeed) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode(); // the simulation's own sections of the results document
        root.put("firstSeed", firstSeed);
        root.put("budgets", !noBudget);
        root.set("plugins", m.valueToTree(PluginsSection.json(pluginHealth(cells))));
        ArrayNode bounds = root.putArray("bounds");
        for (double load : loads) {
            ObjectNode z = bounds.addObject();
            z.put("name", "zero-contention");
            z.put("load", load);
            z.put("onTimeRate", zc.onTimeRate());
            z.put("ci95", 1.96 * zc.stdError());
            double[] b = lp.get(load);
            if (b != null) {
                ObjectNode l = bounds.addObject();
                l.put("name", "lp");
                l.put("load", load);
                l.put("onTimeRate", b[0]);
                l.put("ci95", b[1]);
            }
        }
        if (!frontiers.isEmpty()) {
            ArrayNode fr = root.putArray("frontier");
            for (Frontier f : frontiers) {
                ObjectNode o = fr.addObject();
                o.put("load", f.load());
                o.put("reference", f.reference().label());
                ObjectNode per = o.putObject("planners");
                for (String base : f.points().keySet()) {
                    ObjectNode pb = per.putObject(base);
                    ArrayNode pts = pb.putArray("points");
                    for (Point p : f.points().get(base)) {
                        ObjectNode q = pts.addObject();
                        q.put("label", p.label());
                        q.put("onTimeRate", p.onTime());
                        q.put("ci95", p.ci95());
                        q.put("cost", p.cost());
                        q.put("efficient", f.efficient().get(base).contains(p));
                    }
                    Point b = f.bestAtMatchedCost().get(base);
                    pb.put("bestAtMatchedCost", b == null ? null : b.label());
                    Point c = f.cheapestAtMatchedOnTime().get(base);
                    pb.put("cheapestAtMatchedOnTime", c == null ? null : c.label());
                }
            }
        }
        org.edgefm.trial.Results.of("simulate", scenario.name(),
                cells.stream().map(c -> org.edgefm.trial.SimResults.of(c.planner(), c.load(), c.runs())).toList(), root)
                .write(json);
    }

    /**
     * The HTML report, written by the shared {@link ReportWriter}: a table per load level, box plots
     * of the per-seed on-time rate and cost per planner (paper 1, Fig. 3), the latency CDF per
     * planner, and on-time rate and cost against load (Fig. 4) when there are several load levels.
     */
    static final class SimReport {
        private SimReport() {
        }

        /** Each task type's deadline {@code D_n} in ms, the latency charts' markers. */
        static Map<String, Double> deadlines(Scenario scenario) {
            Map<String, Double> out = new LinkedHashMap<>();
            scenario.taskTypes().forEach(t -> out.put(t.id(), t.deadlineMs()));
            return out;
        }

        static Path write(Path dir, Scenario scenario, List<Cell> cells, List<Double> loads, List<String> planners,
                List<String> bounds) throws IOException {
            return write(dir, scenario, cells, loads, planners, bounds, Map.of(), List.of());
        }

        static Path write(Path dir, Scenario scenario, List<Cell> cells, List<Double> loads, List<String> planners,
                List<String> bounds, Map<Double, double[]> lp, List<Frontier> frontiers) throws IOException {
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
                        ReportWriter.violin("Fig. 3: on-time completion per seed, load " + fmt(load), "on-time %", onTime),
                        ReportWriter.violin("Fig. 3: total cost per seed, load " + fmt(load), COST_AXIS, cost),
                        ReportWriter.cdf("End-to-end latency, load " + fmt(load) + " (seeds pooled)", "latency ms", latency,
                                deadlines(scenario)));
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
                if (lp.size() == loads.size()) {
                    double[] x = new double[loads.size()];
                    double[] b = new double[loads.size()];
                    for (int i = 0; i < loads.size(); i++) {
                        x[i] = loads.get(i);
                        b[i] = 100 * lp.get(loads.get(i))[0];
                    }
                    onTime.put("LP bound", new double[][] {x, b});
                }
                w.charts("Against load",
                        ReportWriter.lines("Fig. 4: mean on-time completion against load", "load factor", "on-time %", onTime),
                        ReportWriter.lines("Mean total cost against load", "load factor", COST_AXIS, cost));
            }
            for (Frontier f : frontiers) {
                Map<String, double[][]> series = new LinkedHashMap<>();
                List<List<String>> rows = new ArrayList<>();
                f.points().forEach((base, ps) -> {
                    series.put(base, new double[][] {ps.stream().mapToDouble(Point::cost).toArray(),
                            ps.stream().mapToDouble(q -> 100 * q.onTime()).toArray()});
                    for (Point q : ps) {
                        rows.add(List.of(q.label(), ReportWriter.fmt("%.2f%% ± %.2f%%", 100 * q.onTime(), 100 * q.ci95()),
                                ReportWriter.fmt("%.1f", q.cost()), f.efficient().get(base).contains(q) ? "yes" : ""));
                    }
                });
                w.table("Frontier, load " + fmt(f.load()), List.of("planner variant", "on-time (mean ± 95% CI)",
                        "cost C^cr + C^lt", "not dominated"), rows);
                w.charts(null, ReportWriter.lines("On-time against cost, load " + fmt(f.load()), COST_AXIS, "on-time %",
                        series));
            }
            PluginsSection.addTo(w, pluginHealth(cells));
            w.paragraph("On-time: share of tasks finished within their deadline. Cost: C^cr + C^lt (paper 1, eqs. 6-7)."
                    + " Violins: Gaussian kernel density of the per-seed values, clipped to their range, black point the"
                    + " median.");
            return w.write(dir);
        }

        /** Per run 1,000 evenly spaced latency quantiles ({@link org.edgefm.control.stats.Quantiles}), pooled: each seed weighs the same in the CDF. */
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
                double[] q = org.edgefm.control.stats.Quantiles.of(v, qs); // the project's one quantile definition
                double[] merged = Arrays.copyOf(out, out.length + per);
                System.arraycopy(q, 0, merged, out.length, per);
                out = merged;
            }
            return out;
        }
    }
}
