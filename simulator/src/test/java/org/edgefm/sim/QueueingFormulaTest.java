package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.util.List;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.junit.jupiter.api.Test;

/**
 * The engine against queueing formulas: one node, one single-stage task type, Poisson arrivals and
 * an uplink so fast it adds a constant ~1e-9 ms. Mean sojourn times must be within 3% of theory.
 */
class QueueingFormulaTest {
    private static final double HORIZON_MS = 400_000;

    private static SimStats run(ServiceSpec service, boolean core, double lambda, int instances, long seed) {
        SystemModel m = model(List.of(node("n", 1.0)), List.of(), List.of(service),
                List.of(chain("job", 1e-6, 1e9, service.id())), List.of(user("u", "n", 1e6, 1.0)),
                List.of(poisson("u", "job", lambda)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), seed, SimSettings.DEFAULTS);
        f.apply(directive("n", 1, List.of(core ? core(service, instances) : light(service, instances, 1)),
                List.of(route("job", "s0", "n"))));
        f.advanceTo(HORIZON_MS);
        return f.stats();
    }

    @Test
    void mD1_deterministicCoreService_meanSojournMatchesPollaczekKhinchine() {
        double mu = 1.0;
        double lambda = 0.7;
        double rho = lambda / mu;
        // M/D/1: W = 1/μ + ρ / (2μ(1−ρ))
        double expected = 1 / mu + rho / (2 * mu * (1 - rho));
        SimStats s = run(coreService("enc", 1.0, 0.1, mu), true, lambda, 1, 11);
        assertThat(s.completed()).isGreaterThan(250_000);
        assertThat(s.meanLatencyMs()).isCloseTo(expected, within(0.03 * expected));
    }

    @Test
    void mM1_exponentialServiceTime_meanSojournIsOneOverMuMinusLambda() {
        // An empirical rate whose service time a/f takes the quantiles of Exp(1): service ~ M.
        int n = 20_000;
        double[] rates = new double[n];
        for (int i = 0; i < n; i++) {
            double s = -Math.log(1 - (i + 0.5) / n);
            rates[i] = 1.0 / s;
        }
        ServiceSpec svc = lightService("exp", 1.0, 0.1, new RateModel.Empirical(rates));
        double lambda = 0.6;
        double expected = 1 / (1.0 - lambda);
        SimStats s = run(svc, false, lambda, 1, 5);
        assertThat(s.completed()).isGreaterThan(200_000);
        assertThat(s.meanLatencyMs()).isCloseTo(expected, within(0.03 * expected));
    }

    @Test
    void mD2_twoCoreInstances_shareTheQueue_latencyFarBelowOneInstanceAtSameLoad() {
        // Two servers at ρ = 0.7 per server: waiting is a small fraction of one server at ρ = 0.7 · 2 (unstable).
        SimStats two = run(coreService("enc", 1.0, 0.1, 1.0), true, 1.4, 2, 3);
        assertThat(two.meanLatencyMs()).isBetween(1.0, 2.0);
        assertThat(two.pending()).isLessThan(50);
    }
}
