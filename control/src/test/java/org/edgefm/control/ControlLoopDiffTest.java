package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Directive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slot in which nothing that desired states depend on changed (model, placement, allocations,
 * routes, peers' endpoints) computes none; on random sequences of nodes going off and on line, joining
 * and moving their endpoints, the directives equal those of a loop that diffs every node every slot.
 */
@Timeout(60)
class ControlLoopDiffTest {
    private final PluginRegistry registry = PluginRegistry.of(List.of(new TestPlugin()));

    private ControlLoop loop(FakeFleet fleet, boolean joined, String planner) {
        ControlLoop.Settings s = new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), 7, false,
                () -> 42L);
        if (!joined) {
            return new ControlLoop(fleet, ControlLoopTest.TINY.model(), registry.resolve(planner), PlannerConfig.EMPTY, s,
                    null);
        }
        FleetModel fm = new FleetModel(ScenarioLoader.resolve("tiny"), new FleetModel.Settings(FleetModel.Source.JOINED, 0,
                1.0), new FleetNotices());
        return new ControlLoop(fleet, fm, registry.resolve(planner), PlannerConfig.EMPTY, s, LinkEstimator.Settings.defaults(),
                null);
    }

    @Test
    void directives_randomFleetChanges_equalThoseOfAFullDiffEverySlot() {
        for (String planner : List.of("test-pair", "first-fit+churn")) {
            for (boolean joined : new boolean[] {false, true}) {
                for (long seed : new long[] {1, 2, 3, 4, 5, 6}) {
                    Random rnd = new Random(seed);
                    FakeFleet a = new FakeFleet();
                    FakeFleet b = new FakeFleet();
                    for (String n : List.of("n1", "n2", "n3")) {
                        a.join(n, "generic-cpu", List.of());
                        b.join(n, "generic-cpu", List.of());
                    }
                    try (ControlLoop skip = loop(a, joined, planner); ControlLoop full = loop(b, joined, planner)) {
                        full.diffEverySlot();
                        for (int slot = 0; slot < 80; slot++) {
                            a.now = b.now = slot * 100;
                            int what = rnd.nextInt(8);
                            String n = "n" + (1 + rnd.nextInt(3));
                            if (what == 0) {
                                boolean on = !a.online.get(n);
                                a.online.put(n, on);
                                b.online.put(n, on);
                            } else if (what == 1) {
                                String ep = "127.0.0.1:" + (2 + rnd.nextInt(3));
                                for (FakeFleet f : List.of(a, b)) {
                                    JoinedNode j = f.births.get(n);
                                    f.births.put(n, new JoinedNode(n, j.profile(), j.capacity(), j.labels(), ep, j.online()));
                                    f.membership++;
                                }
                            }
                            List<Directive> x = skip.step().directives();
                            List<Directive> y = full.step().directives();
                            assertThat(x).as("%s, joined %s, seed %d, slot %d", planner, joined, seed, slot).isEqualTo(y);
                        }
                        assertThat(a.applied).isEqualTo(b.applied).isNotEmpty();
                    }
                }
            }
        }
    }
}
