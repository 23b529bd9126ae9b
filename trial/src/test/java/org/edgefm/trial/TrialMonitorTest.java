package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Death;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;

/** The monitor's bookkeeping of births and deaths, fed the wire messages directly. */
class TrialMonitorTest {
    private final Topics topics = Topics.forFleet("f");
    private final WireCodec codec = new WireCodec();
    private final TrialMonitor monitor = new TrialMonitor("tcp://127.0.0.1:1", "f",
            ScenarioLoader.load(Path.of("../scenarios/trial-lab.json")));

    private void birth(String node, long session, String endpoint) {
        monitor.handle(topics.birth(node), codec.encode(new Birth(WireCodec.SCHEMA, node, session, 1000, "p", "test",
                new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "nd4j-cpu", List.of()), 0, 0, List.of(), endpoint)));
    }

    private void death(String node, long session) {
        monitor.handle(topics.death(node), codec.encode(new Death(WireCodec.SCHEMA, node, session, 1000, "will")));
    }

    private int births(String node) {
        return monitor.summary("two-tier", "embedded").agents().get(node).births();
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

    private void ack(String node, long version, AckOutcome outcome, List<InstanceStart> started, List<InstanceStop> stopped) {
        monitor.handle(topics.ack(node), codec.encode(new Ack(WireCodec.SCHEMA, node, 1, version, outcome,
                outcome == AckOutcome.REJECTED ? "no" : null, 1000, started, stopped)));
    }

    @Test
    void appliedAcks_recordLoadsAndUnloadsOncePerDirective() {
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
    }

    @Test
    void timeline_countsTasksInTheWindowTheyWereSubmittedIn_andMarksTheImpairedOnes() {
        long now = System.currentTimeMillis();
        // the workload started 7 s ago; impaired from 5 s on: windows [0, 5) and [5, 10)
        monitor.workloadStarted(now - 7_000, 60_000, 5_000, 5_000, -1);
        monitor.submitted("t1", "vqa");
        monitor.submitted("t2", "vqa");
        monitor.handle(topics.result("edge"), codec.encode(new Result(WireCodec.SCHEMA, "edge", now, List.of(
                new TaskCompletion("t1", "vqa", "edge", now, now + 100, 500, true, null, List.of()),
                new TaskCompletion("t2", "vqa", "edge", now, now + 900, 500, true, null, List.of())))));
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
