package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.HashMap;
import java.util.Map;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * {@code ec-lyapunov.queue-source} (the virtual queue follows the reported backlog), {@code ec-lyapunov.queue-term} (the
 * backlog a slot clears counts as demand) and
 * {@code light.admission-light-utilization} (one admission limit, a fraction of the mean capacity, for every sizer).
 */
class LightQueueAndAdmissionLimitTest {
    private static final NodeSpec NODE = new NodeSpec("n", NodeKind.EDGE_SERVER, ResourceVector.of(64, 64, 64, 64), null, 1.0);
    // Gamma shape 1.2, scale 2: E[a/f] is a·E[1/f], several times a/E[f]
    private static final ServiceSpec SVC = Fixtures.light("l", ResourceVector.of(1, 0, 0, 0), 1.2, 2);

    private static LightSettings settings(Map<String, Object> cfg) {
        Map<String, Object> c = new HashMap<>(cfg);
        // α fixed at 1: parallelism adds no throughput, so the mean capacity of x instances is x/E[a/f] at any y
        c.put("ec-lyapunov.measure-parallelism-exponent", false);
        c.put("ec-lyapunov.parallelism-exponent", 1.0);
        return LightSettings.from(PlannerConfig.of(c));
    }

    /** Slots under admission control: a spike of 500 reported, then arrivals held at the capacity, then 20 reported. */
    private static double queueAfterSpike(EcLyapunovSizer sizer) {
        sizer.observeBacklog("n", "l", 500);
        for (int t = 0; t < 50; t++) {
            double capacityPerMs = 0.4;
            sizer.commit("n", "l", capacityPerMs * 20, capacityPerMs, 20); // zero drift: z = S·Δt
        }
        sizer.observeBacklog("n", "l", 20);
        return sizer.queue("n", "l");
    }

    @Test
    void virtualQueue_arrivalsHeldAtCapacity_keepsTheSpike() {
        assertThat(queueAfterSpike(new EcLyapunovSizer(settings(Map.of("ec-lyapunov.queue-source", "virtual"))))).isEqualTo(500);
    }

    @Test
    void reportedQueue_byDefault_spikeServed_followsTheReportedBacklog() {
        EcLyapunovSizer sizer = new EcLyapunovSizer(settings(Map.of()));
        assertThat(queueAfterSpike(sizer)).isEqualTo(20);
        sizer.observeBacklog("n", "l", 0);
        assertThat(sizer.queue("n", "l")).isZero();
    }

    /**
     * What one more instance is worth to a pair ({@code value[1] − value[2]}, lower objective is better): the node's greedy
     * resolution gives its resources to the pairs whose next instance gains most.
     */
    private static double gainOfSecondInstance(LightSettings s, double lambda, double queue) {
        Sizer.Input in = new Sizer.Input(NODE, SVC, lambda, 10_000, 0, queue, 20, new double[0], 1, 16, 0);
        Sizer.Ladder l = new EcLyapunovSizer(s).ladder(in);
        assertThat(l.value().length).as("the ladder reaches two instances").isGreaterThan(2);
        return l.value()[1] - l.value()[2];
    }

    @Test
    void queueTerm_demand_aBacklogWinsResourcesAsTheSameExpectedDemandDoes() {
        double meanTaskMs = SVC.workloadMb() * MeasuredRates.meanInverseGamma(1.2, 2);
        double oneInstance = 0.8 / meanTaskMs; // tasks/ms one instance is sized for (the guard)
        // two instances' worth of work: as expected demand in the slot, or as a backlog with no expected demand
        double tasks = 2 * oneInstance * 20;
        LightSettings demand = settings(Map.of());
        LightSettings drift = settings(Map.of("ec-lyapunov.queue-term", "drift"));
        double byDemand = gainOfSecondInstance(demand, tasks / 20, 0);
        assertThat(gainOfSecondInstance(demand, 0, tasks)).isCloseTo(byDemand, offset(1e-6 * byDemand));
        // with the drift term the backlog's second instance is worth six orders of magnitude less than the demand's
        assertThat(gainOfSecondInstance(drift, 0, tasks)).isLessThan(byDemand * 1e-3);
    }

