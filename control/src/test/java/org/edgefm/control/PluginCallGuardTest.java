package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failures, fallback and budgets of plugin calls, with real plugin jars (compiled by {@link PluginJars})
 * loaded through the registry as the host loads them.
 */
@Timeout(60)
class PluginCallGuardTest {
    static final Scenario TINY = ScenarioLoader.resolve("tiny");
    @TempDir
    static Path jars;
    static PluginRegistry registry;
    final List<String> failures = new ArrayList<>();

    @BeforeAll
    static void buildJars() {
        PluginJars.plugin(jars, "throws", "jar-throws", PluginJars.THROW);
        PluginJars.plugin(jars, "sleeps", "jar-sleeps", PluginJars.sleep(300));
        PluginJars.plugin(jars, "burns", "jar-burns", PluginJars.burn(80));
        PluginJars.plugin(jars, "infeasible", "jar-infeasible", PluginJars.INFEASIBLE);
        PluginJars.plugin(jars, "null", "jar-null", PluginJars.NULL);
        PluginJars.plugin(jars, "good", "jar-good", PluginJars.DECIDE);
        PluginJars.plugin(jars, "late", "jar-late", PluginJars.sleep(120));
        PluginJars.plugin(jars, "empty", "jar-empty",
                "return PlanResult.planned(new LightDecision(o.slot(), List.of(), RoutingTable.EMPTY, List.of(), List.of()));");
        // slow in its first slot (within the warm-up allowance only), fast in slots 1-3, throws from slot 4
        PluginJars.plugin(jars, "warms", "jar-warms", "if (o.slot() == 0) { " + PluginJars.sleep(300).replace(PluginJars.DECIDE, "")
                + "} if (o.slot() >= 4) { " + PluginJars.THROW + " } " + PluginJars.DECIDE);
        registry = PluginRegistry.load(PluginCallGuardTest.class.getClassLoader(), jars);
        assertThat(registry.quarantined()).isEmpty();
    }

    ControlLoop loop(FakeFleet fleet, String planner, boolean enforce, Duration lightBudget, boolean withFallback) {
        return loop(fleet, planner, enforce, 100, lightBudget, withFallback);
    }

    ControlLoop loop(FakeFleet fleet, String planner, boolean enforce, double slotMs, Duration lightBudget,
            boolean withFallback) {
        ControlLoop.Settings s = new ControlLoop.Settings(slotMs, 0, Duration.ofSeconds(5), lightBudget, 1, enforce, () -> 0L);
        ControlLoop loop = new ControlLoop(fleet, TINY.model(), registry.resolve(planner), PlannerConfig.EMPTY, s,
                new ControlLoop.Listener() {
                    @Override
                    public void onPluginFailure(String plugin, String role, String reason, String detail) {
                        failures.add(plugin + "/" + reason);
                    }
                });
        if (withFallback) {
            loop.fallback(registry.resolve("jar-good").controller());
        }
        return loop;
    }

    static PluginHealth.Planner planner(PluginHealth h, String role) {
        return h.planners().stream().filter(p -> p.role().equals(role)).findFirst().orElseThrow();
    }

