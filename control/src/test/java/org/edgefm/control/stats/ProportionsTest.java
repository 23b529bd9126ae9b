package org.edgefm.control.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProportionsTest {
    @Test
    void wilson_matchesPublishedValues_andStaysInsideZeroOne() {
        // 8 of 10 at 95 %: 0.4902 to 0.9433 (Wilson score interval, as in Newcombe 1998, method 3)
        double[] ci = Proportions.wilson(8, 10, Proportions.Z95);
        assertThat(ci[0]).isCloseTo(0.4902, within(1e-4));
        assertThat(ci[1]).isCloseTo(0.9433, within(1e-4));
        double[] all = Proportions.wilson(20, 20, Proportions.Z95);
        assertThat(all[1]).isEqualTo(1.0);
        assertThat(all[0]).isCloseTo(0.8389, within(1e-4));
        assertThat(Proportions.wilson(0, 0, Proportions.Z95)).containsOnly(Double.NaN);
    }
}
