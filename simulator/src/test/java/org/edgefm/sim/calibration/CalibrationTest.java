package org.edgefm.sim.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.Twin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
    @TempDir
    Path dir;

    static Calibration sample() {
        Calibration.Dist service = Calibration.Dist.of(List.of(10.0, 12.0, 14.0));
        return new Calibration(Calibration.SCHEMA, "trial-lab", "two-tier",
                new Calibration.Workload(20_000, 5_000, List.of("agx-orin", "orin-nx", "edge-l4"),
                        Map.of("cam-3", "edge-l4")),
                List.of(new Calibration.Station("edge-l4", "clip-vit", service, Calibration.Dist.of(List.of(1.0)), 0.2)),
                List.of(new Calibration.Link("agx-orin", "edge-l4", 1.5, 0.05, 40)),
                List.of(new Calibration.Preload("edge-l4", "clip-vit", new double[] {800, 1200, 1000})),
                new Calibration.Overheads(Calibration.Dist.of(List.of(2.0, 3.0)), Calibration.Dist.EMPTY,
                        Calibration.Dist.of(List.of(4.0)), Calibration.Dist.of(List.of(5.0, 6.0))),
                Calibration.Dist.of(List.of(300.0, 700.0)),
                List.of(new Calibration.Task(12.5, "cam-1", "vqa", "agx-orin")));
    }

    @Test
    void writeThenRead_runFolder_roundTrips() throws Exception {
        Calibration c = sample();
        c.write(dir.resolve(Calibration.FILE));
        Calibration back = Calibration.read(dir);
        assertThat(back.workload()).isEqualTo(c.workload());
        assertThat(back.stations().get(0).serviceMs().samplesMs()).containsExactly(10, 12, 14);
        assertThat(back.stations().get(0).serviceMs().p50Ms()).isEqualTo(12.0);
        assertThat(back.taskLog()).isEqualTo(c.taskLog());
        assertThat(back.preloads().get(0).medianMs()).isEqualTo(1000.0);
        assertThat(back.telemetryAgeMs().n()).isEqualTo(2);
    }

    @Test
    void dist_manySamples_thinnedToTheCapKeepingTheExtremes() {
        List<Double> v = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            v.add((double) i);
        }
        Calibration.Dist d = Calibration.Dist.of(v);
        assertThat(d.n()).isEqualTo(10_000);
        assertThat(d.samplesMs()).hasSize(Calibration.MAX_SAMPLES);
        assertThat(d.samplesMs()[0]).isZero();
        assertThat(d.samplesMs()[Calibration.MAX_SAMPLES - 1]).isEqualTo(9_999);
    }

    @Test
    void read_wrongSchema_oneLineNamingFileAndField() throws Exception {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"schema\": \"edgefm-calibration/9\"}");
        assertThatThrownBy(() -> Calibration.read(f)).isInstanceOf(EdgeFmException.class)
                .hasMessage("calibration " + f + ": schema: \"edgefm-calibration/9\" (expected: \"edgefm-calibration/2\" or \"edgefm-calibration/1\")");
    }

    @Test
    void read_negativeSample_namesItsPath() throws Exception {
        Path f = dir.resolve("c.json");
        sample().write(f);
        Files.writeString(f, Files.readString(f).replaceFirst("\"samplesMs\" : \\[ 10\\.0", "\"samplesMs\" : [ -10.0"));
        assertThatThrownBy(() -> Calibration.read(f)).isInstanceOf(EdgeFmException.class)
                .hasMessageStartingWith("calibration " + f + ": stations[0].serviceMs.samplesMs[0]: -10.0 (expected: >= 0)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void read_unknownFieldOrMalformed_oneLine() throws Exception {
        Path f = dir.resolve("c.json");
        sample().write(f);
        Files.writeString(f, Files.readString(f).replaceFirst("\"planner\"", "\"planer\""));
        assertThatThrownBy(() -> Calibration.read(f)).hasMessageContaining(": planer: unknown property");
        Files.writeString(f, "{\"schema\": ");
        assertThatThrownBy(() -> Calibration.read(f)).hasMessageContaining("malformed JSON").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Calibration.read(dir.resolve("none"))).hasMessageEndingWith(": (file): no such file");
    }

    @Test
    void apply_keepsTheNodesThatRan_measuredLinksReplaceDeclared_usersReHomed() {
        Scenario s = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));
        Scenario a = sample().apply(s);
        assertThat(a.topology().nodes()).extracting(n -> n.id()).containsExactly("agx-orin", "orin-nx", "edge-l4");
        LinkSpec l = a.topology().link("agx-orin", "edge-l4").orElseThrow();
        assertThat(l.bandwidthMbPerMs()).isEqualTo(0.05);
        assertThat(l.lengthKm()).isZero();
        assertThat(l.extraLatencyMs()).isEqualTo(0.75);
        // no measurement: the declared link stays
        assertThat(a.topology().link("agx-orin", "orin-nx").orElseThrow().bandwidthMbPerMs()).isEqualTo(0.0125);
        assertThat(a.users().stream().filter(u -> u.id().equals("cam-3")).findFirst().orElseThrow().node()).isEqualTo("edge-l4");
    }

    @Test
    void apply_nodeTheScenarioLacks_failsNamingIt() {
        Calibration c = sample();
        Calibration other = new Calibration(c.schema(), c.scenario(), c.planner(),
                new Calibration.Workload(1, 1, List.of("ghost"), Map.of()), c.stations(), c.links(), c.preloads(),
                c.overheads(), c.telemetryAgeMs(), c.taskLog());
        assertThatThrownBy(() -> other.apply(ScenarioLoader.load(Path.of("../scenarios/trial-lab.json")))).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("'ghost' is not a node");
    }

    @Test
    void twin_carriesSamplesPreloadMediansAndTheLog() {
        Twin t = sample().twin(true);
        assertThat(t.serviceMs().get(Twin.key("edge-l4", "clip-vit"))).containsExactly(10, 12, 14);
        assertThat(t.preloadMs()).containsEntry(Twin.key("edge-l4", "clip-vit"), 1000.0);
        assertThat(t.remoteHopMs()).containsExactly(4);
        assertThat(t.arrivals()).containsExactly(new Twin.Arrival(12.5, "cam-1", "vqa"));
        assertThat(sample().twin(false).arrivals()).isNull();
    }

    private static Calibration withTasks(Map<String, Map<String, Double>> kernels) {
        Calibration c = sample();
        List<Calibration.Task> log = List.of(
                new Calibration.Task(1_000, "cam-3", "caption", "edge-l4", 60.0, true, 2, 9.0, List.of(
                        new Calibration.StageRun("s0", "edge-l4", "clip-vit", 1_004, 1_006, 1_046, "ingress", 3.5),
                        new Calibration.StageRun("s1", "edge-l4", "llm", 1_047, 1_047, 1_060, "local", 1.0))),
                new Calibration.Task(200, "cam-3", "caption", "edge-l4", 30.0, true, 0, 2.0, List.of(
                        new Calibration.StageRun("s0", "edge-l4", "clip-vit", 202, 202, 222, "ingress", 2.0),
                        new Calibration.StageRun("s1", "agx-orin", "llm", 230, 231, 240, "remote", 6.0))),
                new Calibration.Task(300, "cam-3", "caption", "edge-l4"));
        return new Calibration(c.schema(), c.scenario(), c.planner(), c.workload(), c.stations(), c.links(), c.preloads(),
                c.overheads(), c.telemetryAgeMs(), log, kernels);
    }

    @Test
    void timeline_fromTheTaskLogsStages_perStationInTimeOrder() throws Exception {
        Calibration c = withTasks(Map.of());
        c.write(dir.resolve(Calibration.FILE));
        assertThat(Calibration.read(dir).taskLog()).isEqualTo(c.taskLog());
        Twin.Timeline t = c.timeline();
        Twin.Series clip = t.service().get(Twin.key("edge-l4", "clip-vit"));
        assertThat(clip.atMs()).containsExactly(202, 1_006);
        assertThat(clip.ms()).containsExactly(20, 40);
        assertThat(t.ingress().atMs()).containsExactly(200, 1_000);
        assertThat(t.ingress().ms()).containsExactly(2.0, 3.5);
        assertThat(t.localHop().ms()).containsExactly(1.0);
        assertThat(t.remoteHop().ms()).containsExactly(6.0);
        assertThat(t.remoteHop().atMs()).containsExactly(224.0); // queued 230 minus its 6 ms: the parent's end plus the link
        assertThat(sample().timeline()).isEqualTo(Twin.Timeline.NONE);
    }

    @Test
    void twin_unmeasuredStation_takesTheServiceFromOtherNodes_scaledByKernelCalibrations() {
        Scenario s = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));
        // clip-vit (transformer-encoder) was measured at edge-l4 only; orin-nx's agent calibrated half as fast
        Calibration c = withTasks(Map.of("edge-l4", Map.of("transformer-encoder", 0.2),
                "orin-nx", Map.of("transformer-encoder", 0.1)));
        Twin t = c.twin(true, s);
        assertThat(t.serviceMs().get(Twin.key("orin-nx", "clip-vit"))).containsExactly(20, 24, 28);
        assertThat(t.timeline().service().get(Twin.key("orin-nx", "clip-vit")).ms()).containsExactly(40, 80);
        // agx-orin has no calibration: unscaled; measured stations keep their own samples
        assertThat(t.serviceMs().get(Twin.key("agx-orin", "clip-vit"))).containsExactly(10, 12, 14);
        assertThat(t.serviceMs().get(Twin.key("edge-l4", "clip-vit"))).containsExactly(10, 12, 14);
        Scenario model = new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(),
                s.users(), s.workload(), s.run(), s.failures(), Map.of(Twin.UNMEASURED_KEY, "model"), s.models(),
                s.impairments());
        assertThat(c.twin(true, model).serviceMs()).containsOnlyKeys(Twin.key("edge-l4", "clip-vit"));
    }
}
