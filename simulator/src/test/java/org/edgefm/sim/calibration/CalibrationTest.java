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
        Dist service = Dist.of(List.of(10.0, 12.0, 14.0));
        return new Calibration(Calibration.SCHEMA, "trial-lab", "two-tier",
                new Workload(20_000, 5_000, List.of("agx-orin", "orin-nx", "edge-l4"),
                        Map.of("cam-3", "edge-l4")),
                List.of(new Station("edge-l4", "clip-vit", service, Dist.of(List.of(1.0)), 0.2)),
                List.of(new Link("agx-orin", "edge-l4", 1.5, 0.05, 40)),
                List.of(new Preload("edge-l4", "clip-vit", new double[] {800, 1200, 1000})),
                new Overheads(Dist.of(List.of(2.0, 3.0)), Dist.EMPTY,
                        Dist.of(List.of(4.0)), Dist.of(List.of(5.0, 6.0))),
                Dist.of(List.of(300.0, 700.0)),
                List.of(new Task(12.5, "cam-1", "vqa", "agx-orin")));
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
    void read_goldenFile_rewritesTheSameBytes() throws Exception {
        // every part of the document: arrivals with and without stages, a station without queue times,
        // a link without figures, directives, a warm-up cut and the live loop's readings; its maps have
        // one entry each, as Map.copyOf's iteration order changes from one JVM to the next
        Path golden = Path.of("src/test/resources/calibration/golden-schema-2.json");
        Calibration c = Calibration.read(golden);
        assertThat(c.recordedDirectives()).hasSize(2);
        assertThat(c.warmup().coldStations()).hasSize(3);
        assertThat(c.observed().nodes()).hasSize(2);
        assertThat(c.taskLog()).extracting(t -> t.stages().size()).containsExactly(0, 2, 2, 1, 0);
        Path again = dir.resolve(Calibration.FILE);
        c.write(again);
        assertThat(Files.readString(again)).isEqualTo(Files.readString(golden));
        assertThat(Files.mismatch(again, golden)).isEqualTo(-1L);
    }

    @Test
    void write_mapsWithManyKeys_sortedByKey() throws Exception {
        // workload.origins and kernels are read into Map.copyOf maps, whose iteration order changes
        // from one JVM to the next: written sorted, the same content is the same bytes
        String text = Files.readString(Path.of("src/test/resources/calibration/golden-schema-2.json"))
                .replace("\"origins\" : {\n      \"cam-3\" : \"edge-l4\"\n    }", "\"origins\": {\"cam-9\": \"edge-l4\", \"cam-3\":"
                        + " \"edge-l4\", \"cam-7\": \"agx-orin\", \"cam-1\": \"orin-nx\", \"cam-5\": \"agx-orin\"}")
                .replace("\"kernels\" : {\n    \"edge-l4\" : {\n      \"transformer-encoder\" : 0.4\n    }\n  }", "\"kernels\":"
                        + " {\"orin-nx\": {\"patchify\": 0.2, \"head\": 0.1, \"fusion\": 0.3}, \"edge-l4\":"
                        + " {\"transformer-encoder\": 0.4}, \"agx-orin\": {\"transformer-encoder\": 0.5, \"fusion\": 0.6}}");
        Path in = Files.writeString(dir.resolve("many.json"), text);
        Calibration c = Calibration.read(in);
        assertThat(c.workload().origins()).hasSize(5);
        assertThat(c.kernels()).hasSize(3);
        Path out = dir.resolve(Calibration.FILE);
        c.write(out);
        String written = Files.readString(out);
        assertThat(written).containsSubsequence("\"cam-1\"", "\"cam-3\"", "\"cam-5\"", "\"cam-7\"", "\"cam-9\"");
        assertThat(written).containsSubsequence("\"agx-orin\" : {", "\"fusion\"", "\"transformer-encoder\"",
                "\"edge-l4\" : {", "\"orin-nx\" : {", "\"fusion\"", "\"head\"", "\"patchify\"");
        Calibration again = Calibration.read(out);
        Path second = dir.resolve("second.json");
        again.write(second);
        assertThat(Files.mismatch(out, second)).isEqualTo(-1L);
    }

    @Test
    void dist_manySamples_thinnedToTheCapKeepingTheExtremes() {
        List<Double> v = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            v.add((double) i);
        }
        Dist d = Dist.of(v);
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
                new Workload(1, 1, List.of("ghost"), Map.of()), c.stations(), c.links(), c.preloads(),
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
        List<Task> log = List.of(
                new Task(1_000, "cam-3", "caption", "edge-l4", 60.0, true, 2, 9.0, List.of(
                        new StageRun("s0", "edge-l4", "clip-vit", 1_004, 1_006, 1_046, "ingress", 3.5),
                        new StageRun("s1", "edge-l4", "llm", 1_047, 1_047, 1_060, "local", 1.0))),
                new Task(200, "cam-3", "caption", "edge-l4", 30.0, true, 0, 2.0, List.of(
                        new StageRun("s0", "edge-l4", "clip-vit", 202, 202, 222, "ingress", 2.0),
                        new StageRun("s1", "agx-orin", "llm", 230, 231, 240, "remote", 6.0))),
                new Task(300, "cam-3", "caption", "edge-l4"));
        // a first window of 100 ms: every stage above is after the warm-up (steady samples)
        Workload w = new Workload(c.workload().durationMs(), 100, c.workload().nodes(),
                c.workload().origins());
        return new Calibration(c.schema(), c.scenario(), c.planner(), w, c.stations(), c.links(), c.preloads(),
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

    /** clip-vit cold at edge-l4 (warm-up only) and steady at agx-orin; llm measured during the warm-up only, at both. */
    private static Calibration coldEdge() {
        Calibration c = sample();
        List<Task> log = List.of(
                task(300, "edge-l4", 170, "agx-orin", 200),
                task(1_000, "edge-l4", 176, "edge-l4", 380),
                vitOnly(task(6_000, "agx-orin", 30, "agx-orin", 38)),
                vitOnly(task(7_000, "agx-orin", 32, "agx-orin", 40)));
        List<Station> stations = List.of(
                new Station("edge-l4", "clip-vit", Dist.of(List.of(170.0, 176.0)), null, null),
                new Station("agx-orin", "clip-vit", Dist.of(List.of(30.0, 32.0)), null, null),
                new Station("edge-l4", "llm", Dist.of(List.of(380.0)), null, null),
                new Station("agx-orin", "llm", Dist.of(List.of(200.0, 38.0, 40.0)), null, null));
        return new Calibration(c.schema(), c.scenario(), c.planner(), c.workload(), stations, c.links(), c.preloads(),
                c.overheads(), c.telemetryAgeMs(), log, Map.of("edge-l4", Map.of("transformer-encoder", 0.4),
                        "agx-orin", Map.of("transformer-encoder", 0.2)));
    }

    private static Task vitOnly(Task t) {
        return new Task(t.atMs(), t.user(), t.taskType(), t.origin(), t.latencyMs(), t.success(), t.inFlight(),
                t.residualMs(), t.stages().subList(0, 1));
    }

    private static Task task(double at, String vitNode, double vitMs, String llmNode, double llmMs) {
        return new Task(at, "cam-3", "caption", "edge-l4", vitMs + llmMs, true, 0, 0.0, List.of(
                new StageRun("s0", vitNode, "clip-vit", at + 1, at + 1, at + 1 + vitMs, "ingress", 1.0),
                new StageRun("s1", llmNode, "llm", at + 2 + vitMs, at + 2 + vitMs, at + 2 + vitMs + llmMs,
                        vitNode.equals(llmNode) ? "local" : "remote", 1.0)));
    }

    @Test
    void warmupCut_stationMeasuredDuringTheWarmupOnly_takesTheServiceElsewhereOrTheModel() {
        Scenario s = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));
        Calibration c = coldEdge();
        WarmupCut cut = WarmupCut.of(c, 5_000, WarmupCut.FIRST_WINDOW, s);
        // edge-l4's clip-vit: agx-orin's steady samples, scaled by the kernel calibrations (edge-l4 twice as fast)
        assertThat(cut.coldStations()).containsExactly(
                new WarmupCut.ColdStation("agx-orin", "llm", 1, WarmupCut.MODEL, List.of()),
                new WarmupCut.ColdStation("edge-l4", "clip-vit", 2, WarmupCut.SAME_SERVICE, List.of("agx-orin")),
                new WarmupCut.ColdStation("edge-l4", "llm", 1, WarmupCut.MODEL, List.of()));
        Twin t = c.with(cut, null).twin(true, s);
        assertThat(t.serviceMs().get(Twin.key("edge-l4", "clip-vit"))).containsExactly(15, 16);
        assertThat(t.timeline().warmService().get(Twin.key("edge-l4", "clip-vit")).ms()).containsExactly(170, 176);
        assertThat(t.timeline().warmupEndMs()).isEqualTo(5_000);
        // agx-orin's clip-vit: its steady samples; llm, measured nowhere after the warm-up, keeps the model
        assertThat(t.serviceMs().get(Twin.key("agx-orin", "clip-vit"))).containsExactly(30, 32);
        assertThat(t.serviceMs()).doesNotContainKeys(Twin.key("edge-l4", "llm"), Twin.key("agx-orin", "llm"));
        // a file without a cut: the report's first window (5 s here) is the warm-up
        assertThat(c.twin(true, s).serviceMs().get(Twin.key("edge-l4", "clip-vit"))).containsExactly(15, 16);
        // mixed: every sample all run, as before
        Scenario mixed = new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(),
                s.users(), s.workload(), s.run(), s.failures(), Map.of(Twin.WARMUP_KEY, "mixed"), s.models(),
                s.impairments());
        assertThat(c.twin(true, mixed).serviceMs().get(Twin.key("edge-l4", "clip-vit"))).containsExactly(170, 176);
        assertThat(c.twin(true, mixed).timeline().warmupEndMs()).isZero();
    }

    @Test
    void writeThenRead_warmupCutAndReadings_roundTrip() throws Exception {
        Calibration c = coldEdge();
        Observed observed = new Observed(List.of(new Observed.NodeReading(-20, "edge-l4", true, 350.0, 0.97),
                new Observed.NodeReading(3_450, "edge-l4", false, 2_100.0, null)),
                List.of(new Observed.LinkReading(-10, "agx-orin", "edge-l4", 242.6, 6.1)));
        Calibration full = c.with(WarmupCut.of(c, 5_000, WarmupCut.FIRST_WINDOW, null), observed);
        full.write(dir.resolve(Calibration.FILE));
        Calibration back = Calibration.read(dir);
        assertThat(back.warmup()).isEqualTo(full.warmup());
        assertThat(back.observed()).isEqualTo(observed);
        assertThat(back.describe(dir)).contains("warm-up to 5.0 s (first-window), agx-orin/llm measured during it only (1):"
                + " after it the model, edge-l4/clip-vit measured during it only (2): after it the service at agx-orin")
                .endsWith("the live loop's readings: 2 node reading(s), 1 link report(s)");
        org.edgefm.sim.RecordedReadings r = back.observed().readings();
        assertThat(r.at("edge-l4", 0).online()).isTrue();
        assertThat(r.at("edge-l4", 4_000).online()).isFalse();
        assertThat(r.between(-1, 0, true)).hasSize(1);
        assertThat(r.between(0, 5_000, false)).isEmpty();
        Files.writeString(dir.resolve("bad.json"), Files.readString(dir.resolve(Calibration.FILE))
                .replace("\"first-window\"", "\"whenever\""));
        assertThatThrownBy(() -> Calibration.read(dir.resolve("bad.json"))).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("warmup.basis").hasMessageContaining("first-window or fleet-ready");
    }
}
