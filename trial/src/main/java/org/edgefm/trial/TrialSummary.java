package org.edgefm.trial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.trial.report.ReportWriter;

/**
 * The figures of one live trial: tasks, on-time completion (overall and per task type), end-to-end
 * latency quantiles, deployment cost, directives and agent uptime. The JSON carries the
 * {@code scenario} and {@code results} entries of {@code edgefm simulate --json} (one result, load 1,
 * one run), so a trial and its simulation can be set side by side, plus the trial's own fields.
 *
 * @param scenario        scenario name
 * @param description     scenario description
 * @param planner         planner name
 * @param broker          {@code embedded} or the broker URL
 * @param wallS           wall time of the trial in seconds
 * @param submitted       tasks submitted
 * @param refused         tasks an agent did not accept
 * @param completed       tasks completed successfully
 * @param onTime          tasks completed within their deadline
 * @param failed          tasks that ended with an error
 * @param duplicates      completions received more than once (counted once)
 * @param latenciesMs     sorted end-to-end latencies of completed tasks
 * @param cost            deployment cost (deploy, maintain and parallelism costs of the directives in force)
 * @param directivesSent  distinct directives published
 * @param directivesAcked distinct directives acknowledged as applied
 * @param directivesResent re-publications of a directive
 * @param perType         per task type: submitted, completed, on time, failed
 * @param agents          per node: profile, uptime, births
 * @param impairment      the impairment imposed on the data plane and how ({@code none} without one)
 * @param placementChanges directives that changed which services, or how many instances, a node runs
 * @param links           the links between the trial's agents, declared next to measured
 * @param switches        per node that loaded or unloaded a service instance: its model switches as its acks
 *                        reported them
 * @param timeline        per window of the workload's time: tasks, on-time rate, p95 latency, directives,
 *                        placement changes and whether the data plane was impaired
 */
