package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.trial.report.ReportWriter;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.WireCodec;
import org.edgefm.host.fleet.FleetState;
import org.junit.jupiter.api.Test;

/** Fleet readiness from the births and applied acks the host hands the monitor, and the warm-up split of a trial's tasks. */
class WarmupTest {
    private final TrialMonitor monitor = new TrialMonitor(ScenarioLoader.load(Path.of("../scenarios/trial-lab.json")));

    private void birth(String node) {
        monitor.onBirth(new Birth(WireCodec.SCHEMA, node, 1, 1000, "p", "test",
                new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "nd4j-cpu", List.of()), 0, 0, List.of(),
                "127.0.0.1:1000"), true);
    }

    private static Directive directive(String node, long version) {
        return new Directive(WireCodec.SCHEMA, node, 3, version, 1000, new DesiredState(List.of(), List.of(), Map.of()));
    }

    private void applied(String node, long version, double preloadMs) {
        List<InstanceStart> started = List.of(new InstanceStart("vision-encoder", preloadMs, "npy"));
        monitor.onAck(new Ack(WireCodec.SCHEMA, node, 3, version, AckOutcome.APPLIED, null, 1000, started, List.of()),
                new FleetState.AckSwitches(started, List.of()));
    }

    private void complete(String id, long submittedAt, long latencyMs, double deadlineMs) {
        monitor.onCompletion(new TaskCompletion(id, "vqa", "a", submittedAt, submittedAt + latencyMs, deadlineMs, true, null,
                List.of()), false);
    }

    @Test
    void check_waitsForBirthsPlacementAndTheNewestDirectivesAppliedAck() {
        FleetReadiness.Loop loop = new FleetReadiness.Loop(true, true, Map.of("a", directive("a", 2), "b", directive("b", 1)));
        birth("a");
        FleetReadiness.State s = FleetReadiness.check(loop, List.of("a", "b"), monitor);
        assertThat(s.ready()).isFalse();
        assertThat(s.status()).contains("1/2 agents up").contains("1 agent(s) to be born").contains("a v2").contains("b v1");

        birth("b");
        applied("a", 1, 10); // an older directive applied: a's newest (v2) is still loading
        applied("b", 1, 20);
        s = FleetReadiness.check(loop, List.of("a", "b"), monitor);
        assertThat(s.ready()).isFalse();
        assertThat(s.status()).contains("1/2 newest directives applied").contains("a v2").doesNotContain("b v1");

        applied("a", 2, 4600);
        assertThat(FleetReadiness.check(loop, List.of("a", "b"), monitor).ready()).isTrue();
        assertThat(monitor.maxPreloadMs()).isEqualTo(4600.0);
        // a pending placement or no decision yet is not ready either
        assertThat(FleetReadiness.check(new FleetReadiness.Loop(false, true, loop.directives()), List.of("a", "b"), monitor)
                .status()).contains("the core placement");
        assertThat(FleetReadiness.check(new FleetReadiness.Loop(true, false, loop.directives()), List.of("a", "b"), monitor)
                .status()).contains("first decision");
        // a node the loop has given nothing yet
        assertThat(FleetReadiness.check(new FleetReadiness.Loop(true, true, Map.of("a", directive("a", 2))),
                List.of("a", "b"), monitor).status()).contains("a directive for b");
    }

    @Test
    void separated_splitsTheTasksAtTheMomentTheFleetWasReady() {
        Warmup w = new Warmup(false, 0);
        w.workloadStarted(10_000);
        w.check(new FleetReadiness.State(false, "loading", 0, 1), 11_000, null);
        assertThat(w.ready()).isFalse();
        w.check(new FleetReadiness.State(true, "3/3 agents up", 1, 1), 14_000, 4600.0);
        w.check(new FleetReadiness.State(true, "later", 1, 1), 20_000, 9.0); // the first ready moment stays
        monitor.submitted("t1", "vqa", 12_000);
        complete("t1", 12_000, 900, 500); // late, during warm-up
        monitor.submitted("t2", "vqa", 13_999);
        monitor.submitted("t3", "vqa", 14_000);
        complete("t3", 14_000, 50, 500);
        monitor.submitted("t4", "vqa", 15_000);
        complete("t4", 15_000, 70, 500);

        assertThat(w.mode()).isEqualTo(Warmup.SEPARATED);
        assertThat(w.readyInWorkloadS()).isEqualTo(4.0);
        ObjectNode j = new ObjectMapper().createObjectNode();
        w.addTo(j, monitor);
        ObjectNode warm = (ObjectNode) j.get(Warmup.KEY);
        assertThat(warm.get("mode").asText()).isEqualTo("separated");
        assertThat(warm.get("requested").asText()).isEqualTo("separate");
        assertThat(warm.get("fleetReadyAfterS").asDouble()).isEqualTo(14.0);
        assertThat(warm.get("maxPreloadMs").asDouble()).isEqualTo(4600.0);
        assertThat(warm.get("beforeReady").get("submitted").asLong()).isEqualTo(2);
        assertThat(warm.get("beforeReady").get("onTime").asLong()).isZero();
        assertThat(warm.get("beforeReady").get("onTimeRate").asDouble()).isZero();
        assertThat(warm.get("afterReady").get("submitted").asLong()).isEqualTo(2);
        assertThat(warm.get("afterReady").get("onTimeRate").asDouble()).isEqualTo(1.0);
        assertThat(warm.get("afterReady").get("p50Ms").asDouble()).isBetween(50.0, 70.0);
        assertThat(w.lines(monitor)).anySatisfy(l -> assertThat(l).contains("ready 4.0 s into it"));
        assertThat(w.readyLine()).contains("4.0 s into the workload").contains("4600 ms");

        ReportWriter page = new ReportWriter("t");
        w.addTo(page, monitor);
        assertThat(page.html()).contains("Warm-up").contains("before the fleet was ready").contains("0.0%");
    }

    @Test
    void waited_reportsOnePartAndNoWarmupTasks() {
        Warmup w = new Warmup(true, 1_000);
        w.check(new FleetReadiness.State(true, "2/2 agents up", 2, 2), 6_000, 120.0);
        w.workloadStarted(6_100);
        monitor.submitted("t1", "vqa", 6_200);
        complete("t1", 6_200, 40, 500);
        assertThat(w.mode()).isEqualTo(Warmup.WAITED);
        ObjectNode j = new ObjectMapper().createObjectNode();
        w.addTo(j, monitor);
        assertThat(j.get(Warmup.KEY).get("mode").asText()).isEqualTo("waited");
        assertThat(j.get(Warmup.KEY).get("fleetReadyAfterS").asDouble()).isEqualTo(5.0);
        assertThat(j.get(Warmup.KEY).get("readyInWorkloadS").asDouble()).isZero();
        assertThat(j.get(Warmup.KEY).has("beforeReady")).isFalse();
        assertThat(j.get(Warmup.KEY).get("afterReady").get("submitted").asLong()).isEqualTo(1);
    }

    @Test
    void waitThatTimedOut_isSeparatedEvenThoughWaitWasAsked() {
        Warmup w = new Warmup(true, 0);
        w.check(new FleetReadiness.State(false, "waiting for the core placement", 0, 0), 1_000, null);
        w.timedOut();
        w.workloadStarted(2_000);
        assertThat(w.mode()).isEqualTo(Warmup.SEPARATED);
        monitor.submitted("t1", "vqa", 2_500);
        ObjectNode j = new ObjectMapper().createObjectNode();
        w.addTo(j, monitor);
        assertThat(j.get(Warmup.KEY).get("requested").asText()).isEqualTo("wait");
        assertThat(j.get(Warmup.KEY).get("timedOut").asBoolean()).isTrue();
        assertThat(j.get(Warmup.KEY).get("fleetReadyAfterS").isNull()).isTrue();
        assertThat(j.get(Warmup.KEY).get("beforeReady").get("submitted").asLong()).isEqualTo(1);
        assertThat(w.lines(monitor).get(0)).contains("never ready").contains("core placement");
    }
}
