package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Observed;
import org.edgefm.sim.calibration.StageRun;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.WarmupCut;
import org.junit.jupiter.api.Test;

class CalibrationRecorderTest {
    @Test
    void thinStages_longLog_keepsTheCapEvenlySpreadInTime_andEveryTask() {
        int n = CalibrationRecorder.MAX_STAGED_TASKS * 3 + 7;
        List<Task> log = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            log.add(new Task(i, "cam-1", "caption", "edge-l4", 5.0, true, 0, 1.0, List.of(
                    new StageRun("s0", "edge-l4", "clip-vit", i, i, i + 4, "ingress", 1.0))));
        }
        List<Task> thin = CalibrationRecorder.thinStages(log);
        assertThat(thin).hasSize(n);
        List<Task> staged = thin.stream().filter(t -> !t.stages().isEmpty()).toList();
        assertThat(staged).hasSize(CalibrationRecorder.MAX_STAGED_TASKS);
        assertThat(staged.get(0).atMs()).isZero();
        assertThat(staged.get(staged.size() - 1).atMs()).isGreaterThan(n * 0.99);
        assertThat(thin.get(1).stages()).isEmpty();
        assertThat(thin.get(1).latencyMs()).isEqualTo(5.0);
        List<Task> small = log.subList(0, 10);
        assertThat(CalibrationRecorder.thinStages(small)).isSameAs(small);
    }

    private static TrialLog log(long readyMs) {
        List<Observed.NodeReading> nodes = List.of(new Observed.NodeReading(9_990, "edge-l4", true, 300.0, 0.8),
                new Observed.NodeReading(13_450, "edge-l4", false, 2_000.0, 0.95));
        List<Observed.LinkReading> links = List.of(new Observed.LinkReading(9_000, "agx-orin", "edge-l4", 242.6, 6.0));
        return new TrialLog(10_000, 20_000, 5_000, List.of("agx-orin", "edge-l4"), List.of(), List.of(), Map.of(),
                List.of(), Map.of(), List.of(), nodes, links, readyMs);
    }

    @Test
    void record_loopReadingsAndReadiness_onTheWorkloadsClock() {
        Scenario lab = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));
        Calibration waited = CalibrationRecorder.record(log(9_500), lab, "greedy");
        assertThat(waited.warmup().basis()).isEqualTo(WarmupCut.FIRST_WINDOW);
        assertThat(waited.warmup().endMs()).isEqualTo(5_000);
        assertThat(waited.observed().nodes()).extracting(Observed.NodeReading::atMs).containsExactly(-10.0, 3_450.0);
        assertThat(waited.observed().links()).extracting(Observed.LinkReading::atMs).containsExactly(-1_000.0);
        // the workload started 8 s before the fleet was ready: the warm-up lasts until then
        Calibration separated = CalibrationRecorder.record(log(18_000), lab, "greedy");
        assertThat(separated.warmup().basis()).isEqualTo(WarmupCut.FLEET_READY);
        assertThat(separated.warmup().endMs()).isEqualTo(8_000);
        // a log without readings (older hosts) records none
        TrialLog bare = new TrialLog(10_000, 20_000, 5_000, List.of("agx-orin"), List.of(), List.of(), Map.of(), List.of(),
                Map.of(), List.of());
        assertThat(CalibrationRecorder.record(bare, lab, "greedy").observed()).isNull();
    }

    @Test
    void thin_moreReadingsThanTheCap_evenlySpreadWithBothEnds() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < Observed.MAX_READINGS * 2 + 1; i++) {
            all.add(i);
        }
        List<Integer> thin = Observed.thin(all);
        assertThat(thin).hasSize(Observed.MAX_READINGS);
        assertThat(thin.get(0)).isZero();
        assertThat(thin.get(thin.size() - 1)).isEqualTo(all.size() - 1);
    }
}
