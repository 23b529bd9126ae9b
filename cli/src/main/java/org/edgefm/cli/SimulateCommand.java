package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefm.api.ConfigException;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.scenario.RunSettings;
import org.edgefm.api.scenario.Scenario;
import org.edgefm.api.scenario.ScenarioLoader;
import org.edgefm.host.PluginRegistry;
import org.edgefm.host.ResolvedPlanner;
import org.edgefm.host.sim.SimulationRun;
import org.edgefm.host.sim.ZeroContentionBound;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm simulate}: runs planners on a scenario in virtual time, through the same control
 * loop and plugins as a field trial, over seeds and load levels, and compares them.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run planners on a scenario in virtual time (simulated fleet) and compare on-time completion,"
                + " cost and latency over seeds and load levels.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE", description = "A scenario file or built-in name.")
    String scenarioRef;

    @Option(names = "--planners", split = ",", paramLabel = "a,b,c", defaultValue = "two-tier",
            description = "Planners: presets, light controllers or CORE+LIGHT (default: ${DEFAULT-VALUE}; see ./edgefm plugins).")
    List<String> planners;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "5", description = "Seeds per planner and load (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--load", split = ",", paramLabel = "L", defaultValue = "1",
            description = "Load factors on every arrival rate, e.g. 0.5,1,1.5,2,3 (default: ${DEFAULT-VALUE}).")
    List<Double> loads;

    @Option(names = "--slots", paramLabel = "N", description = "Override the scenario's number of slots.")
    Integer slots;

    @Option(names = "--threads", paramLabel = "N", description = "Trials run in parallel (default: the number of processors).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report with plots (index.html).")
    Path report;

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins",
            description = "Folder of plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The trials of one (planner, load). */
    record Cell(String planner, double load, List<SimulationRun.Outcome> runs) {
        double[] onTime() {
            return runs.stream().mapToDouble(r -> r.stats().onTimeRate()).toArray();
        }

        /** Per seed: seed paper 2's total cost when the scenario has switchable models, else C^cr + C^lt. */
        double[] cost() {
            return runs.stream().mapToDouble(r -> r.stats().genai() != null ? r.stats().genai().cost()
                    : r.stats().totalCost()).toArray();
        }

        /** Per seed: the mean end-to-end delay of completed tasks (seed paper 3's metric). */
        double[] delay() {
            return runs.stream().mapToDouble(r -> r.stats().meanLatencyMs()).toArray();
        }

        boolean genai() {
            return !runs.isEmpty() && runs.get(0).stats().genai() != null;
        }

        boolean partition() {
            return !runs.isEmpty() && runs.get(0).stats().partition() != null;
        }

        double meanQuantile(double q) {
            return runs.stream().mapToDouble(r -> r.stats().latencyQuantileMs(q)).filter(d -> !Double.isNaN(d))
                    .average().orElse(Double.NaN);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds: " + seeds + " (expected: >= 1)");
        }
        for (double l : loads) {
            if (!(l > 0)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--load: " + l + " (expected: > 0)");
            }
        }
        Scenario base = ScenarioLoader.resolve(scenarioRef);
        Scenario scenario = slots == null ? base : withSlots(base, slots);
        PluginRegistry registry = PluginRegistry.load(SimulateCommand.class.getClassLoader(), pluginsDir);
        Map<String, ResolvedPlanner> resolved = new LinkedHashMap<>();
        for (String p : planners) {
            resolved.put(p, registry.resolve(p.trim()));
        }
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        int total = resolved.size() * loads.size() * seeds;
        out.printf(Locale.ROOT, "simulate %s: %d planner(s) x %d load level(s) x %d seed(s), %d slots of %.0f ms, %d thread(s)%n",
                scenario.name(), resolved.size(), loads.size(), seeds, scenario.run().slots(), scenario.run().slotMs(), nThreads);
        out.flush();

        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        AtomicInteger done = new AtomicInteger();
        Map<String, List<Future<SimulationRun.Outcome>>> futures = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try {
            for (double load : loads) {
                for (Map.Entry<String, ResolvedPlanner> p : resolved.entrySet()) {
                    List<Future<SimulationRun.Outcome>> list = new ArrayList<>();
                    for (int s = 0; s < seeds; s++) {
                        long seed = scenario.run().seed() + s;
                        list.add(pool.submit(() -> {
                            SimulationRun.Outcome o = SimulationRun.run(scenario, p.getValue(), scenario.plannerConfig(),
                                    seed, load, null);
                            progress(err, done.incrementAndGet(), total, t0);
                            return o;
                        }));
                    }
                    futures.put(key(p.getKey(), load), list);
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (double load : loads) {
                for (String p : resolved.keySet()) {
                    List<SimulationRun.Outcome> runs = new ArrayList<>();
                    for (Future<SimulationRun.Outcome> f : futures.get(key(p, load))) {
                        runs.add(unwrap(f));
                    }
                    cells.add(new Cell(p, load, runs));
                }
            }
            err.println();
            ZeroContentionBound.Estimate bound = ZeroContentionBound.estimate(scenario.model(), 200_000, scenario.run().seed());
            printTables(out, scenario, cells);
            out.printf(Locale.ROOT, "upper bound on on-time completion (each task alone on its best nodes, any load): "
                    + "%.2f%% (± %.2f%%, %d sampled tasks)%n", 100 * bound.onTimeRate(), 196 * bound.stdError(), bound.samples());
            out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (json != null) {
                writeJson(scenario, cells);
                out.println("wrote " + json);
            }
            if (report != null) {
                Path index = SimReport.write(report, scenario, cells, loads, List.copyOf(resolved.keySet()), bound);
                out.println("wrote " + index);
            }
            return 0;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String key(String planner, double load) {
        return planner + "@" + load;
    }

    private static SimulationRun.Outcome unwrap(Future<SimulationRun.Outcome> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EdgeFmException x) {
                throw x;
            }
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    private static synchronized void progress(PrintWriter err, int done, int total, long t0) {
        int width = 30;
        int filled = (int) Math.round(width * (double) done / total);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        err.printf(Locale.ROOT, "\r[%s%s] %d/%d trials, %.0f s elapsed, ~%.0f s left ", "#".repeat(filled),
                "-".repeat(width - filled), done, total, elapsed, eta);
        err.flush();
    }

    private static Scenario withSlots(Scenario s, int slots) {
        if (slots < 1) {
            throw new ConfigException("--slots: " + slots + " (expected: >= 1)");
        }
        RunSettings r = s.run();
        return new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(), s.users(),
                s.workload(), new RunSettings(r.slotMs(), slots, r.planningEpochMs(), r.seed()), s.failures(), s.planner());
    }

    /** Mean and half-width of the 95% confidence interval (Student t). */
    static double[] meanCi95(double[] x) {
        double[] v = Arrays.stream(x).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        if (v.length == 1) {
            return new double[] {mean, 0};
        }
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        double sd = Math.sqrt(ss / (v.length - 1));
        return new double[] {mean, tQuantile975(v.length - 1) * sd / Math.sqrt(v.length)};
    }

    private static double tQuantile975(int df) {
        double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
                2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
                2.045, 2.042};
        return df <= t.length ? t[df - 1] : 1.96;
    }

    private void printTables(PrintWriter out, Scenario scenario, List<Cell> cells) {
        double currentLoad = Double.NaN;
        for (Cell c : cells) {
            if (c.load() != currentLoad) {
                currentLoad = c.load();
                out.println();
                out.printf(Locale.ROOT, "%s, load %s (%d seeds)%n", scenario.name(), fmt(c.load()), c.runs().size());
                out.printf(Locale.ROOT, "%-22s %-20s %12s %10s %10s %9s %8s%n", "PLANNER", "ON-TIME (95% CI)", "COST",
                        "P50 MS", "P95 MS", "FAILURES", "REFUSED");
            }
            double[] ot = meanCi95(c.onTime());
            double cost = Arrays.stream(c.cost()).average().orElse(Double.NaN);
            int failures = c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum();
            long refused = c.runs().stream().mapToLong(r -> r.stats().refusedDirectives()).sum();
            out.printf(Locale.ROOT, "%-22s %6.2f%% ± %5.2f%%     %12.1f %10.2f %10.2f %9d %8d%n", c.planner(), 100 * ot[0],
                    100 * ot[1], cost, c.meanQuantile(0.5), c.meanQuantile(0.95), failures, refused);
        }
        printPaperTables(out, cells);
        out.println();
        out.println("on-time: share of tasks finished within their deadline (mean over seeds); cost: C^cr + C^lt"
                + " (eqs. 6-7); p50/p95: mean over seeds of each run's end-to-end latency quantiles;"
                + " failures: plugin calls that threw, overran or returned no plan; refused: directives the simulated"
                + " nodes refused because they exceed the node's capacity (eq. 8).");
    }

    /** The seed papers' own metrics (paper 2: cost and its parts; paper 3: delay and energy budget). */
    private static void printPaperTables(PrintWriter out, List<Cell> cells) {
        if (cells.stream().anyMatch(Cell::genai)) {
            out.println();
            out.printf(Locale.ROOT, "%-22s %6s %22s %12s %12s %10s %10s %9s %9s%n", "PLANNER (paper 2)", "LOAD",
                    "COST (95% CI)", "DELAY COST", "RESOURCE", "CLOUD REQ", "SWITCHES", "DELAY S", "E>BUDGET");
            for (Cell c : cells) {
                if (!c.genai()) {
                    continue;
                }
                double[] cost = meanCi95(c.cost());
                out.printf(Locale.ROOT, "%-22s %6s %12.1f ± %7.1f %12.1f %12.1f %10.0f %10.1f %9.2f %9.1f%n", c.planner(),
                        fmt(c.load()), cost[0], cost[1], genaiMean(c, g -> g.delayCost()), genaiMean(c, g -> g.resourceCost()),
                        genaiMean(c, g -> g.cloudRequests()), genaiMean(c, g -> g.switches()),
                        genaiMean(c, g -> g.meanDelayMs()) / 1000, genaiMean(c, g -> g.slotsOverEnergyBudget()));
            }
            out.println("paper 2 (sim.genai.*): cost = w_d x sum of request delays + storage and GPU-memory cost of resident"
                    + " models + cloud price x cloud requests; delay s: mean request delay; switches and E>budget"
                    + " (slots whose edge energy exceeded power x slot): means over seeds.");
        }
        if (cells.stream().anyMatch(Cell::partition)) {
            out.println();
            out.printf(Locale.ROOT, "%-22s %6s %22s %12s %14s %12s%n", "PLANNER (paper 3)", "LOAD", "DELAY MS (95% CI)",
                    "BUDGET W", "WORST AVG W", "SATISFIED");
            for (Cell c : cells) {
                if (!c.partition()) {
                    continue;
                }
                double[] d = meanCi95(c.delay());
                long ok = c.runs().stream().filter(r -> r.stats().partition().satisfied()).count();
                out.printf(Locale.ROOT, "%-22s %6s %12.2f ± %7.2f %12.3f %14.3f %9d/%d%n", c.planner(), fmt(c.load()), d[0],
                        d[1], partitionMean(c, p -> p.budgetW()), partitionMean(c, p -> p.timeAverageW()), ok,
                        c.runs().size());
            }
            out.println("paper 3 (sim.partition = serial): delay: mean end-to-end delay of completed tasks; worst avg:"
                    + " time-average power of the user furthest over its budget (mean over seeds); satisfied: seeds in"
                    + " which every user stayed within budget x (1 + sim.partition.energy-tolerance).");
        }
    }

    private static double genaiMean(Cell c, java.util.function.ToDoubleFunction<org.edgefm.host.sim.SimStats.GenAi> f) {
        return c.runs().stream().mapToDouble(r -> f.applyAsDouble(r.stats().genai())).average().orElse(Double.NaN);
    }

    private static double partitionMean(Cell c,
            java.util.function.ToDoubleFunction<org.edgefm.host.sim.SimStats.Partition> f) {
        return c.runs().stream().mapToDouble(r -> f.applyAsDouble(r.stats().partition())).average().orElse(Double.NaN);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void writeJson(Scenario scenario, List<Cell> cells) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("scenario", scenario.name());
        ArrayNode results = root.putArray("results");
        for (Cell c : cells) {
            ObjectNode r = results.addObject();
            r.put("planner", c.planner());
            r.put("load", c.load());
            r.put("seeds", c.runs().size());
            double[] ot = meanCi95(c.onTime());
            ObjectNode o = r.putObject("onTimeRate");
            o.put("mean", ot[0]);
            o.put("ci95", ot[1]);
            ObjectNode cost = r.putObject("cost");
            double[] costCi = meanCi95(c.cost());
            cost.put("mean", costCi[0]);
            ObjectNode l = r.putObject("latencyMs");
            l.put("p50", c.meanQuantile(0.5));
            l.put("p95", c.meanQuantile(0.95));
            double[] delay = meanCi95(c.delay());
            ObjectNode d = r.putObject("delayMs");
            d.put("mean", delay[0]);
            d.put("ci95", delay[1]);
            if (c.genai()) {
                cost.put("ci95", costCi[1]);
                cost.put("model", "paper2");
                cost.put("delayCost", genaiMean(c, g -> g.delayCost()));
                cost.put("resourceCost", genaiMean(c, g -> g.resourceCost()));
                cost.put("cloudCost", genaiMean(c, g -> g.cloudCost()));
                ObjectNode g = r.putObject("genai");
                g.put("cloudRequests", genaiMean(c, x -> x.cloudRequests()));
                g.put("switches", genaiMean(c, x -> x.switches()));
                g.put("meanSwitchMs", genaiMean(c, x -> x.meanSwitchMs()));
                g.put("energyJ", genaiMean(c, x -> x.energyJ()));
                g.put("slotsOverEnergyBudget", genaiMean(c, x -> x.slotsOverEnergyBudget()));
            }
            if (c.partition()) {
                ObjectNode e = r.putObject("energy");
                e.put("budget", partitionMean(c, p -> p.budgetW()));
                e.put("timeAverage", partitionMean(c, p -> p.timeAverageW()));
                e.put("worstRatio", c.runs().stream().mapToDouble(x -> x.stats().partition().ratio()).max().orElse(Double.NaN));
                long ok = c.runs().stream().filter(x -> x.stats().partition().satisfied()).count();
                e.put("satisfied", ok == c.runs().size());
                e.put("satisfiedSeeds", ok);
            }
        }
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(json, m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    }

    /** The HTML report: tables plus inline SVG plots (per-planner distributions, on-time and cost against load). */
    static final class SimReport {
        private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f"};

        private SimReport() {
        }

        static Path write(Path dir, Scenario scenario, List<Cell> cells, List<Double> loads, List<String> planners,
                ZeroContentionBound.Estimate bound) throws IOException {
            Files.createDirectories(dir);
            StringBuilder h = new StringBuilder();
            h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>EdgeFM simulate: ")
                    .append(esc(scenario.name())).append("</title><style>body{font-family:sans-serif;max-width:1100px;"
                            + "margin:2em auto}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;"
                            + "text-align:right}th:first-child,td:first-child{text-align:left}svg{margin:8px 16px 8px 0}"
                            + "</style></head><body>");
            h.append("<h1>EdgeFM simulate: ").append(esc(scenario.name())).append("</h1><p>")
                    .append(esc(scenario.description())).append("</p><p>").append(cells.get(0).runs().size())
                    .append(" seeds per planner and load; ").append(scenario.run().slots()).append(" slots of ")
                    .append(fmt(scenario.run().slotMs())).append(" ms.</p>");
            h.append(String.format(Locale.ROOT, "<p>Upper bound on on-time completion (each task alone on its best nodes,"
                    + " no queueing, any load): <b>%.2f%%</b> (± %.2f%%).</p>", 100 * bound.onTimeRate(), 196 * bound.stdError()));
            for (double load : loads) {
                h.append("<h2>Load ").append(fmt(load)).append("</h2><table><tr><th>planner</th><th>on-time (mean ± 95% CI)</th>"
                        + "<th>cost C<sup>cr</sup>+C<sup>lt</sup></th><th>p50 ms</th><th>p95 ms</th><th>plugin failures</th></tr>");
                List<Cell> atLoad = cells.stream().filter(c -> c.load() == load).toList();
                for (Cell c : atLoad) {
                    double[] ot = meanCi95(c.onTime());
                    h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.2f%% ± %.2f%%</td><td>%.1f</td><td>%.2f</td>"
                                    + "<td>%.2f</td><td>%d</td></tr>", esc(c.planner()), 100 * ot[0], 100 * ot[1],
                            Arrays.stream(c.cost()).average().orElse(Double.NaN), c.meanQuantile(0.5), c.meanQuantile(0.95),
                            c.runs().stream().mapToInt(SimulationRun.Outcome::pluginFailures).sum()));
                }
                h.append("</table><div>");
                h.append(boxPlot("On-time completion rate per seed (load " + fmt(load) + ")", atLoad, true));
                h.append(boxPlot("Total cost per seed (load " + fmt(load) + ")", atLoad, false));
                h.append("</div>");
            }
            if (loads.size() > 1) {
                h.append("<h2>Against load</h2><div>");
                h.append(linePlot("Mean on-time completion rate", cells, loads, planners, true));
                h.append(linePlot("Mean total cost", cells, loads, planners, false));
                h.append("</div>");
            }
            h.append("<p>On-time: share of tasks finished within their deadline. Cost: C<sup>cr</sup> + C<sup>lt</sup>"
                    + " (paper 1, eqs. 6-7). Boxes: quartiles and median over seeds, whiskers: min and max, dots: seeds."
                    + "</p></body></html>\n");
            Path index = dir.resolve("index.html");
            Files.writeString(index, h.toString(), StandardCharsets.UTF_8);
            return index;
        }

        private static String boxPlot(String title, List<Cell> cells, boolean onTime) {
            int w = 520;
            int hgt = 300;
            int left = 60;
            int bottom = 40;
            int top = 30;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Cell c : cells) {
                for (double v : onTime ? c.onTime() : c.cost()) {
                    if (!Double.isNaN(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (onTime) {
                lo = Math.min(lo, 0);
                hi = 1;
            } else {
                lo = 0;
                hi = hi <= 0 ? 1 : hi * 1.05;
            }
            StringBuilder s = svgStart(w, hgt, title);
            axis(s, w, hgt, left, bottom, top, lo, hi, onTime);
            double band = (double) (w - left - 10) / Math.max(1, cells.size());
            for (int i = 0; i < cells.size(); i++) {
                double[] v = Arrays.stream(onTime ? cells.get(i).onTime() : cells.get(i).cost()).filter(d -> !Double.isNaN(d))
                        .sorted().toArray();
                double cx = left + band * (i + 0.5);
                String color = COLORS[i % COLORS.length];
                if (v.length > 0) {
                    double q1 = quantile(v, 0.25);
                    double q2 = quantile(v, 0.5);
                    double q3 = quantile(v, 0.75);
                    s.append(line(cx, y(v[0], lo, hi, hgt, bottom, top), cx, y(v[v.length - 1], lo, hi, hgt, bottom, top), color));
                    double bw = Math.min(40, band * 0.5);
                    s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                                    + "fill-opacity=\"0.25\" stroke=\"%s\"/>", cx - bw / 2, y(q3, lo, hi, hgt, bottom, top), bw,
                            Math.max(1, y(q1, lo, hi, hgt, bottom, top) - y(q3, lo, hi, hgt, bottom, top)), color, color));
                    s.append(line(cx - bw / 2, y(q2, lo, hi, hgt, bottom, top), cx + bw / 2, y(q2, lo, hi, hgt, bottom, top), color));
                    for (int k = 0; k < v.length; k++) {
                        double jitter = ((k * 37) % 11 - 5) * bw / 14;
                        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
                                cx + jitter, y(v[k], lo, hi, hgt, bottom, top), color));
                    }
                }
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                        cx, hgt - bottom + 16, esc(cells.get(i).planner())));
            }
            return s.append("</svg>").toString();
        }

        private static String linePlot(String title, List<Cell> cells, List<Double> loads, List<String> planners,
                boolean onTime) {
            int w = 660;
            int hgt = 300;
            int left = 60;
            int bottom = 40;
            int top = 30;
            double lo = onTime ? 0 : 0;
            double hi = onTime ? 1 : 0;
            if (!onTime) {
                for (Cell c : cells) {
                    hi = Math.max(hi, Arrays.stream(c.cost()).average().orElse(0));
                }
                hi = hi <= 0 ? 1 : hi * 1.05;
            }
            double xmin = loads.stream().mapToDouble(d -> d).min().orElse(0);
            double xmax = loads.stream().mapToDouble(d -> d).max().orElse(1);
            if (xmax == xmin) {
                xmax = xmin + 1;
            }
            StringBuilder s = svgStart(w, hgt, title);
            axis(s, w, hgt, left, bottom, top, lo, hi, onTime);
            for (double l : loads) {
                double x = left + (l - xmin) / (xmax - xmin) * (w - left - 180) + 10;
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                        x, hgt - bottom + 16, fmt(l)));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">load factor</text>",
                    (w + left) / 2, hgt - 6));
            for (int p = 0; p < planners.size(); p++) {
                String color = COLORS[p % COLORS.length];
                StringBuilder pts = new StringBuilder();
                for (double l : loads) {
                    for (Cell c : cells) {
                        if (c.planner().equals(planners.get(p)) && c.load() == l) {
                            double v = onTime ? meanCi95(c.onTime())[0] : Arrays.stream(c.cost()).average().orElse(Double.NaN);
                            double x = left + (l - xmin) / (xmax - xmin) * (w - left - 180) + 10;
                            double yy = y(v, lo, hi, hgt, bottom, top);
                            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, yy));
                            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, yy, color));
                        }
                    }
                }
                s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                        .append(pts.toString().trim()).append("\"/>");
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>",
                        w - 150, top + 14 * (p + 1) + 10, color, esc(planners.get(p))));
            }
            return s.append("</svg>").toString();
        }

        private static StringBuilder svgStart(int w, int h, String title) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                    + "viewBox=\"0 0 %d %d\"><rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>", w, h, w, h));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" text-anchor=\"middle\">%s</text>",
                    w / 2, esc(title)));
            return s;
        }

        private static void axis(StringBuilder s, int w, int h, int left, int bottom, int top, double lo, double hi,
                boolean percent) {
            s.append(line(left, top, left, h - bottom, "#333")).append(line(left, h - bottom, w - 10, h - bottom, "#333"));
            for (int i = 0; i <= 4; i++) {
                double v = lo + (hi - lo) * i / 4;
                double yy = y(v, lo, hi, h, bottom, top);
                s.append(line(left - 4, yy, w - 10, yy, "#eee"));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
                        left - 6, yy + 3, percent ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : String.format(Locale.ROOT, "%.0f", v)));
            }
        }

        private static double y(double v, double lo, double hi, int h, int bottom, int top) {
            return h - bottom - (v - lo) / (hi - lo) * (h - bottom - top);
        }

        private static String line(double x1, double y1, double x2, double y2, String color) {
            return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                    x1, y1, x2, y2, color);
        }

        private static double quantile(double[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int i = (int) Math.floor(pos);
            int j = Math.min(sorted.length - 1, i + 1);
            return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
        }

        private static String esc(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