    @Test
    void throwingController_neverUsable_fallbackDecidesEverySlot_andTheBooksSaySo() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "first-fit+jar-throws", false, Duration.ofSeconds(1), true)) {
            for (int i = 0; i < 10; i++) {
                loop.step();
            }
            assertThat(loop.decision()).isNotNull();
            assertThat(loop.decision().routing().routes()).isNotEmpty(); // the fallback's decision is in force
            PluginHealth h = loop.pluginHealth();
            PluginHealth.Planner light = planner(h, PluginInfo.LIGHT);
            assertThat(light.calls()).isEqualTo(10);
            assertThat(light.failures()).containsEntry(PluginHealth.THREW, 10L);
            assertThat(planner(h, PluginHealth.FALLBACK_ROLE).usable()).isEqualTo(10);
            assertThat(planner(h, PluginInfo.CORE).usable()).isEqualTo(1);
            assertThat(h.slots()).isEqualTo(10);
            assertThat(h.slotsOnFallback()).isEqualTo(10);
            assertThat(h.mostlyOnFallback()).isTrue();
            assertThat(h.verdict(5, 5)).startsWith("FAILED: 10 of 10 slots ran on the fallback jar-good")
                    .contains("jar-throws: 10 calls, failures threw 10");
            assertThat(h.verdict(0, 5)).startsWith("FAILED: no task completed (5 submitted)");
        }
    }

    @Test
    void throwingController_noFallback_nothingInForce_slotsWithoutDecisionCounted() {
        FakeFleet fleet = new FakeFleet("n1", "n2");
        try (ControlLoop loop = loop(fleet, "first-fit+jar-throws", false, Duration.ofSeconds(1), false)) {
            for (int i = 0; i < 4; i++) {
                loop.step();
            }
            assertThat(loop.decision()).isNull();
            PluginHealth h = loop.pluginHealth();
            assertThat(h.slotsWithout()).isEqualTo(4);
            assertThat(h.fallback()).isNull();
            assertThat(h.verdict(1, 1)).contains("(none declared)");
        }
    }

    @Test
    void infeasibleAndNull_areCountedByReason() {
        FakeFleet fleet = new FakeFleet("n1", "n2");
        try (ControlLoop a = loop(fleet, "first-fit+jar-infeasible", false, Duration.ofSeconds(1), true);
                ControlLoop b = loop(new FakeFleet("n1"), "first-fit+jar-null", false, Duration.ofSeconds(1), true)) {
            a.step();
            a.step();
            b.step();
            assertThat(planner(a.pluginHealth(), PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.INFEASIBLE, 2L);
            assertThat(planner(b.pluginHealth(), PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.EMPTY, 1L);
            assertThat(failures).containsExactly("jar-infeasible/infeasible", "jar-infeasible/infeasible", "jar-null/empty");
        }
    }

    // The first PluginBudgets.WARMUP_CALLS calls get at least 1 s (class loading, JIT): 300 ms passes there, and
    // those decisions go into force; but they do not prove the controller, so its overruns afterwards hand the
    // slots to the fallback instead of keeping a warm-up decision for the rest of the run.
    @Test
    void sleepingController_live_warmUpDecisionsUsed_thenAbandonedAtTheBudget_fallbackDecides() {
        FakeFleet fleet = new FakeFleet("n1", "n2");
        try (ControlLoop loop = loop(fleet, "first-fit+jar-sleeps", true, Duration.ofMillis(50), true)) {
            for (int i = 0; i < PluginBudgets.WARMUP_CALLS + 2; i++) {
                loop.step();
            }
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.OVERRAN, 2L);
            assertThat(planner(h, PluginInfo.LIGHT).usable()).isEqualTo(PluginBudgets.WARMUP_CALLS);
            assertThat(loop.decision().slot()).isEqualTo(PluginBudgets.WARMUP_CALLS + 1); // the fallback's, this slot
            assertThat(h.slotsOnFallback()).isEqualTo(2);
        }
    }

    @Test
    void sleepingController_inVirtualTime_isChargedItsWaiting_andDiscardedAsLive() {
        FakeFleet fleet = new FakeFleet("n1", "n2");
        try (ControlLoop loop = loop(fleet, "first-fit+jar-sleeps", false, Duration.ofMillis(50), true)) {
            for (int i = 0; i < PluginBudgets.WARMUP_CALLS + 2; i++) {
                loop.step();
            }
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.OVERRAN, 2L);
            assertThat(planner(h, PluginInfo.LIGHT).slowestMs()).isGreaterThanOrEqualTo(250);
            assertThat(loop.decision().slot()).isEqualTo(PluginBudgets.WARMUP_CALLS + 1);
            assertThat(h.slotsOnFallback()).isEqualTo(2);
        }
    }

    @Test
    void slowFirstCall_thenWithinBudget_isProven_andALaterFailureKeepsItsLastGoodDecision() {
        FakeFleet fleet = new FakeFleet("n1", "n2");
        try (ControlLoop loop = loop(fleet, "first-fit+jar-warms", false, Duration.ofMillis(50), true)) {
            for (int i = 0; i < 6; i++) {
                loop.step();
            }
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).usable()).isEqualTo(4);
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.THREW, 2L);
            assertThat(loop.decision().slot()).isEqualTo(3); // its last good decision, not the fallback's
            assertThat(h.slotsOnFallback()).isZero();
        }
    }

    @Test
    void cpuBurningController_inVirtualTime_overrunsByCpuTime_andPassesWithALargerBudget() {
        try (ControlLoop tight = loop(new FakeFleet("n1"), "first-fit+jar-burns", false, Duration.ofMillis(40), true);
                ControlLoop roomy = loop(new FakeFleet("n1"), "first-fit+jar-burns", false, Duration.ofMillis(2000), true)) {
            for (int i = 0; i < PluginBudgets.WARMUP_CALLS + 2; i++) {
                tight.step();
                roomy.step();
            }
            assertThat(planner(tight.pluginHealth(), PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.OVERRAN, 2L);
            assertThat(planner(roomy.pluginHealth(), PluginInfo.LIGHT).failures()).isEmpty();
            assertThat(planner(roomy.pluginHealth(), PluginInfo.LIGHT).slowestMs()).isGreaterThanOrEqualTo(80);
            assertThat(roomy.pluginHealth().slotsOnFallback()).isZero();
        }
    }

    @Test
    void controllerThatDecidesLater_takesOverFromTheFallback_thenFailuresKeepItsLastGoodDecision() {
        // test plugin throw-after: decides for 2 slots, then throws
        PluginRegistry r = PluginRegistry.of(List.of(new TestPlugin()));
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 1, false, () -> 0L);
        try (ControlLoop loop = new ControlLoop(new FakeFleet("n1", "n2"), TINY.model(), r.resolve("first-fit+throw-after"),
                PlannerConfig.EMPTY.with(Map.of("throw-after.slots", "2")), s, null)) {
            loop.fallback(registry.resolve("jar-good").controller());
            for (int i = 0; i < 6; i++) {
                loop.step();
            }
            assertThat(loop.decision().slot()).isEqualTo(1); // its own last good decision, not the fallback's
            PluginHealth h = loop.pluginHealth();
            assertThat(h.slotsOnFallback()).isZero();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.THREW, 4L);
            assertThat(h.planners()).extracting(PluginHealth.Planner::role).doesNotContain(PluginHealth.FALLBACK_ROLE);
        }
    }

    @Test
    void sum_addsRunsOfTheSamePlanner() {
        PluginHealth a = new PluginHealth(List.of(new PluginHealth.Planner("x", PluginInfo.LIGHT, 3, 1,
                Map.of(PluginHealth.THREW, 2L), 5, 9)), "fb", 3, 2, 0);
        PluginHealth b = new PluginHealth(List.of(new PluginHealth.Planner("x", PluginInfo.LIGHT, 4, 4, Map.of(), 7, 10)),
                "fb", 4, 0, 1);
        PluginHealth s = PluginHealth.sum(List.of(a, b));
        assertThat(s.planners()).singleElement().satisfies(p -> {
            assertThat(p.calls()).isEqualTo(7);
            assertThat(p.slowestMs()).isEqualTo(7);
            assertThat(p.failuresText()).isEqualTo("threw 2");
        });
        assertThat(s.slots()).isEqualTo(7);
        assertThat(s.slotsOnFallback()).isEqualTo(2);
        assertThat(s.slotsWithout()).isEqualTo(1);
        assertThat(s.toMap()).containsEntry("failures", 2L);
    }

    // jar-late takes 120 ms per call: within the warm-up allowance, over the 50 ms budget after it, but within
    // the 500 ms slot. Its first overrun is waited for (live) or charged (virtual time) and lands within the
    // slot: the fallback is not asked and the warm-up decision stays; the second overrun in a row hands the slot
    // to the fallback.
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void lateCall_landingWithinTheSlot_fallbackNotAsked_secondOverrunInARow_fallbackDecides(boolean live) {
        FakeFleet fleet = new FakeFleet("n1", "n2");
        try (ControlLoop loop = loop(fleet, "first-fit+jar-late", live, 500, Duration.ofMillis(50), true)) {
            for (int i = 0; i < PluginBudgets.WARMUP_CALLS + 1; i++) {
                loop.step();
            }
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.OVERRAN, 1L);
            assertThat(h.planners()).extracting(PluginHealth.Planner::role).doesNotContain(PluginHealth.FALLBACK_ROLE);
            assertThat(loop.decision().slot()).isEqualTo(PluginBudgets.WARMUP_CALLS - 1); // the last warm-up decision
            assertThat(h.slotsOnFallback()).isZero();

            loop.step();
            h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.OVERRAN, 2L);
            assertThat(planner(h, PluginHealth.FALLBACK_ROLE).calls()).isEqualTo(1);
            assertThat(loop.decision().slot()).isEqualTo(PluginBudgets.WARMUP_CALLS + 1); // the fallback's
            assertThat(h.slotsOnFallback()).isEqualTo(1);
        }
    }

    // tiny's one task type needs the core service enc: without a core planner no placement is ever in force, so
    // no decision can serve a task; the throwing controller's failures are booked but the fallback is not asked
    @Test
    void throwingController_noCorePlacementInForce_failuresBooked_fallbackNotAsked() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "jar-throws", false, Duration.ofSeconds(1), true)) {
            for (int i = 0; i < 5; i++) {
                loop.step();
            }
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.THREW, 5L);
            assertThat(h.planners()).extracting(PluginHealth.Planner::role).doesNotContain(PluginHealth.FALLBACK_ROLE);
            assertThat(loop.decision()).isNull();
        }
    }

    @Test
    void emptyDecision_noCorePlacementInForce_isNoFailure_withAPlacement_fallbackDecides() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        try (ControlLoop loop = loop(fleet, "jar-empty", false, Duration.ofSeconds(1), true)) {
            for (int i = 0; i < 3; i++) {
                loop.step();
            }
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).isEmpty();
            assertThat(h.planners()).extracting(PluginHealth.Planner::role).doesNotContain(PluginHealth.FALLBACK_ROLE);
            assertThat(failures).isEmpty();
        }
        try (ControlLoop loop = loop(fleet, "first-fit+jar-empty", false, Duration.ofSeconds(1), true)) {
            loop.step();
            PluginHealth h = loop.pluginHealth();
            assertThat(planner(h, PluginInfo.LIGHT).failures()).containsEntry(PluginHealth.EMPTY, 1L);
            assertThat(planner(h, PluginHealth.FALLBACK_ROLE).calls()).isEqualTo(1);
            assertThat(loop.decision().routing().routes()).isNotEmpty();
        }
    }
}
