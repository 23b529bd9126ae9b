package org.edgefm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefm.trial.bench.LoadBenchOptions;
import org.edgefm.trial.bench.LoadBenchRunner;
import org.edgefm.trial.run.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm bench load}: the flags of {@link LoadBenchRunner} (N virtual agents against one planner
 * host), which starts {@code bench virtual-agents} ({@link VirtualAgentsCommand}) as its child process.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load benchmark: N virtual agents (births, telemetry, acks over MQTT) against one planner host;"
                + " reports messages lost, directives, decision lag, host CPU and heap, broker throughput.")
final class LoadBenchCommand implements Callable<Integer> {
    @Option(names = "--agents", paramLabel = "N", defaultValue = "1000",
            description = "Virtual agents, one per node of the scaled scenario (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "10m",
            description = "Measured run after every agent is connected: 60s, 10m or 90 (seconds) (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--scenario", paramLabel = "NAME|FILE", defaultValue = TrialCommand.DEFAULT_SCENARIO,
            description = "The cell repeated to N nodes (default: ${DEFAULT-VALUE}).")
    String scenarioRef;

    @Option(names = "--planner", paramLabel = "NAME", defaultValue = LoadBenchRunner.DEFAULT_PLANNER,
            description = "A preset or CORE+LIGHT (default: ${DEFAULT-VALUE}).")
    String planner;

    @Option(names = "--broker", paramLabel = "URL",
            description = "Use an external broker (tcp://host:port, anonymous) instead of the embedded one.")
    String broker;

    @Option(names = "--telemetry-period", paramLabel = "D", defaultValue = "1s",
            description = "Telemetry period of every agent: 1s, 500ms (default: ${DEFAULT-VALUE}).")
    String telemetryPeriod;

    @Option(names = "--planning-epoch", paramLabel = "D", defaultValue = "5m",
            description = "Core re-placement period (the host's planningEpochMs), so core services are placed once the"
                    + " agents are online (default: ${DEFAULT-VALUE}; 0 = only at start and on node loss).")
    String planningEpoch;

    @Option(names = "--core-budget", paramLabel = "D", defaultValue = "60s", description = "Time budget of one core"
            + " placement (the host's coreBudgetMs; default: ${DEFAULT-VALUE}: placing a connected fleet of 1,000 nodes"
            + " takes the built-in planners tens of seconds).")
    String coreBudget;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--agents-nice", paramLabel = "N", defaultValue = "" + LoadBenchRunner.DEFAULT_AGENTS_NICE,
            description = "Niceness (0-19) of the virtual agents' process: above 0 they yield the CPU to the host under test"
                    + " (they stand for devices on other machines), at the price of later acknowledgements (default:"
                    + " ${DEFAULT-VALUE}, the host's priority).")
    int agentsNice;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadBenchOptions options = new LoadBenchOptions(agents, duration, scenarioRef, planner, broker, telemetryPeriod,
                planningEpoch, coreBudget, json, pluginsDir, agentsNice, Main.class.getName());
        try {
            return new LoadBenchRunner(options).run(spec.commandLine().getOut(), spec.commandLine().getErr());
        } catch (UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
