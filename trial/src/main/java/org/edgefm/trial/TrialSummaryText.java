package org.edgefm.trial;

import static org.edgefm.trial.TrialSummary.fmt;
import static org.edgefm.trial.TrialSummary.quantile;
import static org.edgefm.trial.TrialSummary.switchesLine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.edgefm.trial.TrialSummary.Agent;
import org.edgefm.trial.TrialSummary.Link;
import org.edgefm.trial.TrialSummary.Switches;
import org.edgefm.trial.TrialSummary.Window;

/**
 * A {@link TrialSummary} as the text table {@code edgefm trial} prints: tasks per type, latency
 * quantiles, cost, directives, model switches per node, the on-time timeline, links and agents.
 */
final class TrialSummaryText {
    private TrialSummaryText() {
    }

    /** Prints the summary table. */
    static void print(TrialSummary s, PrintWriter out) {
        out.printf(Locale.ROOT, "%ntrial %s, planner %s, broker %s, %.1f s%n", s.scenario(), s.planner(), s.broker(),
                s.wallS());
        out.printf(Locale.ROOT, "%-12s %9s %9s %9s %7s %9s%n", "TASK TYPE", "SUBMITTED", "COMPLETED", "ON TIME", "FAILED",
                "ON-TIME %");
        for (Map.Entry<String, long[]> e : s.perType().entrySet()) {
            long[] c = e.getValue();
            out.printf(Locale.ROOT, "%-12s %9d %9d %9d %7d %8.1f%%%n", e.getKey(), c[0], c[1], c[2], c[3],
                    c[0] == 0 ? 0.0 : 100.0 * c[2] / c[0]);
        }
        out.printf(Locale.ROOT, "%-12s %9d %9d %9d %7d %8.1f%%%n", "all", s.submitted(), s.completed(), s.onTime(),
                s.failed(), s.submitted() == 0 ? 0.0 : 100 * s.onTimeRate());
        out.printf(Locale.ROOT, "end-to-end latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d completed)%n",
                s.latencyQuantileMs(0.5), s.latencyQuantileMs(0.95), s.latencyQuantileMs(0.99), s.latenciesMs().length);
        out.printf(Locale.ROOT, "cost: %.1f (deploy + maintain + parallelism of the directives in force)%n", s.cost());
        out.printf(Locale.ROOT, "directives: %d sent, %d acknowledged as applied, %d re-sent%n", s.directivesSent(),
                s.directivesAcked(), s.directivesResent());
        out.printf(Locale.ROOT, "placement changes: %d directive(s) changed the services or instances of a node%n",
                s.placementChanges());
        out.println("model switches: " + switchesLine(s.allSwitches()));
        if (!s.switches().isEmpty()) {
            out.printf(Locale.ROOT, "%-12s %6s %8s %15s %15s %9s%n", "NODE", "LOADS", "UNLOADS", "PRELOAD P50 MS",
                    "PRELOAD MAX MS", "FROM .NPY");
            for (Map.Entry<String, Switches> e : s.switches().entrySet()) {
                double[] p = e.getValue().preloadsMs();
                out.printf(Locale.ROOT, "%-12s %6d %8d %15s %15s %9d%n", e.getKey(), e.getValue().loads().size(),
                        e.getValue().unloads().size(), p.length == 0 ? "-" : fmt(quantile(p, 0.5)),
                        p.length == 0 ? "-" : fmt(p[p.length - 1]), e.getValue().fromNpy());
            }
        }
        out.printf(Locale.ROOT, "impairment: %s%n", s.impairment());
        if (!s.timeline().windows().isEmpty()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "on-time %% per %.0f s window%s:",
                    s.timeline().windowS(), s.timeline().impairedFromS() == null ? "" : " (* impaired)"));
            for (Window w : s.timeline().windows()) {
                b.append(Double.isNaN(w.onTimeRate()) ? " -" : String.format(Locale.ROOT, " %.0f", 100 * w.onTimeRate()))
                        .append(w.impaired() ? "*" : "");
            }
            out.println(b);
        }
        if (!s.links().isEmpty()) {
            out.printf(Locale.ROOT, "%-22s %13s %13s %13s %13s %7s%n", "LINK", "DECLARED MBPS", "MEASURED MBPS",
                    "DECL. RTT MS", "MEAS. RTT MS", "SAMPLES");
            for (Link l : s.links()) {
                out.printf(Locale.ROOT, "%-22s %13s %13s %13s %13s %7d%n", l.from() + " - " + l.to(), fmt(l.declaredMbps()),
                        fmt(l.measuredMbps()), fmt(l.declaredRttMs()), fmt(l.measuredRttMs()), l.samples());
            }
        }
        if (s.refused() > 0 || s.duplicates() > 0) {
            out.printf(Locale.ROOT, "tasks not accepted by their agent: %d; duplicate completions (counted once): %d%n",
                    s.refused(), s.duplicates());
        }
        out.printf(Locale.ROOT, "%-12s %-24s %9s %7s%n", "AGENT", "PROFILE", "UPTIME S", "BIRTHS");
        for (Map.Entry<String, Agent> e : s.agents().entrySet()) {
            out.printf(Locale.ROOT, "%-12s %-24s %9.1f %7d%n", e.getKey(), e.getValue().profile(), e.getValue().uptimeS(),
                    e.getValue().births());
        }
        out.println("on-time: share of submitted tasks finished within their deadline; latency: submission at the"
                + " origin agent to completion at the sink, as the agents' completions report it.");
        out.flush();
    }
}
