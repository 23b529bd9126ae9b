package org.edgefm.trial.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.control.PluginHealth;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.SimSettings;
import org.edgefm.trial.Agreement;
import org.edgefm.trial.Generations;
import org.edgefm.trial.ShadowSection;
import org.edgefm.trial.TrialMonitor;
import org.edgefm.trial.Warmup;
import org.edgefm.trial.report.ReportWriter;

/**
 * {@code edgefm trial}: a live field trial on this machine. Starts the embedded broker (or uses
 * {@code --broker}) and the planner host in-process, starts N real agent processes with node ids
 * and device profiles from the scenario, drives the scenario's arrival streams into the agents'
 * task endpoints, shows progress on one line and ends with a summary, optionally as JSON (in the
 * shape of {@code simulate --json}) and as an HTML report. Ctrl-C stops everything and still
 * writes the summary and report. Kernels whose spec names a weights file load it from the agents'
 * model directory: {@code --model-dir}, or by default the trial's work folder, into which the trial
 * writes seeded {@code .npy} files of each kernel's size before it starts the agents.
 *
 * <p>This class puts the run together; its parts are {@link TrialPlan} (the options checked),
 * {@link TrialHostConfig} (the in-process host's configuration and broker accounts), {@link TrialWeights}
 * (weights and real models), {@link TrialFleet} (agent processes and the waits for them),
 * {@link WorkloadDriver} (the workload and the drain) and {@link TrialOutput} (summary, files, verdict).
 */
public final class TrialRunner {
    /** The scenario of a trial without --scenario. */
    public static final String DEFAULT_SCENARIO = "trial-lab";
    /** Exit code of a trial that ran and failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of a usage error found once the run folder is known ({@code --out} taken). */
    public static final int EXIT_USAGE = 2;
    /** Width of a timeline window in ms. */
    static final long WINDOW_MS = 5_000;

    /**
     * Where the trial's log events go while it runs: the host's log file and, for warnings, the
     * console; the command line's logging provides it.
     */
    @FunctionalInterface
    public interface LogCapture {
        /**
         * Starts sending log events to {@code file} and warnings to {@code console}.
         *
         * @return what stops it
         */
        Runnable start(Path file, java.util.function.Consumer<String> console) throws IOException;
    }

    private final TrialOptions options;
    private final LogCapture logCapture;
    private final List<String> agentMain;
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Answers of real-model tasks against the monolithic model's. */
    private final Agreement agreement = new Agreement();
    /** The decoder task types' generations token by token across the agents, or null when the scenario has none. */
    private Generations generations;

    /**
     * One trial (a runner runs once).
     *
     * @param options    what was asked for
     * @param logCapture where log events go while the trial runs
     * @param agentMain  the main class and arguments that start an agent process on this JVM's class path,
     *                   before the agent's own flags (as {@code org.edgefm.cli.Main agent})
     */
    public TrialRunner(TrialOptions options, LogCapture logCapture, List<String> agentMain) {
        this.options = java.util.Objects.requireNonNull(options, "options is null");
        this.logCapture = java.util.Objects.requireNonNull(logCapture, "logCapture is null");
        this.agentMain = List.copyOf(agentMain);
    }

