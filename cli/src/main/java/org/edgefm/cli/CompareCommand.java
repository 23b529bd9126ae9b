package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edgefm.control.PluginCallGuard;
import org.edgefm.control.PluginFallback;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.CompareSuite;
import org.edgefm.sim.SimulationRun;
import org.edgefm.trial.compare.CompareReport;
import org.edgefm.trial.compare.Comparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm compare}: two or more planners on the same cases (scenario and load), the same seeds,
 * the same time budgets and the same fallback, side by side ({@link Comparison}), with a documented
 * suite of cases ({@link CompareSuite}) and an HTML report ({@link CompareReport}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare planners side by side in simulation: the same scenarios, loads, seeds, budgets and"
                + " fallback for every planner; on-time, cost, latency, plugin failures and decision time, with"
                + " each planner's paired difference from the first.")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--planners", split = ",", paramLabel = "a,b[,c...]", required = true,
            description = "Two or more planners: presets or CORE+LIGHT (see ./edgefm plugins); the first is the reference"
                    + " of the paired differences.")
    List<String> planners;

    @Option(names = "--scenario", split = ",", paramLabel = "NAME|FILE",
            description = "Scenarios (files or built-in names), each run at every --load.")
    List<String> scenarios;

    @Option(names = "--suite", paramLabel = "NAME", description = "A documented suite instead of --scenario: standard"
            + " (paper-table1 at loads 0.5, 1, 2, 3; paper-table1-contended; jetson-lab; jetson-lab with a node failure;"
            + " jetson-lab with impaired links; genai-edge; lymdo-video) or quick (the same cases, at most "
            + CompareSuite.QUICK_SLOTS + " slots each, paper-table1 at loads 1 and 3).")
    String suite;

    @Option(names = "--load", split = ",", paramLabel = "L", defaultValue = "1",
            description = "Load factors for --scenario (default: ${DEFAULT-VALUE}).")
    List<Double> loads;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per case (default: 5; 2 with --suite quick).")
    Integer seeds;

    @Option(names = "--seed-offset", paramLabel = "N", defaultValue = "0",
            description = "Run seeds run.seed+N ... (default: ${DEFAULT-VALUE}).")
    long seedOffset;

    @Option(names = "--slots", paramLabel = "N", description = "Override every scenario's number of slots.")
    Integer slots;

    @Option(names = "--threads", paramLabel = "N", description = "Runs in parallel (default: the number of processors).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-",
            description = "Write the results as JSON to FILE, or alone: print JSON instead of the tables.")
    String json;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the report to DIR: index.html (a table and charts per case), the charts as SVG and CSV"
                    + " under figures/, and compare.json.")
    Path outDir;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @Option(names = "--fallback-planner", paramLabel = "NAME", defaultValue = PluginCallGuard.DEFAULT_FALLBACK,
            description = "Light controller that decides while a planner's controller has never decided usably within"
                    + " budget, the same for every planner (default: ${DEFAULT-VALUE}; none: no fallback).")
    String fallbackPlanner;

    @Option(names = "--no-budget", description = "Measure plugin calls without cutting them, for every planner (profiling).")
    boolean noBudget;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = planners.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.size() < 2 || new LinkedHashSet<>(names).size() != names.size()) {
            throw usage("--planners: '" + String.join(",", planners) + "' (expected: two or more different planners)");
        }
        int nSeeds = seeds != null ? seeds : "quick".equals(suite) ? 2 : 5;
        if (nSeeds < 1) {
            throw usage("--seeds: " + nSeeds + " (expected: >= 1)");
        }
        for (double l : loads) {
            if (!(l > 0)) {
                throw usage("--load: " + l + " (expected: > 0)");
            }
        }
        List<CompareSuite.Case> cases = cases();
        PluginRegistry registry = PluginsCli.registry(pluginsDir);
        Map<String, ResolvedPlanner> resolved = new LinkedHashMap<>();
        for (String p : names) {
            resolved.put(p, registry.resolve(p)); // an unknown planner fails here, before any run
        }
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        Comparison comparison = new Comparison(resolved, new Comparison.Settings(nSeeds, seedOffset, nThreads,
                new SimulationRun.Options(!noBudget, PluginFallback.resolve(registry, fallbackPlanner)), fallbackPlanner));
        boolean tables = !"-".equals(json);
        List<Comparison.Result> results = comparison.run(cases, r -> {
            if (tables) {
                comparison.print(out, r);
                out.flush();
            }
        });
        Map<String, Object> doc = comparison.toJson(results);
        if (!tables) {
            out.println(mapper().writeValueAsString(doc));
        } else {
            out.println();
            comparison.legend().forEach(out::println);
        }
        if (json != null && tables) {
            Path file = Path.of(json);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            mapper().writeValue(file.toFile(), doc);
            out.println("wrote " + file);
        }
        if (outDir != null) {
            Path index = CompareReport.write(outDir, comparison, results, "EdgeFM compare: " + String.join(" vs ", names));
            mapper().writeValue(outDir.resolve("compare.json").toFile(), doc);
            (tables ? out : err).println("wrote " + index);
        }
        if (results.stream().anyMatch(r -> !r.sameArrivals())) {
            err.println("compare: warning: the task arrivals differed between planners in some case (see above)");
        }
        return 0;
    }

    private List<CompareSuite.Case> cases() {
        if (suite != null && scenarios != null) {
            throw usage("--suite and --scenario: give one of them");
        }
        if (suite != null) {
            if (!CompareSuite.NAMES.contains(suite)) {
                throw usage("--suite: '" + suite + "' (expected: " + String.join(" or ", CompareSuite.NAMES) + ")");
            }
            return CompareSuite.cases(suite, slots);
        }
        if (scenarios == null || scenarios.isEmpty()) {
            throw usage("give --scenario NAME|FILE or --suite standard");
        }
        return scenarios.stream().map(s -> {
            var sc = ScenarioLoader.resolve(s.trim());
            return new CompareSuite.Case(slots == null ? sc : org.edgefm.trial.run.SimulateRunner.withSlots(sc, slots), loads, sc.description());
        }).toList();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
