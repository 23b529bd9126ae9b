package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.scenario.FailureEvent;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.NodeStatus;
import org.junit.jupiter.api.Test;

class SimulatedFleetTest {
    // Two nodes: a device "a" (speed 1) and a server "b" (speed 2), 0.5 MB/ms, 100 km, 0.25 ms extra.
    private static final LinkSpec AB = new LinkSpec("a", "b", 0.5, 100, 0.25);
    private static final ServiceSpec PRE = lightService("pre", 1.0, 1.0, new RateModel.Deterministic(0.5));
    private static final ServiceSpec ENC = coreService("enc", 3.0, 0.2, 1.0);
    private static final ServiceSpec TOK = lightService("tok", 0.5, 0.4, new RateModel.Deterministic(0.25));

    private static SimulatedFleet twoStage(double deadlineMs, List<FailureEvent> failures) {
        SystemModel m = model(List.of(node("a", 1.0), node("b", 2.0)), List.of(AB), List.of(PRE, ENC),
                List.of(chain("cap", 2.0, deadlineMs, "pre", "enc")), List.of(user("u", "a", 0.5, 3.0)),
                List.of(periodic("u", "cap", 100)));
        SimulatedFleet f = new SimulatedFleet(m, 100, failures, 1, SimSettings.DEFAULTS);
        List<Route> routes = List.of(route("cap", "s0", "a"), route("cap", "s1", "b"));
        f.apply(directive("a", 1, List.of(light(PRE, 1, 1)), routes));
        f.apply(directive("b", 1, List.of(core(ENC, 1)), routes));
        return f;
    }

    @Test
    void twoStageChain_latencyEqualsHandComputedEq4() {
        // uplink 2 MB / (0.5 · log2(1+3)) = 2; pre at a: 1/0.5 = 2; a→b: 1 MB/0.5 + 100/200 + 0.25 = 2.75;
        // enc at b: 3 / (1 · 2) = 1.5. Total 8.25 ms.
        SimulatedFleet f = twoStage(8.3, List.of());
        f.advanceTo(1050);
        SimStats s = f.stats();
        assertThat(s.completed()).isEqualTo(10);
        assertThat(java.util.Arrays.stream(s.latenciesMs()).boxed().toList()).allSatisfy(l -> assertThat(l).isCloseTo(8.25, within(1e-9)));
        assertThat(s.onTime()).isEqualTo(10);
        List<TaskCompletion> done = f.snapshot().completions();
        assertThat(done).hasSize(10).allMatch(TaskCompletion::onTime);
    }

    @Test
    void twoStageChain_deadlineBelowLatency_everyTaskLate() {
        SimulatedFleet f = twoStage(8.2, List.of());
        f.advanceTo(1050);
        assertThat(f.stats().onTime()).isZero();
        assertThat(f.stats().onTimeRate()).isZero();
        assertThat(f.snapshot().completions()).hasSize(10).noneMatch(TaskCompletion::onTime);
    }

