package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor as a view of the host: fed by the hooks of a real {@link FleetState} and a real
 * {@link DirectiveOutbox} (what the in-process host calls while it takes messages in and publishes
 * directives), never by a broker of its own.
 */
class TrialMonitorTest {
    private static final Scenario LAB = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));

    private final TrialMonitor monitor = new TrialMonitor(LAB);
    /** The host's fleet state, with the monitor observing it as PlannerHost.observe registers it. */
    private final FleetState state = new FleetState(60_000, List.of());

    {
        state.observe(monitor);
    }

    private static Birth birthOf(String node, long session, String endpoint) {
        return new Birth(WireCodec.SCHEMA, node, session, 1000, "p", "test",
                new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "nd4j-cpu", List.of()), 0, 0, List.of(), endpoint);
    }

    private void birth(String node, long session, String endpoint) {
        state.onBirth(birthOf(node, session, endpoint), 0);
    }

    private void death(String node, long session) {
        state.onDeath(new Death(WireCodec.SCHEMA, node, session, 1000, "will"));
    }

    private int births(String node) {
        return monitor.summary("two-tier", "embedded").agents().get(node).births();
    }

    @Test
    void snapshotsOfTheLoop_nodeReadingsAndLinkReports_reachTheTrialLog() {
        org.edgefm.control.FleetSnapshot snap = new org.edgefm.control.FleetSnapshot(1_000, List.of(
                new org.edgefm.control.NodeStatus("agx-orin", true, 1, 1, 2, 350.0, 0.97),
                new org.edgefm.control.NodeStatus("edge-l4", false, 1, 1, 2, null, Double.NaN)), List.of(), List.of(),
                List.of(), List.of(new org.edgefm.api.spi.LinkEstimate("agx-orin", "edge-l4", 242.6, 6.1)), List.of(), 0);
        monitor.snapshot(snap, 5_000);
        var log = monitor.trialLog();
        assertThat(log.nodeReadings()).containsExactly(
                new org.edgefm.sim.calibration.Observed.NodeReading(5_000, "agx-orin", true, 350.0, 0.97),
                new org.edgefm.sim.calibration.Observed.NodeReading(5_000, "edge-l4", false, null, null));
        assertThat(log.linkReadings()).containsExactly(
                new org.edgefm.sim.calibration.Observed.LinkReading(5_000, "agx-orin", "edge-l4", 242.6, 6.1));
    }

    @Test
    void birthRepublishedInTheSameSession_countsOnce() {
        birth("a", 10, "127.0.0.1:1000");
        birth("a", 10, "127.0.0.1:1000"); // after calibration
        assertThat(births("a")).isEqualTo(1);
    }

    @Test
    void newSessionAfterADeath_countsAsASecondBirth() {
        birth("a", 10, "127.0.0.1:1000");
        death("a", 10);
        assertThat(monitor.endpoint("a")).isNull();
        birth("a", 11, "127.0.0.1:1001");
        assertThat(births("a")).isEqualTo(2);
        assertThat(monitor.endpoint("a")).isEqualTo("127.0.0.1:1001");
    }

    @Test
    void willOfAnOlderSession_doesNotEndTheCurrentOne() {
        birth("a", 11, "127.0.0.1:1001");
        death("a", 10);
        assertThat(monitor.endpoint("a")).isEqualTo("127.0.0.1:1001");
        birth("a", 10, "127.0.0.1:1000"); // a stale retained birth
        assertThat(monitor.endpoint("a")).isEqualTo("127.0.0.1:1001");
        assertThat(births("a")).isEqualTo(1);
    }

    @Test
    void uptime_runsFromBirthToDeath_andEndsAtClose() {
        monitor.birth(birthOf("a", 1, "h:1"), true, 1_000);
        monitor.death(new Death(WireCodec.SCHEMA, "a", 1, 0, "will"), 3_500);
        monitor.birth(birthOf("a", 2, "h:2"), true, 10_000);
        monitor.close();
        TrialSummary.Agent a = monitor.summary("two-tier", "embedded").agents().get("a");
        assertThat(a.births()).isEqualTo(2);
        // 2.5 s of the first session, and the second one from t = 10 s (wall clock) to the close
        assertThat(a.uptimeS()).isGreaterThan(2.5);
        // events after close change nothing
        monitor.onBirth(birthOf("a", 3, "h:3"), true);
        assertThat(monitor.summary("two-tier", "embedded").agents().get("a").births()).isEqualTo(2);
        assertThat(monitor.endpoint("a")).isEqualTo("h:2");
    }

    private void ack(String node, long version, AckOutcome outcome, List<InstanceStart> started, List<InstanceStop> stopped) {
        state.onAck(new Ack(WireCodec.SCHEMA, node, 1, version, outcome, outcome == AckOutcome.REJECTED ? "no" : null, 1000,
                started, stopped));
    }

    @Test
    void appliedAcks_recordLoadsAndUnloadsOncePerDirective_asTheFleetStateRecordsThem() {
        List<InstanceStart> started = List.of(new InstanceStart("llm", 41.5, InstanceStart.npy("llm.npy")),
                new InstanceStart("asr", 3.0, InstanceStart.GENERATED));
        ack("edge", 1, AckOutcome.APPLIED, started, List.of());
        ack("edge", 1, AckOutcome.APPLIED, started, List.of()); // delivered twice
        ack("edge", 2, AckOutcome.APPLIED, List.of(), List.of(new InstanceStop("llm")));
        ack("edge", 3, AckOutcome.APPLIED, List.of(), List.of()); // nothing changed
        ack("cloud", 1, AckOutcome.REJECTED, List.of(), List.of());
        TrialSummary.Switches edge = monitor.summary("genai-ga", "embedded").switches().get("edge");
        assertThat(edge.loads()).extracting(TrialSummary.Load::service).containsExactly("llm", "asr");
        assertThat(edge.loads().get(0).preloadMs()).isEqualTo(41.5);
        assertThat(edge.loads().get(0).weights()).isEqualTo("npy llm.npy");
        assertThat(edge.loads().get(0).version()).isEqualTo(1);
        assertThat(edge.unloads()).extracting(TrialSummary.Unload::service).containsExactly("llm");
        assertThat(edge.fromNpy()).isEqualTo(1);
        assertThat(monitor.summary("genai-ga", "embedded").switches()).doesNotContainKey("cloud");
        // the monitor's loads are the fleet state's (the host's /api/fleet figures)
        long hostLoads = state.view(0).stream().filter(v -> v.node().equals("edge")).findFirst().orElseThrow()
                .switches().loads();
        assertThat(edge.loads()).hasSize((int) hostLoads);
        assertThat(monitor.applied("edge")).isTrue();
        assertThat(monitor.applied("cloud")).isFalse();
        assertThat(monitor.appliedAck("edge", 1, 3)).isTrue();
    }

    @Test
    void completions_theHostCountsOnce_andARepeatIsADuplicate() {
        monitor.submitted("t1", "vqa");
        long now = System.currentTimeMillis();
        TaskCompletion c = new TaskCompletion("t1", "vqa", "edge", now, now + 100, 500, true, null, List.of());
        state.onResult(new Result(WireCodec.SCHEMA, "edge", now, List.of(c)));
        state.onResult(new Result(WireCodec.SCHEMA, "edge", now, List.of(c))); // delivered again
        monitor.repeatedReports(2); // what the host's validator dropped before the fleet state
        TrialSummary s = monitor.summary("two-tier", "embedded");
        assertThat(s.completed()).isEqualTo(1);
        assertThat(s.onTime()).isEqualTo(1);
        assertThat(s.duplicates()).isEqualTo(3);
        assertThat(monitor.pending()).isZero();
    }

    private static Directive directive(String node, long version, int instances) {
        return new Directive(WireCodec.SCHEMA, node, 1, version, 1000, new DesiredState(
                List.of(new DesiredService("clip-vit", org.edgefm.api.model.ServiceKind.CORE, instances, 1, null, 1.0, null)),
                List.of(), Map.of()));
    }

    @Test
    void outboxPublications_firstIsSent_laterAreReSent_andSettleWhenApplied(@TempDir Path dir) {
        try (DirectiveOutbox outbox = new DirectiveOutbox(dir.resolve("outbox.db"), 1_000, 30_000)) {
            outbox.observe(monitor);
            outbox.putAll(List.of(directive("a", 1, 1)));
            outbox.sent("a", 0);
            outbox.sent("a", 1_000); // re-sent: no ack yet
            TrialMonitor.Counts c = monitor.counts();
            assertThat(c.directivesSent()).isEqualTo(1);
            assertThat(c.directivesResent()).isEqualTo(1);
            assertThat(monitor.directivesSettled()).isFalse();
            ack("a", 1, AckOutcome.APPLIED, List.of(), List.of());
            assertThat(monitor.directivesSettled()).isTrue();
            outbox.putAll(List.of(directive("a", 2, 2)));
            outbox.sent("a", 2_000);
            assertThat(monitor.counts().directivesSent()).isEqualTo(2);
            assertThat(monitor.directivesSettled()).isFalse();
            assertThat(monitor.summary("two-tier", "embedded").placementChanges()).isEqualTo(1);
        }
    }

    @Test
    void cost_isChargedFromTheFirstPublication_throughServiceCosts() {
        long t0 = 1_000_000;
        double slotMs = LAB.run().slotMs();
        monitor.sent(directive("a", 1, 2), t0);
        monitor.sent(directive("a", 1, 2), t0 + 500); // a re-send changes nothing
        org.edgefm.api.model.ServiceSpec clip = LAB.services().stream().filter(x -> x.id().equals("clip-vit")).findFirst()
                .orElseThrow();
        double core = clip.costs().deployment(2, 0);
        double running = clip.costs().running(clip.kind(), 2, 1, true);
        assertThat(monitor.costUntil(t0 + (long) (4 * slotMs))).isCloseTo(core + 4 * running,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void timeline_countsTasksInTheWindowTheyWereSubmittedIn_andMarksTheImpairedOnes() {
        long now = System.currentTimeMillis();
        // the workload started 7 s ago; impaired from 5 s on: windows [0, 5) and [5, 10)
        monitor.workloadStarted(now - 7_000, 60_000, 5_000, 5_000, -1);
        monitor.submitted("t1", "vqa");
        monitor.submitted("t2", "vqa");
        state.onResult(new Result(WireCodec.SCHEMA, "edge", now, List.of(
                new TaskCompletion("t1", "vqa", "edge", now, now + 100, 500, true, null, List.of()),
                new TaskCompletion("t2", "vqa", "edge", now, now + 900, 500, true, null, List.of()))));
        TrialSummary.Timeline t = monitor.summary("two-tier", "embedded").timeline();
        assertThat(t.windows()).hasSize(2);
        assertThat(t.windows().get(0).submitted()).isZero();
        assertThat(t.windows().get(0).impaired()).isFalse();
        TrialSummary.Window w = t.windows().get(1);
        assertThat(w.tS()).isEqualTo(5.0);
        assertThat(w.submitted()).isEqualTo(2);
        assertThat(w.completed()).isEqualTo(2);
        assertThat(w.onTimeRate()).isEqualTo(0.5);
        assertThat(w.p95Ms()).isBetween(100.0, 900.0);
        assertThat(w.impaired()).isTrue();
        assertThat(t.impairedFromS()).isEqualTo(5.0);
    }
}
