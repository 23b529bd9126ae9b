package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Directive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shadow mode over the real control loop: agreement, differences, failures that stay in the shadow, no delay. */
@Timeout(60)
class ShadowPlannerTest {
    static final Scenario TINY = ScenarioLoader.resolve("tiny");
    final PluginRegistry registry = PluginRegistry.of(List.of(new TestPlugin()));

    ControlLoop loop(FakeFleet fleet, String planner, ControlLoop.Listener listener) {
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 7, false,
                () -> 42L);
        return new ControlLoop(fleet, TINY.model(), registry.resolve(planner), PlannerConfig.EMPTY, s, listener);
    }

    ShadowPlanner shadow(String planner, Map<String, String> cfg, Duration lightBudget) {
        return new ShadowPlanner(registry.resolve(planner), PlannerConfig.EMPTY.with(cfg), Duration.ofSeconds(5), lightBudget,
                0, System::currentTimeMillis);
    }

    static void await(BooleanSupplier condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }

    /** Steps the loop once and waits until the shadow compared that slot. */
    static void stepAndCompare(ControlLoop loop, ShadowPlanner shadow) throws InterruptedException {
        long slot = loop.step().slot();
        await(() -> shadow.report().latestSlot() >= slot);
    }

    @Test
    void samePlannerInShadow_agreesEverySlot() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ShadowPlanner shadow = shadow("test-pair", Map.of(), Duration.ofSeconds(1));
                ControlLoop loop = loop(fleet, "test-pair", shadow)) {
            for (int i = 0; i < 3; i++) {
                stepAndCompare(loop, shadow);
            }
            ShadowPlanner.Report r = shadow.report();
            assertThat(r.count(ShadowPlanner.AGREE)).isEqualTo(3);
            assertThat(r.count(ShadowPlanner.DIFFER)).isZero();
            assertThat(r.differences()).isEmpty();
            assertThat(r.placement().assignments()).isEqualTo(loop.placement().assignments());
            assertThat(r.health().planners()).allSatisfy(p -> assertThat(p.name()).startsWith("shadow:"));
        }
    }

    @Test
    void otherRouting_isReportedAsRouteDifferences_andNeverApplied() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ShadowPlanner shadow = shadow("first-fit+ring", Map.of(), Duration.ofSeconds(1));
                ControlLoop loop = loop(fleet, "test-pair", shadow)) {
            stepAndCompare(loop, shadow);
            ShadowPlanner.Report r = shadow.report();
            assertThat(r.count(ShadowPlanner.DIFFER)).isEqualTo(1);
            ShadowPlanner.Slot s = r.recent().get(0);
            assertThat(s.routeDiffs()).isEqualTo(7); // ring: two routes per node and one origin-less; one-each: none
            assertThat(s.coreDiffs()).isZero();
            assertThat(s.allocationDiffs()).isZero();
            assertThat(r.differences()).anySatisfy(d -> {
                assertThat(d.kind()).isEqualTo("route");
                assertThat(d.live()).isEqualTo("-");
            });
            // the fleet got the live planner's directives only: no routes
            assertThat(fleet.applied).allSatisfy(d -> assertThat(d.desired().routing()).isEmpty());
        }
    }

    @Test
    void failingShadow_isCountedAndKeptApart_liveDirectivesUnchanged() throws Exception {
        FakeFleet plain = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(plain, "test-pair", null)) {
            for (int i = 0; i < 4; i++) {
                loop.step();
            }
        }
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ShadowPlanner shadow = shadow("first-fit+throw-after", Map.of("throw-after.slots", "1"), Duration.ofSeconds(1));
                ControlLoop loop = loop(fleet, "test-pair", shadow)) {
            for (int i = 0; i < 4; i++) {
                stepAndCompare(loop, shadow);
            }
            ShadowPlanner.Report r = shadow.report();
            // the first call decided (and agrees), then every call threw: its last good decision is kept and compared
            assertThat(r.count(ShadowPlanner.AGREE)).isEqualTo(1);
            assertThat(r.count(ShadowPlanner.FAILED)).isEqualTo(3);
            PluginHealth.Planner p = r.health().planners().stream()
                    .filter(x -> x.name().equals("shadow:throw-after")).findFirst().orElseThrow();
            assertThat(p.failures().get(PluginHealth.THREW)).isEqualTo(3);
            assertThat(shadow.decision()).isNotNull();
            // the live loop's books and the fleet's directives are those of a run without a shadow
            assertThat(loop.pluginHealth().planners()).allSatisfy(x -> assertThat(x.failures().values())
                    .allMatch(v -> v == 0));
            assertThat(fleet.applied.stream().map(Directive::desired).toList())
                    .isEqualTo(plain.applied.stream().map(Directive::desired).toList());
        }
    }

    @Test
    void blockedShadow_neverDelaysTheLiveLoop() throws Exception {
        String gate = "shadow-" + System.nanoTime();
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ShadowPlanner shadow = shadow("gated+one-each", Map.of("gated.name", gate), Duration.ofSeconds(1));
                ControlLoop loop = loop(fleet, "test-pair", shadow)) {
            for (int i = 0; i < 5; i++) {
                loop.step(); // the shadow's core planner blocks on its gate meanwhile
            }
            assertThat(loop.slot()).isEqualTo(5);
            assertThat(shadow.report().compared()).isZero();
            await(() -> shadow.report().observed() == 5);
            TestPlugin.GATES.get(gate).release(100);
            // the slots that arrived while it was blocked are skipped (latest wins), not queued
            await(() -> shadow.report().compared() >= 1);
            ShadowPlanner.Report r = shadow.report();
            assertThat(r.skipped() + r.compared()).isLessThanOrEqualTo(5);
            assertThat(r.skipped()).isGreaterThanOrEqualTo(3);
            assertThat(r.count(ShadowPlanner.AGREE)).isEqualTo(r.compared());
        }
    }

    @Test
    void overrunningShadow_isCutAtItsBudget() throws Exception {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ShadowPlanner shadow = shadow("first-fit+sleepy", Map.of("sleepy.ms", "5000"), Duration.ofMillis(50));
                ControlLoop loop = loop(fleet, "test-pair", shadow)) {
            stepAndCompare(loop, shadow);
            ShadowPlanner.Report r = shadow.report();
            // warm-up calls get at least 1 s (PluginBudgets), then the call is abandoned as an overrun
            assertThat(r.count(ShadowPlanner.FAILED)).isEqualTo(1);
            assertThat(shadow.health().planners().stream().mapToLong(p -> p.failures().getOrDefault(PluginHealth.OVERRAN, 0L)).sum())
                    .isEqualTo(1);
            assertThat(loop.decision()).isNotNull();
        }
    }
}
