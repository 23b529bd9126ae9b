package org.edgefm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefm.cli.log.CliLogging;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.trial.run.TrialOptions;
import org.edgefm.trial.run.TrialRunner;
import org.edgefm.trial.run.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
@Command(name = "trial", mixinStandardHelpOptions = true,
        description = "Run a live trial on this machine: broker, planner host and N real agent processes; drive the"
                + " scenario's workload into the agents and report on-time completion, latency, cost and directives.")
final class TrialCommand implements Callable<Integer> {
    /** The scenario of a trial without --scenario. */
    static final String DEFAULT_SCENARIO = TrialRunner.DEFAULT_SCENARIO;

    @Option(names = "--scenario", paramLabel = "NAME|FILE", defaultValue = DEFAULT_SCENARIO,
            description = "A scenario file or built-in name (default: ${DEFAULT-VALUE}).")
    String scenarioRef;

    @Option(names = "--agents", paramLabel = "N",
            description = "Agent processes to start, one per scenario node in order (default: 3); 0 starts none and"
                    + " drives agents that already run (see --existing).")
    Integer agentsArg;

    @Option(names = "--existing", description = "Drive an existing fleet (same as --agents 0): start no agent, wait for"
            + " the fleet's births on --broker (or on this trial's embedded broker at --broker-port), drive the workload"
            + " into the agents' advertised task endpoints and report as a local trial does.")
    boolean existing;

    @Option(names = "--fleet", paramLabel = "NAME", description = "The fleet, the topic level under edgefm/v1/ (default:"
            + " 'default' with --agents 0, a fresh name for a local trial; with --broker, the fleet the broker's ACL was"
            + " rendered for).")
    String fleetName;

    @Option(names = "--wait-for", paramLabel = "N", description = "With --agents 0: agents to wait for before the"
            + " workload starts (default: the scenario's pinned nodes).")
    Integer waitFor;

    @Option(names = "--wait-timeout", paramLabel = "D", defaultValue = "90s", description = "How long to wait for the"
            + " agents (their births, and for the trial's own agents their first applied directive); then the trial fails,"
            + " naming who is missing (default: ${DEFAULT-VALUE}; agents loading real models' parts on a busy machine may"
            + " need more).")
    String waitTimeout;

    @Option(names = "--broker-port", paramLabel = "N", description = "With --agents 0 and no --broker: the port of this"
            + " trial's embedded broker, which the agents connect to.")
    Integer brokerPort;

    @Option(names = "--host-config", paramLabel = "FILE", description = "With --agents 0: a host configuration file (as"
            + " for ./edgefm host --config) for the trial's host and embedded broker: its port, TLS listener and accounts"
            + " (brokerPort, tlsPort, keystore, credentialsFile, ...); flags and the trial's own settings go over it.")
    Path hostConfig;

