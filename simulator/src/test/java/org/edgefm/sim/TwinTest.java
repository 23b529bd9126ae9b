package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.chain;
import static org.edgefm.sim.SimFixtures.core;
import static org.edgefm.sim.SimFixtures.coreService;
import static org.edgefm.sim.SimFixtures.directive;
import static org.edgefm.sim.SimFixtures.light;
import static org.edgefm.sim.SimFixtures.lightService;
import static org.edgefm.sim.SimFixtures.model;
import static org.edgefm.sim.SimFixtures.node;
import static org.edgefm.sim.SimFixtures.periodic;
import static org.edgefm.sim.SimFixtures.route;
import static org.edgefm.sim.SimFixtures.user;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.Route;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;

class TwinTest {
    private static final LinkSpec AB = new LinkSpec("a", "b", 0.5, 100, 0.25);
    private static final ServiceSpec PRE = lightService("pre", 1.0, 1.0, new RateModel.Deterministic(0.5));
    private static final ServiceSpec ENC = coreService("enc", 3.0, 0.2, 1.0);
    private static final List<Route> ROUTES = List.of(route("cap", "s0", "a"), route("cap", "s1", "b"));

    private static SimulatedFleet fleet(Twin twin) {
        return fleet(twin, Map.of());
    }

    private static SimulatedFleet fleet(Twin twin, Map<String, ?> keys) {
        SystemModel m = model(List.of(node("a", 1.0), node("b", 2.0)), List.of(AB), List.of(PRE, ENC),
                List.of(chain("cap", 2.0, 1000, "pre", "enc")), List.of(user("u", "a", 0.5, 3.0)),
                List.of(periodic("u", "cap", 100)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 1, SimSettings.DEFAULTS, keys, twin);
        f.apply(directive("a", 1, List.of(light(PRE, 1, 1)), ROUTES));
        f.apply(directive("b", 1, List.of(core(ENC, 1)), ROUTES));
        return f;
    }

    private static Twin twin(List<Twin.Arrival> log) {
        return new Twin(Map.of(Twin.key("a", "pre"), new double[] {7}, Twin.key("b", "enc"), new double[] {11}),
                Map.of(), new double[] {3}, new double[] {0.5}, new double[] {4}, log);
    }

    @Test
    void replay_syntheticTaskLog_servesExactlyTheLoggedArrivals() {
        List<Twin.Arrival> log = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            log.add(new Twin.Arrival(13.0 + 50.0 * i, "u", "cap")); // not the scenario's 100 ms period
        }
        SimulatedFleet f = fleet(twin(log));
        f.advanceTo(5_000);
        List<TaskCompletion> done = f.snapshot().completions();
        assertThat(f.stats().submitted()).isEqualTo(17);
        assertThat(done).hasSize(17);
        assertThat(done.stream().mapToLong(TaskCompletion::submittedAtMs).toArray())
                .containsExactly(log.stream().mapToLong(a -> (long) a.atMs()).toArray());
    }

    @Test
    void twin_measuredTimesReplaceTheModel_latencyIsTheirSum() {
        // ingress 3 (replaces the uplink), pre at a: 7 (measured), a→b: 1 MB / 0.5 + 100/200 + 0.25 = 2.75
        // plus the remote hop's 4, enc at b: 11 (measured). 27.75 ms; far apart so no task queues.
        SimulatedFleet f = fleet(twin(List.of(new Twin.Arrival(0, "u", "cap"), new Twin.Arrival(500, "u", "cap"))));
        f.advanceTo(2_000);
        assertThat(Arrays.stream(f.stats().latenciesMs()).boxed().toList())
                .hasSize(2).allSatisfy(l -> assertThat(l).isCloseTo(27.75, within(1e-9)));
    }

