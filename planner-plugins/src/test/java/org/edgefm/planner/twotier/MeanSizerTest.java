package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.fixtures.Fixtures;
import org.edgefm.planner.testkit.PluginCatalog;
import org.junit.jupiter.api.Test;

/** The mean sizer of the baselines reads the same measured inputs as ec-lyapunov; each controller declares what it reads. */
class MeanSizerTest {
    private static final NodeSpec NODE = new NodeSpec("n", NodeKind.EDGE_SERVER, ResourceVector.of(64, 64, 64, 64), null, 1.0);
    // Gamma shape 1.2, scale 2: E[f] = 2.4, E[1/f] = 1/(σ(k−1)) = 2.5, so E[a/f] is 6x a/E[f]
    private static final ServiceSpec SVC = Fixtures.light("l", ResourceVector.of(1, 0, 0, 0), 1.2, 2);

    private static MeanSizer sizer(Map<String, Object> cfg) {
        Map<String, Object> c = new HashMap<>(cfg);
        c.putIfAbsent("ec-lyapunov.max-parallelism", 1);
        return new MeanSizer(LightSettings.from(PlannerConfig.of(c)), 1);
    }

    private static int instances(MeanSizer s, double lambda, double[] samples) {
        Sizer.Ladder l = s.ladder(new Sizer.Input(NODE, SVC, lambda, 10_000, 0, s.queue("n", "l"), 20, samples, 1, 16, 0));
        return l.y().length - 1;
    }

    @Test
    void sizesOnTheMeanTaskTimeNotOnTheMeanRate() {
        double a = SVC.workloadMb();
        double meanTask = a * MeasuredRates.meanInverseGamma(1.2, 2);
        double lambda = 1.9 / meanTask; // about two busy instance slots on average
        int measured = instances(sizer(Map.of("light.headroom", 1.0)), lambda, new double[0]);
        int meanRate = instances(sizer(Map.of("light.headroom", 1.0, "light.mean-time", "mean-rate")), lambda, new double[0]);
        assertThat(measured).isEqualTo(2);
        assertThat(meanRate).isEqualTo(1); // a/E[f] reads the same demand as a third of an instance
        // headroom multiplies the busy slots
        assertThat(instances(sizer(Map.of("light.headroom", 2.0)), lambda, new double[0])).isEqualTo(4);
    }

    @Test
    void measuredRatesReplaceTheCatalogOnceThereAreEnough() {
        // every measured task ran at rate 1 MB/ms: E[a/f] = a, ten times a/(E[f]) of a rate-10 service
        double[] samples = new double[40];
        java.util.Arrays.fill(samples, 1.0);
        double lambda = 2.9 / SVC.workloadMb();
        assertThat(instances(sizer(Map.of("light.headroom", 1.0)), lambda, samples)).isEqualTo(3);
        double[] few = java.util.Arrays.copyOf(samples, 5); // below min-samples: the catalog's Gamma
        int catalog = instances(sizer(Map.of("light.headroom", 1.0)), lambda, few);
        assertThat(catalog).isNotEqualTo(3);
    }

    @Test
    void theReportedBacklogIsDrainedInOneSlotUnlessSwitchedOff() {
        double a = SVC.workloadMb();
        double meanTask = a * MeasuredRates.meanInverseGamma(1.2, 2);
        double lambda = 0.9 / meanTask;
        MeanSizer on = sizer(Map.of("light.headroom", 1.0));
        on.observeBacklog("n", "l", 20 / meanTask * 1.9); // two more busy slots' worth per 20 ms slot
        assertThat(on.queue("n", "l")).isPositive();
        assertThat(instances(on, lambda, new double[0])).isEqualTo(3);
        MeanSizer off = sizer(Map.of("light.headroom", 1.0, "light.drain-backlog", "false"));
        off.observeBacklog("n", "l", 20 / meanTask * 1.9);
        assertThat(off.queue("n", "l")).isZero();
        assertThat(instances(off, lambda, new double[0])).isEqualTo(1);
    }

    @Test
    void ecLyapunovWithTheCheckOff_admitsTheMeanRate() {
        Map<String, Object> base = Map.of("ec-lyapunov.max-parallelism", 1, "ec-lyapunov.mean-time-utilization", 0);
        Map<String, Object> noEc = new HashMap<>(base);
        noEc.put("ec-lyapunov.ec-check", "false");
        Sizer.Input in = new Sizer.Input(NODE, SVC, 100, 30, 0, 0, 20, new double[0], 1, 4, 0);
        Sizer.Ladder ec = new EcLyapunovSizer(LightSettings.from(PlannerConfig.of(base))).ladder(in);
        Sizer.Ladder mean = new EcLyapunovSizer(LightSettings.from(PlannerConfig.of(noEc))).ladder(in);
        double meanRate = 2.4 / SVC.workloadMb();
        assertThat(mean.capacity()[1]).isCloseTo(meanRate, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ec.capacity()[1]).isLessThan(mean.capacity()[1]); // the statistical check admits less than the mean
    }

    @Test
    void ecLyapunovWithoutVirtualQueues_ignoresBacklog() {
        EcLyapunovSizer off = new EcLyapunovSizer(LightSettings.from(PlannerConfig.of(Map.of("ec-lyapunov.virtual-queues", "false"))));
        off.observeBacklog("n", "l", 50);
        off.commit("n", "l", 100, 0, 20);
        assertThat(off.queue("n", "l")).isZero();
        EcLyapunovSizer on = new EcLyapunovSizer(LightSettings.from(PlannerConfig.EMPTY));
        on.observeBacklog("n", "l", 50);
        assertThat(on.queue("n", "l")).isEqualTo(50);
    }

    @Test
    void eachLightControllerDeclaresOnlyTheKeysItReads() {
        PluginCatalog c = PluginCatalog.load();
        java.util.function.Function<String, java.util.List<String>> keys = n -> c.lightControllers().get(n).configKeys()
                .stream().map(ConfigKey::name).toList();
        assertThat(keys.apply("ec-lyapunov")).contains("ec-lyapunov.epsilon", "ec-lyapunov.candidates")
                .doesNotContain("light.headroom", "light.seed");
        assertThat(keys.apply("prop-avg")).contains("light.headroom", "ec-lyapunov.candidates",
                "ec-lyapunov.measure-parallelism-exponent").doesNotContain("ec-lyapunov.epsilon", "ec-lyapunov.v", "light.seed");
        assertThat(keys.apply("random-light")).contains("light.seed");
    }
}
