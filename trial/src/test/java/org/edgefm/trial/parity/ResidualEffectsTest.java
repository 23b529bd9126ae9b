package org.edgefm.trial.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.StageRun;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.Workload;
import org.junit.jupiter.api.Test;

class ResidualEffectsTest {
    @Test
    void spearman_monotoneIsOne_reversedIsMinusOne_tiesAveraged() {
        assertThat(ResidualEffects.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 300, 4000})).isCloseTo(1, within(1e-12));
        assertThat(ResidualEffects.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isCloseTo(-1, within(1e-12));
        // ranks of y with a tie: 0, 1.5, 1.5, 3 against 0, 1, 2, 3: r = 4.5 / sqrt(5 * 4.5)
        assertThat(ResidualEffects.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 2, 2, 3}))
                .isCloseTo(4.5 / Math.sqrt(5 * 4.5), within(1e-12));
        assertThat(ResidualEffects.spearman(new double[] {1, 2}, new double[] {1, 2})).isNaN();
        assertThat(ResidualEffects.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
    }

    @Test
    void of_residualThatGrowsWithTheQueue_correlatesWithInFlight_andIsTheWaits() {
        List<Task> log = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            double wait = 10.0 * i; // the queue grows with the tasks in flight; the hop adds 1 ms
            double at = 1_000.0 * i;
            log.add(new Task(at, "cam-1", "caption", "edge-l4", 50 + wait + 1, true, i, wait + 1, List.of(
                    new StageRun("s0", "edge-l4", "clip-vit", at + 1, at + 1 + wait, at + 51 + wait, "ingress", 1.0))));
        }
        log.add(new Task(500, "cam-1", "caption", "edge-l4")); // never completed: left out
        Calibration c = new Calibration(Calibration.SCHEMA, "trial-lab", "two-tier",
                new Workload(10_000, 5_000, List.of("edge-l4"), Map.of()), List.of(), List.of(), List.of(),
                new Overheads(null, null, null, null), null, log);
        ResidualEffects e = ResidualEffects.of(c);
        assertThat(e.tasks()).isEqualTo(10);
        assertThat(e.rhoInFlight()).isCloseTo(1, within(1e-12));
        assertThat(e.waitShare()).isCloseTo(450.0 / 460.0, within(1e-12));
        assertThat(e.overheadShare()).isCloseTo(10.0 / 460.0, within(1e-12));
        assertThat(e.warmupP50Ms()).isLessThan(e.steadyP50Ms());
        assertThat(e.line()).contains("10 tasks").contains("+1.00").contains("98 %");
        Calibration none = new Calibration(c.schema(), c.scenario(), c.planner(), c.workload(), c.stations(), c.links(),
                c.preloads(), c.overheads(), c.telemetryAgeMs(), List.of(new Task(1, "cam-1", "caption", "edge-l4")));
        assertThat(ResidualEffects.of(none)).isNull();
    }
}
