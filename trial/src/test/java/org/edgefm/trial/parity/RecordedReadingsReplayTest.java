package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.control.PluginRegistry;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.RecordedReadings;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Dist;
import org.edgefm.sim.calibration.Link;
import org.edgefm.sim.calibration.Observed;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.Station;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.Workload;
import org.edgefm.wire.Directive;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;

/**
 * A planner replay fed the live host's recorded readings decides as the live planner did: greedy
 * leaves a node that the readings show far away (the agents' link reports) or offline (stale
 * telemetry), where fed the twin's own readings it keeps using it.
 */
class RecordedReadingsReplayTest {
    private static final Scenario CONTENDED = ScenarioLoader.load(Path.of("../scenarios/trial-lab-contended.json"));
    private static final List<String> NODES = List.of("agx-orin", "orin-nx", "edge-l4");

    /** 20 s of vqa from cam-1 (at agx-orin) and caption from cam-2 (at orin-nx), every service measured at 4-6 ms everywhere. */
    private static Calibration calibration(Observed observed) {
        List<Station> stations = new ArrayList<>();
        for (String node : NODES) {
            for (ServiceSpec s : CONTENDED.services()) {
                stations.add(new Station(node, s.id(), Dist.of(List.of(4.0, 5.0, 6.0)),
                        Dist.EMPTY, null));
            }
        }
        List<Task> log = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            log.add(new Task(100 + 200.0 * i, "cam-1", "vqa", "agx-orin"));
            log.add(new Task(150 + 200.0 * i, "cam-2", "caption", "orin-nx"));
        }
        List<Link> links = List.of(new Link("agx-orin", "edge-l4", 1.0, 1.0, 10),
                new Link("agx-orin", "orin-nx", 1.0, 1.0, 10), new Link("edge-l4", "orin-nx", 1.0, 1.0, 10));
        Calibration c = new Calibration(Calibration.SCHEMA, CONTENDED.name(), "greedy",
                new Workload(20_000, 5_000, NODES, Map.of("cam-3", "edge-l4")), stations, links, List.of(),
                new Overheads(Dist.of(List.of(1.0)), Dist.of(List.of(0.5)),
                        Dist.of(List.of(2.0)), Dist.EMPTY),
                Dist.EMPTY, log);
        return c.with(null, observed);
    }

    /** Per node, the vit and llm stages it served in a planner replay of greedy over {@code c}. */
    private static Map<String, Integer> coreStagesPerNode(Calibration c, Map<String, Object> replayKeys) {
        Map<String, Object> keys = new HashMap<>(replayKeys);
        keys.put("sim.stage-timings", true);
        Scenario s = c.apply(new Scenario(CONTENDED.schema(), CONTENDED.name(), CONTENDED.description(),
                CONTENDED.topology(), CONTENDED.services(), CONTENDED.taskTypes(), CONTENDED.users(), CONTENDED.workload(),
                new org.edgefm.scenario.RunSettings(CONTENDED.run().slotMs(), 46, CONTENDED.run().planningEpochMs(),
                        CONTENDED.run().seed()), CONTENDED.failures(), keys, CONTENDED.models()));
        List<PlannerPlugin> plugins = new ArrayList<>();
        ServiceLoader.load(PlannerPlugin.class).forEach(plugins::add);
        Map<String, Integer> served = new HashMap<>();
        SimulationRun.Observer observer = new SimulationRun.Observer() {
            @Override
            public void onDirective(double nowMs, Directive d) {
            }

            @Override
            public void onCompletions(List<TaskCompletion> completions) {
                for (TaskCompletion t : completions) {
                    for (StageTiming st : t.stages()) {
                        if (st.stage().equals("vit") || st.stage().equals("llm")) {
                            served.merge(st.node(), 1, Integer::sum);
                        }
                    }
                }
            }
        };
        SimulationRun.run(s, PluginRegistry.of(plugins).resolve("greedy"), s.plannerConfig(), s.run().seed(), 1.0, null,
                new SimulationRun.Options(true, null, c.twin(true, s), observer));
        return served;
    }

    private static Observed farEdge() {
        // what the live host's loop received before the workload: edge-l4's links measured at a 400 ms round trip
        return new Observed(List.of(), List.of(new Observed.LinkReading(-500, "agx-orin", "edge-l4", 400, 1.0),
                new Observed.LinkReading(-500, "orin-nx", "edge-l4", 400, 1.0),
                new Observed.LinkReading(-500, "agx-orin", "orin-nx", 1.0, 1.0)));
    }

    @Test
    void plannerReplay_recordedLinkReportsPutANodeFarAway_greedyRoutesNoCoreStageThere() {
        Map<String, Integer> own = coreStagesPerNode(calibration(farEdge()), Map.of(RecordedReadings.KEY, "twin"));
        Map<String, Integer> recorded = coreStagesPerNode(calibration(farEdge()), Map.of());
        assertThat(own.getOrDefault("edge-l4", 0)).as("the twin's own readings: edge-l4 one hop away").isPositive();
        assertThat(recorded.getOrDefault("edge-l4", 0)).as("the live host's link reports: edge-l4 400 ms away").isZero();
        assertThat(recorded.getOrDefault("agx-orin", 0)).isPositive();
    }

    @Test
    void plannerReplay_recordedReadingsSayANodeWentOffline_greedyStopsUsingIt() {
        // the live host's verdict: edge-l4's telemetry went stale at 5 s and stayed so
        List<Observed.NodeReading> nodes = new ArrayList<>();
        for (String n : NODES) {
            nodes.add(new Observed.NodeReading(-100, n, true, 200.0, 0.3));
        }
        nodes.add(new Observed.NodeReading(5_000, "edge-l4", false, 3_000.0, 0.9));
        Calibration c = calibration(new Observed(nodes, List.of()));
        Map<String, Integer> own = coreStagesPerNode(c, Map.of(RecordedReadings.KEY, "twin"));
        Map<String, Integer> recorded = coreStagesPerNode(c, Map.of());
        assertThat(recorded.getOrDefault("edge-l4", 0)).as("edge-l4 served until 5 s only")
                .isLessThan(own.getOrDefault("edge-l4", 0));
    }
}
