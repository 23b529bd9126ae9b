package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.edgefm.api.model.RateModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EffectiveCapacityTest {
    @ParameterizedTest
    @CsvSource({"1.0, 5.0, 0.05, 1.0", "1.5, 10.0, 0.02, 2.0", "2.0, 1.0, 0.5, 1.0", "1.2, 20.0, 0.01, 5.0"})
    void gammaClosedForm_matchesMonteCarloWithin2Percent(double k, double sigma, double theta, double dt) {
        RateModel.Gamma g = new RateModel.Gamma(k, sigma);
        SplittableRandom r = new SplittableRandom(7);
        int n = 400_000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(-theta * g.sample(r) * dt);
        }
        double mc = -Math.log(sum / n) / (theta * dt);
        double closed = EffectiveCapacity.gamma(k, sigma, theta, dt);
        assertThat(Math.abs(closed - mc) / closed).isLessThan(0.02);
        assertThat(closed).isLessThan(g.mean());
    }

    @Test
    void gamma_tendsToTheMeanAsThetaVanishesAndDecreasesInTheta() {
        assertThat(EffectiveCapacity.gamma(2, 3, 1e-9, 1)).isCloseTo(6, within(1e-6));
        assertThat(EffectiveCapacity.gamma(2, 3, 0.1, 1)).isGreaterThan(EffectiveCapacity.gamma(2, 3, 1, 1));
    }

    @Test
    void empirical_onGammaSamples_matchesTheClosedForm() {
        RateModel.Gamma g = new RateModel.Gamma(1.5, 4);
        SplittableRandom r = new SplittableRandom(3);
        double[] s = new double[200_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = g.sample(r);
        }
        double closed = EffectiveCapacity.gamma(1.5, 4, 0.1, 1);
        assertThat(EffectiveCapacity.empirical(s, 0.1, 1)).isCloseTo(closed, within(0.02 * closed));
    }

    @Test
    void empirical_isStableForLargeExponents() {
        double ec = EffectiveCapacity.empirical(new double[] {1000, 2000}, 10, 100);
        assertThat(ec).isFinite().isCloseTo(1000 + Math.log(2) / 1000, within(1e-6));
    }

    @Test
    void admissibleRate_closedFormSolvesEcEqualsMu() {
        double k = 1.5;
        double sigma = 2;
        double eps = 0.05;
        double d = 40;
        double dt = 10;
        for (int x = 1; x <= 4; x++) {
            double mu = EffectiveCapacity.admissibleRateGamma(k, sigma, x, eps, d, dt);
            double theta = -Math.log(eps) / (mu * d);
            // at θ = -ln ε / (μ D): x·EC(θ) = μ, so exp(-θ μ D) = ε exactly
            assertThat(x * EffectiveCapacity.gamma(k, sigma, theta, dt)).isCloseTo(mu, within(1e-9 * mu));
            assertThat(mu).isLessThan(x * k * sigma);
        }
        assertThat(EffectiveCapacity.admissibleRateGamma(k, sigma, 2, eps, d, dt))
                .isGreaterThan(EffectiveCapacity.admissibleRateGamma(k, sigma, 1, eps, d, dt));
        assertThat(EffectiveCapacity.admissibleRateGamma(k, sigma, 1, 0.01, d, dt))
                .isLessThan(EffectiveCapacity.admissibleRateGamma(k, sigma, 1, 0.1, d, dt));
    }

    @Test
    void admissibleRate_empiricalAgreesWithGammaOnGammaSamples() {
        RateModel.Gamma g = new RateModel.Gamma(2, 3);
        SplittableRandom r = new SplittableRandom(11);
        double[] s = new double[100_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = g.sample(r);
        }
        double closed = EffectiveCapacity.admissibleRateGamma(2, 3, 2, 0.05, 50, 5);
        assertThat(EffectiveCapacity.admissibleRateEmpirical(s, 1.0, 2, 0.05, 50, 5)).isCloseTo(closed, within(0.02 * closed));
    }
}
