package org.edgefm.control.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantilesTest {
    /** Nearest rank on exact values: the smallest value with at least q·n values at or below it. */
    private static double nearestRank(double[] v, double q) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int i = (int) Math.ceil(q * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    @Test
    void of_randomLatencies_isTheNearestRankWithinTheHistogramsPrecision() {
        SplittableRandom r = new SplittableRandom(42);
        for (int n : new int[] {1, 2, 7, 100, 10_001}) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextDouble() < 0.1 ? r.nextDouble(1_000, 5_000) : r.nextDouble(0.5, 200);
            }
            for (double q : new double[] {0, 0.5, 0.95, 0.99, 1}) {
                double exact = nearestRank(v, q);
                assertThat(Quantiles.of(v, q)).as("n=%d q=%s", n, q).isCloseTo(exact, within(exact * 1e-3 + 1e-9));
            }
        }
    }

    @Test
    void of_severalAtOnce_sameAsOneByOne() {
        double[] v = {5, 1, 4, 2, 3};
        assertThat(Quantiles.of(v, 0.5, 0.95)).containsExactly(Quantiles.of(v, 0.5), Quantiles.of(v, 0.95));
        assertThat(Quantiles.of(v, 0.5)).isCloseTo(3, within(0.01));
    }

    @Test
    void of_twoValues_p95IsTheLargerAndNotBeyondIt() {
        assertThat(Quantiles.of(new double[] {100, 900}, 0.95)).isEqualTo(900.0);
        assertThat(Quantiles.of(new double[] {100, 900}, 0.0)).isEqualTo(100.0);
    }

    @Test
    void of_noValues_isNaN() {
        assertThat(Quantiles.of(new double[0], 0.95)).isNaN();
    }

    @Test
    void of_badInput_namesIt() {
        assertThatThrownBy(() -> Quantiles.of(new double[] {1, -2}, 0.5)).hasMessage("value: -2.0 (expected: finite and >= 0)");
        assertThatThrownBy(() -> Quantiles.of(new double[] {1}, 1.5)).hasMessage("q: 1.5 (expected: in [0, 1])");
    }
}
