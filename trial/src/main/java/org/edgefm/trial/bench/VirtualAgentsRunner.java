package org.edgefm.trial.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioCells;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.trial.run.UsageException;

/**
 * {@code edgefm bench virtual-agents}: the agent side of {@code bench load}, in a process of its own
 * so that the host's CPU figure is the host's alone. It connects one virtual agent per scenario node,
 * prints {@link #READY}, runs until a {@code stop} line (or end of input), stops the agents cleanly
 * and writes what they sent and received as JSON ({@link Summary}).
 */
public final class VirtualAgentsRunner {
    /** The line printed once every agent is connected. */
    public static final String READY = "READY";

    private final VirtualAgentsOptions o;

    /**
     * A runner for these options.
     *
     * @param options what was asked for
     */
    public VirtualAgentsRunner(VirtualAgentsOptions options) {
        this.o = options;
    }

    /**
     * What the agents' process writes.
     *
     * @param totals    what the agents sent and received
     * @param cpuCores  this process's CPU time over the run divided by wall time
     * @param heapBytes heap in use at the end
     */
    public record Summary(VirtualFleet.Totals totals, double cpuCores, long heapBytes) {
    }

    /**
     * Runs the agents until {@code stop} on {@code in}.
     *
     * @param out where {@link #READY} goes
     * @param in  the controlling process's lines
     * @return the exit code
     * @throws UsageException for a bad broker URL or agent count
     * @throws IOException    when the summary cannot be written
     */
    public int run(PrintWriter out, BufferedReader in) throws IOException {
        URI uri = URI.create(o.broker());
        if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new UsageException("--broker: '" + o.broker() + "' (expected: tcp://host:port)");
        }
        Scenario fleetModel = o.cells()
                ? ScenarioCells.expand(ScenarioLoader.resolve(o.scenario()), o.agents(), ScenarioCells.Backbone.metro())
                : ScenarioLoader.resolve(o.scenario());
        List<NodeSpec> all = fleetModel.topology().nodes();
        if (o.agents() < 1 || o.agents() > all.size()) {
            throw new UsageException("--agents: " + o.agents() + " (expected: 1-" + all.size() + ")");
        }
        long t0 = System.nanoTime();
        try (VirtualFleet fleetOfAgents = new VirtualFleet(new VirtualFleet.Settings(uri.getHost(), uri.getPort(), o.fleet(),
                all.subList(0, o.agents()), o.telemetryPeriodMs(), o.sessionEpoch(), 64, o.eventLoops(),
                fleetModel.topology().links()))) {
            fleetOfAgents.start(120_000 + 100L * o.agents());
            out.printf(Locale.ROOT, "%s %d agents connected in %.1f s%n", READY, o.agents(), (System.nanoTime() - t0) / 1e9);
            out.flush();
            long cpu0 = cpuNanos();
            long wall0 = System.nanoTime();
            for (String line = in.readLine(); line != null && !line.strip().equals("stop"); line = in.readLine()) {
                // wait for "stop"
            }
            double cores = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
            fleetOfAgents.stop(30_000);
            Files.writeString(o.summary(), new ObjectMapper().writeValueAsString(new Summary(fleetOfAgents.totals(), cores,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** This process's CPU time so far, in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
