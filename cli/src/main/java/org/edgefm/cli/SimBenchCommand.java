package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.sim.SimBenchmark;
import org.edgefm.trial.run.SimulateRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm bench sim}: the simulator's speed. Without {@code --planner} it times the event loop
 * alone (a fixed reference deployment, one snapshot per slot, as the control loop takes); with
 * {@code --planner} the same trials {@code simulate} runs, and how much of their time the planner took.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulator benchmark: events per second and wall time of N seeds x S slots, with the event loop"
                + " alone (a fixed deployment) or with a planner in the loop (--planner).")
final class SimBenchCommand implements Callable<Integer> {
    @Option(names = "--scenario", paramLabel = "NAME|FILE", defaultValue = "paper-table1",
            description = "A scenario file or built-in name (default: ${DEFAULT-VALUE}).")
    String scenarioRef;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "20", description = "Trials (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "2000",
            description = "Slots per trial (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--threads", paramLabel = "N",
            description = "Trials run in parallel (default: the number of processors).")
    Integer threads;

    @Option(names = "--load", paramLabel = "L", defaultValue = "1", description = "Factor on every arrival rate (default: ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--planner", paramLabel = "NAME",
            description = "Run this planner in the loop (as simulate does) instead of the fixed reference deployment.")
    String planner;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds: " + seeds + " (expected: >= 1)");
        }
        if (slots < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--slots: " + slots + " (expected: >= 1)");
        }
        if (!(load > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--load: " + load + " (expected: > 0)");
        }
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads: " + nThreads + " (expected: >= 1)");
        }
        Scenario scenario = SimulateRunner.withSlots(ScenarioLoader.resolve(scenarioRef), slots);
        String mode = planner == null ? "event loop alone (fixed reference deployment)" : "planner " + planner + " in the loop";
        out.printf(Locale.ROOT, "bench sim %s, load %s: %d seeds x %d slots of %.0f ms on %d thread(s), %s%n",
                scenario.name(), SimulateRunner.fmt(load), seeds, slots, scenario.run().slotMs(), nThreads, mode);
        out.flush();
        SimBenchmark.Result r;
        if (planner == null) {
            r = SimBenchmark.engine(scenario, load, seeds, slots, nThreads);
        } else {
            ResolvedPlanner p = PluginsCli.registry(pluginsDir).resolve(planner.trim());
            r = SimBenchmark.withPlanner(scenario, p, scenario.plannerConfig(), load, seeds, nThreads);
        }
        out.printf(Locale.ROOT, "tasks %,d, events %,d, wall %.2f s, %.2f M events/s (%.2f M per thread)%n",
                r.tasks(), r.events(), r.wallS(), r.eventsPerSecond() / 1e6, r.eventsPerSecond() / 1e6 / nThreads);
        if (planner != null) {
            out.printf(Locale.ROOT, "planner calls %.2f s of %.2f s thread time (%.0f%%), %.3f ms per slot%n", r.plannerS(),
                    r.wallS() * nThreads, 100 * r.plannerS() / (r.wallS() * nThreads), 1e3 * r.plannerS() / ((double) seeds * slots));
        }
        out.printf(Locale.ROOT, "mean on-time rate %.2f%%%n", 100 * r.meanOnTime());
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", scenario.name());
            m.put("load", load);
            m.put("planner", planner);
            m.put("seeds", seeds);
            m.put("slots", slots);
            m.put("threads", nThreads);
            m.put("tasks", r.tasks());
            m.put("events", r.events());
            m.put("wallS", r.wallS());
            m.put("eventsPerSecond", r.eventsPerSecond());
            m.put("plannerS", r.plannerS());
            m.put("onTimeRate", r.meanOnTime());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), m);
            out.println("wrote " + json);
        }
        return 0;
    }
}
