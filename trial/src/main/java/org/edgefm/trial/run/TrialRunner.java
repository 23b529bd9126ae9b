package org.edgefm.trial.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;
import org.edgefm.agent.AgentConfig;
import org.edgefm.agent.WeightFiles;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.UserSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.host.broker.Credentials;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import org.edgefm.sim.SimSettings;
import org.edgefm.trial.report.ReportWriter;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.trial.Agreement;
import org.edgefm.trial.TrialMonitor;
import org.edgefm.trial.TrialSummary;
import org.edgefm.trial.PluginsSection;
import org.edgefm.trial.ShadowSection;
import org.edgefm.trial.Warmup;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.control.PluginHealth;
import org.edgefm.profiles.KernelCost;

/**
 * {@code edgefm trial}: a live field trial on this machine. Starts the embedded broker (or uses
 * {@code --broker}) and the planner host in-process, starts N real agent processes with node ids
 * and device profiles from the scenario, drives the scenario's arrival streams into the agents'
 * task endpoints, shows progress on one line and ends with a summary, optionally as JSON (in the
 * shape of {@code simulate --json}) and as an HTML report. Ctrl-C stops everything and still
 * writes the summary and report. Kernels whose spec names a weights file load it from the agents'
 * model directory: {@code --model-dir}, or by default the trial's work folder, into which the trial
 * writes seeded {@code .npy} files of each kernel's size before it starts the agents.
 */
public final class TrialRunner {
    /** The scenario of a trial without --scenario. */
    public static final String DEFAULT_SCENARIO = "trial-lab";
    /** The broker account of the host. */
    static final String HOST_ACCOUNT = "edgefm-host";
    /** Exit code of a trial that ran and failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of a usage error found once the run folder is known ({@code --out} taken). */
    public static final int EXIT_USAGE = 2;

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

    private final LogCapture logCapture;
    private final List<String> agentMain;

    // the options, as TrialOptions names them
    private String scenarioRef;
    private final Integer agentsArg;
    private int agents;
    private final boolean existing;
    private final String fleetName;
    private final Integer waitFor;
    private final String waitTimeout;
    private final Integer brokerPort;
    private final Path hostConfig;
    private final String bind;
    private final String duration;
    private final String planner;
    private final String broker;
    private final Path brokerAccounts;
    private final Path outDir;
    private final Path json;
    private final Path report;
    private final String impair;
    private final String progressInterval;
    private Path modelDir;
    private final Path pluginsDir;
    private final String fallbackPlanner;
    private final String warmupMode;
    private final String readyTimeout;
    private final String shadow;
    private final String cut;
    private final String labels;
    private final String labelPrompt;
    private final Path images;
    private final boolean noParity;

    /**
     * One trial (a runner runs once).
     *
     * @param options    what was asked for
     * @param logCapture where log events go while the trial runs
     * @param agentMain  the main class and arguments that start an agent process on this JVM's class path,
     *                   before the agent's own flags (as {@code org.edgefm.cli.Main agent})
     */
    public TrialRunner(TrialOptions options, LogCapture logCapture, List<String> agentMain) {
        java.util.Objects.requireNonNull(options, "options is null");
        this.logCapture = java.util.Objects.requireNonNull(logCapture, "logCapture is null");
        this.agentMain = List.copyOf(agentMain);
        scenarioRef = options.scenario() == null ? DEFAULT_SCENARIO : options.scenario();
        agentsArg = options.agents();
        existing = options.existing();
        fleetName = options.fleet();
        waitFor = options.waitFor();
        waitTimeout = options.waitTimeout() == null ? "90s" : options.waitTimeout();
        brokerPort = options.brokerPort();
        hostConfig = options.hostConfig();
        bind = options.bind();
        duration = options.duration() == null ? "60s" : options.duration();
        planner = options.planner() == null ? "two-tier" : options.planner();
        broker = options.broker();
        brokerAccounts = options.brokerAccounts();
        outDir = options.out();
        json = options.json();
        report = options.report();
        impair = options.impair() == null ? "none" : options.impair();
        progressInterval = options.progressInterval() == null ? "5s" : options.progressInterval();
        modelDir = options.modelDir();
        pluginsDir = options.pluginsDir();
        fallbackPlanner = options.fallbackPlanner() == null ? PluginCallGuard.DEFAULT_FALLBACK : options.fallbackPlanner();
        warmupMode = options.warmup() == null ? "wait" : options.warmup();
        readyTimeout = options.readyTimeout() == null ? "120s" : options.readyTimeout();
        shadow = options.shadow();
        cut = options.cut();
        labels = options.labels();
        labelPrompt = options.labelPrompt();
        images = options.images();
        noParity = options.noParity();
    }

    /** The trial's parity with its calibrated twin, or null before the trial ended. */
    private org.edgefm.trial.parity.ParitySection parity;

    /** The shadow planner's books, taken from the host before it closes, or null. */
    private ShadowSection shadowSection;

    /** The fleet's warm-up: when it was ready, and whether the workload waited for it. */
    private Warmup warmup;
    private WarmupWait warmupWait;

    /** The plugin calls' books, taken from the host's loop before it closes. */
    private PluginHealth pluginHealth;
    /** The exit code: 1 when the trial's verdict is that it failed. */
    private int exitCode;

    /** Width of a timeline window in ms. */
    static final long WINDOW_MS = 5_000;

    private final AtomicBoolean stop = new AtomicBoolean();
    private TrialConsole console;
    /** The scenario's real models (inputs and the monolithic answers), or null for a scenario without any. */
    private ScenarioModels realModels;
    private org.edgefm.trial.Generations generations;
    /** Answers of real-model tasks against the monolithic model's. */
    private final Agreement agreement = new Agreement();

