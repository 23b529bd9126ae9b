package org.edgefm.trial.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.models.manifest.ModelFolder;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.trial.Generations;
import org.edgefm.trial.ModelDirTrial;

/**
 * A trial's options checked before anything starts: each flag with its default, durations in ms, the
 * scenario resolved (a {@code --model-dir} model's own scenario made), the agents to start and the
 * broker accounts read. Every refusal is a {@link UsageException} naming the flag.
 */
final class TrialPlan {
    // the options, as TrialOptions names them, defaults applied
    final String scenarioRef;
    final int agents;
    final boolean fleetMode;
    final String fleetName;
    final String waitTimeout;
    final Integer brokerPort;
    final Path hostConfig;
    final String bind;
    final String duration;
    final String planner;
    final String broker;
    final Path outDir;
    final Path json;
    final Path report;
    /** The agents' model folder given by --model-dir, or null when the trial writes its own. */
    final Path modelDir;
    final Path pluginsDir;
    final String fallbackPlanner;
    final String warmupMode;
    final String shadow;
    final Path images;
    final boolean noParity;
    /** How decoder models' generations run ({@code --new-tokens}, {@code --stop-at-eos}, {@code --top-k}, {@code --temperature}, {@code --sample-seed}). */
    final Generations.Settings generation;

    // what the checks derived
    final long durationMs;
    final long waitTimeoutMs;
    final long readyTimeoutMs;
    final long progressMs;
    final ImpairSpec impairSpec;
    /** Where {@link #impairSpec} comes from: {@code --impair}, or the scenario's {@code trial.impair} default. */
    final boolean impairFromScenario;
    final Scenario scenario;
    /** How many agents of an existing fleet to wait for (-1 when the scenario pins no nodes). */
    final int expected;
    /** The nodes whose agents the trial starts (empty with --agents 0). */
    final List<NodeSpec> running;
    /** Broker accounts: --broker-accounts, in order (the embedded broker's per-run ones are added later). */
    final Map<String, String> accounts;
    /** The scenario as the agents get it: a file by absolute path, a built-in one by name. */
    final String scenarioArg;