    @Test
    void forkJoin_sinkWaitsForTheSlowerParent() {
        // Leaves: "img" (pre at a, output 1 MB → b) and "txt" (tok at b: input 2 MB forwarded a→b).
        // Sink "fuse" (enc at b) starts at the max of both arrivals (eq. 4).
        TaskType vqa = new TaskType("vqa", 2.0, 100, List.of(
                new Stage("img", "pre", "fuse"), new Stage("txt", "tok", "fuse"), new Stage("fuse", "enc", null)));
        SystemModel m = model(List.of(node("a", 1.0), node("b", 2.0)), List.of(AB), List.of(PRE, ENC, TOK),
                List.of(vqa), List.of(user("u", "a", 0.5, 3.0)), List.of(periodic("u", "vqa", 100)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 1, SimSettings.DEFAULTS);
        List<Route> routes = List.of(route("vqa", "img", "a"), route("vqa", "txt", "b"), route("vqa", "fuse", "b"));
        f.apply(directive("a", 1, List.of(light(PRE, 1, 1)), routes));
        f.apply(directive("b", 1, List.of(core(ENC, 1), light(TOK, 1, 1)), routes));
        f.advanceTo(550);
        // img branch: uplink 2 + pre 2 + a→b (1 MB) 2.75 = 6.75
        // txt branch: uplink 2 + a→b (2 MB) 4 + 0.75 = 6.75 arrives; tok at b: 0.5/(0.25·2) = 1 → 7.75
        // fuse: max(6.75, 7.75) + 0 (co-located) + 3/(1·2) = 9.25
        assertThat(f.stats().completed()).isEqualTo(5);
        assertThat(java.util.Arrays.stream(f.stats().latenciesMs()).boxed().toList()).allSatisfy(l -> assertThat(l).isCloseTo(9.25, within(1e-9)));
    }

    @Test
    void nodeFailure_tasksAtFailedNodeLost_completionsResumeAfterRecovery() {
        SimulatedFleet f = twoStage(50, List.of(new FailureEvent("b", 250, 300.0)));
        f.advanceTo(240);
        assertThat(f.stats().failed()).isZero();
        f.advanceTo(400);
        FleetSnapshot during = f.snapshot();
        assertThat(during.nodes()).filteredOn(n -> n.node().equals("b")).extracting(NodeStatus::online)
                .containsExactly(false);
        f.advanceTo(2050);
        SimStats s = f.stats();
        // Arrivals at 300, 400, 500 finish their first stage while b is down: the only target of the
        // second stage is offline, so they are lost; 100, 200 and 600..2000 complete.
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.failedUnrouted()).isEqualTo(3);
        assertThat(s.completed()).isEqualTo(17);
        List<TaskCompletion> all = new ArrayList<>(during.completions());
        all.addAll(f.snapshot().completions());
        assertThat(all).filteredOn(c -> !c.success()).hasSize(3)
                .allSatisfy(c -> assertThat(c.error()).isEqualTo("unrouted"));
        assertThat(all).filteredOn(TaskCompletion::success).extracting(TaskCompletion::submittedAtMs)
                .contains(200L, 600L).doesNotContain(300L, 400L, 500L);
    }

    @Test
    void failureWhileInTransit_taskArrivingAtOfflineNodeIsLost() {
        // The task that arrives at 100 leaves a at 104 and reaches b at 106.75; b is down 105..106.9.
        SimulatedFleet f = twoStage(50, List.of(new FailureEvent("b", 105, 1.9)));
        f.advanceTo(1050);
        assertThat(f.stats().failedNodeDown()).isEqualTo(1);
        assertThat(f.stats().completed()).isEqualTo(9);
    }

    @Test
    void failureDuringService_taskInServiceIsLost() {
        // enc at b runs from 6.75 to 8.25 for the task that arrives at 100; b fails at 107.
        SimulatedFleet f = twoStage(50, List.of(new FailureEvent("b", 107, 1.0)));
        f.advanceTo(1050);
        assertThat(f.stats().failedNodeDown()).isEqualTo(1);
        assertThat(f.stats().completed()).isEqualTo(9);
    }

    @Test
    void sameSeed_identicalRuns_otherSeed_differentRun() {
        String a = randomRun(42);
        assertThat(randomRun(42)).isEqualTo(a);
        assertThat(randomRun(43)).isNotEqualTo(a);
    }

    private static String randomRun(long seed) {
        ServiceSpec pre = lightService("pre", 1.0, 0.5, new RateModel.Gamma(1.5, 2.0));
        ServiceSpec enc = coreService("enc", 2.0, 0.3, 4.0);
        SystemModel m = model(List.of(node("a", 1.0), node("b", 2.0)), List.of(AB), List.of(pre, enc),
                List.of(chain("cap", 1.0, 30, "pre", "enc")),
                List.of(new org.edgefm.api.model.UserSpec("u", "a", 0.5,
                        new org.edgefm.api.model.ChannelModel.Nakagami(2.0, 0.8, 10.0))),
                List.of(poisson("u", "cap", 0.5)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), seed, SimSettings.DEFAULTS);
        List<Route> routes = List.of(route("cap", "s0", "a", "b"), route("cap", "s1", "b"));
        f.apply(directive("a", 1, List.of(light(pre, 1, 2)), routes));
        f.apply(directive("b", 1, List.of(core(enc, 1), light(pre, 1, 2)), routes));
        f.advanceTo(5000);
        return f.stats() + " " + f.snapshot().completions().stream().map(c -> c.taskId() + "@" + c.completedAtMs()).toList();
    }

