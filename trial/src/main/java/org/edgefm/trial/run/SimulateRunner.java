package org.edgefm.trial.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.TaskType;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.control.PluginFallback;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.PluginsFolder;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.control.stats.MeanIntervals;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.trial.PluginsSection;
import org.edgefm.trial.parity.ParityRerun;
import org.edgefm.trial.report.ReportWriter;

/**
 * What {@code edgefm simulate} does: runs planners on a scenario in virtual time, through the same
 * control loop and plugins as a field trial, over seeds and load levels; prints the comparison and
 * writes the results document ({@code --json}) and the HTML report ({@code --report}).
 *
 * <p>This class checks the options, prepares the scenario (slots, {@code --set sim.*}, a trial's
 * calibration and task-log replay) and puts the campaign together; its parts are
 * {@link PlannerVariants} (settings and sweeps), {@link SimCampaign} (the runs), {@link SimBounds},
 * {@link SimTables} and {@link Frontiers} (the console), {@link SimJson} and {@link SimReport} (the files).
 */
public final class SimulateRunner {
    /** The label of cost axes: the scenario's prices are in price units (paper 1, eqs. 6-7). */
    static final String COST_AXIS = "total cost C^cr + C^lt (price units)";

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
    private final Path figures;
    private final Path pluginsDir;
    private final boolean noBudget;
    private final String fallbackPlanner;
    private final Path calibrateFrom;
    private final boolean replayTaskLog;
    private final boolean parity;
    private final List<Integer> deploymentAt;
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
        figures = options.figures();
        pluginsDir = options.pluginsDir();
        noBudget = options.noBudget();
        fallbackPlanner = options.fallbackPlanner() == null ? PluginCallGuard.DEFAULT_FALLBACK : options.fallbackPlanner();
        calibrateFrom = options.calibrateFrom();
        replayTaskLog = options.replayTaskLog();
        parity = options.parity();
        deploymentAt = options.deploymentAt();
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
        Calibration calibration = calibrateFrom == null ? null : Calibration.read(calibrateFrom);
        if (parity) {
            if (calibration == null) {
                throw new UsageException("--parity compares with a recorded trial: it needs --calibrate-from RUN|FILE");
            }
            if (planners.size() > 1) {
                throw new UsageException("--parity replays one planner (default: the trial's): --planners " + planners);
            }
            PluginRegistry registry = PluginRegistry.load(SimulateRunner.class.getClassLoader(),
                    PluginsFolder.resolve(pluginsDir).path());
            return ParityRerun.print(out, PlannerVariants.withSimOverrides(base, sets), calibration, calibrateFrom, registry,
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
            double deadline = base.taskTypes().stream().mapToDouble(TaskType::deadlineMs).max().orElse(0);
            runSlots = (int) Math.max(1, Math.ceil((calibration.workload().durationMs() + deadline + 3_000) / base.run().slotMs()));
        }
        Scenario prepared = PlannerVariants.withSimOverrides(runSlots == null ? base : withSlots(base, runSlots), sets);
        Scenario scenario = calibration == null ? prepared : calibration.apply(prepared);
        if (!deploymentAt.isEmpty()) {
            if (json == null) {
                throw new UsageException("--deployment-at records deployments in the results document: it needs --json FILE");
            }
            for (int k : deploymentAt) {
                if (k < 0 || k >= scenario.run().slots()) {
                    throw new UsageException("--deployment-at: slot " + k + " (expected: 0 to " + (scenario.run().slots() - 1)
                            + ", the run's " + scenario.run().slots() + " slots)");
                }
            }
        }
        if (calibration != null) {
            out.println(calibration.describe(calibrateFrom));
        }
        PluginsFolder folder = PluginsFolder.resolve(pluginsDir);
        folder.mentionIfMissing();
        PluginRegistry registry = PluginRegistry.load(SimulateRunner.class.getClassLoader(), folder.path());
        Map<String, ResolvedPlanner> resolved = new LinkedHashMap<>();
        for (String p : planners) {
            resolved.put(p.trim(), registry.resolve(p.trim()));
        }
        List<PlannerVariant> variants = PlannerVariants.of(scenario, resolved, registry, sets, sweeps, out);
        SimulationRun.Options runOptions = new SimulationRun.Options(!noBudget, PluginFallback.resolve(registry, fallbackPlanner),
                calibration == null ? null : calibration.twin(replayTaskLog, scenario), null);
        long firstSeed = scenario.run().seed() + seedOffset;
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        SimCampaign campaign = new SimCampaign(scenario, variants, loads, seeds, firstSeed, runOptions, deploymentAt);
        out.printf(Locale.ROOT, "simulate %s: %d planner(s) x %d load level(s) x %d seed(s) (%d to %d), %d slots of %.0f ms,"
                + " %d thread(s)%n", scenario.name(), variants.size(), loads.size(), seeds, firstSeed, firstSeed + seeds - 1,
                scenario.run().slots(), scenario.run().slotMs(), nThreads);
        out.flush();

        long t0 = System.nanoTime();
        List<SimCell> cells = campaign.run(nThreads, err, t0);
        if (System.console() != null) {
            err.println();
        }
        SimBounds bounds = SimBounds.of(scenario, loads, seeds, firstSeed, err);
        SimTables.print(out, scenario, loads, cells, bounds);
        out.println(bounds.zeroContentionLine());
        out.println();
        PluginsSection.lines(SimCell.pluginHealth(cells)).forEach(out::println);
        if (noBudget) {
            out.println("  (--no-budget: calls measured, none cut)");
        }
        List<Frontiers.Frontier> frontiers = sweeps.isEmpty() ? List.of() : Frontiers.of(variants, cells);
        Frontiers.print(out, frontiers);
        double wallS = (System.nanoTime() - t0) / 1e9;
        long events = cells.stream().flatMap(c -> c.runs().stream()).mapToLong(r -> r.stats().events()).sum();
        double plannerS = cells.stream().flatMap(c -> c.runs().stream()).mapToDouble(SimulationRun.Outcome::plannerMs)
                .sum() / 1e3;
        out.printf(Locale.ROOT, "wall time %.1f s: %,d simulator events (%.2f M/s), planner calls %.1f s of thread time%n",
                wallS, events, events / wallS / 1e6, plannerS);
        if (json != null) {
            SimJson.write(json, scenario, loads, cells, bounds, frontiers, firstSeed, !noBudget);
            if (!deploymentAt.isEmpty()) {
                out.println("deployments at slot" + (deploymentAt.size() > 1 ? "s " : " ") + deploymentAt.stream()
                        .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " of every run: in "
                        + json + ", section deployments");
            }
            out.println("wrote " + json);
        }
        List<String> labels = variants.stream().map(PlannerVariant::label).toList();
        if (report != null) {
            ReportWriter page = SimReport.of(scenario, cells, loads, labels, bounds.reportLines(), bounds.lp(), frontiers);
            out.println("wrote " + page.write(report));
        }
        if (figures != null) {
            // only the paper's figures: the page (latency CDFs, every chart as PNG) is built only for --report
            List<Path> written = ReportWriter.writeFigures(figures, SimReport.paperFigures(cells, loads, labels, bounds.lp()));
            out.println("wrote " + written.size() + " figures (SVG and CSV) under " + figures);
        }
        return 0;
    }

    /** The scenario with its slot count replaced; a count below 1 is refused. */
    public static Scenario withSlots(Scenario s, int slots) {
        if (slots < 1) {
            throw new ConfigException("--slots: " + slots + " (expected: >= 1)");
        }
        RunSettings r = s.run();
        return s.withRun(new RunSettings(r.slotMs(), slots, r.planningEpochMs(), r.seed()));
    }

    /** Mean and half-width of the 95% confidence interval (Student t): {@link MeanIntervals}. */
    public static double[] meanCi95(double[] x) {
        return MeanIntervals.meanCi95(x);
    }

    /** A number as the tables print loads and slot lengths: without ".0" when whole. */
    public static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
