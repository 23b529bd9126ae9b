package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.control.PluginRegistry;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Dist;
import org.edgefm.sim.calibration.Issued;
import org.edgefm.sim.calibration.Link;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.Station;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.Workload;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectivesReplayParityTest {
    private static final Scenario LAB = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));
    private static final List<String> NODES = List.of("agx-orin", "orin-nx", "edge-l4");

    /** What two-tier decides for the lab's three nodes at the start: real desired states with real routes. */
    private static Map<String, DesiredState> plannedStart(Calibration shape) {
        List<PlannerPlugin> plugins = new ArrayList<>();
        ServiceLoader.load(PlannerPlugin.class).forEach(plugins::add);
        Scenario s = shape.apply(LAB);
        s = new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(), s.users(),
                s.workload(), new RunSettings(s.run().slotMs(), 1, s.run().planningEpochMs(), s.run().seed()), s.failures(),
                s.planner(), s.models());
        Map<String, DesiredState> out = new LinkedHashMap<>();
        SimulationRun.run(s, PluginRegistry.of(plugins).resolve("two-tier"), s.plannerConfig(), 7, 1.0, null,
                new SimulationRun.Options(true, null, null, new SimulationRun.Observer() {
                    @Override
                    public void onDirective(double nowMs, Directive d) {
                        out.put(d.nodeId(), d.desired());
                    }

                    @Override
                    public void onCompletions(List<TaskCompletion> completions) {
                    }
                }));
        return out;
    }

    private static Calibration calibration(List<Issued> directives, String schema) {
        List<Station> stations = new ArrayList<>();
        for (String node : NODES) {
            for (ServiceSpec s : LAB.services()) {
                stations.add(new Station(node, s.id(), Dist.of(List.of(4.0, 5.0, 6.0)),
                        Dist.EMPTY, null));
            }
        }
        List<Task> log = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            log.add(new Task(100 + 240.0 * i, "cam-1", "vqa", "agx-orin", 30.0, true, null, null, List.of()));
            log.add(new Task(170 + 240.0 * i, "cam-2", "caption", "orin-nx", 35.0, true, null, null, List.of()));
        }
        return new Calibration(schema, LAB.name(), "two-tier",
                new Workload(10_000, 5_000, NODES, Map.of("cam-3", "edge-l4")), stations,
                List.of(new Link("agx-orin", "edge-l4", 1.0, 1.0, 10)), List.of(),
                new Overheads(Dist.of(List.of(1.0)), Dist.of(List.of(0.5)),
                        Dist.of(List.of(2.0)), Dist.EMPTY),
                Dist.EMPTY, log, Map.of(), directives);
    }

    /** The state with {@code service}'s instances set to {@code n} (added where absent). */
    private static DesiredState with(DesiredState d, String service, int n) {
        List<DesiredService> out = new ArrayList<>();
        boolean found = false;
        for (DesiredService s : d.services()) {
            if (s.service().equals(service)) {
                found = true;
                out.add(new DesiredService(s.service(), s.kind(), n, s.parallelism(), s.computeShare(), s.workloadMb(), s.kernel()));
            } else {
                out.add(s);
            }
        }
        if (!found) {
            ServiceSpec spec = LAB.model().servicesById().get(service);
            out.add(new DesiredService(service, spec.kind(), n, 1, null, spec.workloadMb(), spec.kernel()));
        }
        return new DesiredState(out, d.routing(), Map.of());
    }

    /** A live history: the planner's start before the workload, then two placement changes and one routes-only directive. */
    private static List<Issued> history() {
        Map<String, DesiredState> start = plannedStart(calibration(null, Calibration.SCHEMA));
        assertThat(start).containsKeys("edge-l4", "agx-orin");
        List<Issued> h = new ArrayList<>();
        start.forEach((node, d) -> h.add(new Issued(-1_500, node, 3, 1, d)));
        DesiredState l4 = start.get("edge-l4");
        int projectors = l4.services().stream().filter(s -> s.service().equals("projector")).mapToInt(DesiredService::instances)
                .findFirst().orElse(0);
        h.add(new Issued(2_600, "edge-l4", 3, 2, with(l4, "projector", projectors + 1)));
        h.add(new Issued(5_100, "agx-orin", 3, 2, start.get("agx-orin"))); // same instances: no change
        h.add(new Issued(7_300, "edge-l4", 3, 3, with(l4, "projector", projectors + 2)));
        return h;
    }

    @Test
    void directivesReplay_liveHistory_placementChangesEqualTheLiveOnes() {
        Calibration c = calibration(history(), Calibration.SCHEMA);
        ParitySide live = ParityReplay.live(c, LAB);
        assertThat(live.directives()).isEqualTo(3);
        assertThat(live.placementChanges()).isEqualTo(2);

        ParityReplay.Directives replay = ParityReplay.simulateDirectives(LAB, c);
        assertThat(replay.outcome().refused()).isEmpty();
        assertThat(replay.outcome().handed()).hasSize(c.directives().size());
        assertThat(replay.outcome().applied()).hasSize(c.directives().size());
        assertThat(replay.side().directives()).isEqualTo(live.directives());
        assertThat(replay.side().placementChanges()).isEqualTo(live.placementChanges());
        // the pre-start states are in force at time 0, the later ones at their publication (no preload measured)
        assertThat(replay.outcome().applied().subList(0, 3)).allSatisfy(t -> assertThat(t.atMs()).isZero());
        assertThat(replay.outcome().applied().get(3).atMs()).isEqualTo(2_600);
        assertThat(replay.side().submitted()).isEqualTo(80);
        assertThat(replay.side().completed()).isEqualTo(80);
    }

    @Test
    void directivesReplay_tasksRunWhereTheReplayedDeploymentPutTheirServices() {
        Calibration c = calibration(history(), Calibration.SCHEMA);
        ParityReplay.Directives replay = ParityReplay.simulateDirectives(LAB, c);
        Map<String, DesiredState> start = plannedStart(c);
        for (TaskCompletion t : replay.outcome().completions()) {
            t.stages().forEach(st -> {
                String service = LAB.taskTypes().stream().filter(x -> x.id().equals(t.taskType())).findFirst().orElseThrow()
                        .stages().stream().filter(x -> x.id().equals(st.stage())).findFirst().orElseThrow().service();
                assertThat(start.get(st.node()).services()).as("%s of %s on %s", st.stage(), t.taskId(), st.node())
                        .anySatisfy(s -> {
                            assertThat(s.service()).isEqualTo(service);
                            assertThat(s.instances()).isPositive();
                        });
            });
        }
        assertThat(replay.outcome().completions()).isNotEmpty();
    }

    @Test
    void directivesReplay_fileWithoutDirectives_failsWithOneLine() {
        Calibration old = calibration(null, Calibration.SCHEMA_1);
        assertThatThrownBy(() -> ParityReplay.simulateDirectives(LAB, old)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("holds no directives").hasMessageContaining(Calibration.SCHEMA_1)
                .hasMessageNotContaining("\n");
        // the planner-in-the-loop replay still runs on such a file, from a bare fleet
        assertThat(ParityReplay.inForceAtStart(old)).isEmpty();
    }

    @Test
    void calibrationFile_directivesRoundTrip_andSchemaOneStillReads(@TempDir Path dir) throws Exception {
        Calibration c = calibration(history(), Calibration.SCHEMA);
        Path f = dir.resolve(Calibration.FILE);
        c.write(f);
        Calibration back = Calibration.read(f);
        assertThat(back.schema()).isEqualTo(Calibration.SCHEMA);
        assertThat(back.directives()).isEqualTo(c.directives());
        assertThat(back.directives().get(0).desired().routing()).isNotEmpty();
        assertThat(ParityReplay.inForceAtStart(back)).hasSize(3);

        String v1 = Files.readString(f).replace(Calibration.SCHEMA, Calibration.SCHEMA_1);
        assertThatThrownBy(() -> Calibration.parse(v1, f)).hasMessageContaining("directives")
                .hasMessageNotContaining("\n");
        Calibration old = calibration(null, Calibration.SCHEMA_1);
        old.write(f);
        assertThat(Files.readString(f)).doesNotContain("\"directives\"");
        assertThat(Calibration.read(f).directives()).isNull();
        Files.writeString(f, Files.readString(f).replace(Calibration.SCHEMA_1, "edgefm-calibration/3"));
        assertThatThrownBy(() -> Calibration.read(f)).hasMessageContaining("edgefm-calibration/3")
                .hasMessageContaining(Calibration.SCHEMA);
    }

    @Test
    void recorder_keepsEachPublishedDirectiveOnTheWorkloadsClock() {
        Directive d = new Directive(2, "edge-l4", 4, 9, 123, new DesiredState(List.of(), List.of(), Map.of("orin-nx", "h:1")));
        TrialLog log = new TrialLog(10_000, 5_000, 5_000, NODES, List.of(),
                List.of(new TrialLog.DirectiveEvent(9_000, "edge-l4", Map.of(), d),
                        new TrialLog.DirectiveEvent(12_000, "edge-l4", Map.of())), Map.of(), List.of(), Map.of(), List.of());
        List<Issued> issued = CalibrationRecorder.issued(log);
        assertThat(issued).hasSize(1);
        assertThat(issued.get(0).atMs()).isEqualTo(-1_000);
        assertThat(issued.get(0).plannerEpoch()).isEqualTo(4);
        assertThat(issued.get(0).version()).isEqualTo(9);
        assertThat(issued.get(0).desired().peers()).isEmpty();
    }
}