public record TrialSummary(String scenario, String description, String planner, String broker, double wallS,
        long submitted, long refused, long completed, long onTime, long failed, long duplicates, double[] latenciesMs,
        double cost, long directivesSent, long directivesAcked, long directivesResent, Map<String, long[]> perType,
        Map<String, Agent> agents, String impairment, long placementChanges, List<Link> links,
        Map<String, Switches> switches, Timeline timeline) {

    /**
     * One agent of the trial.
     *
     * @param profile its device profile
     * @param uptimeS seconds from its birth to its death (or the end of the trial)
     * @param births  sessions: distinct session epochs of its births (1 without a restart or reconnect; a
     *                birth re-sent within a session, as after calibration, is not counted again)
     */
    public record Agent(String profile, double uptimeS, int births) {
    }

    /** Copies the links and switches. */
    public TrialSummary {
        links = List.copyOf(links);
        switches = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(switches));
        timeline = timeline == null ? Timeline.none() : timeline;
    }

    /** A summary without a timeline. */
    public TrialSummary(String scenario, String description, String planner, String broker, double wallS,
            long submitted, long refused, long completed, long onTime, long failed, long duplicates, double[] latenciesMs,
            double cost, long directivesSent, long directivesAcked, long directivesResent, Map<String, long[]> perType,
            Map<String, Agent> agents, String impairment, long placementChanges, List<Link> links,
            Map<String, Switches> switches) {
        this(scenario, description, planner, broker, wallS, submitted, refused, completed, onTime, failed, duplicates,
                latenciesMs, cost, directivesSent, directivesAcked, directivesResent, perType, agents, impairment,
                placementChanges, links, switches, Timeline.none());
    }

    /**
     * One window of the timeline. Tasks are counted in the window they were submitted in, so
     * {@code completed}, {@code onTime} and the p95 latency are of those tasks.
     *
     * @param tS               window start, seconds after the workload started
     * @param submitted        tasks submitted in the window
     * @param completed        of those, completed successfully
     * @param onTime           of those, completed within their deadline
     * @param p95Ms            p95 end-to-end latency of the completed ones (NaN without any)
     * @param directives       directives first published in the window
     * @param placementChanges directives in the window that changed which services, or how many instances, a node runs
     * @param impaired         whether the window overlaps the impaired part of the workload
     */
    public record Window(double tS, long submitted, long completed, long onTime, double p95Ms, long directives,
            long placementChanges, boolean impaired) {
        /** On-time tasks over submitted tasks of the window (NaN when none was submitted). */
        public double onTimeRate() {
            return submitted == 0 ? Double.NaN : (double) onTime / submitted;
        }
    }

    /**
     * The trial's timeline: fixed windows from the workload's start to the trial's end.
     *
     * @param windowS        window width in seconds
     * @param windows        the windows in order
     * @param impairedFromS  start of the impaired part, seconds after the workload started, or null without one
     * @param impairedToS    its end, or null without one
     */
    public record Timeline(double windowS, List<Window> windows, Double impairedFromS, Double impairedToS) {
        /** Copies the windows. */
        public Timeline {
            windows = List.copyOf(windows);
        }

        /** No timeline (the workload never started). */
        public static Timeline none() {
            return new Timeline(5.0, List.of(), null, null);
        }
    }

    /** A summary without model switches. */
    public TrialSummary(String scenario, String description, String planner, String broker, double wallS,
            long submitted, long refused, long completed, long onTime, long failed, long duplicates, double[] latenciesMs,
            double cost, long directivesSent, long directivesAcked, long directivesResent, Map<String, long[]> perType,
            Map<String, Agent> agents, String impairment, long placementChanges, List<Link> links) {
        this(scenario, description, planner, broker, wallS, submitted, refused, completed, onTime, failed, duplicates,
                latenciesMs, cost, directivesSent, directivesAcked, directivesResent, perType, agents, impairment,
                placementChanges, links, Map.of());
    }

    /**
     * One service instance a node started for a directive (a model loaded).
     *
     * @param service   the service
     * @param version   the directive's version
     * @param atS       when its ack arrived, seconds since the trial started
     * @param preloadMs the agent's measured time to load the instance's weights, or null for a service without a kernel
     * @param weights   {@code npy FILE} or {@code generated}, or null for a service without a kernel
     */
    public record Load(String service, long version, double atS, Double preloadMs, String weights) {
    }

    /**
     * One service instance a node stopped for a directive (a model unloaded).
     *
     * @param service the service
     * @param version the directive's version
     * @param atS     when its ack arrived, seconds since the trial started
     */
    public record Unload(String service, long version, double atS) {
    }

    /**
     * A node's model switches in the order its acks arrived.
     *
     * @param loads   instances started
     * @param unloads instances stopped
     */
    public record Switches(List<Load> loads, List<Unload> unloads) {
        /** Copies the lists. */
        public Switches {
            loads = List.copyOf(loads);
            unloads = List.copyOf(unloads);
        }

        /** The measured preload times, sorted. */
        public double[] preloadsMs() {
            return loads.stream().filter(l -> l.preloadMs() != null).mapToDouble(Load::preloadMs).sorted().toArray();
        }

        /** Loads whose weights were read from a {@code .npy} file. */
        public long fromNpy() {
            return loads.stream().filter(l -> l.weights() != null && l.weights().startsWith("npy ")).count();
        }
    }

    /** Every node's switches together. */
    public Switches allSwitches() {
        List<Load> l = new ArrayList<>();
        List<Unload> u = new ArrayList<>();
        switches.values().forEach(s -> {
            l.addAll(s.loads());
            u.addAll(s.unloads());
        });
        return new Switches(l, u);
    }

    /** The live summary's line: {@code model switches: 5 loads (preload p50 41 ms, max 120 ms), 3 unloads}. */
    public static String switchesLine(Switches s) {
        double[] p = s.preloadsMs();
        String preload = p.length == 0 ? "" : String.format(Locale.ROOT, " (preload p50 %.0f ms, max %.0f ms)",
                quantile(p, 0.5), p[p.length - 1]);
        return String.format(Locale.ROOT, "%d load%s%s, %d unload%s", s.loads().size(), s.loads().size() == 1 ? "" : "s",
                preload, s.unloads().size(), s.unloads().size() == 1 ? "" : "s");
    }

    /**
     * One link between two agents of the trial, as the scenario declares it and as the agents
     * measured it (the newest report of each direction, averaged over both).
     *
     * @param from          one end
     * @param to            the other end
     * @param declaredMbps  declared bandwidth in Mbit/s, or null when the scenario does not link them directly
     * @param declaredRttMs declared round trip in ms (twice propagation plus fixed latency), or null
     * @param measuredMbps  measured throughput in Mbit/s, or null when not measured
     * @param measuredRttMs measured round trip in ms, or null
     * @param samples       measurements behind the figures (both directions)
     */
    public record Link(String from, String to, Double declaredMbps, Double declaredRttMs, Double measuredMbps,
            Double measuredRttMs, long samples) {
    }

    /** On-time tasks over submitted tasks (NaN when none was submitted). */
    public double onTimeRate() {
        return submitted == 0 ? Double.NaN : (double) onTime / submitted;
    }

    /** A latency quantile in ms (NaN when no task completed). */
    public double latencyQuantileMs(double q) {
        return quantile(latenciesMs, q);
    }

    /** A quantile of the values ({@link Quantiles}: the project's one definition; NaN when there are none). */
    static double quantile(double[] values, double q) {
        // latencies come from agents' clocks: a negative one (skew) counts as 0 rather than failing the summary
        return Quantiles.of(java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).map(v -> Math.max(0, v)).toArray(), q);
    }

    /** Prints the summary table. */
    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "%ntrial %s, planner %s, broker %s, %.1f s%n", scenario, planner, broker, wallS);
        out.printf(Locale.ROOT, "%-12s %9s %9s %9s %7s %9s%n", "TASK TYPE", "SUBMITTED", "COMPLETED", "ON TIME", "FAILED",
                "ON-TIME %");
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            long[] c = e.getValue();
            out.printf(Locale.ROOT, "%-12s %9d %9d %9d %7d %8.1f%%%n", e.getKey(), c[0], c[1], c[2], c[3],
                    c[0] == 0 ? 0.0 : 100.0 * c[2] / c[0]);
        }
        out.printf(Locale.ROOT, "%-12s %9d %9d %9d %7d %8.1f%%%n", "all", submitted, completed, onTime, failed,
                submitted == 0 ? 0.0 : 100 * onTimeRate());
        out.printf(Locale.ROOT, "end-to-end latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d completed)%n",
                latencyQuantileMs(0.5), latencyQuantileMs(0.95), latencyQuantileMs(0.99), latenciesMs.length);
        out.printf(Locale.ROOT, "cost: %.1f (deploy + maintain + parallelism of the directives in force)%n", cost);
        out.printf(Locale.ROOT, "directives: %d sent, %d acknowledged as applied, %d re-sent%n", directivesSent,
                directivesAcked, directivesResent);
        out.printf(Locale.ROOT, "placement changes: %d directive(s) changed the services or instances of a node%n",
                placementChanges);
        out.println("model switches: " + switchesLine(allSwitches()));
        if (!switches.isEmpty()) {
            out.printf(Locale.ROOT, "%-12s %6s %8s %15s %15s %9s%n", "NODE", "LOADS", "UNLOADS", "PRELOAD P50 MS",
                    "PRELOAD MAX MS", "FROM .NPY");
            for (Map.Entry<String, Switches> e : switches.entrySet()) {
                double[] p = e.getValue().preloadsMs();
                out.printf(Locale.ROOT, "%-12s %6d %8d %15s %15s %9d%n", e.getKey(), e.getValue().loads().size(),
                        e.getValue().unloads().size(), p.length == 0 ? "-" : fmt(quantile(p, 0.5)),
                        p.length == 0 ? "-" : fmt(p[p.length - 1]), e.getValue().fromNpy());
            }
        }
        out.printf(Locale.ROOT, "impairment: %s%n", impairment);
        if (!timeline.windows().isEmpty()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "on-time %% per %.0f s window%s:",
                    timeline.windowS(), timeline.impairedFromS() == null ? "" : " (* impaired)"));
            for (Window w : timeline.windows()) {
                b.append(Double.isNaN(w.onTimeRate()) ? " -" : String.format(Locale.ROOT, " %.0f", 100 * w.onTimeRate()))
                        .append(w.impaired() ? "*" : "");
            }
            out.println(b);
        }
        if (!links.isEmpty()) {
            out.printf(Locale.ROOT, "%-22s %13s %13s %13s %13s %7s%n", "LINK", "DECLARED MBPS", "MEASURED MBPS",
                    "DECL. RTT MS", "MEAS. RTT MS", "SAMPLES");
            for (Link l : links) {
                out.printf(Locale.ROOT, "%-22s %13s %13s %13s %13s %7d%n", l.from() + " - " + l.to(), fmt(l.declaredMbps()),
                        fmt(l.measuredMbps()), fmt(l.declaredRttMs()), fmt(l.measuredRttMs()), l.samples());
            }
        }
        if (refused > 0 || duplicates > 0) {
            out.printf(Locale.ROOT, "tasks not accepted by their agent: %d; duplicate completions (counted once): %d%n",
                    refused, duplicates);
        }
        out.printf(Locale.ROOT, "%-12s %-24s %9s %7s%n", "AGENT", "PROFILE", "UPTIME S", "BIRTHS");
        for (Map.Entry<String, Agent> e : agents.entrySet()) {
            out.printf(Locale.ROOT, "%-12s %-24s %9.1f %7d%n", e.getKey(), e.getValue().profile(), e.getValue().uptimeS(),
                    e.getValue().births());
        }
        out.println("on-time: share of submitted tasks finished within their deadline; latency: submission at the"
                + " origin agent to completion at the sink, as the agents' completions report it.");
        out.flush();
    }

    /** The JSON document: {@link #results()} serialised. */
    public ObjectNode toJson() {
        return results().toJson();
    }

    /**
     * The trial as a results document ({@link Results}, the format {@code simulate --json} writes): its
     * one {@link #result()} and the trial's own sections (directives, tasks, agents, links, model
     * switches, timeline).
     */
    public Results results() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("planner", planner);
        root.put("broker", broker);
        root.put("wallS", wallS);
        root.put("onTimeRate", onTimeRate());
        ObjectNode lat = root.putObject("latencyMs");
        lat.put("p50", latencyQuantileMs(0.5));
        lat.put("p95", latencyQuantileMs(0.95));
        lat.put("p99", latencyQuantileMs(0.99));
        root.put("cost", cost);
        ObjectNode d = root.putObject("directives");
        d.put("sent", directivesSent);
        d.put("acked", directivesAcked);
        d.put("resent", directivesResent);
        ObjectNode t = root.putObject("tasks");
        t.put("submitted", submitted);
        t.put("completed", completed);
        t.put("onTime", onTime);
        t.put("failed", failed);
        t.put("refused", refused);
        t.put("duplicates", duplicates);
        ObjectNode per = root.putObject("taskTypes");
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            ObjectNode x = per.putObject(e.getKey());
            x.put("submitted", e.getValue()[0]);
            x.put("completed", e.getValue()[1]);
            x.put("onTime", e.getValue()[2]);
            x.put("failed", e.getValue()[3]);
        }
        ObjectNode ag = root.putObject("agents");
        for (Map.Entry<String, Agent> e : agents.entrySet()) {
            ObjectNode x = ag.putObject(e.getKey());
            x.put("profile", e.getValue().profile());
            x.put("uptimeS", e.getValue().uptimeS());
            x.put("births", e.getValue().births());
        }
        root.put("impairment", impairment);
        root.put("placementChanges", placementChanges);
        ArrayNode ls = root.putArray("links");
        for (Link l : links) {
            ObjectNode x = ls.addObject();
            x.put("from", l.from());
            x.put("to", l.to());
            x.put("declaredMbps", l.declaredMbps());
            x.put("declaredRttMs", l.declaredRttMs());
            x.put("measuredMbps", l.measuredMbps());
            x.put("measuredRttMs", l.measuredRttMs());
            x.put("samples", l.samples());
        }
        switchesJson(root.putObject("modelSwitches"));
        timelineJson(root);
        return Results.of("trial", scenario, List.of(result()), root);
    }

    /**
     * The trial's entry of the results document, field for field what a simulation reports per
     * planner and load: one run at load 1, so each interval is 0 wide.
     */
    public Results.Result result() {
        return new Results.Result(planner, 1.0, 1, new Results.Interval(onTimeRate(), 0.0), new Results.Cost(cost, 0.0,
                null, null, null, null), new Results.LatencyMs(latencyQuantileMs(0.5), latencyQuantileMs(0.95),
                latencyQuantileMs(0.99)), new Results.Outcomes(submitted, onTime, completed - onTime, failed, refused, null,
                null, null, null, null, null), null, null, null, null);
    }

    /**
     * {@code modelSwitches}: totals ({@code loads}, {@code unloads}, {@code preloadMs} p50 and max over
     * the loads) and per node the loads ({@code service, version, atS, preloadMs, weights}) and
     * unloads ({@code service, version, atS}).
     */
    private void switchesJson(ObjectNode ms) {
        Switches all = allSwitches();
        ms.put("loads", all.loads().size());
        ms.put("unloads", all.unloads().size());
        double[] p = all.preloadsMs();
        ObjectNode pre = ms.putObject("preloadMs");
        pre.put("p50", p.length == 0 ? null : quantile(p, 0.5));
        pre.put("max", p.length == 0 ? null : p[p.length - 1]);
        ObjectNode nodes = ms.putObject("nodes");
        for (Map.Entry<String, Switches> e : switches.entrySet()) {
            ObjectNode n = nodes.putObject(e.getKey());
            ArrayNode ls = n.putArray("loads");
            for (Load l : e.getValue().loads()) {
                ObjectNode x = ls.addObject();
                x.put("service", l.service());
                x.put("version", l.version());
                x.put("atS", l.atS());
                x.put("preloadMs", l.preloadMs());
                x.put("weights", l.weights());
            }
            ArrayNode us = n.putArray("unloads");
            for (Unload u : e.getValue().unloads()) {
                ObjectNode x = us.addObject();
                x.put("service", u.service());
                x.put("version", u.version());
                x.put("atS", u.atS());
            }
        }
    }

    /**
     * {@code timelineWindowS}, {@code impairedWindowS} ({@code {fromS, toS}} or null) and
     * {@code timeline}: per window {@code tS, submitted, completed, onTimeRate, p95Ms, directives,
     * placementChanges, impaired} (rates and latencies null where no task counts).
     */
    private void timelineJson(ObjectNode root) {
        root.put("timelineWindowS", timeline.windowS());
        if (timeline.impairedFromS() == null) {
            root.putNull("impairedWindowS");
        } else {
            ObjectNode iw = root.putObject("impairedWindowS");
            iw.put("fromS", timeline.impairedFromS());
            iw.put("toS", timeline.impairedToS());
        }
        ArrayNode tl = root.putArray("timeline");
        for (Window w : timeline.windows()) {
            ObjectNode x = tl.addObject();
            x.put("tS", w.tS());
            x.put("submitted", w.submitted());
            x.put("completed", w.completed());
            x.put("onTimeRate", Double.isNaN(w.onTimeRate()) ? null : w.onTimeRate());
            x.put("p95Ms", Double.isNaN(w.p95Ms()) ? null : w.p95Ms());
            x.put("directives", w.directives());
            x.put("placementChanges", w.placementChanges());
            x.put("impaired", w.impaired());
        }
    }

    /** Writes the JSON document to a file. */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n",
                StandardCharsets.UTF_8);
    }

    /**
     * The HTML report as a {@link ReportWriter}, in the page format of {@code simulate --report} (a
     * trial is one run at load 1): the summary table, on-time completion per task type, the latency
     * distribution, tasks, directives, agents and the JSON document. Callers may add sections before
     * writing it.
     */
    public ReportWriter report() {
        return report(Map.of());
    }

    /**
     * The HTML report, with each task type's deadline marked on the latency distribution.
     *
     * @param deadlinesMs per task type, its deadline in ms (may be empty)
     */
    public ReportWriter report(Map<String, Double> deadlinesMs) {
        ReportWriter w = new ReportWriter("EdgeFM trial: " + scenario);
        w.paragraph(description);
        w.paragraph(String.format(Locale.ROOT, "Planner %s, broker %s, %.1f s, %d agent(s); one run at load 1.", planner,
                broker, wallS, agents.size()));
        w.table("Summary", List.of("planner", "on-time", "cost", "p50 ms", "p95 ms", "p99 ms"), List.of(List.of(planner,
                ReportWriter.fmt("%.2f%%", 100 * onTimeRate()), ReportWriter.fmt("%.1f", cost),
                ReportWriter.fmt("%.2f", latencyQuantileMs(0.5)), ReportWriter.fmt("%.2f", latencyQuantileMs(0.95)),
                ReportWriter.fmt("%.2f", latencyQuantileMs(0.99)))));
        Map<String, Double> perTypeOnTime = new LinkedHashMap<>();
        Map<String, double[]> perTypeCi = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            long[] c = e.getValue();
            double rate = c[0] == 0 ? Double.NaN : 100.0 * c[2] / c[0];
            perTypeOnTime.put(e.getKey(), rate);
            double[] ci = org.edgefm.control.stats.Proportions.wilson(Math.min(c[2], c[0]), c[0],
                    org.edgefm.control.stats.Proportions.Z95);
            perTypeCi.put(e.getKey(), new double[] {100 * ci[0], 100 * ci[1]});
            rows.add(List.of(e.getKey(), String.valueOf(c[0]), String.valueOf(c[1]), String.valueOf(c[2]),
                    String.valueOf(c[3]), ReportWriter.fmt("%.1f%%", rate)));
        }
        rows.add(List.of("all", String.valueOf(submitted), String.valueOf(completed), String.valueOf(onTime),
                String.valueOf(failed), ReportWriter.fmt("%.1f%%", 100 * onTimeRate())));
        w.table("Tasks", List.of("task type", "submitted", "completed", "on time", "failed", "on-time %"), rows);
        w.charts(null,
                ReportWriter.bars("On-time completion per task type (95% Wilson interval)", "on-time % of submitted tasks",
                        Map.of(planner, perTypeOnTime), Map.of(planner, perTypeCi)),
                ReportWriter.cdf("End-to-end latency (" + latenciesMs.length + " completed tasks)", "latency ms",
                        Map.of(planner, latenciesMs), deadlinesMs));
        w.paragraph(String.format(Locale.ROOT, "Directives: %d sent, %d acknowledged as applied, %d re-sent. Tasks not"
                + " accepted by their agent: %d; duplicate completions (counted once): %d.", directivesSent,
                directivesAcked, directivesResent, refused, duplicates));
        List<List<String>> agentRows = new ArrayList<>();
        for (Map.Entry<String, Agent> e : agents.entrySet()) {
            agentRows.add(List.of(e.getKey(), String.valueOf(e.getValue().profile()),
                    ReportWriter.fmt("%.1f", e.getValue().uptimeS()), String.valueOf(e.getValue().births())));
        }
        w.table("Agents", List.of("node", "profile", "uptime s", "births"), agentRows);
        if (!switches.isEmpty()) {
            List<List<String>> switchRows = new ArrayList<>();
            for (Map.Entry<String, Switches> e : switches.entrySet()) {
                double[] p = e.getValue().preloadsMs();
                switchRows.add(List.of(e.getKey(), String.valueOf(e.getValue().loads().size()),
                        String.valueOf(e.getValue().unloads().size()), p.length == 0 ? "-" : fmt(quantile(p, 0.5)),
                        p.length == 0 ? "-" : fmt(p[p.length - 1]), String.valueOf(e.getValue().fromNpy())));
            }
            w.table("Model switches (" + switchesLine(allSwitches()) + ")", List.of("node", "loads", "unloads",
                    "preload p50 ms", "preload max ms", "from .npy"), switchRows);
        }
        timelineReport(w);
        w.section("Network", linksTableHtml());
        try {
            w.preformatted("JSON", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of numbers and strings failed to print", e);
        }
        return w;
    }

    /** The report's "Timeline" section: the chart of on-time % and p95 per window, and the table. */
    private void timelineReport(ReportWriter w) {
        List<Window> ws = timeline.windows();
        if (ws.isEmpty()) {
            return;
        }
        int n = ws.size();
        double[] x = new double[n];
        double[] onTimePct = new double[n];
        double[] p95 = new double[n];
        List<Double> changes = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Window v = ws.get(i);
            x[i] = v.tS() + timeline.windowS() / 2;
            onTimePct[i] = 100 * v.onTimeRate();
            p95[i] = v.p95Ms();
            if (v.placementChanges() > 0) {
                changes.add(x[i]);
            }
            rows.add(List.of(ReportWriter.fmt("%.0f", v.tS()), String.valueOf(v.submitted()), String.valueOf(v.completed()),
                    ReportWriter.fmt("%.1f%%", onTimePct[i]), ReportWriter.fmt("%.1f", p95[i]),
                    String.valueOf(v.directives()), String.valueOf(v.placementChanges()), v.impaired() ? "yes" : "no"));
        }
        double[] band = timeline.impairedFromS() == null ? null
                : new double[] {timeline.impairedFromS(), timeline.impairedToS()};
        long windowDirectives = timeline.windows().stream().mapToLong(Window::directives).sum();
        long windowChanges = timeline.windows().stream().mapToLong(Window::placementChanges).sum();
        String note = String.format(Locale.ROOT, "Windows of %.0f s from the start of the workload; tasks count in the"
                + " window they were submitted in. Vertical lines: windows with placement changes%s. Before the workload"
                + " started (agents joining, first placement): %d directive(s), %d placement change(s).", timeline.windowS(),
                band == null ? "" : "; shaded: the impaired part (" + impairment + ")",
                Math.max(0, directivesSent - windowDirectives), Math.max(0, placementChanges - windowChanges));
        w.section("Timeline", "<p>" + ReportWriter.esc(note) + "</p>");
        org.jfree.chart.JFreeChart chart = ReportWriter.timeline("On-time completion and p95 latency per window",
                "seconds since the workload started", x, "on-time %", onTimePct, "p95 latency ms", p95,
                changes.stream().mapToDouble(Double::doubleValue).toArray(), band);
        chart.getXYPlot().getDomainAxis().setRange(0, n * timeline.windowS());
        w.charts(null, chart);
        w.table(null, List.of("from s", "submitted", "completed", "on-time %", "p95 ms", "directives",
                "placement changes", "impaired"), rows);
    }

    /** Writes {@code index.html} ({@link #report()}) under {@code dir}; returns its path. */
    public Path writeReport(Path dir) throws IOException {
        return report().write(dir);
    }

    /** Writes the report with each task type's deadline marked ({@link #report(Map)}); returns its path. */
    public Path writeReport(Path dir, Map<String, Double> deadlinesMs) throws IOException {
        return report(deadlinesMs).write(dir);
    }

    /**
     * The body of the report's "Network" section: the impairment and the declared next to the
     * measured link matrix, as an HTML fragment.
     */
    public String linksTableHtml() {
        StringBuilder h = new StringBuilder("<p>Impairment: ").append(ReportWriter.esc(impairment))
                .append(String.format(Locale.ROOT, ". Placement changes: %d.</p>", placementChanges));
        if (links.isEmpty()) {
            return h.append("<p>No link between the trial's agents was declared or measured.</p>").toString();
        }
        h.append("<table><tr><th>link</th><th>declared Mbit/s</th><th>measured Mbit/s</th><th>declared RTT ms</th>"
                + "<th>measured RTT ms</th><th>samples</th></tr>");
        for (Link l : links) {
            h.append("<tr><td>").append(ReportWriter.esc(l.from() + " - " + l.to())).append("</td><td>").append(fmt(l.declaredMbps()))
                    .append("</td><td>").append(fmt(l.measuredMbps())).append("</td><td>").append(fmt(l.declaredRttMs()))
                    .append("</td><td>").append(fmt(l.measuredRttMs())).append("</td><td>").append(l.samples())
                    .append("</td></tr>");
        }
        return h.append("</table>").toString();
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }
}
