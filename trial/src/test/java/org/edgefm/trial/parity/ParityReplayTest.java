package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.SimulatedFleet;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Dist;
import org.edgefm.sim.calibration.Link;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.Station;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.Workload;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;

class ParityReplayTest {
    private static final Scenario LAB = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));

    private static ResolvedPlanner planner(String name) {
        List<PlannerPlugin> plugins = new ArrayList<>();
        ServiceLoader.load(PlannerPlugin.class).forEach(plugins::add);
        return PluginRegistry.of(plugins).resolve(name);
    }

    /** A calibration with the given task log and measured service times, links and overheads of a lab fleet. */
    private static Calibration calibration(List<Task> log, double durationMs) {
        List<Station> stations = new ArrayList<>();
        for (String node : List.of("agx-orin", "orin-nx", "edge-l4")) {
            for (ServiceSpec s : LAB.services()) {
                stations.add(new Station(node, s.id(), Dist.of(List.of(4.0, 5.0, 6.0)),
                        Dist.EMPTY, null));
            }
        }
        return new Calibration(Calibration.SCHEMA, LAB.name(), "two-tier",
                new Workload(durationMs, 5_000, List.of("agx-orin", "orin-nx", "edge-l4"),
                        Map.of("cam-3", "edge-l4")),
                stations, List.of(new Link("agx-orin", "edge-l4", 1.0, 1.0, 10)), List.of(),
                new Overheads(Dist.of(List.of(1.0)), Dist.of(List.of(0.5)),
                        Dist.of(List.of(2.0)), Dist.EMPTY),
                Dist.EMPTY, log);
    }

    @Test
    void replay_syntheticTaskLog_everyLoggedTaskIsSubmittedAndCountedOnce() {
        List<Task> log = new ArrayList<>();
        // 40 vqa from cam-1 and 25 caption from cam-2 in 10 s, 7 vqa from cam-3 (re-homed to edge-l4)
        for (int i = 0; i < 40; i++) {
            log.add(new Task(100 + 240.0 * i, "cam-1", "vqa", "agx-orin"));
        }
        for (int i = 0; i < 25; i++) {
            log.add(new Task(37 + 390.0 * i, "cam-2", "caption", "orin-nx"));
        }
        for (int i = 0; i < 7; i++) {
            log.add(new Task(500 + 1400.0 * i, "cam-3", "vqa", "edge-l4"));
        }
        ParitySide sim = ParityReplay.simulate(LAB, calibration(log, 10_000), planner("two-tier"), LAB.plannerConfig(), null);
        assertThat(sim.submitted()).isEqualTo(72);
        assertThat(sim.perType().get("vqa").submitted()).isEqualTo(47);
        assertThat(sim.perType().get("caption").submitted()).isEqualTo(25);
        assertThat(sim.windows()).hasSize(2);
        assertThat(sim.windows().get(0).submitted() + sim.windows().get(1).submitted()).isEqualTo(72);
        // measured stages of 4-6 ms, light load, deadlines of 1.2-1.5 s: every task completes on time
        assertThat(sim.completed()).isEqualTo(72);
        assertThat(sim.onTimeRate()).isEqualTo(1.0);
        // at least 5 stages of >= 4 ms each, plus the measured ingress
        assertThat(sim.p50Ms()).isGreaterThanOrEqualTo(21.0).isLessThan(1_000.0);
        assertThat(sim.cost()).isGreaterThan(0);
    }

    @Test
    void costLedger_sameDirectives_chargesWhatTheSimulatorCharges() {
        SimSettings settings = SimSettings.from(Map.of("sim.chargeInitialLightDeploy", true));
        double slotMs = LAB.run().slotMs();
        SimulatedFleet sim = new SimulatedFleet(LAB.model(), slotMs, List.of(), 7, settings);
        List<TrialLog.DirectiveEvent> events = new ArrayList<>();
        int[][] plan = {{0, 1, 2}, {3, 3, 1}, {6, 1, 4}, {8, 2, 2}}; // slot, projector instances, its parallelism
        long version = 0;
        for (int[] p : plan) {
            sim.advanceTo(p[0] * slotMs);
            Map<String, int[]> m = Map.of("clip-vit", new int[] {p[0] >= 8 ? 2 : 1, 1}, "llm", new int[] {1, 1},
                    "projector", new int[] {p[1], p[2]});
            List<DesiredService> ds = new ArrayList<>();
            m.forEach((s, xy) -> {
                ServiceSpec spec = LAB.model().servicesById().get(s);
                ds.add(new DesiredService(s, spec.kind(), xy[0], xy[1], null, spec.workloadMb(), spec.kernel()));
            });
            sim.apply(new Directive(WireCodec.SCHEMA, "edge-l4", 1, ++version, 0, new DesiredState(ds, List.of(), Map.of())));
            events.add(new TrialLog.DirectiveEvent((long) (p[0] * slotMs), "edge-l4", m));
        }
        sim.advanceTo(12 * slotMs);
        // from before the first directive: every deployment is charged, as the simulator charges slot 0 here
        CostLedger.Tally all = CostLedger.charge(events, LAB, settings.parallelismCostTimesY(), -1, 12 * slotMs);
        assertThat(all.cost()).isCloseTo(sim.stats().totalCost(), within(1e-9));
        assertThat(all.directives()).isEqualTo(4);
        assertThat(all.placementChanges()).isEqualTo(3); // projector 1 -> 3 -> 1 -> 2 instances
        // from time 0 (parity's horizon): the state in force at the start is the base, its deployment not charged
        CostLedger.Tally workload = CostLedger.charge(events, LAB, settings.parallelismCostTimesY(), 0, 12 * slotMs);
        double initialDeploy = 20 + 20 + 4; // clip-vit, llm, one projector (ServiceCosts of trial-lab)
        assertThat(workload.cost()).isCloseTo(all.cost() - initialDeploy, within(1e-9));
        assertThat(workload.directives()).isEqualTo(3);
    }
}
