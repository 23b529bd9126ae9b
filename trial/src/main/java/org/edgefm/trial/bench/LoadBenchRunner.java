package org.edgefm.trial.bench;

import static org.edgefm.trial.bench.LoadBenchReport.ordered;
import static org.edgefm.trial.bench.LoadBenchReport.round;
import static org.edgefm.trial.bench.LoadBenchReport.triple;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.edgefm.control.PluginsFolder;
import org.edgefm.host.HostConfig;
import org.edgefm.host.HostMeters;
import org.edgefm.host.PlannerHost;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioCells;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.trial.run.TrialRunner;
import org.edgefm.trial.run.UsageException;

/**
 * {@code edgefm bench load}: N virtual agents against one planner host. The host (with the embedded
 * broker, or {@code --broker}) runs in this process on the scenario scaled to N nodes
 * ({@link ScenarioCells}); the virtual agents ({@link VirtualFleet}, {@link VirtualAgentsRunner}) run
 * in a child process, so the CPU and heap figures of this process are the host's (and its embedded
 * broker's). At the end it checks that nothing was lost (births and telemetry the host counted against
 * what the agents sent, and each node's last telemetry sequence number and gap count), and reports
 * directives sent, acknowledged and re-sent, decision lag, host CPU and heap, and broker throughput.
 * This class runs the benchmark; the host's counters are sampled as {@link LoadBenchSample}s, and the
 * results document and its printed lines are {@link LoadBenchReport}'s.
 */
public final class LoadBenchRunner {
    /**
     * The default planner: paper 1's {@code two-tier}. Its core placement at 1,000 nodes takes well
     * under its 10 s budget (planner-plugins/README.md, "Benchmarks"); {@code greedy} remains available.
     */
    public static final String DEFAULT_PLANNER = "two-tier";
    /**
     * The niceness of the virtual agents' process by default: the host's own (0). They stand for devices on
     * other machines, and {@code --agents-nice N} lets them yield the CPU to the host under test; measured at
     * 10 on 2 cores, that shortens the first window after the join (its slots' lag p99 261 → 145 ms) but
     * delays the agents' acknowledgements of the roll-out past the outbox's first re-send (100 of 2,000
     * directives re-sent, none at 0), so the default keeps the contest even.
     */
    public static final int DEFAULT_AGENTS_NICE = 0;

    private final LoadBenchOptions o;
    private final int agents;
    private final String duration;
    private final String scenarioRef;
    private final String planner;
    private final String broker;
    private final String telemetryPeriod;
    private final String planningEpoch;
    private final String coreBudget;
    private final Path json;

    /**
     * A runner for these options.
     *
     * @param options what was asked for
     */
    public LoadBenchRunner(LoadBenchOptions options) {
        this.o = options;
        this.agents = options.agents();
        this.duration = options.duration();
        this.scenarioRef = options.scenario();
        this.planner = options.planner();
        this.broker = options.broker();
        this.telemetryPeriod = options.telemetryPeriod();
        this.planningEpoch = options.planningEpoch();
        this.coreBudget = options.coreBudget();
        this.json = options.json();
    }

    /** The plugins folder: {@code --plugins-dir} (must exist), else the default; a missing default is mentioned once. */
    private Path pluginsFolder() {
        PluginsFolder f = PluginsFolder.resolve(o.pluginsDir());
        f.mentionIfMissing();
        return f.path();
    }