    /**
     * An {@code --impair} argument: the profile, and the part of the workload's time it applies to.
     *
     * @param profile the impairment
     * @param fromMs  when it starts, ms after the workload started (0: from the start)
     * @param toMs    when it ends, ms after the workload started, or -1 for the end of the trial
     */
    record ImpairSpec(AgentConfig.Impairment profile, long fromMs, long toMs) {
        /** Whether it applies to only part of the trial (the agents' shaper is switched on and off). */
        boolean windowed() {
            return !profile.isNone() && (fromMs > 0 || toMs >= 0);
        }

        /** The profile and its window, for the banner and the summary. */
        String describe() {
            if (profile.isNone()) {
                return "none";
            }
            String d = profile.describe();
            if (!windowed()) {
                return d;
            }
            return d + String.format(Locale.ROOT, " from %s s to %s of the workload", trim(fromMs / 1000.0),
                    toMs < 0 ? "the end" : trim(toMs / 1000.0) + " s");
        }

        private static String trim(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }

    /**
     * Parses {@code PROFILE}, {@code PROFILE@START} or {@code PROFILE@START-END} (START and END as
     * {@link #parseDurationMs durations} after the workload starts: 20s, 1m, 20; END after START).
     *
     * @throws EdgeFmException naming what is wrong
     */
    static ImpairSpec parseImpair(String arg) {
        String text = arg == null ? "" : arg.trim();
        int at = text.lastIndexOf('@');
        AgentConfig.Impairment profile = AgentConfig.Impairment.parse(at < 0 ? text : text.substring(0, at));
        if (at < 0) {
            return new ImpairSpec(profile, 0, -1);
        }
        String window = text.substring(at + 1).trim();
        int dash = window.indexOf('-');
        long from = parseDurationMs(dash < 0 ? window : window.substring(0, dash), 0);
        long to = dash < 0 ? -1 : parseDurationMs(window.substring(dash + 1), 0);
        if (from < 0 || (dash >= 0 && to < 0)) {
            throw new EdgeFmException("impairment '" + text + "': window '" + window + "' (expected @START or @START-END,"
                    + " as @20s or @20s-40s)");
        }
        if (dash >= 0 && to <= from) {
            throw new EdgeFmException("impairment '" + text + "': window '" + window + "' ends before it starts");
        }
        if (profile.isNone()) {
            throw new EdgeFmException("impairment '" + text + "': a window needs a profile (as delay=40ms@20s-40s)");
        }
        return new ImpairSpec(profile, from, to);
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

    /**
     * Runs the trial: refuses bad options ({@link UsageException}) before anything starts, then runs it
     * and writes its results; Ctrl-C (JVM shutdown) stops it and still writes them.
     *
     * @return the exit code: 0, {@link #EXIT_FAILED} when the trial's verdict is that it failed, or
     *         {@link #EXIT_USAGE} when {@code --out} is taken
     */
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        long durationMs = parseDurationMs(duration);
        if (durationMs < 0) {
            throw new UsageException("--duration: '" + duration
                    + "' (expected: at least 1 second, as 60s, 2m or 90)");
        }
        if (existing && agentsArg != null && agentsArg != 0) {
            throw new UsageException("--existing and --agents " + agentsArg
                    + " exclude each other (--existing starts no agent)");
        }
        agents = existing ? 0 : agentsArg == null ? 3 : agentsArg;
        boolean fleetMode = agents == 0;
        if (agents < 0) {
            throw new UsageException("--agents: " + agents + " (expected: >= 0)");
        }
        long waitTimeoutMs = parseDurationMs(waitTimeout);
        if (waitTimeoutMs < 0) {
            throw new UsageException("--wait-timeout: '" + waitTimeout
                    + "' (expected: at least 1 second, as 90s or 5m)");
        }
        if (!fleetMode && (waitFor != null || brokerPort != null || bind != null || hostConfig != null)) {
            throw new UsageException((waitFor != null ? "--wait-for"
                    : brokerPort != null ? "--broker-port" : bind != null ? "--bind" : "--host-config")
                    + ": only with --agents 0 (--existing)");
        }
        if (fleetMode && broker == null && brokerPort == null && hostConfig == null) {
            throw new UsageException("--agents 0 drives agents that already run: name"
                    + " their broker (--broker URL), or the port of this trial's embedded broker they connect to"
                    + " (--broker-port N [--bind ADDR])");
        }
        if (broker != null && (brokerPort != null || bind != null)) {
            throw new UsageException("--broker excludes --broker-port and --bind"
                    + " (they configure the embedded broker)");
        }
        if (waitFor != null && waitFor < 1) {
            throw new UsageException("--wait-for: " + waitFor + " (expected: >= 1)");
        }
        ImpairSpec impairSpec;
        try {
            impairSpec = parseImpair(impair);
        } catch (EdgeFmException e) {
            throw new UsageException("--impair: " + e.getMessage());
        }
        if (!"wait".equals(warmupMode) && !"separate".equals(warmupMode)) {
            throw new UsageException("--warmup: '" + warmupMode
                    + "' (expected: wait or separate)");
        }
        long readyTimeoutMs = parseDurationMs(readyTimeout);
        if (readyTimeoutMs < 0) {
            throw new UsageException("--ready-timeout: '" + readyTimeout
                    + "' (expected: at least 1 second, as 120s or 5m)");
        }
        long progressMs = parseDurationMs(progressInterval, 100);
        if (progressMs < 0) {
            throw new UsageException("--progress-interval: '" + progressInterval
                    + "' (expected: at least 100ms, as 5s or 500ms)");
        }
        if (cut != null && !org.edgefm.models.manifest.ModelFolder.isModelFolder(modelDir)) {
            throw new UsageException("--cut: only with --model-dir and a model folder");
        }
        if ((labels != null || labelPrompt != null) && !org.edgefm.models.manifest.ModelFolder.isModelFolder(modelDir)) {
            throw new UsageException((labels != null ? "--labels" : "--label-prompt") + ": only with --model-dir and a CLIP model folder");
        }
        if (images != null && !Files.isDirectory(images)) {
            throw new UsageException("--images: " + images + " is not a folder (expected: a folder of PNG, JPEG, BMP or GIF files)");
        }
        if (org.edgefm.models.manifest.ModelFolder.isModelFolder(modelDir)) { // a user's model: its scenario is made for it
            if (!DEFAULT_SCENARIO.equals(scenarioRef) || fleetMode) {
                throw new UsageException("--model-dir " + modelDir + " holds a model (config.json): it makes its own scenario"
                        + " for the agents the trial starts (leave out --scenario and --agents 0)");
            }
            scenarioRef = org.edgefm.trial.ModelDirTrial.scenario(modelDir, cut, labels, labelPrompt, agents, Path.of("trials", "models"),
                    out)
                    .toString();
            modelDir = null; // the agents' model folder is the trial's own, which the manifest's files are linked into
        }
        Scenario scenario = ScenarioLoader.resolve(scenarioRef);
        List<NodeSpec> nodes = scenario.topology().nodes();
        int expected = ExistingFleet.waitFor(waitFor, scenario);
        if (fleetMode && expected < 0) {
            throw new UsageException("--wait-for: needed, scenario " + scenario.name()
                    + " pins no nodes (say how many agents to wait for)");
        }
        if (!fleetMode && nodes.isEmpty()) {
            throw new UsageException("--agents " + agents + ": scenario "
                    + scenario.name() + " declares no nodes to start agents for (drive agents that run already with"
                    + " --agents 0)");
        }
        if (agents > nodes.size()) {
            throw new UsageException("--agents: " + agents + " (scenario "
                    + scenario.name() + " has " + nodes.size() + " nodes)");
        }
        if (brokerAccounts != null && broker == null && !fleetMode) {
            throw new UsageException("--broker-accounts: needs --broker or --agents 0"
                    + " (the embedded broker makes its own accounts for the trial's own agents)");
        }
        Map<String, String> accounts = new LinkedHashMap<>(brokerAccounts == null ? Map.of()
                : readAccounts(brokerAccounts, nodes.subList(0, agents), broker != null));
        if (broker != null) {
            checkReachable(broker);
        }
        // A scenario given by file travels to the agents by absolute path; a built-in one by name.
        String scenarioArg = Files.isRegularFile(Path.of(scenarioRef)) ? Path.of(scenarioRef).toAbsolutePath().toString()
                : scenarioRef;
        if (modelDir != null && !Files.isDirectory(modelDir)) {
            throw new UsageException("--model-dir: " + modelDir + " is not a folder");
        }
        Path run = runFolder(outDir, Path.of("trials"), scenario.name(), java.time.Instant.now());
        if (run == null) {
            err.println("trial: --out " + outDir + ": exists and is not an empty folder (choose a new one)");
            return EXIT_USAGE;
        }
        Path agentLogs = Files.createDirectories(run.resolve("agents"));
        String fleet = fleetName != null ? fleetName
                : fleetMode ? "default" : "trial-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        // Agent configurations (they may hold passwords), the host's journal and generated weights: deleted at the end.
        Path work = Files.createTempDirectory("edgefm-trial-");
        Path gate = impairSpec.windowed() ? work.resolve("impairment-on") : null;
        AgentConfig.Impairment impairment = gate == null ? impairSpec.profile()
                : impairSpec.profile().withGateFile(gate.toAbsolutePath().toString());
        Path models = modelDir != null ? modelDir.toAbsolutePath() : work.resolve("models");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fleet", fleet);
        o.put("planner", planner);
        o.put("fallbackPlanner", fallbackPlanner);
        if (shadow != null) {
            o.put("shadowPlanner", shadow);
        }
        o.put("scenario", scenarioArg);
        List<NodeSpec> running = nodes.subList(0, agents);
        Map<String, String> localOrigins = fleetMode ? Map.of() : mapUsers(scenario, running, out);
        if (!fleetMode && !localOrigins.isEmpty()) {
            // the host plans each stream where its tasks enter: at the node the trial sends them to
            Path hostScenario = work.resolve("host-scenario.json");
            Files.writeString(hostScenario, ScenarioLoader.toJson(ExistingFleet.withOrigins(scenario, localOrigins)));
            o.put("scenario", hostScenario.toString());
        }
        o.put("dataDir", work.resolve("host").toString());
        o.put("pluginsDir", pluginsFolder(pluginsDir).toString());
        o.put("httpPort", 0);
        if (broker != null) {
            o.put("brokerUrl", broker);
            if (!accounts.isEmpty()) {
                o.put("hostUser", HOST_ACCOUNT);
                o.put("hostPassword", accounts.get(HOST_ACCOUNT));
            }
        } else {
            if (brokerPort != null || hostConfig == null) {
                o.put("brokerPort", brokerPort != null ? brokerPort : freePort());
            }
            if (bind != null) {
                o.put("brokerBind", bind);
            }
            // the embedded broker gets this run's own accounts: one per local agent;
            // the agents of an existing fleet log in with the accounts given by --broker-accounts
            perRunAccounts(running).forEach(accounts::putIfAbsent);
            Path credentials = work.resolve("credentials");
            Map<String, char[]> pw = new LinkedHashMap<>();
            accounts.forEach((u, p) -> pw.put(u, p.toCharArray()));
            Credentials.write(credentials, pw);
            o.put("credentialsFile", credentials.toString());
        }
        HostConfig cfg = (hostConfig == null ? HostConfig.defaults() : HostConfig.load(hostConfig)).with(o);

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
        console = new TrialConsole(err, System.console() != null, progressMs);
        Runnable logsOff = logCapture.start(run.resolve("host.log"), console::log);
        Runtime.getRuntime().addShutdownHook(hook);
        PlannerHost host = null;
        TrialMonitor monitor = null;
        List<AgentProc> procs = new ArrayList<>();
        try {
            out.println("run folder: " + run);
            out.flush();
            warmup = new Warmup("wait".equals(warmupMode), System.currentTimeMillis());
            // the trial's books are a view of the host: its fleet state, outbox and loop tell the monitor what they
            // take in and send, from the first birth on (the monitor runs no MQTT client of its own); cost is charged
            // as a simulation of the same scenario charges it (sim.parallelism-cost, sim.charge-initial-light-deploy)
            SimSettings costForm = SimSettings.from(scenario.planner());
            TrialMonitor books = new TrialMonitor(scenario)
                    .costForm(costForm.parallelismCostTimesY(), costForm.chargeInitialLightDeploy());
            host = new PlannerHost(cfg, TrialRunner.class.getClassLoader()).observe(books).start();
            books.hostStarted(System.currentTimeMillis());
            monitor = books;
            if (fleetMode) {
                out.printf(Locale.ROOT, "trial %s on the existing fleet %s: planner %s, broker %s, waiting for %d agent(s)"
                        + " (up to %s), %s of workload; dashboard http://%s:%d/login?token=%s%n", scenario.name(), fleet, planner,
                        broker != null ? broker : "embedded, agents connect to tcp://" + (bind == null ? "127.0.0.1" : bind)
                                + ":" + cfg.brokerPort(), expected, waitTimeout, duration, cfg.httpBind(), host.httpPort(),
                        host.httpToken().token());
            } else {
                out.printf(Locale.ROOT, "trial %s: planner %s, broker %s, %d agent(s), %s of workload; dashboard http://%s:%d/login?token=%s%n",
                        scenario.name(), planner, host.brokerUrl(), agents, duration, cfg.httpBind(), host.httpPort(),
                        host.httpToken().token());
            }
            String impaired = impairSpec.profile().isNone() ? "none"
                    : impairSpec.describe() + " (in-process shaper in each agent's data plane)";
            monitor.impairment(impaired);
            out.println("  impairment: " + impaired);
            if (shadow != null) {
                out.println("  shadow planner: " + shadow + " (decides on the live observations on its own thread; never applied)");
            }
            out.println("  weights: " + (fleetMode ? "the agents' own model directories"
                    : modelDir != null ? checkWeights(scenario, models) : writeWeights(scenario, models)));
            if (!scenario.models().isEmpty()) {
                realModels = prepareModels(scenario, models, monitor, out);
                generations = org.edgefm.trial.Generations.prepare(scenario, models, realModels, agreement, out);
                if (generations != null) {
                    monitor.completionHook(generations::onCompletion);
                }
            }
            for (NodeSpec n : running) {
                procs.add(AgentProc.start(agentMain, n, host.brokerUrl(), accounts.get(n.id()), fleet, scenarioArg, work, models,
                        impairment, agentLogs.resolve(n.id() + ".log")));
                out.printf(Locale.ROOT, "  agent %-10s profile %-22s log %s%n", n.id(), n.profile() == null ? "(detected)" : n.profile(),
                        agentLogs.resolve(n.id() + ".log"));
            }
            out.flush();
            Map<String, String> origin;
            if (fleetMode) {
                waitForFleet(host, monitor, fleet, expected, waitTimeoutMs, scenario, broker != null ? broker
                        : "tcp://" + (bind == null ? "127.0.0.1" : bind) + ":" + cfg.brokerPort());
                List<String> lines = new ArrayList<>();
                origin = ExistingFleet.origins(host.fleetModel(), lines);
                for (Map.Entry<String, String> e : origin.entrySet()) {
                    String ep = monitor.endpoint(e.getValue());
                    out.printf(Locale.ROOT, "  user %s: tasks enter at %s (%s)%n", e.getKey(), e.getValue(),
                            ep == null ? "no endpoint" : "http://" + ep);
                }
                lines.forEach(out::println);
                out.flush();
                PlannerHost h = host;
                warmupWait = new WarmupWait(host, monitor, () -> ExistingFleet.online(h.fleet().joined()), warmup, console);
            } else {
                waitForAgents(monitor, running, procs, waitTimeoutMs);
                origin = new LinkedHashMap<>();
                for (UserSpec u : scenario.users()) {
                    origin.put(u.id(), localOrigins.getOrDefault(u.id(), u.node()));
                }
                List<String> ids = running.stream().map(NodeSpec::id).toList();
                warmupWait = new WarmupWait(host, monitor, () -> ids, warmup, console);
            }
            if (!stop.get() && "wait".equals(warmupMode)) {
                warmupWait.await(readyTimeoutMs, stop);
            }
            if (!stop.get()) {
                drive(scenario, host, monitor, origin, durationMs, impairSpec, gate);
            }
            if (generations != null) {
                generations.finish(stop.get() ? 0 : org.edgefm.trial.Generations.FINISH_MS); // generations in flight run to their end
            }
            // Let tasks in flight finish (bounded by the longest deadline plus a margin).
            long drainUntil = System.currentTimeMillis() + 3000 + (long) scenario.taskTypes().stream()
                    .mapToDouble(t -> t.deadlineMs()).max().orElse(0);
            while (!stop.get() && monitor.pending() > 0 && System.currentTimeMillis() < drainUntil) {
                Thread.sleep(200);
                progress(monitor, -1, durationMs, false);
            }
            progress(monitor, -2, durationMs, true);
            console.endProgress();
        } finally {
            console.endProgress();
            if (host != null) {
                // No more planning: agents that leave now are the trial ending, not failures to re-place around.
                host.stopPlanning();
            }
            for (AgentProc p : procs) {
                p.terminate();
            }
            for (AgentProc p : procs) {
                p.awaitExit(err);
            }
            if (modelDir == null) {
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
                    TrialSummary summary = monitor.summary(planner, broker == null ? "embedded" : broker);
                    summary.print(out);
                    for (String warning : monitor.conditions().warnings(monitor.serviceKernels())) {
                        out.println("warning: " + warning);
                    }
                    Map<String, Double> deadlines = new java.util.LinkedHashMap<>();
                    scenario.taskTypes().forEach(t -> deadlines.put(t.id(), t.deadlineMs()));
                    agreement.print(out);
                    if (generations != null) {
                        generations.print(out);
                    }
                    if (warmup != null) {
                        warmup.lines(monitor).forEach(out::println);
                    }
                    if (shadowSection != null) {
                        out.println();
                        shadowSection.lines().forEach(out::println);
                    }
                    if (pluginHealth != null) {
                        out.println();
                        PluginsSection.lines(Map.of(planner, pluginHealth)).forEach(out::println);
                    }
                    parity = org.edgefm.trial.parity.TrialParity.after(monitor.trialLog(), scenario, planner,
                            fallbackPlanner, shadow, () -> org.edgefm.control.PluginRegistry.load(
                                    TrialRunner.class.getClassLoader(), pluginsFolder(pluginsDir)), run, !noParity);
                    out.println();
                    parity.lines().forEach(out::println);
                    writeResults(summary, run, chartsMissing, out, deadlines, monitor);
                    String verdict = pluginHealth == null ? null : pluginHealth.verdict(summary.completed(), summary.submitted());
                    if (verdict != null) {
                        out.println(verdict);
                        exitCode = EXIT_FAILED;
                    }
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

    /**
     * The summary's JSON with the run conditions (workload length, machine, warnings), the {@code plugins}
     * section (calls, failures by reason, slots on the fallback) and, for real models, {@code agreement}.
     */
    private String summaryJson(TrialSummary summary, TrialMonitor monitor) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode j = summary.toJson();
        monitor.conditions().addTo(j, monitor.serviceKernels());
        if (pluginHealth != null) {
            j.set("plugins", om.valueToTree(PluginsSection.json(pluginHealth)));
        }
        agreement.addTo(j);
        if (generations != null) {
            generations.addTo(j);
        }
        if (warmup != null) {
            warmup.addTo(j, monitor);
        }
        if (shadowSection != null) {
            shadowSection.addTo(j);
        }
        if (parity != null) {
            parity.addTo(j);
        }
        return om.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n";
    }

    private static void writeText(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private ReportWriter withPlugins(ReportWriter w) {
        if (pluginHealth != null) {
            PluginsSection.addTo(w, Map.of(planner, pluginHealth));
        }
        return w;
    }

    /** The report's "Run conditions" section: workload length, machine load, warnings. */
    private static String conditionsHtml(TrialMonitor monitor) {
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        monitor.conditions().addTo(doc, monitor.serviceKernels());
        var m = doc.path("machine");
        StringBuilder h = new StringBuilder("<p>").append(ReportWriter.esc(String.format(Locale.ROOT,
                "Workload: %.1f s of %s s planned%s. Machine: %d cores; load average (1 min) %s before the trial, %s on average"
                        + " during the workload (max %s); CPU busy %s %%, stolen by the hypervisor %s %% (from %s). Kernel"
                        + " times are compared with each agent's calibration; more than %.0f %% slower is reported.",
                doc.path("workload").path("actualS").asDouble(), doc.path("workload").path("plannedS").asText(),
                doc.path("interrupted").asBoolean() ? " (interrupted)" : "", m.path("cores").asInt(),
                m.path("loadAvg1Before").asText(), m.path("loadAvg1During").path("mean").asText(),
                m.path("loadAvg1During").path("max").asText(), m.path("cpuBusyPct").asText(), m.path("cpuStealPct").asText(),
                m.path("source").asText(), 100 * org.edgefm.trial.RunConditions.CALIBRATION_MARGIN))).append("</p>");
        for (var w : doc.path("warnings")) {
            h.append("<p><strong>Warning:</strong> ").append(ReportWriter.esc(w.asText())).append("</p>");
        }
        return h.toString();
    }

    /** Writes summary.json and report/index.html into the run folder (and --json / --report), then says where. */
    private void writeResults(TrialSummary summary, Path run, String chartsMissing, PrintWriter out,
            Map<String, Double> deadlines, TrialMonitor monitor) throws IOException {
        Path summaryJson = run.resolve("summary.json");
        String text = summaryJson(summary, monitor);
        writeText(summaryJson, text);
        if (json != null) {
            writeText(json, text);
            out.println("wrote " + json);
        }
        Path index = null;
        if (chartsMissing == null) {
            String conditions = conditionsHtml(monitor);
            ReportWriter page = withPlugins(agreement.insertInto(summary.report(deadlines), "EdgeFM trial: " + summary.scenario())
                    .section("Run conditions", conditions));
            if (warmup != null) {
                warmup.addTo(page, monitor);
            }
            if (shadowSection != null) {
                shadowSection.addTo(page);
            }
            if (parity != null) {
                parity.addTo(page);
            }
            index = page.write(run.resolve("report"));
            if (report != null) {
                out.println("wrote " + page.write(report));
            }
        }
        out.println();
        out.println("report:  " + (index != null ? index : "not written: " + chartsMissing));
        out.println("summary: " + summaryJson);
        out.println("logs:    " + run.resolve("host.log") + " (host and broker), " + run.resolve("agents")
                + File.separator + "NODE.log");
        out.flush();
    }

    /**
     * Writes a seeded {@code .npy} file of the right size for every weights file the scenario's
     * kernels name (two kernels naming one file must need the same number of values), so that each
     * agent reads its weights from disk when it starts an instance.
     *
     * @return what was written, for the banner
     */
    static String writeWeights(Scenario scenario, Path dir) {
        Map<String, KernelSpec> files = weightFiles(scenario);
        if (files.isEmpty()) {
            return "generated by the agents (no kernel of " + scenario.name() + " names a weights file)";
        }
        long t0 = System.nanoTime();
        long bytes = 0;
        for (Map.Entry<String, KernelSpec> e : files.entrySet()) {
            bytes += KernelCost.of(e.getValue()).weightBytes();
            WeightFiles.write(e.getValue(), dir, scenario.run().seed() * 1_000_003L + e.getKey().hashCode());
        }
        return String.format(Locale.ROOT, "%d .npy file(s), %.1f MB of seeded FP32 values, written to %s in %d ms;"
                + " the agents read them at each instance start", files.size(), bytes / 1e6, dir,
                (System.nanoTime() - t0) / 1_000_000);
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

    /** Says which of the scenario's weights files are missing from {@code dir} (agents reject directives that need them). */
    static String checkWeights(Scenario scenario, Path dir) {
        Map<String, KernelSpec> files = weightFiles(scenario);
        List<String> missing = files.keySet().stream().filter(f -> !Files.isReadable(dir.resolve(f))).toList();
        return files.size() + " .npy file(s) read from " + dir + (missing.isEmpty() ? ""
                : "; missing: " + String.join(", ", missing) + " (directives that start those kernels will be rejected)");
    }

    /**
     * Writes the scenario's real models into the agents' model folder, checks every service that runs
     * a part against the part's real shapes, and runs the whole model on each input the trial will
     * send (the answers the split run must give); says what it did.
     */
    private ScenarioModels prepareModels(Scenario scenario, Path models, TrialMonitor monitor, PrintWriter out) {
        long t0 = System.nanoTime();
        Path ref = Path.of(scenarioRef);
        ScenarioModels m = ScenarioModels.prepare(scenario, Files.isRegularFile(ref) ? ref.toAbsolutePath().getParent() : null,
                models, scenario.run().seed(), images);
        for (org.edgefm.scenario.ModelRef r : scenario.models()) {
            for (String t : r.taskTypes()) {
                agreement.taskType(t, m.model(t));
                agreement.wholeModelMs(t, m.wholeModelMs(t));
                out.printf(Locale.ROOT, "  model %s for %s: %d %s, answered by the whole model in this process (median %.1f ms"
                        + " per input)%n", m.model(t), t, m.inputs(t).size(), r.inputs(), m.wholeModelMs(t));
            }
        }
        out.printf(Locale.ROOT, "  models written to %s and checked against the services in %d ms%n", models,
                (System.nanoTime() - t0) / 1_000_000);
        monitor.agreement(agreement);
        return m;
    }

    /** The weights files the scenario's kernels name, each with a kernel that needs it (real models' parts are not files). */
    private static Map<String, KernelSpec> weightFiles(Scenario scenario) {
        Map<String, KernelSpec> files = new TreeMap<>();
        for (ServiceSpec s : scenario.services()) {
            KernelSpec k = s.kernel();
            if (k == null || k.weights() == null || k.weights().contains("#")) {
                continue;
            }
            KernelSpec other = files.putIfAbsent(k.weights(), k);
            if (other != null && KernelCost.of(other).weightBytes() != KernelCost.of(k).weightBytes()) {
                throw new EdgeFmException("services." + s.id() + ".kernel.weights: '" + k.weights() + "' is named by"
                        + " kernels of different sizes (" + KernelCost.of(other).weightBytes() + " and "
                        + KernelCost.of(k).weightBytes() + " bytes)");
            }
        }
        return files;
    }

    /**
     * Reads {@code USER:PASSWORD} lines (blank lines and {@code #} comments skipped); the host's
     * account and one per running node must be there.
     */
    /** Random passwords for this run: one account per running node; never written in clear. */
    static Map<String, String> perRunAccounts(List<NodeSpec> running) {
        java.security.SecureRandom r = new java.security.SecureRandom();
        Map<String, String> m = new LinkedHashMap<>();
        List<String> users = new ArrayList<>();
        running.forEach(n -> users.add(n.id()));
        for (String u : users) {
            byte[] b = new byte[18];
            r.nextBytes(b);
            m.put(u, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
        return m;
    }

    static Map<String, String> readAccounts(Path file, List<NodeSpec> running, boolean needsHost) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new EdgeFmException("--broker-accounts " + file + ": no such file");
        }
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new EdgeFmException("--broker-accounts " + file + " line " + (i + 1) + ": expected USER:PASSWORD");
            }
            m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        List<String> needed = new ArrayList<>(needsHost ? List.of(HOST_ACCOUNT) : List.of());
        running.forEach(n -> needed.add(n.id()));
        List<String> missing = needed.stream().filter(u -> !m.containsKey(u)).toList();
        if (!missing.isEmpty()) {
            throw new EdgeFmException("--broker-accounts " + file + ": no account for " + String.join(", ", missing));
        }
        return m;
    }

    private static void checkReachable(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new EdgeFmException("--broker " + url + ": not a URL (expected tcp://host:port)");
        }
        if (u.getHost() == null || !("tcp".equals(u.getScheme()) || "ssl".equals(u.getScheme()))) {
            throw new EdgeFmException("--broker " + url + ": expected tcp://host:port or ssl://host:port");
        }
        int port = u.getPort() > 0 ? u.getPort() : ("ssl".equals(u.getScheme()) ? 8883 : 1883);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), port), 3000);
        } catch (IOException e) {
            throw new EdgeFmException("--broker " + url + ": unreachable (" + e.getMessage() + ")");
        }
    }

    /**
     * The plugins folder: {@code --plugins-dir} (must exist), else {@code EDGEFM_PLUGINS} (must exist), else
     * {@code plugins/} next to the installation; a missing default is mentioned once.
     */
    private static Path pluginsFolder(Path flag) {
        org.edgefm.control.PluginsFolder f = org.edgefm.control.PluginsFolder.resolve(flag);
        f.mentionIfMissing();
        return f.path();
    }

    /** A free TCP port on this machine (for an embedded broker). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void waitForAgents(TrialMonitor monitor, List<NodeSpec> running, List<AgentProc> procs, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!stop.get()) {
            long born = running.stream().filter(n -> monitor.endpoint(n.id()) != null).count();
            long applied = running.stream().filter(n -> monitor.applied(n.id())).count();
            console.status(String.format(Locale.ROOT, "waiting for agents: %d/%d up, %d with an applied directive", born,
                    running.size(), applied));
            if (born == running.size() && applied >= 1 && monitor.directivesSettled()) {
                break;
            }
            for (AgentProc p : procs) {
                if (!p.process.isAlive()) {
                    console.endProgress();
                    throw new EdgeFmException("agent " + p.node + " exited with code " + p.process.exitValue()
                            + " before the trial started; see " + p.log);
                }
            }
            if (System.currentTimeMillis() > deadline) {
                console.endProgress();
                throw new EdgeFmException(String.format(Locale.ROOT, "agents not ready after %.0f s (%d/%d up, %d with an"
                        + " applied directive); see the agent logs, or give them longer with --wait-timeout", timeoutMs / 1000.0, born,
                        running.size(), applied));
            }
            Thread.sleep(250);
        }
        console.endProgress();
    }

    /**
     * Waits until {@code expected} agents of an existing fleet are online (births with fresh
     * telemetry, as the host sees them) and the directives settled; fails naming who is missing.
     */
    private void waitForFleet(PlannerHost host, TrialMonitor monitor, String fleet, int expected, long timeoutMs,
            Scenario scenario, String brokerUrl) throws InterruptedException {
        long t0 = System.currentTimeMillis();
        while (!stop.get()) {
            List<String> up = ExistingFleet.online(host.fleet().joined());
            long applied = up.stream().filter(monitor::applied).count();
            console.status(String.format(Locale.ROOT, "waiting for fleet %s: %d/%d agents online, %d with an applied"
                    + " directive", fleet, up.size(), expected, applied));
            if (up.size() >= expected && applied >= 1 && monitor.directivesSettled()) {
                break;
            }
            if (System.currentTimeMillis() - t0 > timeoutMs) {
                console.endProgress();
                throw new EdgeFmException(ExistingFleet.missing(fleet, expected, System.currentTimeMillis() - t0,
                        host.fleet().joined(), scenario, host.fleetModel().unbound(), brokerUrl));
            }
            Thread.sleep(250);
        }
        console.endProgress();
    }

    /**
     * The users whose device runs no agent, each with the running node its tasks go to instead
     * (round robin), said on {@code out}; users whose device runs are not in the map.
     */
    private static Map<String, String> mapUsers(Scenario scenario, List<NodeSpec> running, PrintWriter out) {
        Map<String, String> origin = new LinkedHashMap<>();
        int rr = 0;
        for (UserSpec u : scenario.users()) {
            boolean up = running.stream().anyMatch(n -> n.id().equals(u.node()));
            if (up) {
                continue;
            } else {
                String to = running.get(rr++ % running.size()).id();
                origin.put(u.id(), to);
                out.printf(Locale.ROOT, "  user %s: device %s is not running; its tasks go to %s%n", u.id(), u.node(), to);
            }
        }
        out.flush();
        return origin;
    }

    private void drive(Scenario scenario, PlannerHost host, TrialMonitor monitor, Map<String, String> origin, long durationMs,
            ImpairSpec impairSpec, Path gate) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long t0 = System.currentTimeMillis();
        boolean impaired = !impairSpec.profile().isNone();
        monitor.workloadStarted(t0, durationMs, WINDOW_MS, impaired ? impairSpec.fromMs() : -1, impaired ? impairSpec.toMs() : -1);
        warmup.workloadStarted(t0);
        long end = t0 + durationMs;
        List<Thread> streams = new ArrayList<>();
        AtomicLong ids = new AtomicLong();
        String runNonce = Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffffL);
        int i = 0;
        AtomicLong sent = new AtomicLong();
        TaskRefusals refusals = new TaskRefusals();
        for (Demand d : scenario.workload()) {
            SplittableRandom random = new SplittableRandom(scenario.run().seed() + 31L * i++);
            String node = origin.get(d.user());
            Thread t = new Thread(() -> {
                double next = nextArrivalMs(d.arrivals(), random, t0, t0);
                while (!stop.get()) {
                    long wait = (long) next - System.currentTimeMillis();
                    if (next >= end) {
                        break;
                    }
                    if (wait > 0) {
                        try {
                            Thread.sleep(Math.min(wait, 200));
                        } catch (InterruptedException e) {
                            return;
                        }
                        continue;
                    }
                    // a run nonce makes the ids unguessable; the host counts completions of these ids only
                    String taskId = "t" + ids.incrementAndGet() + "-" + d.user() + "-" + runNonce;
                    String ep = monitor.endpoint(node);
                    if (ep != null) {
                        if (generations != null && generations.serves(d.taskType())) {
                            // a decoder's arrival is a generation: one task per token, each sent by sendStep
                            generations.start(d.taskType(), sent.getAndIncrement(), taskId, (stepId, query, stepBody) ->
                                    sendStep(http, host, monitor, refusals, d.taskType(), d.user(), node, stepId, query, stepBody));
                            next = nextArrivalMs(d.arrivals(), random, t0, next);
                            continue;
                        }
                        // a real model's task carries a real input (a question, an image) whose whole-model answer is known
                        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
                        if (realModels != null && realModels.serves(d.taskType())) {
                            ScenarioModels.Input in = realModels.input(d.taskType(), sent.getAndIncrement());
                            agreement.expect(taskId, d.taskType(), in.expected());
                            body = HttpRequest.BodyPublishers.ofByteArray(Tensors.write(PartRunner.bytesRow(in.bytes())));
                        }
                        monitor.submitted(taskId, d.taskType(), d.user(), node);
                        host.fleet().validator().taskIssued(taskId, node);
                        http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/" + d.taskType()
                                        + "?id=" + taskId)).timeout(Duration.ofSeconds(5))
                                        .header("Authorization", "Bearer " + host.dataToken())
                                        .POST(body).build(),
                                HttpResponse.BodyHandlers.ofString())
                                .whenComplete((r, e) -> {
                                    if (e != null || r.statusCode() != 202) {
                                        refusals.refused(taskId, node, ep, r == null ? -1 : r.statusCode(),
                                                r == null ? null : r.body(), e);
                                        monitor.refused(taskId);
                                        agreement.withdraw(taskId);
                                    }
                                });
                    }
                    next = nextArrivalMs(d.arrivals(), random, t0, next);
                }
            }, "trial-stream-" + d.user());
            t.setDaemon(true);
            t.start();
            streams.add(t);
        }
        while (!stop.get() && System.currentTimeMillis() < end) {
            Thread.sleep(250);
            long elapsed = System.currentTimeMillis() - t0;
            if (gate != null) {
                gate(gate, elapsed >= impairSpec.fromMs() && (impairSpec.toMs() < 0 || elapsed < impairSpec.toMs()));
            }
            warmupWait.duringWorkload();
            progress(monitor, elapsed, durationMs, false);
            monitor.conditions().sample(System.currentTimeMillis());
        }
        long stoppedAt = System.currentTimeMillis();
        monitor.conditions().workloadEnded(stoppedAt, stop.get() && stoppedAt < end);
        for (Thread t : streams) {
            t.interrupt();
            t.join(2000);
        }
    }

    /**
     * Sends one step of a generation ({@link org.edgefm.trial.Generations}) as the workload sends a
     * task: booked by the monitor and the validator, authorised, a refusal counted; true when accepted.
     */
    private static boolean sendStep(HttpClient http, PlannerHost host, TrialMonitor monitor, TaskRefusals refusals, String taskType,
            String user, String node, String taskId, String query, byte[] body) {
        String ep = monitor.endpoint(node);
        if (ep == null) {
            return false;
        }
        monitor.submitted(taskId, taskType, user, node);
        host.fleet().validator().taskIssued(taskId, node);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/" + taskType + "?id=" + taskId
                    + query)).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + host.dataToken())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
                return true;
            }
            refusals.refused(taskId, node, ep, r.statusCode(), r.body(), null);
        } catch (IOException e) {
            refusals.refused(taskId, node, ep, -1, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refusals.refused(taskId, node, ep, -1, null, e);
        }
        monitor.refused(taskId);
        return false;
    }

    /**
     * The wall-clock time (ms) of a stream's next arrival after the one at {@code nowMs}, for a trial
     * that started at {@code startMs}: the gap is drawn at the trial's elapsed time, so a Poisson
     * stream's rate schedule (time since the run start, as in the simulator) is honoured.
     */
    static double nextArrivalMs(ArrivalProcess arrivals, RandomGenerator random, double startMs, double nowMs) {
        return nowMs + arrivals.nextGapMs(random, nowMs - startMs);
    }

    /**
     * Switches the agents' impairment on (the gate file exists) or off (it does not); each agent's
     * shaper looks for the file at most every 100 ms.
     */
    private static void gate(Path gate, boolean on) throws IOException {
        if (on && !Files.exists(gate)) {
            Files.writeString(gate, "on\n");
        } else if (!on) {
            Files.deleteIfExists(gate);
        }
    }

    /** The progress line; {@code elapsedMs} -1 while tasks in flight finish, -2 once they did (or the wait ended). */
    private void progress(TrialMonitor m, long elapsedMs, long durationMs, boolean force) {
        TrialMonitor.Counts c = m.counts();
        String time = elapsedMs == -1 ? "draining" : elapsedMs < -1 ? "done" : String.format(Locale.ROOT, "%3d/%d s",
                elapsedMs / 1000, durationMs / 1000);
        console.progress(String.format(Locale.ROOT, "[%s] tasks %d/%d done, %.1f%% of them on time, directives %d sent / %d acked"
                + " / %d re-sent", time, c.completed(), c.submitted(), c.completed() == 0 ? 0.0 : 100.0 * c.onTime()
                / c.completed(), c.directivesSent(), c.directivesAcked(), c.directivesResent()), force);
    }

    /** One agent process: {@code java -cp <this class path> AGENT-MAIN... --config ...}. */
    static final class AgentProc {
        final String node;
        final Process process;
        final Path log;

        private AgentProc(String node, Process process, Path log) {
            this.node = node;
            this.process = process;
            this.log = log;
        }

        static AgentProc start(List<String> agentMain, NodeSpec n, String brokerUrl, String password, String fleet, String scenario, Path work,
                Path models, AgentConfig.Impairment impairment, Path log) throws IOException {
            // in the trial's own folder (owner only): it holds the agent's password when it has one
            Path config = work.resolve(n.id() + ".json");
            String account = password == null ? "" : ", \"username\": " + json(n.id()) + ", \"password\": " + json(password);
            Files.writeString(config, "{\"telemetryPeriodMs\": 1000, \"impairment\": " + new ObjectMapper()
                    .writeValueAsString(impairment) + ", \"scenario\": " + json(scenario) + ", \"modelDir\": "
                    + json(models.toAbsolutePath().toString()) + account + "}");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xss1m", "-cp",
                    System.getProperty("java.class.path")));
            cmd.addAll(agentMain);
            cmd.addAll(List.of("--config", config.toString(),
                    "--broker", brokerUrl, "--node-id", n.id(), "--fleet", fleet, "--data-dir",
                    work.resolve("agent-" + n.id()).toString(), "--http-port", "0"));
            if (n.profile() != null) {
                cmd.add("--profile");
                cmd.add(n.profile());
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE"); // as ./edgefm sets it: agent/README.md, "Kernel threads"
            return new AgentProc(n.id(), pb.start(), log);
        }

        /** A JSON string literal. */
        private static String json(String v) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : v.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }

        /** SIGTERM: the agent publishes its death and exits. */
        void terminate() {
            if (process.isAlive()) {
                process.destroy();
            }
        }

        void awaitExit(PrintWriter err) throws InterruptedException {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                err.println("agent " + node + " did not stop within 20 s of SIGTERM; killed");
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