    @Test
    void weightedRouting_splitsInProportionToWeights() {
        ServiceSpec enc = coreService("enc", 0.1, 0.1, 10.0);
        SystemModel m = model(List.of(node("a", 1.0), node("b", 1.0)), List.of(AB), List.of(enc),
                List.of(chain("j", 0.01, 100, "enc")), List.of(user("u", "a", 10, 3.0)),
                List.of(poisson("u", "j", 0.5)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 3, SimSettings.DEFAULTS);
        List<Route> routes = List.of(new Route("j", "s0", null,
                List.of(new WeightedTarget("a", 1), new WeightedTarget("b", 3))));
        f.apply(directive("a", 1, List.of(core(enc, 4)), routes));
        f.apply(directive("b", 1, List.of(core(enc, 4)), routes));
        f.advanceTo(20_000);
        FleetSnapshot s = f.snapshot();
        int atA = s.services().stream().filter(o -> o.node().equals("a")).mapToInt(o -> o.arrivals()).sum();
        int atB = s.services().stream().filter(o -> o.node().equals("b")).mapToInt(o -> o.arrivals()).sum();
        assertThat((double) atB / (atA + atB)).isCloseTo(0.75, within(0.02));
    }

    @Test
    void rejectTarget_onEntryStage_refusesThatShareAtArrival_countedApartFromFailures() {
        ServiceSpec enc = coreService("enc", 0.1, 0.1, 10.0);
        SystemModel m = model(List.of(node("a", 1.0), node("b", 1.0)), List.of(AB), List.of(enc),
                List.of(chain("j", 0.01, 100, "enc")), List.of(user("u", "a", 10, 3.0)),
                List.of(poisson("u", "j", 0.5)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 3, SimSettings.DEFAULTS);
        // a quarter of the stream from origin a is rejected; the route without origin (no reject) is not used for it
        List<Route> routes = List.of(new Route("j", "s0", null, List.of(new WeightedTarget("b", 1))),
                new Route("j", "s0", "a", List.of(new WeightedTarget("b", 3), WeightedTarget.reject(1))));
        f.apply(directive("a", 1, List.of(), routes));
        f.apply(directive("b", 1, List.of(core(enc, 4)), routes));
        f.advanceTo(20_000);
        SimStats st = f.stats();
        assertThat((double) st.rejected() / st.submitted()).isCloseTo(0.25, within(0.02));
        assertThat(st.failed()).isZero();
        assertThat(st.completed() + st.rejected() + st.pending()).isEqualTo(st.submitted());
        assertThat(st.onTimeRate()).isCloseTo((double) st.onTime() / (st.submitted() - st.pending() + st.pendingOverdue()), within(1e-12));
        assertThat(f.snapshot().completions()).filteredOn(c -> !c.success())
                .allMatch(c -> c.error().startsWith("rejected by admission control"));
    }

    @Test
    void unroutedStage_dropPolicyFailsTask_nearestHostServesIt() {
        SimulatedFleet drop = twoStage(50, List.of());
        drop.apply(directive("a", 2, List.of(light(PRE, 1, 1)), List.of(route("cap", "s0", "a"))));
        drop.advanceTo(1050);
        assertThat(drop.stats().failedUnrouted()).isEqualTo(10);

        SystemModel m = drop.model();
        SimulatedFleet near = new SimulatedFleet(m, 100, List.of(), 1,
                new SimSettings(SimSettings.Routing.WEIGHTED, SimSettings.Unrouted.NEAREST_HOST, 0,
                        SimSettings.DeadlineAction.COMPLETE_LATE, true, true, false, false, 8, SimSettings.DEFAULTS.compute()));
        near.apply(directive("a", 1, List.of(light(PRE, 1, 1)), List.of(route("cap", "s0", "a"))));
        near.apply(directive("b", 1, List.of(core(ENC, 1)), List.of()));
        near.advanceTo(1050);
        assertThat(near.stats().completed()).isEqualTo(10);
    }

    @Test
    void staleDirective_ignored_overCapacityDirective_refused() {
        SimulatedFleet f = twoStage(50, List.of());
        f.apply(directive("b", 1, List.of(), List.of()));
        f.apply(directive("b", 2, List.of(core(ENC, 2000)), List.of()));
        f.advanceTo(1050);
        assertThat(f.stats().refusedDirectives()).isEqualTo(1);
        assertThat(f.stats().completed()).isEqualTo(10);
        assertThat(f.snapshot().nodes()).filteredOn(n -> n.node().equals("b"))
                .extracting(NodeStatus::appliedVersion).containsExactly(1L);
    }

    @Test
    void appliedListener_toldOfEachDirectivePutInForceOrRefused_notOfStaleOnes() {
        SimulatedFleet f = twoStage(50, List.of());
        List<String> seen = new ArrayList<>();
        f.onApplied(new SimulatedFleet.Applied() {
            @Override
            public void applied(double nowMs, org.edgefm.wire.Directive d) {
                seen.add("applied " + d.nodeId() + " v" + d.version() + " at " + nowMs);
            }

            @Override
            public void refused(double nowMs, org.edgefm.wire.Directive d, String why) {
                seen.add("refused " + d.nodeId() + " v" + d.version());
            }
        });
        f.advanceTo(100);
        f.apply(directive("b", 5, List.of(core(ENC, 1)), List.of()));
        f.apply(directive("b", 4, List.of(core(ENC, 1)), List.of())); // stale: neither applied nor refused
        f.apply(directive("b", 6, List.of(core(ENC, 2000)), List.of()));
        assertThat(seen).containsExactly("applied b v5 at 100.0", "refused b v6");
    }

    @Test
    void cost_coreDeployOncePlusMaintenance_lightScaleUpOnlyAfterSlotZero() {
        // Slot 100 ms, 5 slots. Core: 20 + 5·4 = 40. Light (2 instances, y = 1 at a): slot 0 free
        // instantiation, then 5·(2·1 + 0.5·2·1) = 15; scale-up to 3 in slot 2: +4, slots 2-4 add 3·1.5.
        SimulatedFleet f = twoStage(50, List.of());
        List<Route> routes = List.of(route("cap", "s0", "a"), route("cap", "s1", "b"));
        f.apply(directive("a", 2, List.of(light(PRE, 2, 1)), routes));
        f.advanceTo(200);
        f.apply(directive("a", 3, List.of(light(PRE, 3, 1)), routes));
        f.advanceTo(500);
        assertThat(f.stats().coreCost()).isCloseTo(40.0, within(1e-9));
        assertThat(f.stats().lightCost()).isCloseTo(15 + 4 + 3 * 1.5, within(1e-9));
    }

    @Test
    void dropExpired_abandonsTasksThatWouldStartLate() {
        ServiceSpec slow = coreService("slow", 10, 0.1, 1.0);
        SystemModel m = model(List.of(node("a", 1.0)), List.of(), List.of(slow),
                List.of(chain("j", 0.01, 25, "slow")), List.of(user("u", "a", 10, 3.0)),
                List.of(periodic("u", "j", 1)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 1,
                SimSettings.DEFAULTS.withDeadlineAction(SimSettings.DeadlineAction.DROP_EXPIRED));
        f.apply(directive("a", 1, List.of(core(slow, 1)), List.of(route("j", "s0", "a"))));
        f.advanceTo(1050);
        assertThat(f.stats().failedExpired()).isGreaterThan(800);
        assertThat(f.stats().completed()).isBetween(95L, 106L);
    }

    private static SimStats twoServers(SimSettings.Routing routing) {
        // Periodic arrivals every 0.6 ms, 1 ms of service: one server is overloaded, two suffice.
        ServiceSpec enc = coreService("enc", 1.0, 0.1, 1.0);
        SystemModel m = model(List.of(node("a", 1.0), node("b", 1.0)), List.of(new LinkSpec("a", "b", 1e6, 0, 0)),
                List.of(enc), List.of(chain("j", 1e-6, 100, "enc")), List.of(user("u", "a", 1e6, 1.0)),
                List.of(periodic("u", "j", 0.6)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 9, SimSettings.DEFAULTS.withRouting(routing));
        List<Route> routes = List.of(route("j", "s0", "a", "b"));
        f.apply(directive("a", 1, List.of(core(enc, 1)), routes));
        f.apply(directive("b", 1, List.of(core(enc, 1)), routes));
        f.advanceTo(6000);
        return f.stats();
    }

    @Test
    void capacityAwareRouting_sendsEachTaskToAFreeServer_weightedRandomQueues() {
        SimStats aware = twoServers(SimSettings.Routing.CAPACITY_AWARE);
        SimStats random = twoServers(SimSettings.Routing.WEIGHTED);
        assertThat(aware.completed()).isGreaterThan(9_000);
        assertThat(aware.latencyQuantileMs(1.0)).isLessThan(1.001);
        assertThat(random.meanLatencyMs()).isGreaterThan(1.2);
    }
}