    /**
     * Runs the benchmark.
     *
     * @param out the figures
     * @param err the progress lines during the measured window
     * @return 0 when nothing was lost, else 1
     * @throws UsageException naming the flag that is wrong
     * @throws Exception      when the host or the agents' process fails
     */
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        long durationMs = TrialRunner.parseDurationMs(duration);
        if (durationMs < 0) {
            throw new UsageException("--duration: '" + duration + "' (expected: at least 1 second, as 60s, 10m or 90)");
        }
        long periodMs = TrialRunner.parseDurationMs(telemetryPeriod, 10);
        if (periodMs < 0) {
            throw new UsageException("--telemetry-period: '" + telemetryPeriod + "' (expected: at least 10ms, as 1s or 500ms)");
        }
        long epochMs = "0".equals(planningEpoch.strip()) ? 0 : TrialRunner.parseDurationMs(planningEpoch);
        if (epochMs < 0) {
            throw new UsageException("--planning-epoch: '" + planningEpoch + "' (expected: 0 or at least 1 second, as 60s or 5m)");
        }
        long coreBudgetMs = TrialRunner.parseDurationMs(coreBudget);
        if (coreBudgetMs < 0) {
            throw new UsageException("--core-budget: '" + coreBudget + "' (expected: at least 1 second, as 10s or 60s)");
        }
        if (agents < 1 || agents > 100_000) {
            throw new UsageException("--agents: " + agents + " (expected: 1-100000)");
        }
        int nice = o.agentsNice() == null ? DEFAULT_AGENTS_NICE : o.agentsNice();
        if (nice < 0 || nice > 19) {
            throw new UsageException("--agents-nice: " + nice + " (expected: 0-19; 0 runs the agents at the host's priority)");
        }
        if (broker != null && !broker.matches("tcp://[^/:]+:\\d+")) {
            throw new UsageException("--broker: '" + broker + "' (expected: tcp://host:port)");
        }
        // One line per node birth would drown the figures.
        System.setProperty("org.slf4j.simpleLogger.log.org.edgefm.host.bridge.MqttFleet", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.edgefm.control.FleetNotices", "warn");
        // The virtual agents' network: the cell repeated, cells linked by a backbone tree. The agents build it
        // themselves; the host gets only the workload (services, task types, streams with their origin
        // nodes) and learns nodes from births and links from what the agents report.
        Scenario scaled = ScenarioCells.expand(ScenarioLoader.resolve(scenarioRef), agents, ScenarioCells.Backbone.metro());
        Path work = Files.createTempDirectory("edgefm-bench-");
        Path scenarioFile = work.resolve(scaled.name() + "-workload.json");
        Scenario workload = new Scenario(Scenario.SCHEMA, scaled.name(), "Load benchmark workload: no nodes, the host"
                + " plans for the agents that join.", null, scaled.services(), scaled.taskTypes(), scaled.users(),
                scaled.workload(), scaled.run(), List.of(), scaled.planner());
        Files.writeString(scenarioFile, ScenarioLoader.toJson(workload), StandardCharsets.UTF_8);
        String fleet = "bench-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fleet", fleet);
        o.put("planner", planner);
        o.put("scenario", scenarioFile.toString());
        o.put("dataDir", work.resolve("host").toString());
        o.put("pluginsDir", pluginsFolder().toString());
        o.put("httpPort", -1);
        o.put("planningEpochMs", epochMs);
        o.put("coreBudgetMs", coreBudgetMs);
        o.put("staleAfterMs", Math.max(10_000, 3 * periodMs));
        if (broker != null) {
            o.put("brokerUrl", broker);
        } else {
            o.put("brokerPort", TrialRunner.freePort());
        }
        HostConfig cfg = HostConfig.defaults().with(o);
        Process agentsProc = null;
        try (PlannerHost host = new PlannerHost(cfg, LoadBenchRunner.class.getClassLoader()).start()) {
            out.printf(Locale.ROOT, "bench load: %d virtual agents, workload %s (%s x %d cells, linked by a backbone tree;"
                            + " the host learns nodes from births and links from the agents' reports), planner %s, slot %.0f"
                            + " ms, planning epoch %d ms, telemetry every %d ms, broker %s, %s measured after the fleet"
                            + " joined%n", agents, scaled.name(), scenarioRef, (agents + cellSize(scaled, agents) - 1)
                            / cellSize(scaled, agents), planner, host.loop().settings().slotMs(), epochMs, periodMs,
                    host.brokerUrl(), duration);
            out.flush();
            Path summaryFile = work.resolve("agents.json");
            long joinStart = System.nanoTime();
            String niceTool = nice == 0 ? null : niceTool();
            int agentsNice = niceTool == null ? 0 : nice; // what the agents' process gets
            out.println(nice == 0 ? "  the agents' process shares the CPU with the host at its priority (--agents-nice N to"
                    + " let it yield)" : niceTool == null ? "  'nice' not found on PATH: the agents' process runs at the host's"
                    + " priority" : "  the agents' process runs at nice " + nice + " (it yields the CPU to the host)");
            agentsProc = startAgents(host.brokerUrl(), fleet, scenarioRef, periodMs, summaryFile, work,
                    agentsNice == 0 ? List.of() : List.of(niceTool, "-n", Integer.toString(agentsNice)));
            BufferedReader lines = new BufferedReader(new InputStreamReader(agentsProc.getInputStream(), StandardCharsets.UTF_8));
            String ready = awaitReady(lines, agentsProc, work);
            out.println("  " + ready.substring(VirtualAgentsRunner.READY.length()).strip());
            out.flush();
            CompletableFuture.runAsync(() -> lines.lines().forEach(l -> { })); // keep the pipe drained
            org.edgefm.host.StepCosts costs = new org.edgefm.host.StepCosts();
            host.recordStepCosts(costs);
            Joined joined = awaitJoined(host, agents, scaled.topology().links().size(), periodMs, joinStart);
            out.printf(Locale.ROOT, "  fleet joined %.1f s after the agents started: %d nodes and %d links in the planners'"
                    + " model; decision lag while joining p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d slots%n",
                    joined.seconds(), joined.nodes(), joined.links(), joined.lag().p50Ms(), joined.lag().p99Ms(),
                    joined.lag().maxMs(), joined.lag().count());
            out.flush();

            LoadBenchSample s0 = LoadBenchSample.take(host);
            int steps0 = costs.count();
            long[] gc0 = gc();
            double loadMin = s0.loadAverage();
            double loadMax = s0.loadAverage();
            long peakHeap = 0;
            long end = System.nanoTime() + durationMs * 1_000_000;
            LoadBenchSample prev = s0;
            LoadBenchSample first20 = null;
            int prevSteps = steps0;
            List<Map<String, Object>> windows = new ArrayList<>();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                LoadBenchSample s = LoadBenchSample.take(host);
                int steps = costs.count();
                // what the window's slots waited for: the step's start, the controller, the hand-out, the rest
                HostMeters.LagSummary lag = host.meters().decisionLagSummary(prev.slots(), s.slots());
                windows.add(window(s, prev, s0, lag, costs.summary(prevSteps, steps)));
                prevSteps = steps;
                peakHeap = Math.max(peakHeap, s.heapUsed());
                loadMin = Math.min(loadMin, s.loadAverage());
                loadMax = Math.max(loadMax, s.loadAverage());
                Map<String, Object> w = windows.get(windows.size() - 1);
                err.printf(Locale.ROOT, "  %4.0f s: telemetry in %6.0f/s, directives %d (re-sent %d), decision lag p99 (since the last line) %.1f ms,"
                                + " host CPU %.2f cores, heap %d MiB, broker dropped %s; step p99: start delay %s, controller %s,"
                                + " hand-out %s, rest %s ms%n", (s.nanos() - s0.nanos()) / 1e9,
                        (s.telemetryIn() - prev.telemetryIn()) / ((s.nanos() - prev.nanos()) / 1e9), s.directivesOut(), s.resent(),
                        lag.p99Ms(), (s.cpuNanos() - prev.cpuNanos()) / (double) (s.nanos() - prev.nanos()), s.heapUsed() >> 20,
                        s.broker() == null ? "n/a" : Long.toString(s.broker().dropped()), w.get("startDelayP99Ms"),
                        w.get("controllerP99Ms"), w.get("handOutP99Ms"), w.get("restP99Ms"));
                err.flush();
                prev = s;
                if (first20 == null && s.nanos() - s0.nanos() >= 19_500_000_000L) {
                    first20 = s;
                }
            }
            LoadBenchSample s1 = LoadBenchSample.take(host);
            long[] gc1 = gc();
            org.edgefm.host.StepCosts.Summary stepCosts = costs.summary(steps0);
            // evaluated while every agent is still online, after the CPU sample (it takes the host a few seconds)
            StreamQuality q = host.loop().plannersModel() == null || host.loop().decision() == null ? null
                    : StreamQuality.of(host.loop().plannersModel(), host.loop().decision().routing());
            try (Writer w = new OutputStreamWriter(agentsProc.getOutputStream(), StandardCharsets.UTF_8)) {
                w.write("stop\n");
            }
            if (!agentsProc.waitFor(90, TimeUnit.SECONDS)) {
                throw new org.edgefm.api.EdgeFmException("virtual agents did not stop within 90 s; log: " + work.resolve("agents.log"));
            }
            if (agentsProc.exitValue() != 0 || !Files.exists(summaryFile)) {
                throw new org.edgefm.api.EdgeFmException("virtual agents failed (exit " + agentsProc.exitValue() + "); log: "
                        + work.resolve("agents.log"));
            }
            VirtualAgentsRunner.Summary agentSide = new ObjectMapper().readValue(summaryFile.toFile(),
                    VirtualAgentsRunner.Summary.class);
            awaitQuiet(host, agentSide.totals());
            Map<String, Object> result = LoadBenchReport.figures(host, scaled, planner, periodMs, s0, s1, peakHeap, agentSide);
            result.put("agentsNice", agentsNice);
            result.put("join", joined.asMap());
            Map<String, Object> planned = new LinkedHashMap<>();
            planned.put("joining", s0.workSince(null));
            planned.put("first20s", (first20 == null ? s1 : first20).workSince(s0));
            planned.put("window", s1.workSince(s0));
            result.put("plannersWork", planned);
            out.printf(Locale.ROOT, "planners' work:  while joining %s; first 20 s after the join %s; whole window %s (new models:"
                    + " slots that gave the controller a new network)%n", planned.get("joining"), planned.get("first20s"),
                    planned.get("window"));
            result.put("loopThread", ordered("steps", stepCosts.steps(), "cpuMs", triple(stepCosts.cpuMs()),
                    "wallMs", triple(stepCosts.wallMs()), "startDelayMs", triple(stepCosts.delayMs()),
                    "allocatedMiB", triple(stepCosts.allocatedMiB()), "controllerMs", triple(stepCosts.decideMs()),
                    "handOutMs", triple(stepCosts.handOutMs()), "restMs", triple(stepCosts.otherMs())));
            result.put("windows", windows);
            double windowMs = (s1.nanos() - s0.nanos()) / 1e6;
            result.put("gc", ordered("collections", gc1[0] - gc0[0], "timeMs", gc1[1] - gc0[1],
                    "shareOfWindow", round((gc1[1] - gc0[1]) / windowMs)));
            // the machine may be shared: its 1-minute load average over the window says how much
            result.put("machineLoadAverage", ordered("min", round(loadMin), "max", round(loadMax),
                    "cores", Runtime.getRuntime().availableProcessors()));
            out.printf(Locale.ROOT, "machine:        load average %.1f to %.1f on %d cores during the window%n", loadMin, loadMax,
                    Runtime.getRuntime().availableProcessors());
            result.put("streams", q == null ? Map.of() : ordered("streams", q.streams(), "routedShare", round(q.routedShare()),
                    "onTimeShareEstimate", round(q.onTimeShare()), "meanLatencyMsEstimate", round(q.meanLatencyMs())));
            if (q != null) {
                out.printf(Locale.ROOT, "virtual streams: %d; routed to every stage %.1f%%, on time %.1f%% (estimate from the"
                        + " routes in force: mean-value latency, eqs. (4)-(5), no queueing; mean %.0f ms)%n", q.streams(),
                        100 * q.routedShare(), 100 * q.onTimeShare(), q.meanLatencyMs());
            }
            LoadBenchReport.print(out, result);
            if (json != null) {
                Files.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n",
                        StandardCharsets.UTF_8);
                out.println("JSON written to " + json);
            }
            return Boolean.TRUE.equals(result.get("nothingLost")) ? 0 : 1;
        } finally {
            if (agentsProc != null && agentsProc.isAlive()) {
                agentsProc.destroyForcibly();
            }
        }
    }

    /** Collections and their total time in ms so far, over every collector of this JVM. */
    private static long[] gc() {
        long n = 0;
        long ms = 0;
        for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    /**
     * One progress window's figures (the slots since the previous sample): its end in s after the join, the decision
     * lag, the host's CPU, and the p99 of each part of a step's wall time (the wait before the step started, the
     * controller's call, the directives' hand-out, the rest).
     */
    private static Map<String, Object> window(LoadBenchSample s, LoadBenchSample prev, LoadBenchSample s0,
            HostMeters.LagSummary lag, org.edgefm.host.StepCosts.Summary steps) {
        return ordered("endS", round((s.nanos() - s0.nanos()) / 1e9), "slots", lag.count(), "lagP99Ms", round(lag.p99Ms()),
                "lagMaxMs", round(lag.maxMs()), "hostCpuCores", round((s.cpuNanos() - prev.cpuNanos()) / (double) (s.nanos() - prev.nanos())),
                "steps", steps.steps(), "startDelayP99Ms", round(steps.delayMs()[1]), "controllerP99Ms", round(steps.decideMs()[1]),
                "handOutP99Ms", round(steps.handOutMs()[1]), "restP99Ms", round(steps.otherMs()[1]),
                "stepWallP99Ms", round(steps.wallMs()[1]), "stepCpuP99Ms", round(steps.cpuMs()[1]));
    }

    private static int cellSize(Scenario scaled, int agents) {
        long cell0 = scaled.topology().nodes().stream().filter(n -> n.id().endsWith("-0000")).count();
        return (int) Math.max(1, Math.min(cell0, agents));
    }

    /**
     * How the fleet joined: seconds from the agents' start until the planners' model held every node, the
     * join re-placement ran and the measured links stopped growing; the model's size; the lag meanwhile.
     */
    private record Joined(double seconds, int nodes, int links, HostMeters.LagSummary lag) {
        Map<String, Object> asMap() {
            return ordered("seconds", round(seconds), "nodes", nodes, "links", links, "lagP50Ms", round(lag.p50Ms()),
                    "lagP99Ms", round(lag.p99Ms()), "lagMaxMs", round(lag.maxMs()), "slots", lag.count());
        }
    }

    /**
     * Waits until the planners' model has every node, no join re-placement is pending, and its link
     * count (measured links) has not grown for two telemetry periods; at most 120 s.
     */
    private static Joined awaitJoined(PlannerHost host, int nodes, int expectedLinks, long periodMs, long startNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        int lastLinks = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            var m = host.loop().plannersModel();
            int n = m == null ? 0 : m.topology().nodes().size();
            int l = m == null ? 0 : m.topology().links().size();
            if (l != lastLinks) {
                lastLinks = l;
                stableSince = System.nanoTime();
            }
            boolean stable = System.nanoTime() - stableSince > 2 * periodMs * 1_000_000L;
            // the join re-placement has come into force (it runs off the loop's thread)
            if (n >= nodes && !host.loop().joinPending() && !host.loop().corePlanning() && (l >= expectedLinks || stable)) {
                break;
            }
            Thread.sleep(100);
        }
        var m = host.loop().plannersModel();
        return new Joined((System.nanoTime() - startNanos) / 1e9, m == null ? 0 : m.topology().nodes().size(),
                m == null ? 0 : m.topology().links().size(), host.meters().decisionLagSummary(0));
    }

    /** The {@code nice} program on PATH, or null. */
    private static String niceTool() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            Path f = dir.isEmpty() ? null : Path.of(dir, "nice");
            if (f != null && Files.isExecutable(f)) {
                return f.toString();
            }
        }
        return null;
    }

    private Process startAgents(String brokerUrl, String fleet, String scenarioRef, long periodMs, Path summary, Path work,
            List<String> prefix) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(prefix); // the niceness: nice -n N, or nothing
        cmd.addAll(List.of(java, "-XX:+UseSerialGC", "-Xss512k", "-Xmx1g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                o.virtualAgentsMain(), "bench", "virtual-agents", "--broker", brokerUrl, "--fleet", fleet,
                "--scenario", scenarioRef, "--cells", "--agents", Integer.toString(agents),
                "--telemetry-period-ms", Long.toString(periodMs), "--summary", summary.toString()));
        return new ProcessBuilder(cmd).redirectError(work.resolve("agents.log").toFile()).start();
    }

    private static String awaitReady(BufferedReader lines, Process p, Path work) throws java.io.IOException {
        for (String l = lines.readLine(); l != null; l = lines.readLine()) {
            if (l.startsWith(VirtualAgentsRunner.READY)) {
                return l;
            }
        }
        throw new org.edgefm.api.EdgeFmException("virtual agents exited before all were connected; log: "
                + work.resolve("agents.log"));
    }

    /** Waits (up to 10 s) until the host has counted what the agents sent, or its counts stop moving. */
    private static void awaitQuiet(PlannerHost host, VirtualFleet.Totals t) throws InterruptedException {
        HostMeters m = host.meters();
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long seen = m.messagesIn("telemetry") + m.messagesIn("ack") + m.messagesIn("death");
            if (m.messagesIn("telemetry") >= t.telemetry() && m.messagesIn("ack") >= t.acks()
                    && m.messagesIn("death") >= t.deaths()) {
                return;
            }
            if (seen == last) {
                return;
            }
            last = seen;
            Thread.sleep(1_000);
        }
    }
}