    private TrialPlan(TrialOptions o, PrintWriter out) throws IOException {
        String ref = o.scenario() == null ? TrialRunner.DEFAULT_SCENARIO : o.scenario();
        fleetName = o.fleet();
        waitTimeout = o.waitTimeout() == null ? "90s" : o.waitTimeout();
        brokerPort = o.brokerPort();
        hostConfig = o.hostConfig();
        bind = o.bind();
        duration = o.duration() == null ? "60s" : o.duration();
        planner = o.planner() == null ? "two-tier" : o.planner();
        broker = o.broker();
        outDir = o.out();
        json = o.json();
        report = o.report();
        pluginsDir = o.pluginsDir();
        fallbackPlanner = o.fallbackPlanner() == null ? PluginCallGuard.DEFAULT_FALLBACK : o.fallbackPlanner();
        warmupMode = o.warmup() == null ? "wait" : o.warmup();
        shadow = o.shadow();
        images = o.images();
        noParity = o.noParity();
        try {
            generation = Generations.Settings.of(o.newTokens(), o.stopAtEos(), o.topK(), o.temperature(), o.sampleSeed());
        } catch (EdgeFmException e) {
            throw new UsageException(e.getMessage());
        }
        Path models = o.modelDir();
        String impair = o.impair() == null ? "none" : o.impair();
        String readyTimeout = o.readyTimeout() == null ? "120s" : o.readyTimeout();
        String progressInterval = o.progressInterval() == null ? "5s" : o.progressInterval();

        durationMs = TrialRunner.parseDurationMs(duration);
        if (durationMs < 0) {
            throw new UsageException("--duration: '" + duration
                    + "' (expected: at least 1 second, as 60s, 2m or 90)");
        }
        Integer agentsArg = o.agents();
        if (o.existing() && agentsArg != null && agentsArg != 0) {
            throw new UsageException("--existing and --agents " + agentsArg
                    + " exclude each other (--existing starts no agent)");
        }
        agents = o.existing() ? 0 : agentsArg == null ? 3 : agentsArg;
        fleetMode = agents == 0;
        if (agents < 0) {
            throw new UsageException("--agents: " + agents + " (expected: >= 0)");
        }
        waitTimeoutMs = TrialRunner.parseDurationMs(waitTimeout);
        if (waitTimeoutMs < 0) {
            throw new UsageException("--wait-timeout: '" + waitTimeout
                    + "' (expected: at least 1 second, as 90s or 5m)");
        }
        Integer waitFor = o.waitFor();
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
        ImpairSpec cliImpair;
        try {
            cliImpair = ImpairSpec.parse(impair);
        } catch (EdgeFmException e) {
            throw new UsageException("--impair: " + e.getMessage());
        }
        if (cliImpair.node() != null && fleetMode) {
            throw new UsageException("--impair " + impair.trim() + ": a node's impairment needs the trial's own agents"
                    + " (not --agents 0)");
        }
        if (!"wait".equals(warmupMode) && !"separate".equals(warmupMode)) {
            throw new UsageException("--warmup: '" + warmupMode
                    + "' (expected: wait or separate)");
        }
        readyTimeoutMs = TrialRunner.parseDurationMs(readyTimeout);
        if (readyTimeoutMs < 0) {
            throw new UsageException("--ready-timeout: '" + readyTimeout
                    + "' (expected: at least 1 second, as 120s or 5m)");
        }
        progressMs = TrialRunner.parseDurationMs(progressInterval, 100);
        if (progressMs < 0) {
            throw new UsageException("--progress-interval: '" + progressInterval
                    + "' (expected: at least 100ms, as 5s or 500ms)");
        }
        String cut = o.cut();
        String labels = o.labels();
        String labelPrompt = o.labelPrompt();
        if (cut != null && !ModelFolder.isModelFolder(models)) {
            throw new UsageException("--cut: only with --model-dir and a model folder");
        }
        if ((labels != null || labelPrompt != null) && !ModelFolder.isModelFolder(models)) {
            throw new UsageException((labels != null ? "--labels" : "--label-prompt") + ": only with --model-dir and a CLIP model folder");
        }
        if (images != null && !Files.isDirectory(images)) {
            throw new UsageException("--images: " + images + " is not a folder (expected: a folder of PNG, JPEG, BMP or GIF files)");
        }
        if (ModelFolder.isModelFolder(models)) { // a user's model: its scenario is made for it
            if (!TrialRunner.DEFAULT_SCENARIO.equals(ref) || fleetMode) {
                throw new UsageException("--model-dir " + models + " holds a model (config.json): it makes its own scenario"
                        + " for the agents the trial starts (leave out --scenario and --agents 0)");
            }
            ref = ModelDirTrial.scenario(models, cut, labels, labelPrompt, agents, Path.of("trials", "models"), out)
                    .toString();
            models = null; // the agents' model folder is the trial's own, which the manifest's files are linked into
        }
        scenarioRef = ref;
        scenario = ScenarioLoader.resolve(scenarioRef);
        List<NodeSpec> nodes = scenario.topology().nodes();
        expected = ExistingFleet.waitFor(waitFor, scenario);
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
        running = nodes.subList(0, agents);
        if (cliImpair.node() != null && !runs(cliImpair.node())) {
            throw new UsageException("--impair " + impair.trim() + ": node " + cliImpair.node() + " runs no agent in this"
                    + " trial (its agents: " + String.join(", ", running.stream().map(NodeSpec::id).toList()) + ")");
        }
        ImpairSpec declared = o.impair() == null ? scenarioImpairment(out) : null;
        impairFromScenario = declared != null;
        impairSpec = impairFromScenario ? declared : cliImpair;
        Path brokerAccounts = o.brokerAccounts();
        if (brokerAccounts != null && broker == null && !fleetMode) {
            throw new UsageException("--broker-accounts: needs --broker or --agents 0"
                    + " (the embedded broker makes its own accounts for the trial's own agents)");
        }
        accounts = new LinkedHashMap<>(brokerAccounts == null ? Map.of()
                : TrialHostConfig.readAccounts(brokerAccounts, running, broker != null));
        if (broker != null) {
            TrialHostConfig.checkReachable(broker);
        }
        scenarioArg = Files.isRegularFile(Path.of(scenarioRef)) ? Path.of(scenarioRef).toAbsolutePath().toString()
                : scenarioRef;
        if (models != null && !Files.isDirectory(models)) {
            throw new UsageException("--model-dir: " + models + " is not a folder");
        }
        modelDir = models;
    }

    private boolean runs(String node) {
        return running.stream().anyMatch(n -> n.id().equals(node));
    }

    /**
     * The scenario's live impairment ({@code trial.impair}) where this trial can apply it, else null; says
     * on {@code out} why one it cannot apply is left out (agents that already run have real links; a node
     * that runs no agent here).
     */
    private ImpairSpec scenarioImpairment(PrintWriter out) {
        String declared = scenario.trial().impair();
        if (declared == null) {
            return null;
        }
        ImpairSpec spec;
        try {
            spec = ImpairSpec.parse(declared);
        } catch (EdgeFmException e) {
            throw new UsageException("scenario " + scenario.name() + ": trial.impair: " + e.getMessage());
        }
        String skip = fleetMode ? "--agents 0 drives agents that run already, over their own links"
                : spec.node() != null && !runs(spec.node()) ? spec.node() + " runs no agent in this trial" : null;
        if (skip != null) {
            out.println("scenario " + scenario.name() + "'s live impairment (" + declared + ") is not applied: " + skip);
            out.flush();
            return null;
        }
        return spec;
    }

    /**
     * Checks the options.
     *
     * @param out where making a {@code --model-dir} model's scenario says what it did
     * @throws UsageException naming the flag that is wrong
     * @throws EdgeFmException when a file they name cannot be used (accounts, broker, scenario)
     */
    static TrialPlan check(TrialOptions options, PrintWriter out) throws IOException {
        return new TrialPlan(options, out);
    }

    /** The broker URL the agents of an existing fleet connect to. */
    String fleetBrokerUrl(int embeddedPort) {
        return broker != null ? broker : "tcp://" + (bind == null ? "127.0.0.1" : bind) + ":" + embeddedPort;
    }
}
