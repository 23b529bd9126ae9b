package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Dist;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.Workload;
import org.edgefm.trial.report.ReportWriter;
import org.junit.jupiter.api.Test;

class ParitySectionTest {
    private static final CostLedger.Tally NONE = new CostLedger.Tally(10, 2, 1, List.of(1000.0, 6000.0), List.of(6000.0));

    /** {@code n} tasks over 10 s, each of latency {@code latency} ms, the first {@code late} of them past a 100 ms deadline. */
    private static ParitySide side(int n, double latency, int late, CostLedger.Tally tally) {
        List<ParitySide.Outcome> o = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            o.add(new ParitySide.Outcome(i * 10_000.0 / n, i % 2 == 0 ? "vqa" : "caption", true, i < late ? 150 : latency, 100));
        }
        return ParitySide.of(o, tally, List.of("vqa", "caption"), 5_000, 10_000);
    }

    private static Calibration calibration() {
        return new Calibration(Calibration.SCHEMA, "trial-lab", "two-tier", new Workload(10_000, 5_000, List.of(),
                Map.of()), List.of(), List.of(), List.of(), new Overheads(Dist.of(List.of(2.0)),
                        null, null, null), Dist.of(List.of(400.0, 800.0)), List.of());
    }

    @Test
    void json_gapsInPointsAndPerCent_targetsJudged() {
        ParitySide live = side(100, 50, 10, NONE);
        ParitySide sim = side(100, 55, 9, new CostLedger.Tally(12, 3, 1, List.of(), List.of()));
        ParitySection p = ParitySection.of("two-tier", live, sim, calibration());
        ObjectNode j = new ObjectMapper().createObjectNode();
        p.addTo(j);
        var g = j.path("parity").path("gap");
        assertThat(g.path("onTimePp").asDouble()).isCloseTo(1.0, within(1e-9)); // 90 % live, 91 % simulated
        assertThat(g.path("p50Pct").asDouble()).isCloseTo(10.0, within(1e-6));
        assertThat(g.path("costPct").asDouble()).isCloseTo(20.0, within(1e-9));
        assertThat(g.path("directives").asLong()).isEqualTo(1);
        assertThat(j.path("parity").path("targets").path("met").asBoolean()).isTrue();
        assertThat(j.path("parity").path("windows")).hasSize(2);
        assertThat(j.path("parity").path("windows").path(1).path("live").path("directives").asLong()).isEqualTo(1);
        assertThat(j.path("parity").path("perType").path(0).path("live").path("submitted").asLong()).isEqualTo(50);
        assertThat(j.path("parity").path("effects").toString()).contains("telemetry age", "p50 400.0");
    }

    @Test
    void latencyGapBeyondTwentyPerCent_targetsNotMet() {
        ParitySection p = ParitySection.of("two-tier", side(100, 50, 0, NONE), side(100, 61, 0, NONE), calibration());
        assertThat(p.targetsMet()).isFalse();
        assertThat(p.lines()).anyMatch(l -> l.contains("not met"));
    }

    @Test
    void failedReplay_oneLineEverywhere() {
        ParitySection p = ParitySection.failed("two-tier", "the replay failed: unknown planner 'x'");
        ObjectNode j = new ObjectMapper().createObjectNode();
        p.addTo(j);
        assertThat(j.path("parity").path("status").asText()).isEqualTo("failed");
        assertThat(j.path("parity").path("reason").asText()).contains("unknown planner");
        assertThat(p.lines()).containsExactly("parity: no replay: the replay failed: unknown planner 'x'");
        ReportWriter w = new ReportWriter("t");
        p.addTo(w);
        assertThat(w.html()).contains("No replay: the replay failed");
    }

    @Test
    void shadow_twinsPrediction_nextToTheLivePlannersReplay() {
        ParitySection p = ParitySection.of("two-tier", side(10, 50, 0, NONE), side(10, 50, 0, NONE), calibration());
        p.shadow("greedy", side(10, 80, 5, NONE), null);
        ObjectNode j = new ObjectMapper().createObjectNode();
        p.addTo(j);
        assertThat(j.path("parity").path("shadow").path("predicted").path("onTimeRate").asDouble()).isEqualTo(0.5);
        assertThat(p.lines()).anyMatch(l -> l.startsWith("  shadow greedy as the twin predicts it") && l.contains("on time 50.0%"));
    }

    @Test
    void afterWarmup_lateTasksOfTheFirstWindowOnly_targetsMetAfterItNotOverall() {
        // live: the first 30 of 100 tasks (all in the first 5 s window) at 150 ms; simulated: none late
        ParitySection p = ParitySection.of("two-tier", side(100, 50, 30, NONE), side(100, 50, 0, NONE), calibration());
        ObjectNode j = new ObjectMapper().createObjectNode();
        p.addTo(j);
        var aw = j.path("parity").path("afterWarmup");
        assertThat(aw.path("fromMs").asDouble()).isEqualTo(5_000);
        assertThat(aw.path("live").path("submitted").asLong()).isEqualTo(50);
        assertThat(aw.path("live").path("onTime").asLong()).isEqualTo(50);
        assertThat(p.targetsMet()).isFalse();
        assertThat(p.targetsMetAfterWarmup()).isTrue();
        assertThat(j.path("parity").path("targets").path("metAfterWarmup").asBoolean()).isTrue();
        assertThat(p.lines()).anyMatch(l -> l.contains("after warm-up (from 5 s) on time 100.0% / 100.0%"))
                .anyMatch(l -> l.contains("not met; after warm-up: met"));
    }

    @Test
    void effects_warmupOnlyStationsAndRecordedReadings_areNamed() {
        ParitySide live = side(100, 50, 10, NONE);
        assertThat(ParitySection.of("greedy", live, live, calibration()).effects())
                .anyMatch(l -> l.endsWith("not modelled: the simulator decides on a snapshot of age 0"));
        org.edgefm.sim.calibration.WarmupCut cut = new org.edgefm.sim.calibration.WarmupCut(5_000,
                org.edgefm.sim.calibration.WarmupCut.FIRST_WINDOW, List.of(new org.edgefm.sim.calibration.WarmupCut.ColdStation(
                        "edge-l4", "clip-vit", 12, org.edgefm.sim.calibration.WarmupCut.SAME_SERVICE, List.of("agx-orin"))));
        org.edgefm.sim.calibration.Observed observed = new org.edgefm.sim.calibration.Observed(List.of(),
                List.of(new org.edgefm.sim.calibration.Observed.LinkReading(-5, "agx-orin", "edge-l4", 242.6, 6.1)));
        List<String> effects = ParitySection.of("greedy", live, live, calibration().with(cut, observed)).effects();
        assertThat(effects).contains("measured during the warm-up (to 5.0 s) only: edge-l4/clip-vit (12, after it the service"
                + " at agx-orin); sim.twin.warmup");
        assertThat(effects).anyMatch(l -> l.contains("0 node reading(s), 1 link report(s)"));
    }
}
