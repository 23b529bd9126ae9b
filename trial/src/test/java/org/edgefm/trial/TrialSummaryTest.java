package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialSummaryTest {
    @TempDir
    Path dir;

    private static TrialSummary summary(List<TrialSummary.Link> links) {
        return new TrialSummary("trial-lab", "d", "two-tier", "embedded", 30, 10, 0, 8, 7, 2, 0,
                new double[] {50, 60, 70}, 12.5, 4, 4, 0, Map.of("vqa", new long[] {10, 8, 7, 2}),
                Map.of("edge-l4", new TrialSummary.Agent("nvidia-l4", 30, 1)), "delay=40ms (in-process shaper)", 3, links);
    }

    @Test
    void links_declaredNextToMeasured_inJsonTableAndReport() throws Exception {
        TrialSummary s = summary(List.of(new TrialSummary.Link("agx-orin", "edge-l4", 1000.0, 1.001, 250.5, 81.2, 14),
                new TrialSummary.Link("edge-l4", "orin-nx", null, null, 300.0, 1.5, 6)));
        JsonNode json = s.toJson();
        assertThat(json.get("impairment").asText()).isEqualTo("delay=40ms (in-process shaper)");
        assertThat(json.get("placementChanges").asLong()).isEqualTo(3);
        JsonNode l0 = json.get("links").get(0);
        assertThat(l0.get("from").asText()).isEqualTo("agx-orin");
        assertThat(l0.get("declaredMbps").asDouble()).isEqualTo(1000.0);
        assertThat(l0.get("measuredRttMs").asDouble()).isEqualTo(81.2);
        assertThat(json.get("links").get(1).get("declaredMbps").isNull()).isTrue();

        StringWriter text = new StringWriter();
        s.print(new PrintWriter(text));
        assertThat(text.toString()).contains("impairment: delay=40ms (in-process shaper)")
                .containsPattern("agx-orin - edge-l4 +1000\\.00 +250\\.50 +1\\.00 +81\\.20 +14")
                .containsPattern("edge-l4 - orin-nx +- +300\\.00 +- +1\\.50 +6");

        String html = Files.readString(s.writeReport(dir));
        assertThat(html).contains("<h2>Network</h2>", "<td>agx-orin - edge-l4</td><td>1000.00</td><td>250.50</td>");
    }

    @Test
    void modelSwitches_lineTableJsonAndReport() throws Exception {
        TrialSummary base = summary(List.of());
        TrialSummary s = new TrialSummary(base.scenario(), base.description(), base.planner(), base.broker(), base.wallS(),
                base.submitted(), base.refused(), base.completed(), base.onTime(), base.failed(), base.duplicates(),
                base.latenciesMs(), base.cost(), base.directivesSent(), base.directivesAcked(), base.directivesResent(),
                base.perType(), base.agents(), base.impairment(), base.placementChanges(), base.links(),
                Map.of("edge-gpu", new TrialSummary.Switches(List.of(
                        new TrialSummary.Load("llama2-7b", 3, 4.5, 40.0, "npy llama2-7b.npy"),
                        new TrialSummary.Load("whisper-small", 4, 7.5, 10.0, "npy whisper-small.npy"),
                        new TrialSummary.Load("llama2-7b", 7, 19.0, 120.0, "npy llama2-7b.npy")),
                        List.of(new TrialSummary.Unload("llama2-7b", 5, 10.5)))));
        assertThat(TrialSummary.switchesLine(s.allSwitches())).isEqualTo("3 loads (preload p50 40 ms, max 120 ms), 1 unload");
        StringWriter text = new StringWriter();
        s.print(new PrintWriter(text));
        assertThat(text.toString()).contains("model switches: 3 loads (preload p50 40 ms, max 120 ms), 1 unload")
                .containsPattern("edge-gpu +3 +1 +40\\.00 +120\\.00 +3");
        JsonNode ms = s.toJson().get("modelSwitches");
        assertThat(ms.get("loads").asInt()).isEqualTo(3);
        assertThat(ms.get("unloads").asInt()).isEqualTo(1);
        assertThat(ms.get("preloadMs").get("max").asDouble()).isEqualTo(120.0);
        JsonNode edge = ms.get("nodes").get("edge-gpu");
        assertThat(edge.get("loads").get(0).get("weights").asText()).isEqualTo("npy llama2-7b.npy");
        assertThat(edge.get("loads").get(1).get("preloadMs").asDouble()).isEqualTo(10.0);
        assertThat(edge.get("unloads").get(0).get("version").asLong()).isEqualTo(5);
        assertThat(Files.readString(s.writeReport(dir))).contains("Model switches (3 loads", "<td>edge-gpu</td>");
        // without switches: zero totals, no rows
        JsonNode none = base.toJson().get("modelSwitches");
        assertThat(none.get("loads").asInt()).isZero();
        assertThat(none.get("preloadMs").get("p50").isNull()).isTrue();
        assertThat(none.get("nodes").size()).isZero();
    }

    @Test
    void noLinks_saySo() {
        assertThat(summary(List.of()).linksTableHtml()).contains("No link between the trial's agents");
    }

    @Test
    void timeline_inJsonTextAndReport_withTheImpairedWindowShaded() throws Exception {
        TrialSummary base = summary(List.of());
        TrialSummary.Timeline t = new TrialSummary.Timeline(5.0, List.of(
                new TrialSummary.Window(0, 4, 4, 4, 120.0, 3, 1, false),
                new TrialSummary.Window(5, 3, 2, 1, 900.0, 0, 0, true),
                new TrialSummary.Window(10, 0, 0, 0, Double.NaN, 1, 1, false)), 5.0, 10.0);
        TrialSummary s = new TrialSummary(base.scenario(), base.description(), base.planner(), base.broker(), base.wallS(),
                base.submitted(), base.refused(), base.completed(), base.onTime(), base.failed(), base.duplicates(),
                base.latenciesMs(), base.cost(), base.directivesSent(), base.directivesAcked(), base.directivesResent(),
                base.perType(), base.agents(), base.impairment(), base.placementChanges(), base.links(), Map.of(), t);
        JsonNode json = s.toJson();
        JsonNode w1 = json.get("timeline").get(1);
        assertThat(w1.get("tS").asDouble()).isEqualTo(5.0);
        assertThat(w1.get("onTimeRate").asDouble()).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(w1.get("p95Ms").asDouble()).isEqualTo(900.0);
        assertThat(w1.get("impaired").asBoolean()).isTrue();
        assertThat(json.get("timeline").get(2).get("onTimeRate").isNull()).isTrue();
        assertThat(json.get("timeline").get(0).get("placementChanges").asLong()).isEqualTo(1);
        assertThat(json.get("impairedWindowS").get("toS").asDouble()).isEqualTo(10.0);

        StringWriter text = new StringWriter();
        s.print(new PrintWriter(text));
        assertThat(text.toString()).contains("on-time % per 5 s window (* impaired): 100 33* -");

        String html = Files.readString(s.writeReport(dir));
        assertThat(html).contains("<h2>Timeline</h2>", "alt=\"On-time completion and p95 latency per window\"",
                "<td>5</td><td>3</td><td>2</td><td>33.3%</td><td>900.0</td><td>0</td><td>0</td><td>yes</td>",
                // 4 directives and 3 placement changes in all, 4 and 2 of them in the windows
                "Before the workload started (agents joining, first placement): 0 directive(s), 1 placement change(s).");
    }
}