    @Test
    void sharedCores_overlappingStagesOnOneCore_shareIt_aLoneTaskDoesNot() {
        // arrivals at 0 and 8: task 2's pre (11 to 18 alone) overlaps task 1's enc (16.75 to 27.75). On
        // one shared core both run at half pace while they overlap: pre ends at 19.25, enc at 29; task 2's
        // enc waits for b's one server until 29 and ends at 40. Without sharing: 27.75 and 30.75.
        List<Twin.Arrival> log = List.of(new Twin.Arrival(0, "u", "cap"), new Twin.Arrival(8, "u", "cap"));
        SimulatedFleet shared = fleet(twin(log), Map.of(SharedCores.KEY, 1));
        shared.advanceTo(2_000);
        assertThat(sorted(shared.stats().latenciesMs())).containsExactly(new double[] {29.0, 32.0}, within(1e-9));
        SimulatedFleet own = fleet(twin(log));
        own.advanceTo(2_000);
        assertThat(sorted(own.stats().latenciesMs())).containsExactly(new double[] {27.75, 30.75}, within(1e-9));
        SimulatedFleet lone = fleet(twin(List.of(new Twin.Arrival(0, "u", "cap"))), Map.of(SharedCores.KEY, 1));
        lone.advanceTo(2_000);
        assertThat(lone.stats().latenciesMs()).containsExactly(new double[] {27.75}, within(1e-9));
    }

    private static double[] sorted(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c;
    }

    @Test
    void noTwin_sameFleet_keepsTheModel() {
        // the model alone: uplink 2, pre 2, link 2.75, enc 1.5 (SimulatedFleetTest's hand computation)
        SimulatedFleet f = fleet(null);
        f.advanceTo(250);
        assertThat(Arrays.stream(f.stats().latenciesMs()).boxed().toList())
                .isNotEmpty().allSatisfy(l -> assertThat(l).isCloseTo(8.25, within(1e-9)));
    }

    @Test
    void preload_directiveThatStartsInstances_takesEffectAfterThePreload() {
        Twin t = new Twin(Map.of(), Map.of(Twin.key("b", "pre"), 300.0), new double[0], new double[0], new double[0], null);
        SimulatedFleet f = fleet(t);
        f.advanceTo(100);
        f.apply(directive("b", 2, List.of(core(ENC, 1), light(PRE, 1, 1)), ROUTES));
        f.advanceTo(399);
        assertThat(preAtB(f)).isZero();
        assertThat(appliedVersion(f, "b")).isEqualTo(1);
        f.advanceTo(401);
        assertThat(preAtB(f)).isEqualTo(1);
        assertThat(appliedVersion(f, "b")).isEqualTo(2);
    }

    @Test
    void preload_atTimeZero_appliesAtOnce() {
        Twin t = new Twin(Map.of(), Map.of(Twin.key("a", "pre"), 300.0), new double[0], new double[0], new double[0], null);
        SimulatedFleet f = fleet(t); // the fleet starts ready, as a trial's workload starts once the fleet is
        f.advanceTo(1);
        assertThat(appliedVersion(f, "a")).isEqualTo(1);
    }

    private static long appliedVersion(SimulatedFleet f, String node) {
        return f.snapshot().nodes().stream().filter(n -> n.node().equals(node)).findFirst().orElseThrow().appliedVersion();
    }

    private static int preAtB(SimulatedFleet f) {
        return f.snapshot().services().stream().filter(o -> o.node().equals("b") && o.service().equals("pre"))
                .mapToInt(o -> o.instances()).sum();
    }

