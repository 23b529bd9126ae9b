package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.sim.calibration.Calibration;
import org.junit.jupiter.api.Test;

class CalibrationRecorderTest {
    @Test
    void thinStages_longLog_keepsTheCapEvenlySpreadInTime_andEveryTask() {
        int n = CalibrationRecorder.MAX_STAGED_TASKS * 3 + 7;
        List<Calibration.Task> log = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            log.add(new Calibration.Task(i, "cam-1", "caption", "edge-l4", 5.0, true, 0, 1.0, List.of(
                    new Calibration.StageRun("s0", "edge-l4", "clip-vit", i, i, i + 4, "ingress", 1.0))));
        }
        List<Calibration.Task> thin = CalibrationRecorder.thinStages(log);
        assertThat(thin).hasSize(n);
        List<Calibration.Task> staged = thin.stream().filter(t -> !t.stages().isEmpty()).toList();
        assertThat(staged).hasSize(CalibrationRecorder.MAX_STAGED_TASKS);
        assertThat(staged.get(0).atMs()).isZero();
        assertThat(staged.get(staged.size() - 1).atMs()).isGreaterThan(n * 0.99);
        assertThat(thin.get(1).stages()).isEmpty();
        assertThat(thin.get(1).latencyMs()).isEqualTo(5.0);
        List<Calibration.Task> small = log.subList(0, 10);
        assertThat(CalibrationRecorder.thinStages(small)).isSameAs(small);
    }
}
