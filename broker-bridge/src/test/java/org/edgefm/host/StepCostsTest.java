package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefm.control.ControlLoop;
import org.junit.jupiter.api.Test;

/** {@link StepCosts}: a window of steps, and the phases of a step's wall time. */
class StepCostsTest {
    private static final long MS = 1_000_000;

    @Test
    void summary_ofAWindow_takesOnlyItsSteps_andPhasesWhereMeasured() {
        StepCosts c = new StepCosts();
        c.record(1 * MS, 10 * MS, 2 * MS, 1 << 20, new ControlLoop.StepPhases(1 * MS, 5 * MS, 3 * MS, 1 * MS));
        c.record(2 * MS, 20 * MS, 3 * MS, 1 << 20, new ControlLoop.StepPhases(2 * MS, 9 * MS, 8 * MS, 1 * MS));
        c.record(3 * MS, 30 * MS, 4 * MS, 1 << 20);
        c.record(9 * MS, 90 * MS, 5 * MS, 1 << 20, new ControlLoop.StepPhases(10 * MS, 70 * MS, 9 * MS, 1 * MS));

        StepCosts.Summary w = c.summary(1, 3);
        assertThat(w.steps()).isEqualTo(2);
        assertThat(w.wallMs()[1]).isBetween(20.0, 30.0);
        // the step without phases is left out of the phase figures, not counted as 0
        assertThat(w.decideMs()).containsExactly(9.0, 9.0, 9.0);
        assertThat(w.handOutMs()[2]).isEqualTo(8.0);
        assertThat(w.otherMs()[2]).isEqualTo(3.0);

        assertThat(c.summary(3).decideMs()[0]).isEqualTo(70.0);
        assertThat(c.summary(5, 9).steps()).isZero();
        assertThat(c.summary(5, 9).decideMs()[0]).isNaN();
    }
}