    @Test
    void reportedQueue_smallerReport_sizesFewerInstancesThanTheStaleSpike() {
        Sizer.Input stale = new Sizer.Input(NODE, SVC, 0.01, 10_000, 0, 500, 20, new double[0], 1, 16, 0);
        Sizer.Input fresh = new Sizer.Input(NODE, SVC, 0.01, 10_000, 0, 20, 20, new double[0], 1, 16, 0);
        EcLyapunovSizer sizer = new EcLyapunovSizer(settings(Map.of()));
        assertThat(sizer.ladder(fresh).y().length).isLessThan(sizer.ladder(stale).y().length);
    }

    @Test
    void admissionLimit_zero_isEachSizersOwnCapacity() {
        Sizer.Input in = new Sizer.Input(NODE, SVC, 1.0, 10_000, 0, 0, 20, new double[0], 1, 16, 0);
        LightSettings s = settings(Map.of("light.admission-light-utilization", 0));
        Sizer.Ladder ec = new EcLyapunovSizer(s).ladder(in);
        Sizer.Ladder mean = new MeanSizer(s, 1).ladder(in);
        double meanTaskMs = SVC.workloadMb() * MeasuredRates.meanInverseGamma(1.2, 2);
        for (int x = 1; x < Math.min(ec.y().length, mean.y().length); x++) {
            // ec-lyapunov admits its guarded rate, 0.8 of the mean capacity; the mean sizer the mean capacity itself
            assertThat(ec.admissible(x, s.admissionLightUtilization())).isEqualTo(ec.capacity()[x])
                    .isCloseTo(0.8 * x / meanTaskMs, offset(1e-9));
            assertThat(mean.admissible(x, s.admissionLightUtilization())).isCloseTo(x / meanTaskMs, offset(1e-9));
        }
    }

    @Test
    void admissionLimit_default_isTheMeanCapacityForBothSizers_andTheMeanSizersOwn() {
        Sizer.Input in = new Sizer.Input(NODE, SVC, 1.0, 10_000, 0, 0, 20, new double[0], 1, 16, 0);
        LightSettings s = settings(Map.of());
        LightSettings own = settings(Map.of("light.admission-light-utilization", 0));
        Sizer.Ladder ec = new EcLyapunovSizer(s).ladder(in);
        Sizer.Ladder mean = new MeanSizer(s, 1).ladder(in);
        double meanTaskMs = SVC.workloadMb() * MeasuredRates.meanInverseGamma(1.2, 2);
        for (int x = 1; x < Math.min(ec.y().length, mean.y().length); x++) {
            assertThat(ec.admissible(x, s.admissionLightUtilization())).isCloseTo(x / meanTaskMs, offset(1e-9));
            // the mean sizer's limit is the one it had on its own: prop-avg is unchanged by the default
            assertThat(mean.admissible(x, s.admissionLightUtilization()))
                    .isCloseTo(mean.admissible(x, own.admissionLightUtilization()), offset(1e-12));
            // sizing is unchanged: ec-lyapunov still sizes (and spills) on its guarded rate
            assertThat(ec.capacity()[x]).isCloseTo(0.8 * x / meanTaskMs, offset(1e-9));
        }
    }

    @Test
    void admissionLimit_rho_isTheSameFractionOfTheMeanCapacityForBothSizers() {
        Sizer.Input in = new Sizer.Input(NODE, SVC, 1.0, 10_000, 0, 0, 20, new double[0], 1, 16, 0);
        LightSettings s = settings(Map.of("light.admission-light-utilization", 0.9));
        Sizer.Ladder ec = new EcLyapunovSizer(s).ladder(in);
        Sizer.Ladder mean = new MeanSizer(s, 1).ladder(in);
        double meanTaskMs = SVC.workloadMb() * MeasuredRates.meanInverseGamma(1.2, 2);
        for (int x = 1; x < Math.min(ec.y().length, mean.y().length); x++) {
            assertThat(ec.admissible(x, s.admissionLightUtilization())).isCloseTo(0.9 * x / meanTaskMs, offset(1e-9));
            assertThat(mean.admissible(x, s.admissionLightUtilization())).isCloseTo(0.9 * x / meanTaskMs, offset(1e-9));
            // sizing is unchanged: ec-lyapunov still sizes on its guarded rate
            assertThat(ec.capacity()[x]).isCloseTo(0.8 * x / meanTaskMs, offset(1e-9));
        }
    }

    @Test
    void admissionLimit_outOfRange_isRejectedWithTheKey() {
        assertThatThrownBy(() -> settings(Map.of("light.admission-light-utilization", 1.5)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("light.admission-light-utilization: 1.5 (expected: 0 or in (0, 1])");
    }
}
