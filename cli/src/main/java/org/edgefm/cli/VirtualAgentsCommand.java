package org.edgefm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefm.trial.bench.VirtualAgentsOptions;
import org.edgefm.trial.bench.VirtualAgentsRunner;
import org.edgefm.trial.run.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm bench virtual-agents} (hidden): the agent side of {@code bench load}
 * ({@link VirtualAgentsRunner}), reading {@code stop} from standard input.
 */
@Command(name = "virtual-agents", hidden = true, mixinStandardHelpOptions = true,
        description = "Run virtual agents until 'stop' on standard input (used by 'bench load').")
final class VirtualAgentsCommand implements Callable<Integer> {
    @Option(names = "--broker", paramLabel = "URL", required = true, description = "tcp://host:port")
    String broker;

    @Option(names = "--fleet", paramLabel = "NAME", required = true)
    String fleet;

    @Option(names = "--scenario", paramLabel = "FILE", required = true, description = "Agent i runs as node i.")
    String scenario;

    @Option(names = "--cells", description = "The scenario is one cell: repeat it to --agents nodes, the cells linked by"
            + " a backbone tree (ScenarioCells.Backbone.metro), in this process (no scaled scenario file).")
    boolean cells;

    @Option(names = "--agents", paramLabel = "N", required = true)
    int agents;

    @Option(names = "--telemetry-period-ms", paramLabel = "MS", defaultValue = "1000")
    long telemetryPeriodMs;

    @Option(names = "--session-epoch", paramLabel = "N", defaultValue = "1")
    long sessionEpoch;

    @Option(names = "--event-loops", paramLabel = "N", defaultValue = "2")
    int eventLoops;

    @Option(names = "--summary", paramLabel = "FILE", required = true)
    Path summary;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VirtualAgentsOptions options = new VirtualAgentsOptions(broker, fleet, scenario, cells, agents, telemetryPeriodMs,
                sessionEpoch, eventLoops, summary);
        try {
            return new VirtualAgentsRunner(options).run(spec.commandLine().getOut(),
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        } catch (UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
