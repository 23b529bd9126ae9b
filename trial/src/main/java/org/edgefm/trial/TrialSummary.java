package org.edgefm.trial;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
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

    /** Prints the summary table ({@link TrialSummaryText}). */
    public void print(PrintWriter out) {
        TrialSummaryText.print(this, out);
    }

    /** The JSON document: {@link #results()} serialised. */
    public ObjectNode toJson() {
        return results().toJson();
    }

    /**
     * The trial as a results document ({@link Results}, the format {@code simulate --json} writes): its
     * one {@link #result()} and the trial's own sections (directives, tasks, agents, links, model
     * switches, timeline); built by {@link TrialSummaryJson}.
     */
    public Results results() {
        return TrialSummaryJson.results(this);
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



    /** Writes the JSON document to a file. */
    public void writeJson(Path file) throws IOException {
        TrialSummaryJson.writeJson(this, file);
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
     * The HTML report, with each task type's deadline marked on the latency distribution
     * ({@link TrialSummaryReport}).
     *
     * @param deadlinesMs per task type, its deadline in ms (may be empty)
     */
    public ReportWriter report(Map<String, Double> deadlinesMs) {
        return TrialSummaryReport.report(this, deadlinesMs);
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
        return TrialSummaryReport.linksTableHtml(this);
    }

    /** A nullable figure with two decimals, {@code -} for none (the text table and the report). */
    static String fmt(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }
}
