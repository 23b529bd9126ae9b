package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ControlLoopTest {
    static final Scenario TINY = ScenarioLoader.resolve("tiny");
    final PluginRegistry registry = PluginRegistry.of(List.of(new TestPlugin()));
    final List<String> failures = new ArrayList<>();
    final List<CorePlacementContext.Trigger> placements = new ArrayList<>();

    ControlLoop loop(FakeFleet fleet, String planner, Map<String, String> cfg, boolean enforce, Duration lightBudget) {
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), lightBudget, 7, enforce, () -> 42L);
        return new ControlLoop(fleet, TINY.model(), registry.resolve(planner), PlannerConfig.EMPTY.with(cfg), s,
                new ControlLoop.Listener() {
                    @Override
                    public void onPluginFailure(String plugin, String role, String reason, String detail) {
                        failures.add(plugin + "/" + reason);
                    }

                    @Override
                    public void onCorePlacement(CorePlacementContext.Trigger t, CorePlacement p, double ms) {
                        placements.add(t);
                    }
                });
    }

    static List<String> services(Directive d) {
        return d.desired().services().stream().map(DesiredService::service).toList();
    }

    @Test
    void completionsInTheStartSnapshot_areHandedOutWithTheFirstSlot_once() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        List<String> seen = new ArrayList<>();
        ControlLoop.Settings st = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 7, false,
                () -> 42L);
        try (ControlLoop loop = new ControlLoop(fleet, TINY.model(), registry.resolve("test-pair"), PlannerConfig.EMPTY, st,
                new ControlLoop.Listener() {
                    @Override
                    public void onSnapshot(long slot, FleetSnapshot s) {
                        s.completions().forEach(c -> seen.add(slot + ":" + c.taskId()));
                    }
                })) {
            // a result stored by an agent while no host was up arrives before the first slot
            fleet.completions.add(new org.edgefm.wire.TaskCompletion("early", "t", "n1", 1, 2, 100, true, null, List.of()));
            loop.start();
            fleet.completions.add(new org.edgefm.wire.TaskCompletion("first", "t", "n1", 1, 2, 100, true, null, List.of()));
            loop.step();
            loop.step();
            assertThat(seen).containsExactly("0:early", "0:first");
        }
    }

    @Test
    void step_phases_containTheControllersCallAndTheDirectivesListenersTime() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        long[] inDirectives = new long[1];
        double[] decideMs = new double[1];
        ControlLoop.Settings st = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 7, false,
                () -> 42L);
        try (ControlLoop loop = new ControlLoop(fleet, TINY.model(), registry.resolve("test-pair"), PlannerConfig.EMPTY, st,
                new ControlLoop.Listener() {
                    @Override
                    public void onDecision(long slot, LightDecision decision, double elapsedMs) {
                        decideMs[0] = elapsedMs;
                    }

                    @Override
                    public void onDirective(Directive d) {
                        long t = System.nanoTime();
                        // a journal that takes its time over each entry
                        while (System.nanoTime() - t < 200_000) {
                            Thread.onSpinWait();
                        }
                        inDirectives[0] += System.nanoTime() - t;
                    }
                })) {
            long t0 = System.nanoTime();
            ControlLoop.StepReport r = loop.step();
            long wall = System.nanoTime() - t0;
            assertThat(r.directives()).hasSize(3);
            ControlLoop.StepPhases p = r.phases();
            assertThat(p.handOutNanos()).isGreaterThanOrEqualTo(inDirectives[0]).isGreaterThanOrEqualTo(600_000);
            assertThat(p.decideNanos()).isGreaterThanOrEqualTo((long) Math.floor(decideMs[0] * 1e6) - 1).isPositive();
            assertThat(p.observeNanos()).isPositive();
            assertThat(p.observeNanos() + p.decideNanos() + p.handOutNanos() + p.publishNanos()).isLessThanOrEqualTo(wall);
        }
    }

    @Test
    void step_firstSlot_placesCoreAndSendsOneDirectivePerNode() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "test-pair", Map.of(), false, Duration.ofSeconds(1))) {
            ControlLoop.StepReport r = loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            assertThat(r.directives()).hasSize(3);
            Directive n1 = loop.directives().get("n1");
            assertThat(services(n1)).containsExactlyInAnyOrder("enc", "head");
            assertThat(n1.plannerEpoch()).isEqualTo(7);
            assertThat(n1.version()).isEqualTo(1);
            assertThat(services(loop.directives().get("n3"))).containsExactly("head");
            // unchanged decision: nothing new to send
            assertThat(loop.step().directives()).isEmpty();
        }
    }

    @Test
    void step_coreNodeLost_appliesFailoverAndReplans() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "test-pair", Map.of(), false, Duration.ofSeconds(1))) {
            loop.step();
            fleet.online.put("n1", false);
            fleet.now = 100;
            ControlLoop.StepReport r = loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START,
                    CorePlacementContext.Trigger.NODE_LOST, CorePlacementContext.Trigger.NODE_LOST);
            assertThat(loop.placement().nodesHosting("enc")).containsExactly("n2");
            Directive n2 = r.directives().stream().filter(d -> d.nodeId().equals("n2")).findFirst().orElseThrow();
            assertThat(services(n2)).contains("enc");
            assertThat(n2.version()).isEqualTo(2);
            Directive n1 = r.directives().stream().filter(d -> d.nodeId().equals("n1")).findFirst().orElseThrow();
            assertThat(services(n1)).isEmpty();
        }
    }

    @Test
    void step_everyCoreNodeLost_thenBack_isPlacedAgain() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "test-pair", Map.of(), false, Duration.ofSeconds(1))) {
            loop.step();
            assertThat(loop.placement().assignments()).isNotEmpty();
            // a stall: every node's telemetry stops at once, so the failover leaves no core service placed
            fleet.online.replaceAll((n, up) -> false);
            fleet.now = 100;
            loop.step();
            assertThat(loop.placement().assignments()).isEmpty();
            fleet.online.replaceAll((n, up) -> true);
            fleet.now = 10_000;
            loop.step();
            assertThat(placements).last().isEqualTo(CorePlacementContext.Trigger.NODE_JOINED);
            assertThat(loop.placement().nodesHosting("enc")).isNotEmpty();
        }
    }

    @Test
    void step_firstCorePlacementFails_isAskedForAgainWithABackoff_untilOneComesIntoForce() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "flaky+one-each", Map.of("flaky.failures", "2"), false, Duration.ofSeconds(1))) {
            loop.step(); // t = 0: the first call throws; no join, loss or epoch would ask again
            assertThat(failures).containsExactly("flaky/threw");
            assertThat(loop.placement().assignments()).isEmpty();
            fleet.now = CoreScheduler.RETRY_FIRST_MS - 1;
            loop.step();
            assertThat(failures).as("no retry before the wait").hasSize(1);
            fleet.now = CoreScheduler.RETRY_FIRST_MS;
            loop.step(); // the second call throws too: the wait doubles
            assertThat(failures).containsExactly("flaky/threw", "flaky/threw");
            fleet.now = 3 * CoreScheduler.RETRY_FIRST_MS - 1;
            loop.step();
            assertThat(failures).hasSize(2);
            assertThat(placements).isEmpty();
            fleet.now = 3 * CoreScheduler.RETRY_FIRST_MS;
            loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            assertThat(loop.placement().nodesHosting("enc")).isNotEmpty();
            fleet.now = 100 * CoreScheduler.RETRY_FIRST_MS;
            loop.step();
            assertThat(placements).as("placed: no more retries").hasSize(1);
        }
    }

    @Test
    void step_throwingController_keepsLastDecisionAndNamesPlugin() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "first-fit+throw-after", Map.of("throw-after.slots", "1"), true,
                Duration.ofSeconds(1))) {
            loop.step();
            LightDecision first = loop.decision();
            int sent = fleet.applied.size();
            fleet.online.put("n3", false); // a change one-each would react to
            ControlLoop.StepReport r = loop.step();
            assertThat(r.decided()).isFalse();
            assertThat(loop.decision()).isSameAs(first);
            assertThat(fleet.applied).hasSize(sent);
            assertThat(failures).containsExactly("throw-after/threw");
        }
    }

    @Test
    void step_overrunningController_isAbandonedAtItsBudget() {
        FakeFleet fleet = new FakeFleet("n1");
        try (ControlLoop loop = loop(fleet, "none+sleepy", Map.of("sleepy.ms", "2000"), true, Duration.ofMillis(50))) {
            ControlLoop.StepReport r = loop.step();
            assertThat(r.decided()).isFalse();
            assertThat(loop.decision()).isNull();
            assertThat(failures).containsExactly("sleepy/overran");
            // the earlier call is still running: the next one is refused at once, not queued
            loop.step();
            assertThat(failures).containsExactly("sleepy/overran", "sleepy/overran");
        }
    }

    ControlLoop backgroundLoop(FakeFleet fleet, String gate, List<String> dropped) {
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(20), Duration.ofMillis(200), 7, true,
                () -> 42L, true);
        return new ControlLoop(fleet, TINY.model(), registry.resolve("gated+one-each"),
                PlannerConfig.EMPTY.with(Map.of("gated.name", gate)), s, new ControlLoop.Listener() {
                    @Override
                    public void onCorePlacement(CorePlacementContext.Trigger t, CorePlacement p, double ms) {
                        placements.add(t);
                    }

                    @Override
                    public void onCorePlacementDropped(CorePlacementContext.Trigger t, String reason) {
                        dropped.add(t + ": " + reason);
                    }
                });
    }

    /** Steps until {@code done} holds (the class's timeout bounds the wait). */
    static void stepUntil(ControlLoop loop, java.util.function.BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            loop.step();
            Thread.sleep(5);
        }
    }

    @Test
    void background_slowCorePlacement_lightControllerDecidesEverySlot_andThePlacementFollows() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        java.util.concurrent.Semaphore gate = TestPlugin.GATES.computeIfAbsent("slow", k -> new java.util.concurrent.Semaphore(0));
        try (ControlLoop loop = backgroundLoop(fleet, "slow", new ArrayList<>())) {
            for (int i = 0; i < 3; i++) {
                assertThat(loop.step().decided()).isTrue();
            }
            assertThat(loop.corePlanning()).isTrue();
            assertThat(loop.placement().assignments()).isEmpty();
            assertThat(services(loop.directives().get("n1"))).containsExactly("head");
            gate.release();
            stepUntil(loop, () -> !placements.isEmpty());
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            assertThat(loop.corePlanning()).isFalse();
            assertThat(services(loop.directives().get("n1"))).containsExactlyInAnyOrder("enc", "head");
        }
    }

    @Test
    void background_controllerPreparesForAPlacement_onTheCoreThread_beforeItsFirstSlotOnIt() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        java.util.concurrent.Semaphore gate = TestPlugin.GATES.computeIfAbsent("prep", k -> new java.util.concurrent.Semaphore(0));
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(20), Duration.ofMillis(200), 7, true,
                () -> 42L, true);
        try (ControlLoop loop = new ControlLoop(fleet, TINY.model(), registry.resolve("gated+prepares"),
                PlannerConfig.EMPTY.with(Map.of("gated.name", "prep", "prepares.name", "background")), s, null)) {
            loop.step();
            gate.release();
            stepUntil(loop, () -> !loop.placement().assignments().isEmpty());
            loop.step();
            List<String> events = List.copyOf(TestPlugin.PREPARES.get("background"));
            int prepared = events.indexOf("prepare 1 edgefm-core-gated");
            int firstOnIt = events.indexOf("decide 1 edgefm-light-prepares");
            assertThat(prepared).as("prepared on the core planner's thread: %s", events).isNotNegative();
            assertThat(firstOnIt).as("decided on the placement: %s", events).isGreaterThan(prepared);
        }
        // in virtual time the placement completes inside its step: nothing is prepared
        ControlLoop.Settings inline = new ControlLoop.Settings(100, 0, Duration.ofSeconds(20), Duration.ofSeconds(1), 7, false,
                () -> 42L);
        try (ControlLoop loop = new ControlLoop(fleet, TINY.model(), registry.resolve("first-fit+prepares"),
                PlannerConfig.EMPTY.with(Map.of("prepares.name", "inline")), inline, null)) {
            loop.step();
            loop.step();
            assertThat(TestPlugin.PREPARES.get("inline")).noneMatch(e -> e.startsWith("prepare"))
                    .anyMatch(e -> e.startsWith("decide 1"));
        }
    }

    // the first placement is waited for up to the light budget (200 ms) in the step that asked for it; it took
    // longer, so the re-placement after a node loss is not waited for: that step is not held
    @Test
    void background_corePlannerSlowerThanTheLightBudget_nextPlacementNotWaitedFor() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        java.util.concurrent.Semaphore gate = TestPlugin.GATES.computeIfAbsent("slower", k -> new java.util.concurrent.Semaphore(0));
        try (ControlLoop loop = backgroundLoop(fleet, "slower", new ArrayList<>())) {
            long t0 = System.nanoTime();
            loop.step();
            assertThat((System.nanoTime() - t0) / 1e6).isGreaterThanOrEqualTo(190); // waited for the light budget
            gate.release();
            stepUntil(loop, () -> !placements.isEmpty());
            fleet.online.put("n1", false);
            fleet.now = 100;
            long t1 = System.nanoTime();
            loop.step(); // failover at once, re-placement asked for
            assertThat((System.nanoTime() - t1) / 1e6).isLessThan(150);
            assertThat(loop.corePlanning()).isTrue();
            gate.release();
            stepUntil(loop, () -> placements.size() == 3);
            assertThat(loop.placement().nodesHosting("enc")).containsExactly("n2");
        }
    }

    @Test
    void background_placementForANodeThatLeftMeanwhile_isDropped_andTheSurvivorsArePlaced() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        java.util.concurrent.Semaphore gate = TestPlugin.GATES.computeIfAbsent("stale", k -> new java.util.concurrent.Semaphore(0));
        List<String> dropped = new ArrayList<>();
        try (ControlLoop loop = backgroundLoop(fleet, "stale", dropped)) {
            loop.step(); // START asked for with n1 online: first-fit will place on n1
            fleet.online.put("n1", false);
            fleet.now = 100;
            loop.step();
            gate.release(2);
            stepUntil(loop, () -> !placements.isEmpty());
            assertThat(dropped).singleElement().asString().startsWith("START: it places core services on [n1]");
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.NODE_LOST);
            assertThat(loop.placement().nodesHosting("enc")).containsExactly("n2");
        }
    }

    @Test
    void background_placementInForce_staysWhileTheNextIsComputed() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        java.util.concurrent.Semaphore gate = TestPlugin.GATES.computeIfAbsent("stay", k -> new java.util.concurrent.Semaphore(0));
        try (ControlLoop loop = backgroundLoop(fleet, "stay", new ArrayList<>())) {
            gate.release();
            stepUntil(loop, () -> !placements.isEmpty());
            assertThat(loop.placement().nodesHosting("enc")).containsExactly("n1");
            // n1, hosting core, leaves: its failover plan comes into force at once, the re-placement runs in the background
            fleet.online.put("n1", false);
            fleet.now = 100;
            loop.step();
            assertThat(loop.placement().nodesHosting("enc")).containsExactly("n2"); // the failover plan, at once
            assertThat(loop.corePlanning()).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(loop.step().decided()).isTrue();
                assertThat(loop.placement().nodesHosting("enc")).containsExactly("n2");
            }
            gate.release();
            stepUntil(loop, () -> placements.size() == 3);
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START, CorePlacementContext.Trigger.NODE_LOST,
                    CorePlacementContext.Trigger.NODE_LOST);
        }
    }

    ControlLoop joinedLoop(FakeFleet fleet, Scenario spec, FleetNotices notices, double settleMs) {
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 7, false,
                () -> 42L);
        FleetModel fm = new FleetModel(spec, new FleetModel.Settings(FleetModel.Source.JOINED, settleMs, 1.0), notices);
        return new ControlLoop(fleet, fm, registry.resolve("test-pair"), PlannerConfig.EMPTY, s,
                LinkEstimator.Settings.defaults(), new ControlLoop.Listener() {
                    @Override
                    public void onCorePlacement(CorePlacementContext.Trigger t, CorePlacement p, double ms) {
                        placements.add(t);
                    }
                });
    }

    @Test
    void joinedFleet_nothingJoined_plansNothing_thenTheFirstNodeGetsWork() {
        FakeFleet fleet = new FakeFleet();
        try (ControlLoop loop = joinedLoop(fleet, TINY, new FleetNotices(), 0)) {
            assertThat(loop.step().directives()).isEmpty();
            assertThat(placements).isEmpty();
            assertThat(loop.model()).isNull();
            fleet.join("n2", "generic-cpu", List.of());
            fleet.now = 100;
            ControlLoop.StepReport r = loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            assertThat(r.directives()).extracting(Directive::nodeId).containsExactly("n2");
            assertThat(services(loop.directives().get("n2"))).contains("enc");
        }
    }

    @Test
    void joinedFleet_aNodeInNoScenario_joinsLater_andGetsWorkAtTheNextPlanningRound() {
        FakeFleet fleet = new FakeFleet();
        FleetNotices notices = new FleetNotices();
        try (ControlLoop loop = joinedLoop(fleet, TINY, notices, 150)) {
            fleet.join("n1", "generic-cpu", List.of());
            loop.step();
            assertThat(placements).isEmpty(); // the first placement waits until joins settle
            fleet.now = 150;
            loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            assertThat(loop.directives()).containsOnlyKeys("n1");
            fleet.now = 250;
            fleet.join("jetson-1", "jetson-orin-nano-8gb", List.of());
            ControlLoop.StepReport joinedSlot = loop.step();
            // the light controller sees the new node at once (it runs one head per online node) ...
            assertThat(joinedSlot.directives()).extracting(Directive::nodeId).contains("jetson-1");
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            // ... and the core placement follows once joins settled
            fleet.now = 350;
            loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            fleet.now = 410;
            loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START, CorePlacementContext.Trigger.NODE_JOINED);
            assertThat(loop.model().topology().node("jetson-1")).isPresent();
            assertThat(notices.open()).extracting(FleetNotices.Notice::line)
                    .anyMatch(l -> l.startsWith("unexpected-node jetson-1: joined, but scenario tiny does not declare it"));
        }
    }

    @Test
    void joinedFleet_linksMeasuredWhileJoinsSettle_areInTheFirstSlotsModel_andItsFirstPlacement() {
        FakeFleet fleet = new FakeFleet();
        try (ControlLoop loop = joinedLoop(fleet, TINY, new FleetNotices(), 150)) {
            fleet.join("n1", "generic-cpu", List.of());
            fleet.join("n2", "generic-cpu", List.of());
            fleet.links.add(new org.edgefm.api.spi.LinkEstimate("n2", "n1", 80, 0.002)); // reported once, while joining
            loop.step();
            assertThat(placements).isEmpty();
            fleet.now = 150;
            loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START);
            assertThat(loop.plannersModel().topology().link("n1", "n2")).hasValueSatisfying(
                    l -> assertThat(l.extraLatencyMs()).isEqualTo(40.0));
        }
    }

    @Test
    void joinedFleet_withoutDeclaredLinks_namesEveryJoinedNodeAsAPeer_soAgentsMeasureTheLinks() {
        FakeFleet fleet = new FakeFleet();
        try (ControlLoop loop = joinedLoop(fleet, ScenarioLoader.resolve("tiny-fleet"), new FleetNotices(), 0)) {
            fleet.join("cam-7", "generic-cpu", List.of("camera"));
            fleet.join("box-2", "generic-cpu", List.of());
            loop.step();
            assertThat(loop.plannersModel().topology().links()).isEmpty();
            assertThat(loop.directives().get("cam-7").desired().peers()).containsOnlyKeys("cam-7", "box-2");
            assertThat(loop.directives().get("box-2").desired().peers()).containsKey("cam-7");
        }
    }

    @Test
    void joinedFleet_large_eachNodeGetsTheRoutesOfItsStreamsAndTheHeaviestFallbackTargets() {
        FakeFleet fleet = new FakeFleet();
        FleetModel fm = new FleetModel(TINY, new FleetModel.Settings(FleetModel.Source.JOINED, 0, 1.0), new FleetNotices());
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 7, false,
                () -> 42L);
        try (ControlLoop loop = new ControlLoop(fleet, fm, registry.resolve("first-fit+ring"), PlannerConfig.EMPTY, s,
                LinkEstimator.Settings.defaults(), null)) {
            int n = ControlLoop.PROBE_ALL_PEERS_UP_TO + 6;
            for (int i = 0; i < n; i++) {
                fleet.join(String.format("b%03d", i), "generic-cpu", List.of());
            }
            loop.step();
            Directive d = loop.directives().get("b010");
            // its own stream's routes (e to b011, h to b012), the route after the stage it serves for b009 (h to
            // b011; the h it serves for b008 is the sink), and the fallback cut to its 16 heaviest targets
            assertThat(d.desired().routing()).hasSize(4);
            assertThat(d.desired().routing()).filteredOn(r -> "b009".equals(r.origin())).singleElement()
                    .satisfies(r -> assertThat(r.stage()).isEqualTo("h"));
            assertThat(d.desired().routing()).filteredOn(r -> r.origin() == null).singleElement()
                    .satisfies(r -> assertThat(r.targets()).hasSize(RouteSlices.FALLBACK_TARGETS)
                            .extracting(org.edgefm.api.spi.WeightedTarget::node).contains(String.format("b%03d", n - 1)));
            assertThat(d.desired().routing()).extracting(org.edgefm.api.spi.Route::origin).contains("b010", "b009");
            assertThat(d.desired().peers()).containsKeys("b011", "b012").doesNotContainKey("b040");
        }
    }

    @Test
    void joinedFleet_aNodeThatLeaves_isFailedOver() {
        FakeFleet fleet = new FakeFleet();
        try (ControlLoop loop = joinedLoop(fleet, TINY, new FleetNotices(), 0)) {
            fleet.join("n1", "generic-cpu", List.of());
            fleet.join("n2", "generic-cpu", List.of());
            loop.step();
            String core = loop.placement().assignments().get(0).node();
            fleet.online.put(core, false);
            fleet.now = 100;
            loop.step();
            assertThat(placements).containsExactly(CorePlacementContext.Trigger.START, CorePlacementContext.Trigger.NODE_LOST,
                    CorePlacementContext.Trigger.NODE_LOST);
            assertThat(loop.placement().assignments()).allMatch(a -> !a.node().equals(core));
        }
    }

    @Test
    void joinedFleet_streamsBindToTheirOrigin_andTheFleetAttributesArrivalsByIt() {
        FakeFleet fleet = new FakeFleet();
        FleetNotices notices = new FleetNotices();
        try (ControlLoop loop = joinedLoop(fleet, ScenarioLoader.resolve("tiny-fleet"), notices, 0)) {
            fleet.join("cam-7", "generic-cpu", List.of("camera"));
            loop.step();
            assertThat(fleet.users).extracting(u -> u.id() + "@" + u.node()).containsExactly("cam-a@cam-7", "cam-b@cam-7");
            assertThat(notices.open()).extracting(n -> n.kind().label() + " " + n.subject()).containsExactly("origin-missing door");
        }
    }
}