    /**
     * The run folder: {@code --out}, which must not exist or be empty, or
     * {@code TRIALS/SCENARIO-yyyyMMdd-HHmmss} (UTC; the command passes {@code trials} under the current
     * folder), with {@code -2}, {@code -3} ... added when that one is taken.
     *
     * @return the folder, created, as an absolute path; null when {@code --out} is taken
     */
    static Path runFolder(Path out, Path trials, String scenario, java.time.Instant now) throws IOException {
        if (out != null) {
            if (Files.exists(out) && (!Files.isDirectory(out) || !isEmptyDir(out))) {
                return null;
            }
            return Files.createDirectories(out).toAbsolutePath();
        }
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
                .withZone(java.time.ZoneOffset.UTC).format(now);
        Path base = trials.resolve(scenario + "-" + stamp);
        Path dir = base;
        for (int i = 2; Files.exists(dir); i++) {
            dir = Path.of(base + "-" + i);
        }
        return Files.createDirectories(dir).toAbsolutePath();
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Parses 60s, 2m, 1h, 500ms or a plain number of seconds; returns milliseconds, or -1 when malformed. */
    public static long parseDurationMs(String s) {
        return parseDurationMs(s, 1000);
    }

    /** As {@link #parseDurationMs(String)}, with {@code minMs} as the shortest accepted duration. */
    public static long parseDurationMs(String s, long minMs) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?").matcher(s.trim());
        if (!m.matches()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = switch (unit) {
            case "ms" -> v;
            case "m" -> v * 60_000;
            case "h" -> v * 3_600_000;
            default -> v * 1000;
        };
        return ms >= minMs ? (long) ms : -1;
    }

    /** A free TCP port on this machine (for an embedded broker). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Runs the trial: refuses bad options ({@link UsageException}) before anything starts, then runs it
     * and writes its results; Ctrl-C (JVM shutdown) stops it and still writes them.
     *
     * @return the exit code: 0, {@link #EXIT_FAILED} when the trial's verdict is that it failed, or
     *         {@link #EXIT_USAGE} when {@code --out} is taken
     */
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        TrialPlan plan = TrialPlan.check(options, out);
        Scenario scenario = plan.scenario;
        boolean fleetMode = plan.fleetMode;
        Path run = runFolder(plan.outDir, Path.of("trials"), scenario.name(), java.time.Instant.now());
        if (run == null) {
            err.println("trial: --out " + plan.outDir + ": exists and is not an empty folder (choose a new one)");
            return EXIT_USAGE;
        }
        Path agentLogs = Files.createDirectories(run.resolve("agents"));
        String fleet = plan.fleetName != null ? plan.fleetName
                : fleetMode ? "default" : "trial-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        // Agent configurations (they may hold passwords), the host's journal and generated weights: deleted at the end.
        Path work = Files.createTempDirectory("edgefm-trial-");
        ImpairSpec impairSpec = plan.impairSpec;
        Path gate = impairSpec.windowed() ? work.resolve("impairment-on") : null;
        AgentConfig.Impairment impairment = gate == null ? impairSpec.profile()
                : impairSpec.profile().withGateFile(gate.toAbsolutePath().toString());
        Path models = plan.modelDir != null ? plan.modelDir.toAbsolutePath() : work.resolve("models");
        List<NodeSpec> running = plan.running;
        Map<String, String> localOrigins = fleetMode ? Map.of() : TrialFleet.mapUsers(scenario, running, out);
        HostConfig cfg = TrialHostConfig.build(plan, fleet, work, localOrigins);

        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "edgefm-trial-stop");
        String chartsMissing = null;
        try {
            ReportWriter.prepare(); // a report written during Ctrl-C cannot load fonts any more
        } catch (EdgeFmException e) {
            chartsMissing = e.getMessage();
        }
        TrialConsole console = new TrialConsole(err, System.console() != null, plan.progressMs);
        Runnable logsOff = logCapture.start(run.resolve("host.log"), console::log);
        Runtime.getRuntime().addShutdownHook(hook);
        PlannerHost host = null;
        TrialMonitor monitor = null;
        TrialFleet agents = new TrialFleet(stop, console);
        Warmup warmup = null;
        int exitCode = 0;
        try {
            out.println("run folder: " + run);
            out.flush();
            warmup = new Warmup("wait".equals(plan.warmupMode), System.currentTimeMillis());
            // the trial's books are a view of the host: its fleet state, outbox and loop tell the monitor what they
            // take in and send, from the first birth on (the monitor runs no MQTT client of its own); cost is charged
            // as a simulation of the same scenario charges it (sim.parallelism-cost, sim.charge-initial-light-deploy)
            SimSettings costForm = SimSettings.from(scenario.planner());
            TrialMonitor books = new TrialMonitor(scenario)
                    .costForm(costForm.parallelismCostTimesY(), costForm.chargeInitialLightDeploy());
            host = new PlannerHost(cfg, TrialRunner.class.getClassLoader()).observe(books).start();
            books.hostStarted(System.currentTimeMillis());
            monitor = books;
            banner(plan, cfg, host, fleet, out);
            String impaired = impairSpec.profile().isNone() ? "none"
                    : impairSpec.describe() + " (in-process shaper in " + impairSpec.where() + ")";
            monitor.impairment(impaired);
            out.println("  impairment: " + impaired
                    + (plan.impairFromScenario ? "; the scenario's trial.impair (--impair none switches it off)" : ""));
            if (plan.shadow != null) {
                out.println("  shadow planner: " + plan.shadow + " (decides on the live observations on its own thread; never applied)");
            }
            out.println("  weights: " + (fleetMode ? "the agents' own model directories"
                    : plan.modelDir != null ? TrialWeights.check(scenario, models) : TrialWeights.write(scenario, models)));
            ScenarioModels realModels = scenario.models().isEmpty() ? null
                    : TrialWeights.prepareModels(scenario, plan.scenarioRef, models, plan.images, agreement, monitor, out);
            if (realModels != null) {
                generations = Generations.prepare(scenario, models, realModels, agreement, plan.generation, out);
                if (generations != null) {
                    monitor.completionHook(generations::onCompletion);
                }
            }
            agents.start(agentMain, running, host.brokerUrl(), plan.accounts, fleet, plan.scenarioArg, work, models,
                    n -> impairSpec.forNode(n, impairment), agentLogs, out);
            out.flush();
            Map<String, String> origin;
            WarmupWait warmupWait;
            if (fleetMode) {
                origin = agents.awaitExisting(host, monitor, fleet, plan.expected, plan.waitTimeoutMs, scenario,
                        plan.fleetBrokerUrl(cfg.brokerPort()), out);
                PlannerHost h = host;
                warmupWait = new WarmupWait(host, monitor, () -> ExistingFleet.online(h.fleet().joined()), warmup, console);
            } else {
                origin = agents.awaitLocal(monitor, running, plan.waitTimeoutMs, scenario, localOrigins);
                List<String> ids = running.stream().map(NodeSpec::id).toList();
                warmupWait = new WarmupWait(host, monitor, () -> ids, warmup, console);
            }
            if (!stop.get() && "wait".equals(plan.warmupMode)) {
                warmupWait.await(plan.readyTimeoutMs, stop);
            }
            WorkloadDriver driver = new WorkloadDriver(stop, console, host, monitor, warmup, warmupWait, realModels, agreement,
                    generations);
            if (!stop.get()) {
                driver.drive(scenario, origin, plan.durationMs, impairSpec, gate);
            }
            driver.finishGenerations();
            driver.drain(scenario, plan.durationMs);
        } finally {
            console.endProgress();
            if (host != null) {
                // No more planning: agents that leave now are the trial ending, not failures to re-place around.
                host.stopPlanning();
            }
            agents.stop(err);
            if (plan.modelDir == null) {
                deleteTree(models); // written for this trial; the logs stay
            }
            if (monitor != null) {
                // Deaths published by the agents reach the host before the monitor's books close.
                Thread.sleep(300);
                if (host != null && host.fleet() != null) {
                    monitor.repeatedReports(host.fleet().validator().repeatedReports());
                }
                monitor.close();
            }
            PluginHealth pluginHealth = null;
            ShadowSection shadowSection = null;
            if (host != null) {
                if (host.loop() != null) {
                    pluginHealth = host.loop().pluginHealth();
                }
                if (host.shadow() != null) {
                    shadowSection = ShadowSection.of(host.shadow().report(), warmup == null ? -1 : warmup.workloadStartMs(),
                            WINDOW_MS);
                }
                host.close();
            }
            deleteTree(work); // configurations, journal and gate; the logs are in the run folder
            try {
                if (monitor != null) {
                    if (!monitor.conditions().ended()) {
                        // the workload never ran to its end: stopped before or while it was being driven
                        monitor.conditions().workloadEnded(System.currentTimeMillis(), true);
                    }
                    exitCode = new TrialOutput(plan, agreement, generations, warmup, shadowSection, pluginHealth)
                            .write(monitor, scenario, run, chartsMissing, out);
                }
            } finally {
                logsOff.run();
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already (Ctrl-C): the hook is waiting for us
                }
            }
        }
        return exitCode;
    }

    /** The first line once the host runs: what runs where, and the dashboard's address. */
    private static void banner(TrialPlan plan, HostConfig cfg, PlannerHost host, String fleet, PrintWriter out) {
        if (plan.fleetMode) {
            out.printf(Locale.ROOT, "trial %s on the existing fleet %s: planner %s, broker %s, waiting for %d agent(s)"
                    + " (up to %s), %s of workload; dashboard http://%s:%d/login?token=%s%n", plan.scenario.name(), fleet,
                    plan.planner, plan.broker != null ? plan.broker : "embedded, agents connect to tcp://"
                            + (plan.bind == null ? "127.0.0.1" : plan.bind) + ":" + cfg.brokerPort(), plan.expected,
                    plan.waitTimeout, plan.duration, cfg.httpBind(), host.httpPort(), host.httpToken().token());
        } else {
            out.printf(Locale.ROOT, "trial %s: planner %s, broker %s, %d agent(s), %s of workload; dashboard http://%s:%d/login?token=%s%n",
                    plan.scenario.name(), plan.planner, host.brokerUrl(), plan.agents, plan.duration, cfg.httpBind(),
                    host.httpPort(), host.httpToken().token());
        }
    }

    /** Deletes a folder the trial wrote and everything in it, quietly. */
    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder; the system cleans it eventually
        }
    }
}