    @Test
    void taskLog_userWithoutStream_isRefusedByName() {
        assertThatThrownBy(() -> fleet(twin(List.of(new Twin.Arrival(0, "nobody", "cap")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nobody'");
    }

    @Test
    void series_near_drawsAmongTheKSamplesNearestInTime() {
        Twin.Series s = new Twin.Series(new double[] {0, 10, 20, 30, 40, 50}, new double[] {0, 1, 2, 3, 4, 5});
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        java.util.Set<Double> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(s.near(14, 1, r)).isEqualTo(1);
            assertThat(s.near(16, 1, r)).isEqualTo(2);
            seen.add(s.near(22, 3, r));
        }
        assertThat(seen).containsExactly(1.0, 2.0, 3.0);
        seen.clear();
        for (int i = 0; i < 200; i++) {
            seen.add(s.near(1_000, 2, r)); // after the last sample: the last two
            seen.add(s.near(-5, 1, r));    // before the first: the first
        }
        assertThat(seen).containsExactly(0.0, 4.0, 5.0);
        assertThat(s.near(25, 10, r)).isBetween(0.0, 5.0);
        assertThat(new Twin.Series(new double[0], new double[0]).near(5, 3, r)).isZero();
        assertThatThrownBy(() -> new Twin.Series(new double[] {5, 1}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    }

    @Test
    void timeline_slowSamplesEarly_areDrawnEarlyOnly_andPooledDrawsSpreadThem() {
        // enc at b measured 50 ms in the first second (a cold JVM), 5 ms later; pooled: 11 ms
        Twin.Timeline timeline = new Twin.Timeline(Map.of(Twin.key("b", "enc"),
                new Twin.Series(new double[] {0, 100, 2_000, 2_100}, new double[] {50, 50, 5, 5})), null, null, null);
        List<Twin.Arrival> log = List.of(new Twin.Arrival(0, "u", "cap"), new Twin.Arrival(3_000, "u", "cap"));
        Twin t = new Twin(Map.of(Twin.key("a", "pre"), new double[] {7}, Twin.key("b", "enc"), new double[] {11}),
                Map.of(), new double[] {3}, new double[] {0.5}, new double[] {4}, log, timeline);
        SimulatedFleet local = fleet(t, Map.of(Twin.NEIGHBOURS_KEY, 2));
        local.advanceTo(5_000);
        // 3 + 7 + 2.75 + 4 = 16.75 before enc (the ingress and hops have no series: pooled draws)
        assertThat(Arrays.stream(local.stats().latenciesMs()).boxed().toList())
                .containsExactly(16.75 + 50, 16.75 + 5);
        SimulatedFleet pooled = fleet(t, Map.of(Twin.NEIGHBOURS_KEY, 0));
        pooled.advanceTo(5_000);
        assertThat(Arrays.stream(pooled.stats().latenciesMs()).boxed().toList()).containsExactly(16.75 + 11, 16.75 + 11);
    }

    @Test
    void timeline_warmupKeptApart_warmSamplesDrawnBeforeItsEndOnly() {
        // enc at b: 50 ms during the warm-up (to 1 s), 5 ms after; the nearest samples to 1.2 s would be warm ones
        Twin.Timeline timeline = new Twin.Timeline(Map.of(Twin.key("b", "enc"),
                new Twin.Series(new double[] {4_000, 4_100}, new double[] {5, 5})), null, null, null,
                Map.of(Twin.key("b", "enc"), new Twin.Series(new double[] {0, 900}, new double[] {50, 50})), 1_000);
        List<Twin.Arrival> log = List.of(new Twin.Arrival(0, "u", "cap"), new Twin.Arrival(1_200, "u", "cap"));
        Twin t = new Twin(Map.of(Twin.key("a", "pre"), new double[] {7}, Twin.key("b", "enc"), new double[] {5}),
                Map.of(), new double[] {3}, new double[] {0.5}, new double[] {4}, log, timeline);
        for (int k : new int[] {0, 2}) {
            SimulatedFleet f = fleet(t, Map.of(Twin.NEIGHBOURS_KEY, k));
            f.advanceTo(5_000);
            assertThat(Arrays.stream(f.stats().latenciesMs()).boxed().toList()).as("k = " + k)
                    .containsExactly(16.75 + 50, 16.75 + 5);
        }
    }

    @Test
    void neighboursKey_badValue_isRefusedByName() {
        assertThatThrownBy(() -> Twin.neighbours(Map.of(Twin.NEIGHBOURS_KEY, 2.5)))
                .hasMessageContaining(Twin.NEIGHBOURS_KEY).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Twin.neighbours(Map.of(Twin.NEIGHBOURS_KEY, -1))).hasMessageContaining(">= 0");
        assertThat(Twin.neighbours(Map.of())).isEqualTo(Twin.DEFAULT_NEIGHBOURS);
        assertThatThrownBy(() -> Twin.unmeasuredFromSameService(Map.of(Twin.UNMEASURED_KEY, "guess")))
                .hasMessageContaining(Twin.UNMEASURED_KEY).hasMessageContaining("same-service, model");
    }
}
