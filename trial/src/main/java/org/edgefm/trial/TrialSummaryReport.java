package org.edgefm.trial;

import static org.edgefm.trial.TrialSummary.fmt;
import static org.edgefm.trial.TrialSummary.quantile;
import static org.edgefm.trial.TrialSummary.switchesLine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.trial.TrialSummary.Agent;
import org.edgefm.trial.TrialSummary.Link;
import org.edgefm.trial.TrialSummary.Switches;
import org.edgefm.trial.TrialSummary.Window;
import org.edgefm.trial.report.ReportWriter;

/**
 * A {@link TrialSummary} as the HTML report, in the page format of {@code simulate --report} (a trial is
 * one run at load 1): the summary table, on-time completion per task type, the latency distribution,
 * tasks, directives, agents, model switches, the timeline, the network and the JSON document.
 */
final class TrialSummaryReport {
    private TrialSummaryReport() {
    }

    /**
     * The HTML report, with each task type's deadline marked on the latency distribution.
     *
     * @param deadlinesMs per task type, its deadline in ms (may be empty)
     */
    static ReportWriter report(TrialSummary s, Map<String, Double> deadlinesMs) {
        ReportWriter w = new ReportWriter("EdgeFM trial: " + s.scenario());
        w.paragraph(s.description());
        w.paragraph(String.format(Locale.ROOT, "Planner %s, broker %s, %.1f s, %d agent(s); one run at load 1.", s.planner(),
                s.broker(), s.wallS(), s.agents().size()));
        w.table("Summary", List.of("planner", "on-time", "cost", "p50 ms", "p95 ms", "p99 ms"), List.of(List.of(s.planner(),
                ReportWriter.fmt("%.2f%%", 100 * s.onTimeRate()), ReportWriter.fmt("%.1f", s.cost()),
                ReportWriter.fmt("%.2f", s.latencyQuantileMs(0.5)), ReportWriter.fmt("%.2f", s.latencyQuantileMs(0.95)),
                ReportWriter.fmt("%.2f", s.latencyQuantileMs(0.99)))));
        Map<String, Double> perTypeOnTime = new LinkedHashMap<>();
        Map<String, double[]> perTypeCi = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : s.perType().entrySet()) {
            long[] c = e.getValue();
            double rate = c[0] == 0 ? Double.NaN : 100.0 * c[2] / c[0];
            perTypeOnTime.put(e.getKey(), rate);
            double[] ci = org.edgefm.control.stats.Proportions.wilson(Math.min(c[2], c[0]), c[0],
                    org.edgefm.control.stats.Proportions.Z95);
            perTypeCi.put(e.getKey(), new double[] {100 * ci[0], 100 * ci[1]});
            rows.add(List.of(e.getKey(), String.valueOf(c[0]), String.valueOf(c[1]), String.valueOf(c[2]),
                    String.valueOf(c[3]), ReportWriter.fmt("%.1f%%", rate)));
        }
        rows.add(List.of("all", String.valueOf(s.submitted()), String.valueOf(s.completed()), String.valueOf(s.onTime()),
                String.valueOf(s.failed()), ReportWriter.fmt("%.1f%%", 100 * s.onTimeRate())));
        w.table("Tasks", List.of("task type", "submitted", "completed", "on time", "failed", "on-time %"), rows);
        w.charts(null,
                ReportWriter.bars("On-time completion per task type (95% Wilson interval)", "on-time % of submitted tasks",
                        Map.of(s.planner(), perTypeOnTime), Map.of(s.planner(), perTypeCi)),
                ReportWriter.cdf("End-to-end latency (" + s.latenciesMs().length + " completed tasks)", "latency ms",
                        Map.of(s.planner(), s.latenciesMs()), deadlinesMs));
        w.paragraph(String.format(Locale.ROOT, "Directives: %d sent, %d acknowledged as applied, %d re-sent. Tasks not"
                + " accepted by their agent: %d; duplicate completions (counted once): %d.", s.directivesSent(),
                s.directivesAcked(), s.directivesResent(), s.refused(), s.duplicates()));
        List<List<String>> agentRows = new ArrayList<>();
        for (Map.Entry<String, Agent> e : s.agents().entrySet()) {
            agentRows.add(List.of(e.getKey(), String.valueOf(e.getValue().profile()),
                    ReportWriter.fmt("%.1f", e.getValue().uptimeS()), String.valueOf(e.getValue().births())));
        }
        w.table("Agents", List.of("node", "profile", "uptime s", "births"), agentRows);
        if (!s.switches().isEmpty()) {
            List<List<String>> switchRows = new ArrayList<>();
            for (Map.Entry<String, Switches> e : s.switches().entrySet()) {
                double[] p = e.getValue().preloadsMs();
                switchRows.add(List.of(e.getKey(), String.valueOf(e.getValue().loads().size()),
                        String.valueOf(e.getValue().unloads().size()), p.length == 0 ? "-" : fmt(quantile(p, 0.5)),
                        p.length == 0 ? "-" : fmt(p[p.length - 1]), String.valueOf(e.getValue().fromNpy())));
            }
            w.table("Model switches (" + switchesLine(s.allSwitches()) + ")", List.of("node", "loads", "unloads",
                    "preload p50 ms", "preload max ms", "from .npy"), switchRows);
        }
        timelineReport(s, w);
        w.section("Network", linksTableHtml(s));
        try {
            w.preformatted("JSON", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(s.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of numbers and strings failed to print", e);
        }
        return w;
    }

    /** The report's "Timeline" section: the chart of on-time % and p95 per window, and the table. */
    private static void timelineReport(TrialSummary s, ReportWriter w) {
        List<Window> ws = s.timeline().windows();
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
            x[i] = v.tS() + s.timeline().windowS() / 2;
            onTimePct[i] = 100 * v.onTimeRate();
            p95[i] = v.p95Ms();
            if (v.placementChanges() > 0) {
                changes.add(x[i]);
            }
            rows.add(List.of(ReportWriter.fmt("%.0f", v.tS()), String.valueOf(v.submitted()), String.valueOf(v.completed()),
                    ReportWriter.fmt("%.1f%%", onTimePct[i]), ReportWriter.fmt("%.1f", p95[i]),
                    String.valueOf(v.directives()), String.valueOf(v.placementChanges()), v.impaired() ? "yes" : "no"));
        }
        double[] band = s.timeline().impairedFromS() == null ? null
                : new double[] {s.timeline().impairedFromS(), s.timeline().impairedToS()};
        long windowDirectives = s.timeline().windows().stream().mapToLong(Window::directives).sum();
        long windowChanges = s.timeline().windows().stream().mapToLong(Window::placementChanges).sum();
        String note = String.format(Locale.ROOT, "Windows of %.0f s from the start of the workload; tasks count in the"
                + " window they were submitted in. Vertical lines: windows with placement changes%s. Before the workload"
                + " started (agents joining, first placement): %d directive(s), %d placement change(s).",
                s.timeline().windowS(),
                band == null ? "" : "; shaded: the impaired part (" + s.impairment() + ")",
                Math.max(0, s.directivesSent() - windowDirectives), Math.max(0, s.placementChanges() - windowChanges));
        w.section("Timeline", "<p>" + ReportWriter.esc(note) + "</p>");
        org.jfree.chart.JFreeChart chart = ReportWriter.timeline("On-time completion and p95 latency per window",
                "seconds since the workload started", x, "on-time %", onTimePct, "p95 latency ms", p95,
                changes.stream().mapToDouble(Double::doubleValue).toArray(), band);
        chart.getXYPlot().getDomainAxis().setRange(0, n * s.timeline().windowS());
        w.charts(null, chart);
        w.table(null, List.of("from s", "submitted", "completed", "on-time %", "p95 ms", "directives",
                "placement changes", "impaired"), rows);
    }

