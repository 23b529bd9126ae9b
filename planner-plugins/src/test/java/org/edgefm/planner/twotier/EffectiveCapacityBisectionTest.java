package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.edgefm.api.model.RateModel;
import org.junit.jupiter.api.Test;

/**
 * {@link EffectiveCapacity#admissibleRateEmpirical} decides most bisection steps without evaluating the
 * check; its answers must be those of the plain 60-step bisection to the bit, or a simulated run would
 * change with the speed-up.
 */
class EffectiveCapacityBisectionTest {
    /** The plain bisection as it was: every step evaluates {@code x·EC(c/μ) ≥ μ}. */
    private static double reference(double[] samples, double factor, int servers, double epsilon, double delayMs, double dtMs) {
        if (servers <= 0 || delayMs <= 0) {
            return 0;
        }
        double c = -Math.log(epsilon) / delayMs;
        double mean = 0;
        for (double f : samples) {
            mean += f;
        }
        mean = mean / samples.length * factor;
        double lo = 0;
        double hi = servers * mean;
        double[] scaled = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            scaled[i] = samples[i] * factor;
        }
        for (int it = 0; it < 60; it++) {
            double mu = 0.5 * (lo + hi);
            if (servers * EffectiveCapacity.empirical(scaled, c / mu, dtMs) >= mu) {
                lo = mu;
            } else {
                hi = mu;
            }
        }
        return lo;
    }

    @Test
    void randomGammaSamples_sameAnswerAsThePlainBisection_toTheBit() {
        SplittableRandom r = new SplittableRandom(20261206);
        int[] sizes = {1, 2, 5, 20, 64, 64, 64, 200};
        for (int k = 0; k < 6000; k++) {
            double shape = 0.3 + 4 * r.nextDouble();
            double scale = Math.pow(10, -3 + 5 * r.nextDouble());
            RateModel.Gamma g = new RateModel.Gamma(shape, scale);
            double[] s = new double[sizes[r.nextInt(sizes.length)]];
            for (int i = 0; i < s.length; i++) {
                s[i] = g.sample(r);
            }
            if (k % 50 == 0) {
                java.util.Arrays.fill(s, scale);
            }
            double factor = Math.pow(2, r.nextInt(4)) * (0.2 + 2 * r.nextDouble());
            int servers = 1 + r.nextInt(16);
            double eps = new double[] {0.01, 0.05, 0.1, 0.5, 0.99}[r.nextInt(5)];
            double delay = Math.pow(10, -1 + 4 * r.nextDouble());
            double dt = new double[] {0.5, 1, 20, 100, 500}[r.nextInt(5)];
            double want = reference(s, factor, servers, eps, delay, dt);
            double got = EffectiveCapacity.admissibleRateEmpirical(s, factor, servers, eps, delay, dt);
            assertThat(Double.doubleToRawLongBits(got)).as("case %d: n=%d shape=%s scale=%s factor=%s x=%d eps=%s D=%s dt=%s: %s vs %s",
                    k, s.length, shape, scale, factor, servers, eps, delay, dt, got, want)
                    .isEqualTo(Double.doubleToRawLongBits(want));
        }
    }

    @Test
    void degenerateInputs_sameAnswerAsThePlainBisection() {
        double[][] cases = {{5.0}, {0.0, 1.0}, {1e-300, 1.0}, {3.0, 3.0, 3.0}};
        for (double[] s : cases) {
            for (int x : new int[] {0, 1, 7}) {
                assertThat(EffectiveCapacity.admissibleRateEmpirical(s, 1.0, x, 0.05, 30, 20))
                        .isEqualTo(reference(s, 1.0, x, 0.05, 30, 20));
            }
        }
        assertThat(EffectiveCapacity.admissibleRateEmpirical(new double[] {1, 2}, 1.0, 3, 0.05, 0, 20)).isZero();
    }
}
