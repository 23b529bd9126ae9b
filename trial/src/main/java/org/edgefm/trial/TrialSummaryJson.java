package org.edgefm.trial;

import static org.edgefm.trial.TrialSummary.quantile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.trial.TrialSummary.Agent;
import org.edgefm.trial.TrialSummary.Link;
import org.edgefm.trial.TrialSummary.Load;
import org.edgefm.trial.TrialSummary.Switches;
import org.edgefm.trial.TrialSummary.Unload;
import org.edgefm.trial.TrialSummary.Window;

/**
 * A {@link TrialSummary} as a results document ({@link Results}): its one result and the trial's own
 * sections (directives, tasks, task types, agents, links, model switches, timeline), and the file
 * {@code trial --json} writes.
 */
final class TrialSummaryJson {
    private TrialSummaryJson() {
    }

    /**
     * The trial as a results document ({@link Results}, the format {@code simulate --json} writes): its
     * one {@link TrialSummary#result()} and the trial's own sections (directives, tasks, agents, links, model
     * switches, timeline).
     */
    static Results results(TrialSummary s) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("planner", s.planner());
        root.put("broker", s.broker());
        root.put("wallS", s.wallS());
        root.put("onTimeRate", s.onTimeRate());
        ObjectNode lat = root.putObject("latencyMs");
        lat.put("p50", s.latencyQuantileMs(0.5));
        lat.put("p95", s.latencyQuantileMs(0.95));
        lat.put("p99", s.latencyQuantileMs(0.99));
        root.put("cost", s.cost());
        ObjectNode d = root.putObject("directives");
        d.put("sent", s.directivesSent());
        d.put("acked", s.directivesAcked());
        d.put("resent", s.directivesResent());
        ObjectNode t = root.putObject("tasks");
        t.put("submitted", s.submitted());
        t.put("completed", s.completed());
        t.put("onTime", s.onTime());
        t.put("failed", s.failed());
        t.put("refused", s.refused());
        t.put("duplicates", s.duplicates());
        ObjectNode per = root.putObject("taskTypes");
        for (Map.Entry<String, long[]> e : s.perType().entrySet()) {
            ObjectNode x = per.putObject(e.getKey());
            x.put("submitted", e.getValue()[0]);
            x.put("completed", e.getValue()[1]);
            x.put("onTime", e.getValue()[2]);
            x.put("failed", e.getValue()[3]);
        }
        ObjectNode ag = root.putObject("agents");
        for (Map.Entry<String, Agent> e : s.agents().entrySet()) {
            ObjectNode x = ag.putObject(e.getKey());
            x.put("profile", e.getValue().profile());
            x.put("uptimeS", e.getValue().uptimeS());
            x.put("births", e.getValue().births());
        }
        root.put("impairment", s.impairment());
        root.put("placementChanges", s.placementChanges());
        ArrayNode ls = root.putArray("links");
        for (Link l : s.links()) {
            ObjectNode x = ls.addObject();
            x.put("from", l.from());
            x.put("to", l.to());
            x.put("declaredMbps", l.declaredMbps());
            x.put("declaredRttMs", l.declaredRttMs());
            x.put("measuredMbps", l.measuredMbps());
            x.put("measuredRttMs", l.measuredRttMs());
            x.put("samples", l.samples());
        }
        switchesJson(s, root.putObject("modelSwitches"));
        timelineJson(s, root);
        return Results.of("trial", s.scenario(), List.of(s.result()), root);
    }

    /**
     * {@code modelSwitches}: totals ({@code loads}, {@code unloads}, {@code preloadMs} p50 and max over
     * the loads) and per node the loads ({@code service, version, atS, preloadMs, weights}) and
     * unloads ({@code service, version, atS}).
     */
    private static void switchesJson(TrialSummary s, ObjectNode ms) {
        Switches all = s.allSwitches();
        ms.put("loads", all.loads().size());
        ms.put("unloads", all.unloads().size());
        double[] p = all.preloadsMs();
        ObjectNode pre = ms.putObject("preloadMs");
        pre.put("p50", p.length == 0 ? null : quantile(p, 0.5));
        pre.put("max", p.length == 0 ? null : p[p.length - 1]);
        ObjectNode nodes = ms.putObject("nodes");
        for (Map.Entry<String, Switches> e : s.switches().entrySet()) {
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
    private static void timelineJson(TrialSummary s, ObjectNode root) {
        root.put("timelineWindowS", s.timeline().windowS());
        if (s.timeline().impairedFromS() == null) {
            root.putNull("impairedWindowS");
        } else {
            ObjectNode iw = root.putObject("impairedWindowS");
            iw.put("fromS", s.timeline().impairedFromS());
            iw.put("toS", s.timeline().impairedToS());
        }
        ArrayNode tl = root.putArray("timeline");
        for (Window w : s.timeline().windows()) {
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
    static void writeJson(TrialSummary s, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(s.toJson()) + "\n",
                StandardCharsets.UTF_8);
    }
}