    /**
     * The body of the report's "Network" section: the impairment and the declared next to the
     * measured link matrix, as an HTML fragment.
     */
    static String linksTableHtml(TrialSummary s) {
        StringBuilder h = new StringBuilder("<p>Impairment: ").append(ReportWriter.esc(s.impairment()))
                .append(String.format(Locale.ROOT, ". Placement changes: %d.</p>", s.placementChanges()));
        if (s.links().isEmpty()) {
            return h.append("<p>No link between the trial's agents was declared or measured.</p>").toString();
        }
        h.append("<table><tr><th>link</th><th>declared Mbit/s</th><th>measured Mbit/s</th><th>declared RTT ms</th>"
                + "<th>measured RTT ms</th><th>samples</th></tr>");
        for (Link l : s.links()) {
            h.append("<tr><td>").append(ReportWriter.esc(l.from() + " - " + l.to())).append("</td><td>")
                    .append(fmt(l.declaredMbps()))
                    .append("</td><td>").append(fmt(l.measuredMbps())).append("</td><td>").append(fmt(l.declaredRttMs()))
                    .append("</td><td>").append(fmt(l.measuredRttMs())).append("</td><td>").append(l.samples())
                    .append("</td></tr>");
        }
        return h.append("</table>").toString();
    }
}
