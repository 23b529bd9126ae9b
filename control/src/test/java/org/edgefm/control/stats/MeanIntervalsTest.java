package org.edgefm.control.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MeanIntervalsTest {
    @Test
    void meanCi95_threeSeeds_isStudentTInterval() {
        // mean 2, s = 1, t(0.975, 2) = 4.303: half-width 4.303 / sqrt(3)
        double[] ci = MeanIntervals.meanCi95(new double[] {1, 2, 3});
        assertThat(ci[0]).isEqualTo(2.0);
        assertThat(ci[1]).isCloseTo(4.303 / Math.sqrt(3), within(1e-12));
    }

    @Test
    void meanCi95_oneValueOrNone_andNaNIgnored() {
        assertThat(MeanIntervals.meanCi95(new double[] {5, Double.NaN})).containsExactly(5.0, 0.0);
        assertThat(MeanIntervals.meanCi95(new double[0])).containsExactly(Double.NaN, Double.NaN);
        assertThat(MeanIntervals.t975(40)).isEqualTo(1.96);
    }
}
