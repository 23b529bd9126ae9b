package org.edgefm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.trial.run.SimulateOptions;
import org.edgefm.trial.run.SimulateRunner;
import org.edgefm.trial.run.UsageException;
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

    @Option(names = "--seed-offset", paramLabel = "N", defaultValue = "0",
            description = "Run seeds run.seed+N ... run.seed+N+seeds-1 (default: ${DEFAULT-VALUE}), e.g. draws not used while tuning.")
    long seedOffset;

    @Option(names = "--set", paramLabel = "[PLANNER:]KEY=VALUE",
            description = "Override a setting (repeatable): a planner key for every chosen planner that reads it, or with"
                    + " PLANNER: for that planner alone; a sim.* key for the simulated fleet and the bounds. A key that no"
                    + " chosen planner reads is an error naming the planners that read it.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--sweep", paramLabel = "[PLANNER:]KEY=V1,V2,...",
            description = "Run every chosen planner that reads KEY (or PLANNER alone) once per value, as PLANNER[key=V]"
                    + " (repeatable: the product); prints the cost/on-time frontier per planner and the comparison at"
                    + " matched cost against the first planner.")
    List<String> sweeps = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report with plots (index.html).")
    Path report;

    @Option(names = "--figures", paramLabel = "DIR", description = "Write the paper's figures (Fig. 3: violins of on-time"
            + " rate and cost per seed, per load; Fig. 4: on-time rate against load) as SVG and CSV here, named by"
            + " their titles, so that a rerun replaces the same files.")
    Path figures;

    @Option(names = "--deployment-at", paramLabel = "SLOT", split = ",", description = "Record, for every run, what each"
            + " node was told to run (core and light services, instances, parallelism) at the start of these slots, in the"
            + " --json file's 'deployments' section, e.g. to see where two planners differ (docs/simulator.md).")
    List<Integer> deploymentAt;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--calibrate-from", paramLabel = "RUN|FILE", description = "A trial's run folder (its calibration.json)"
            + " or a calibration file: the simulator takes its service times, links, preloads and per-hop overheads from"
            + " those measurements and keeps only the nodes that took part (docs/simulator.md, \"Calibrated twin\").")
    Path calibrateFrom;

    @Option(names = "--replay-task-log", description = "With --calibrate-from: replay the trial's recorded arrivals"
            + " (its task log) instead of the scenario's arrival processes, over the trial's workload and drain"
            + " (unless --slots says otherwise): each planner on the arrivals the trial saw.")
    boolean replayTaskLog;

    @Option(names = "--parity", description = "With --calibrate-from RUN: compute the trial's parity again from its"
            + " calibration file (live side as recorded; the planner replayed on its arrivals from the live deployment;"
            + " the live directives replayed with no planner, the twin's service model alone), e.g. after --set sim.twin.*"
            + " (docs/simulator.md, \"Parity\").")
    boolean parity;

    @Option(names = "--no-budget", description = "Measure plugin calls without cutting them: no time budget (profiling)."
            + " By default every call is charged its thread's CPU and waiting time against the live budget (half a slot"
            + " per controller call, 10 s per core placement) and an overrunning call's decision is discarded as live.")
    boolean noBudget;

    @Option(names = "--fallback-planner", paramLabel = "NAME", defaultValue = PluginCallGuard.DEFAULT_FALLBACK,
            description = "Light controller that decides while a planner's controller has never produced a usable"
                    + " decision, as the live host does (default: ${DEFAULT-VALUE}; none: no fallback).")
    String fallbackPlanner;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SimulateOptions options = new SimulateOptions(scenarioRef, planners, seeds, loads, slots, threads, seedOffset,
                sets, sweeps, json, report, pluginsDir, noBudget, fallbackPlanner, calibrateFrom, replayTaskLog, parity, figures,
                deploymentAt);
        try {
            return new SimulateRunner(options).run(spec.commandLine().getOut(), spec.commandLine().getErr());
        } catch (UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
