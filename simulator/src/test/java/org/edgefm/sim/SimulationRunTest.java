package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.control.ResolvedPlanner;
import org.junit.jupiter.api.Test;

/** The control loop drives the simulated fleet: hand-written planners, results computed by hand. */
class SimulationRunTest {
    private static final ServiceSpec PRE = lightService("pre", 1.0, 1.0, new RateModel.Deterministic(0.5));
    private static final ServiceSpec ENC = coreService("enc", 3.0, 0.2, 1.0);

    private static Scenario scenario() {
        SystemModel m = model(List.of(node("a", 1.0), node("b", 2.0)), List.of(new LinkSpec("a", "b", 0.5, 100, 0.25)),
                List.of(PRE, ENC), List.of(chain("cap", 2.0, 8.3, "pre", "enc")), List.of(user("u", "a", 0.5, 3.0)),
                List.of(periodic("u", "cap", 100)));
        return new Scenario(1, "hand", "", m.topology(), m.services(), m.taskTypes(), m.users(), m.workload(),
                new RunSettings(100.0, 10, 0.0, 1L), List.of(), Map.of());
    }

    private static CorePlacementPlannerFactory encAtB() {
        return new CorePlacementPlannerFactory() {
            public String name() {
                return "enc-at-b";
            }

            public String description() {
                return "test";
            }

            public CorePlacementPlanner create(PlannerConfig c) {
                return ctx -> PlanResult.planned(new CorePlacement(List.of(new CoreAssignment("b", "enc", 1)), Map.of()));
            }
        };
    }

    private static LightServiceControllerFactory controller(boolean fail) {
        return new LightServiceControllerFactory() {
            public String name() {
                return fail ? "throws" : "pre-at-a";
            }

            public String description() {
                return "test";
            }

            public LightServiceController create(PlannerConfig c) {
                return obs -> {
                    if (fail) {
                        throw new IllegalStateException("boom");
                    }
                    return PlanResult.planned(new LightDecision(obs.slot(), List.of(new ServiceAllocation("a", "pre", 1, 1)),
                            new RoutingTable(List.of(route("cap", "s0", "a"), route("cap", "s1", "b"))), List.of(), List.of()));
                };
            }
        };
    }

    @Test
    void controlLoopDrivesFleet_latencyAndCostAsComputedByHand() {
        SimulationRun.Outcome o = SimulationRun.run(scenario(), new ResolvedPlanner("hand", encAtB(), controller(false)),
                null, 1, 1.0, null);
        SimStats s = o.stats();
        // Arrivals at 100..900 complete (8.25 ms each); the one at 1000 arrives at the horizon.
        assertThat(s.completed()).isEqualTo(9);
        assertThat(Arrays.stream(s.latenciesMs()).boxed().toList()).allSatisfy(l -> assertThat(l).isCloseTo(8.25, within(1e-9)));
        assertThat(s.onTimeRate()).isEqualTo(1.0);
        // 10 slots: core 20 + 10·4; light 10·(1 + 0.5·1), no instantiation charge in slot 0.
        assertThat(s.coreCost()).isCloseTo(60.0, within(1e-9));
        assertThat(s.lightCost()).isCloseTo(15.0, within(1e-9));
        assertThat(o.pluginFailures()).isZero();
    }

    @Test
    void throwingController_countedAsPluginFailure_noRoutesSoNothingCompletes() {
        SimulationRun.Outcome o = SimulationRun.run(scenario(), new ResolvedPlanner("bad", encAtB(), controller(true)),
                null, 1, 1.0, null);
        assertThat(o.pluginFailures()).isEqualTo(10);
        assertThat(o.stats().completed()).isZero();
        // every arrival (100..1000) finds no route for its first stage
        assertThat(o.stats().failedUnrouted()).isEqualTo(10);
    }
}
