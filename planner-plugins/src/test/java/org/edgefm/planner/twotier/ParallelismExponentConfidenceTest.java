package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Map;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * {@code ec-lyapunov.parallelism-exponent-confidence}: a measured α is read as its estimate plus z standard errors, so
 * a pair whose rates fall as 1/y (no gain from parallelism) is not sized on a gain that a few noisy samples suggest.
 */
class ParallelismExponentConfidenceTest {
    private static final NodeSpec NODE = new NodeSpec("n", NodeKind.EDGE_SERVER, ResourceVector.of(64, 64, 64, 64), null, 1.0);
    private static final ServiceSpec SVC = Fixtures.light("l", ResourceVector.of(1, 0, 0, 0), 1.2, 2);

    private static LightSettings settings(double z) {
        return LightSettings.from(PlannerConfig.of(Map.of("ec-lyapunov.parallelism-exponent-confidence", z)));
    }

    /**
     * {@code n} per-task rates at level y whose ln has mean {@code ln 2 − α·ln y + shift} and spread ±1 (sample
     * variance n/(n−1)): a deterministic stand-in for Gamma rates of shape near 1.
     */
    private static double[] rates(int n, int y, double alpha, double shift) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = Math.exp(Math.log(2) - alpha * Math.log(y) + shift + (i % 2 == 0 ? 1 : -1));
        }
        return r;
    }

    private static void observe(MeasuredRates m, int perLevel, double alpha, double shiftAt8) {
        m.observe("n", "l", rates(perLevel, 1, alpha, 0), 1);
        m.observe("n", "l", rates(perLevel, 8, alpha, shiftAt8), 8);
    }

    @Test
    void noGainFromParallelism_noisyLevelMeans_pointEstimateBelowOneButTheBoundIsOne() {
        // true α = 1; the 20 samples at y = 8 came out 0.4 above their mean (ln f spread ±1: one standard error is 0.22)
        MeasuredRates point = new MeasuredRates(settings(0));
        observe(point, 20, 1, 0.4);
        assertThat(point.alpha("n|l")).isCloseTo(1 - 0.4 / Math.log(8), offset(1e-9));
        MeasuredRates bound = new MeasuredRates(settings(2));
        observe(bound, 20, 1, 0.4);
        assertThat(bound.alpha("n|l")).isEqualTo(1.0);
    }

    @Test
    void realGainFromParallelism_manySamples_theBoundStaysNearTheEstimate() {
        MeasuredRates bound = new MeasuredRates(settings(2));
        observe(bound, 2000, 0.5, 0);
        // standard error of the slope: sqrt(2 · 1/2000)/ln 8
        double se = Math.sqrt(2 * (2000.0 / 1999) / 2000) / Math.log(8);
        assertThat(bound.alpha("n|l")).isCloseTo(0.5 + 2 * se, offset(1e-9)).isLessThan(0.55);
    }

    @Test
    void sizer_backlogBeyondOneInstance_buysParallelismOnlyOnTheNoisyPointEstimate() {
        // one instance fits; a virtual queue of 500 tasks that one instance cannot clear in the slot
        for (double z : new double[] {0, 2}) {
            EcLyapunovSizer sizer = new EcLyapunovSizer(settings(z));
            sizer.observeRates("n", "l", rates(20, 1, 1, 0), 1);
            sizer.observeRates("n", "l", rates(20, 8, 1, 0.4), 8);
            Sizer.Ladder l = sizer.ladder(new Sizer.Input(NODE, SVC, 0.1, 10_000, 1, 500, 20, new double[0], 1, 1, 0));
            if (z == 0) {
                // α ≈ 0.81 reads y = 8 as 8^0.19 ≈ 1.5 times the throughput: the sizer takes it
                assertThat(l.y()[1]).isGreaterThan(1);
            } else {
                // α = 1: parallelism adds no throughput, only per-task time and its price
                assertThat(l.y()[1]).isEqualTo(1);
            }
        }
    }
}
