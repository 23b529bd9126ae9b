package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.cli.bench.VirtualFleet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm bench virtual-agents} (hidden): the agent side of {@code bench load}, in a process of
 * its own so that the host's CPU figure is the host's alone. It connects one virtual agent per
 * scenario node, prints {@code READY}, runs until a {@code stop} line (or end of input) on standard
 * input, stops the agents cleanly and writes what they sent and received as JSON.
 */
@Command(name = "virtual-agents", hidden = true, mixinStandardHelpOptions = true,
        description = "Run virtual agents until 'stop' on standard input (used by 'bench load').")
final class VirtualAgentsCommand implements Callable<Integer> {
    /** The line printed once every agent is connected. */
    static final String READY = "READY";

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
        PrintWriter out = spec.commandLine().getOut();
        URI uri = URI.create(broker);
        if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--broker: '" + broker
                    + "' (expected: tcp://host:port)");
        }
        org.edgefm.scenario.Scenario fleetModel = cells ? org.edgefm.scenario.ScenarioCells.expand(
                ScenarioLoader.resolve(scenario), agents, org.edgefm.scenario.ScenarioCells.Backbone.metro())
                : ScenarioLoader.resolve(scenario);
        List<NodeSpec> all = fleetModel.topology().nodes();
        if (agents < 1 || agents > all.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--agents: " + agents + " (expected: 1-"
                    + all.size() + ")");
        }
        long t0 = System.nanoTime();
        try (VirtualFleet fleetOfAgents = new VirtualFleet(new VirtualFleet.Settings(uri.getHost(), uri.getPort(), fleet,
                all.subList(0, agents), telemetryPeriodMs, sessionEpoch, 64, eventLoops, fleetModel.topology().links()))) {
            fleetOfAgents.start(120_000 + 100L * agents);
            out.printf(Locale.ROOT, "%s %d agents connected in %.1f s%n", READY, agents, (System.nanoTime() - t0) / 1e9);
            out.flush();
            long cpu0 = cpuNanos();
            long wall0 = System.nanoTime();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.strip().equals("stop"); line = in.readLine()) {
                // wait for "stop"
            }
            double cores = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
            fleetOfAgents.stop(30_000);
            VirtualFleet.Totals t = fleetOfAgents.totals();
            Files.writeString(summary, new ObjectMapper().writeValueAsString(new Summary(t, cores,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /**
     * What the agents' process writes.
     *
     * @param totals    what the agents sent and received
     * @param cpuCores  this process's CPU time over the run divided by wall time
     * @param heapBytes heap in use at the end
     */
    record Summary(VirtualFleet.Totals totals, double cpuCores, long heapBytes) {
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