    @Option(names = "--bind", paramLabel = "ADDR", description = "The embedded broker's bind address (default"
            + " 127.0.0.1; 0.0.0.0 or an interface address for agents on other machines, which then reach it unauthenticated:"
            + " use an external broker with accounts beyond a lab).")
    String bind;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s",
            description = "How long the workload runs: 60s, 2m or 90 (seconds) (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--planner", paramLabel = "NAME", defaultValue = "two-tier",
            description = "A preset or CORE+LIGHT (default: ${DEFAULT-VALUE}; see ./edgefm plugins).")
    String planner;

    @Option(names = "--broker", paramLabel = "URL", description = "Use an external broker (tcp://host:port) instead of the embedded one.")
    String broker;


    @Option(names = "--broker-accounts", paramLabel = "FILE",
            description = "With --broker, or with --agents 0 on the embedded broker: the broker accounts as USER:PASSWORD lines (edgefm-host for the host,"
                    + " each node id for its agent; on the embedded broker every line is an account), the clear-text"
                    + " source of Mosquitto's password_file.")
    Path brokerAccounts;

    @Option(names = "--out", paramLabel = "DIR", description = "The trial's run folder (summary.json, report/index.html,"
            + " host.log, agents/NODE.log); must not exist or be empty (default: trials/SCENARIO-yyyyMMdd-HHmmss in UTC,"
            + " under the current folder).")
    Path outDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON here (it is always in"
            + " the run folder as summary.json).")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Also write the HTML report (index.html) here (it is"
            + " always in the run folder's report/).")
    Path report;

    @Option(names = "--impair", paramLabel = "[NODE:]PROFILE[@START[-END]]", description = "Impair"
            + " the agents' data plane, e.g. delay=40ms,loss=1%%,rate=20mbit (in-process shaper in each agent); NODE:"
            + " impairs that node's agent alone (what it sends: a node behind a slow link, as orin-nx:delay=400ms);"
            + " @20s or @20s-40s limits it to that part of the workload's time; 'none' for no impairment (default:"
            + " the scenario's trial.impair, else none).")
    String impair;

    @Option(names = "--progress-interval", paramLabel = "D", defaultValue = "5s", description = "When the console is"
            + " not a terminal: time between two progress lines (default: ${DEFAULT-VALUE}).")
    String progressInterval;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "A model folder in the Hugging Face layout"
            + " (config.json, model.safetensors, tokenizer.json; vit, clip, bert, gpt2 or llama): the trial cuts it into services"
            + " and serves it with no manifest or scenario to write (see --cut). Any other folder: the .npy weight files"
            + " the scenario's kernels name, given to every agent as its model directory (default: the trial writes seeded"
            + " weights of each kernel's size into its work folder).")
    Path modelDir;

    @Option(names = "--cut", paramLabel = "N|FROM:TO,...", description = "With --model-dir and a model folder: the core"
            + " parts, as a count (blocks split evenly) or block ranges such as 0:6,6:12 (default: 2 parts).")
    String cut;

    @Option(names = "--labels", paramLabel = "LIST|FILE", description = "With --model-dir and a CLIP model: the zero-shot"
            + " labels, comma-separated (cat,dog,car) or a file of one a line; each goes into --label-prompt and through"
            + " the text tower (default: circle,square,stripe,gradient, what the generated images show).")
    String labels;

    @Option(names = "--label-prompt", paramLabel = "TEXT", description = "With --labels: the prompt, {} where the label"
            + " goes (default: 'a photo of a {}'; a label that already starts like it is used as it is).")
    String labelPrompt;

    @Option(names = "--images", paramLabel = "DIR", description = "Send these images (PNG, JPEG, BMP, GIF; in name order,"
            + " at most 256) to the vision models instead of generated ones.")
    Path images;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--fallback-planner", paramLabel = "NAME", defaultValue = PluginCallGuard.DEFAULT_FALLBACK,
            description = "Light controller that decides while the planner's controller has never produced a usable"
                    + " decision (default: ${DEFAULT-VALUE}; none: no fallback). The summary says how many slots ran on it.")
    String fallbackPlanner;

    @Option(names = "--warmup", paramLabel = "wait|separate", defaultValue = "wait", description = "wait: the workload"
            + " starts once the fleet is ready (agents born, core services placed, newest directives applied with their"
            + " instances loaded); separate: it starts once agents are up and the report separates the tasks before and"
            + " after the fleet was ready (default: ${DEFAULT-VALUE}).")
    String warmupMode;

    @Option(names = "--ready-timeout", paramLabel = "D", defaultValue = "120s", description = "With --warmup wait: the"
            + " longest wait for a ready fleet; then the workload starts and the results are separated (default:"
            + " ${DEFAULT-VALUE}).")
    String readyTimeout;

    @Option(names = "--shadow", paramLabel = "PLANNER", description = "Also run PLANNER (a preset or CORE+LIGHT) in shadow"
            + " mode on the live observations, never applied; the summary and report show where its decisions differ from"
            + " the live planner's, per window.")
    String shadow;

    @Option(names = "--no-parity", description = "Skip the replay of the trial's arrivals through the simulator"
            + " calibrated by this trial (the parity section of the summary and report); calibration.json is still written.")
    boolean noParity;

    @Option(names = "--new-tokens", paramLabel = "N", description = "Tokens each generation of a decoder model makes after its"
            + " prompt, 1 to 256 (default: 8); the whole model's reference makes as many before the agents start.")
    Integer newTokens;

    @Option(names = "--stop-at-eos", description = "End each generation at the model's end-of-sequence token (eos_token_id of"
            + " its config.json), across the agents and in the whole model's reference alike.")
    boolean stopAtEos;

    @Option(names = "--top-k", paramLabel = "K", description = "Each generation draws every token among the K most likely"
            + " ones (K >= 1; default 1: greedy), on the agent that holds the lm head, with a random number from the seed and"
            + " the token's position alone, so the whole model's reference draws the same tokens.")
    Integer topK;

    @Option(names = "--temperature", paramLabel = "T", description = "The temperature of --top-k's draw, > 0 (default: 1).")
    Double temperature;

    @Option(names = "--sample-seed", paramLabel = "S", description = "The seed of --top-k's draws (default: 0); the n-th"
            + " prompt's generations use it mixed with n.")
    Long sampleSeed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** How the trial starts an agent process: this launcher's main class and its {@code agent} command. */
    static final List<String> AGENT_MAIN = List.of(Main.class.getName(), "agent");

    @Override
    public Integer call() throws Exception {
        TrialOptions options = new TrialOptions(scenarioRef, agentsArg, existing, fleetName, waitFor, waitTimeout,
                brokerPort, hostConfig, bind, duration, planner, broker, brokerAccounts, outDir, json, report, impair,
                progressInterval, modelDir, pluginsDir, fallbackPlanner, warmupMode, readyTimeout, shadow, cut, noParity,
                labels, labelPrompt, images, newTokens, stopAtEos, topK, temperature, sampleSeed);
        TrialRunner runner = new TrialRunner(options, (file, console) -> CliLogging.capture(file, console)::close,
                AGENT_MAIN);
        try {
            return runner.run(spec.commandLine().getOut(), spec.commandLine().getErr());
        } catch (UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
