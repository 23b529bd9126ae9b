package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgefm.agent.telemetry.HostSampler;
import org.edgefm.api.EdgeFmException;
import org.edgefm.profiles.Detection;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.Measurements;
import org.edgefm.profiles.PerformanceCoefficients;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.profiles.ProfileDetector;
import org.edgefm.profiles.Validation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm profiles} lists the device catalog; {@code detect} names this machine's profile;
 * {@code validate} checks the performance model against published measurements; {@code fit} fits
 * its coefficients.
 */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "List the device-profile catalog (sources in device-profiles/src/main/resources/org/edgefm/profiles/catalog/).",
        subcommands = {ProfilesCommand.Detect.class, ProfilesCommand.Validate.class, ProfilesCommand.Fit.class, ProfilesCommand.Cost.class})
final class ProfilesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-22s %-10s %5s %-8s %7s %9s %8s %8s %9s %10s  %s%n", "PROFILE", "KIND", "CORES", "ARCH", "RAM GB",
                "GPU GB", "FP16 TF", "INT8 TO", "BW GB/s", "POWER W", "POWER MODES");
        for (DeviceProfile p : ProfileCatalog.builtIn().all()) {
            String gpuMem = p.gpu() == null ? "-" : fmt(p.gpu().memoryGb()) + (p.gpu().sharedMemory() ? "*" : "");
            String fp16 = p.gpu() == null ? "-" : fmt(p.gpu().fp16Tflops());
            String int8 = p.gpu() == null ? "-" : fmt(p.gpu().int8Tops());
            out.printf(Locale.ROOT, "%-22s %-10s %5d %-8s %7s %9s %8s %8s %9s %10s  %s%n", p.name(), p.kind(), p.cpu().cores(),
                    p.cpu().arch(), fmt(p.ramGb()), gpuMem, fp16, int8, fmt(p.memoryBandwidthGbPerS()),
                    fmt(p.power().minW()) + "-" + fmt(p.power().maxW()),
                    p.powerModes().isEmpty() ? "-" : String.join(" ", p.powerModes().stream()
                            .map(m -> m.name() + (m.assumed() ? "(a)" : "") + (m.uncapped() ? "(u)" : "")).toList()));
        }
        out.println("* GPU shares main memory. FP16 TF / INT8 TO: dense tensor peaks. A power mode is profile NAME@MODE"
                + " (e.g. jetson-orin-nano-8gb@MAXN_SUPER); (a): the mode's figures are an assumption, not a checked"
                + " public figure; (u): no power cap (nvpmodel's NONE power model), priced at the data sheet's top or the board's highest"
                + " capped budget. 'edgefm profiles detect': this machine.");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }

    /** {@code edgefm profiles detect}. */
    @Command(name = "detect", mixinStandardHelpOptions = true,
            description = "Print the profile matching this machine and why (/proc/device-tree/model, /etc/nv_tegra_release, "
                    + "nvpmodel -q, nvidia-smi name and memory.total, CPU and RAM via OSHI).")
    static final class Detect implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Detection d = new ProfileDetector(ProfileCatalog.builtIn()).detect(HostSampler.machineFacts());
            spec.commandLine().getOut().println(d.profile().qualifiedName());
            spec.commandLine().getOut().println("why: " + d.reason());
        }
    }

    /** {@code edgefm profiles validate}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Run the calibrated performance model over a table of published measurements and print, per row,"
                    + " the predicted and measured value and their ratio, then the median and worst |ln(predicted/measured)|"
                    + " of the train rows, the held-out test rows and all rows.",
                    "Goal: median <= ln 1.3 and no row off by more than 2x. Exit 0 when the check ran (1 with --check when"
                    + " the held-out rows miss the goal)."})
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--table", paramLabel = "FILE",
                description = "A measurement table (CSV with header, or JSON array of rows) in the format of the built-in "
                        + "device-profiles/src/main/resources/org/edgefm/profiles/measurements.csv; default: the built-in table.")
        Path table;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write every row's result and the summaries as JSON.")
        Path json;

        @Option(names = "--coefficients", paramLabel = "FILE",
                description = "Coefficients JSON (the format edgefm profiles fit prints); default: the built-in fitted ones.")
        Path coefficients;

        @Option(names = "--check", description = "Exit 1 when the test rows (all rows if there are none) miss the goal.")
        boolean check;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Measurements m = table == null ? Measurements.builtIn() : Measurements.read(table);
            PerformanceCoefficients c = coefficients == null ? PerformanceCoefficients.builtIn() : readCoefficients(coefficients);
            List<Validation.Result> all = Validation.run(m, m.rows(), c);
            out.printf(Locale.ROOT, "%-4s %-5s %-14s %-5s %5s %-34s %-12s %12s %12s %6s%n", "ID", "SPLIT", "MODEL", "PREC", "BATCH",
                    "DEVICE", "METRIC", "PREDICTED", "MEASURED", "RATIO");
            for (Validation.Result r : all) {
                Measurements.Row row = r.row();
                out.printf(Locale.ROOT, "%-4s %-5s %-14s %-5s %5s %-34s %-12s %12.4g %12.4g %6.2f%s%n", row.id(), row.split(),
                        row.model(), row.precision().name().toLowerCase(Locale.ROOT), row.batch() == 0 ? "max" : row.batch(),
                        row.qualifiedDevice(), row.metric(), r.predicted(), row.value(), r.ratio(),
                        Math.abs(r.logRatio()) > Validation.WORST_GOAL ? "  > 2x" : "");
            }
            List<Validation.Result> train = all.stream().filter(r -> r.row().split().equals("train")).toList();
            List<Validation.Result> test = all.stream().filter(r -> r.row().split().equals("test")).toList();
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            out.println();
            for (var e : List.of(java.util.Map.entry("train", train), java.util.Map.entry("test (held out)", test),
                    java.util.Map.entry("all", all))) {
                Validation.Summary s = Validation.summarize(e.getValue());
                if (s.rows() == 0) {
                    out.printf(Locale.ROOT, "%-16s no rows%n", e.getKey());
                    continue;
                }
                out.printf(Locale.ROOT, "%-16s %3d rows, %2d devices: median |ln ratio| %.3f (x%.2f), worst %.3f (x%.2f)  %s%n",
                        e.getKey(), s.rows(), s.devices(), s.medianAbsLog(), Math.exp(s.medianAbsLog()), s.worstAbsLog(),
                        Math.exp(s.worstAbsLog()), s.meetsGoal() ? "meets the goal (x1.30, x2)" : "MISSES the goal (x1.30, x2)");
                ObjectNode n = root.putObject(e.getKey().split(" ")[0]);
                n.put("rows", s.rows());
                n.put("devices", s.devices());
                n.put("medianAbsLogRatio", s.medianAbsLog());
                n.put("worstAbsLogRatio", s.worstAbsLog());
                n.put("meetsGoal", s.meetsGoal());
            }
            java.util.Map<String, List<Validation.Result>> byKind = new java.util.TreeMap<>();
            all.forEach(r -> byKind.computeIfAbsent(m.workload(r.row()).kind(), k -> new java.util.ArrayList<>()).add(r));
            ObjectNode kinds = root.putObject("byKind");
            for (var e : byKind.entrySet()) {
                Validation.Summary s = Validation.summarize(e.getValue());
                out.printf(Locale.ROOT, "  %-14s %3d rows, %2d devices: median |ln ratio| %.3f (x%.2f), worst %.3f (x%.2f)%n",
                        e.getKey(), s.rows(), s.devices(), s.medianAbsLog(), Math.exp(s.medianAbsLog()), s.worstAbsLog(),
                        Math.exp(s.worstAbsLog()));
                ObjectNode n = kinds.putObject(e.getKey());
                n.put("rows", s.rows());
                n.put("medianAbsLogRatio", s.medianAbsLog());
                n.put("worstAbsLogRatio", s.worstAbsLog());
            }
            if (json != null) {
                ArrayNode rows = root.putArray("rows");
                for (Validation.Result r : all) {
                    ObjectNode n = rows.addObject();
                    Measurements.Row row = r.row();
                    n.put("id", row.id());
                    n.put("split", row.split());
                    n.put("model", row.model());
                    n.put("precision", row.precision().name().toLowerCase(Locale.ROOT));
                    n.put("batch", row.batch() == 0 ? "max" : String.valueOf(row.batch()));
                    n.put("device", row.qualifiedDevice());
                    n.put("metric", row.metric());
                    n.put("predicted", r.predicted());
                    n.put("measured", row.value());
                    n.put("ratio", r.ratio());
                    n.put("launch", row.hostLaunch() ? "stream" : "graph");
                    n.put("source", row.source());
                }
                root.set("coefficients", mapper.readTree(c.toJson()));
                Files.writeString(json, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                out.println("wrote " + json);
            }
            if (check) {
                Validation.Summary s = Validation.summarize(test.isEmpty() ? all : test);
                return s.meetsGoal() ? 0 : 1;
            }
            return 0;
        }
    }

    /** {@code edgefm profiles fit}. */
    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = "Fit the performance model's coefficients on the train rows of a measurement table and print them"
                    + " as JSON (the format of device-profiles/src/main/resources/org/edgefm/profiles/performance-model.json).")
    static final class Fit implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--table", paramLabel = "FILE", description = "A measurement table; default: the built-in one.")
        Path table;

        @Override
        public Integer call() {
            Measurements m = table == null ? Measurements.builtIn() : Measurements.read(table);
            List<Measurements.Row> train = m.rows("train");
            if (train.isEmpty()) {
                throw new EdgeFmException("the table has no train rows (split = train)");
            }
            PerformanceCoefficients c = Validation.fit(m, train, PerformanceCoefficients.builtIn());
            spec.commandLine().getOut().println(c.toJson());
            return 0;
        }
    }

    /** {@code edgefm profiles cost}. */
    @Command(name = "cost", mixinStandardHelpOptions = true,
            description = "Print the time the simulator gives one request of each service with a kernel spec on each node with a"
                    + " profile (sim.compute-model of the scenario, default profiles: the calibrated performance model),"
                    + " next to the scenario's own time a/(f x speedFactor).")
    static final class Cost implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--scenario", required = true, paramLabel = "FILE|NAME", description = "A scenario file or built-in name.")
        String scenario;

        @Override
        public Integer call() {
            org.edgefm.scenario.Scenario sc = org.edgefm.scenario.ScenarioLoader.resolve(scenario);
            org.edgefm.sim.SimSettings.Compute c = org.edgefm.sim.SimSettings.from(
                    sc.planner() == null ? java.util.Map.of() : sc.planner()).compute();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%-16s %-34s %-20s %12s %14s%n", "NODE", "PROFILE", "SERVICE", "MODEL MS", "SCENARIO MS");
            int rows = 0;
            for (org.edgefm.api.model.NodeSpec n : sc.topology().nodes()) {
                if (n.profile() == null) {
                    continue;
                }
                for (org.edgefm.api.model.ServiceSpec s : sc.services()) {
                    if (s.kernel() == null) {
                        continue;
                    }
                    double f = org.edgefm.sim.ComputeRates.factor(n, s, c);
                    double model = s.workloadMb() / (s.rate().mean() * f);
                    double own = s.workloadMb() / (s.rate().mean() * n.speedFactor());
                    out.printf(Locale.ROOT, "%-16s %-34s %-20s %12.2f %14.2f%n", n.id(), n.profile(), s.id(), model, own);
                    rows++;
                }
            }
            if (rows == 0) {
                out.println("(no node with a profile hosts a service with a kernel spec: the simulator uses the speed factors)");
            }
            out.println("compute model: " + c.model().name().toLowerCase(Locale.ROOT) + (c.fp16() ? ", fp16" : ", fp32")
                    + " unless a kernel's bits dim says otherwise");
            return 0;
        }
    }

    static PerformanceCoefficients readCoefficients(Path file) {
        try {
            return new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(file.toFile(), PerformanceCoefficients.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new EdgeFmException(file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
