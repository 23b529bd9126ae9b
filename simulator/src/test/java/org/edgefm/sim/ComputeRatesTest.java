package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceCosts;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.profiles.KernelCost;
import org.edgefm.profiles.PerformanceModel;
import org.edgefm.profiles.ProfileCatalog;
import org.junit.jupiter.api.Test;

class ComputeRatesTest {
    private static final KernelSpec VIT = new KernelSpec("transformer-encoder",
            Map.of("layers", 12, "hidden", 768, "heads", 12, "tokens", 197), null);
    private static final NodeSpec NANO = new NodeSpec("nano", NodeKind.DEVICE, BIG, "jetson-orin-nano-8gb", 0.5);
    private static final NodeSpec L4 = new NodeSpec("l4", NodeKind.EDGE_SERVER, BIG, "nvidia-l4", 1.0);
    private static final NodeSpec PLAIN = new NodeSpec("plain", NodeKind.EDGE_SERVER, BIG, null, 3.0);
    private static final ServiceSpec ENC = new ServiceSpec("enc", ServiceKind.CORE, ResourceVector.of(1, 1, 1, 1), 2.0, 0.1,
            new RateModel.Deterministic(1.0), ServiceCosts.PAPER1_CORE, null, VIT);
    private static final ServiceSpec NO_KERNEL = coreService("plain-svc", 2.0, 0.1, 1.0);

    /** The calibrated model's time of one ViT-B request (the simulator's default compute model). */
    private static double rooflineMs(String profile) {
        return PerformanceModel.calibrated(ProfileCatalog.builtIn().get(profile)).timeMs(org.edgefm.profiles.Workload.of(VIT),
                PerformanceModel.Engine.GPU, PerformanceModel.Precision.FP16, 1);
    }

    private static SystemModel model(List<NodeSpec> nodes, List<ServiceSpec> services) {
        return SimFixtures.model(nodes, List.of(), services, List.of(chain("t", 1.0, 1000, services.get(0).id())),
                List.of(user("u", nodes.get(0).id(), 0.5, 3.0)), List.of(periodic("u", "t", 100)));
    }

    @Test
    void profiles_orinNanoAgainstL4_ratesInTheRooflineRatio_notTheSpeedFactors() {
        double[] f = ComputeRates.factors(model(List.of(NANO, L4, PLAIN), List.of(ENC, NO_KERNEL)),
                SimSettings.DEFAULTS.compute());
        double tNano = rooflineMs("jetson-orin-nano-8gb");
        double tL4 = rooflineMs("nvidia-l4");
        assertThat(tNano).isGreaterThan(tL4);
        // index [node * 2 + service]; rate ratio = inverse time ratio
        assertThat(f[0] / f[2]).isCloseTo(tL4 / tNano, within(1e-12));
        assertThat(f[0] / f[2]).isNotCloseTo(0.5, within(0.05));
        // mean processing time a / (f · factor) equals the roofline time
        assertThat(2.0 / (1.0 * f[2])).isCloseTo(tL4, within(1e-12));
        // no kernel spec, or no profile: the scenario's speed factor
        assertThat(f[1]).isEqualTo(0.5);
        assertThat(f[3]).isEqualTo(1.0);
        assertThat(f[4]).isEqualTo(3.0);
    }

    @Test
    void scenarioModel_speedFactorsEverywhere() {
        SimSettings s = SimSettings.from(Map.of("sim.compute-model", "scenario"));
        double[] f = ComputeRates.factors(model(List.of(NANO, L4), List.of(ENC)), s.compute());
        assertThat(f).containsExactly(0.5, 1.0);
    }

    @Test
    void rooflineModel_precisionAndEfficiency_scaleTheRooflineTime() {
        SimSettings s = SimSettings.from(Map.of("sim.compute-model", "roofline", "sim.compute-precision", "fp32",
                "sim.compute-efficiency", "0.5"));
        double t = PerformanceModel.of(ProfileCatalog.builtIn().get("nvidia-l4"), 0.5).timeMs(KernelCost.of(VIT),
                PerformanceModel.Engine.GPU, PerformanceModel.Precision.FP32);
        double[] f = ComputeRates.factors(model(List.of(L4), List.of(ENC)), s.compute());
        assertThat(2.0 / f[0]).isCloseTo(t, within(1e-12));
    }

    @Test
    void fleet_coLocatedTask_latencyIsUplinkPlusRooflineTime() {
        SystemModel m = model(List.of(L4), List.of(ENC));
        SimulatedFleet fleet = new SimulatedFleet(m, 100, List.of(), 1, SimSettings.DEFAULTS);
        fleet.apply(directive("l4", 1, List.of(core(ENC, 1)), List.of(route("t", "s0", "l4"))));
        fleet.advanceTo(1050);
        // uplink: 1 MB / (0.5 · log2(1 + 3)) = 1 ms
        double expected = 1.0 + rooflineMs("nvidia-l4");
        assertThat(fleet.stats().completed()).isEqualTo(10);
        assertThat(Arrays.stream(fleet.stats().latenciesMs()).boxed().toList())
                .allSatisfy(l -> assertThat(l).isCloseTo(expected, within(1e-9)));
    }

    @Test
    void decoderLlm_onAPowerMode_isPrefillPlusDecodeAtTheModesBandwidth_andInt4WeightsComeFromBits() {
        KernelSpec tiny = new KernelSpec("decoder-llm", Map.of("layers", 22, "hidden", 2048, "heads", 32, "kvHeads", 4,
                "mlp", 5632, "gated", 1, "vocab", 32000, "prompt", 40, "generate", 20, "bits", 4), null);
        ServiceSpec llm = new ServiceSpec("llm", ServiceKind.CORE, ResourceVector.of(1, 1, 1, 1), 0.13, 0.001, new RateModel.Deterministic(1.0),
                ServiceCosts.PAPER1_CORE, null, tiny);
        NodeSpec base = new NodeSpec("nano", NodeKind.DEVICE, BIG, "jetson-orin-nano-8gb@15W", 1.0);
        NodeSpec sup = new NodeSpec("super", NodeKind.DEVICE, BIG, "jetson-orin-nano-8gb@MAXN_SUPER", 1.0);
        double[] f = ComputeRates.factors(model(List.of(base, sup), List.of(llm)), SimSettings.DEFAULTS.compute());
        PerformanceModel m = PerformanceModel.calibrated(ProfileCatalog.builtIn().get("jetson-orin-nano-8gb@15W"));
        org.edgefm.profiles.Workload.LlmRequest r = org.edgefm.profiles.Workload.requestOf(tiny);
        double t = m.requestMs(r, PerformanceModel.Engine.GPU, PerformanceModel.Precision.INT4);
        assertThat(0.13 / f[0]).isCloseTo(t, within(1e-9));
        // TinyLlama INT4: 1.1 B weights x 0.5625 B = 0.62 GB per decode step, 20 steps plus prefill: about a second at 68 GB/s
        assertThat(t).isBetween(300.0, 1500.0);
        // the Super mode's 102 GB/s and 1020 MHz GPU: faster, by less than the 1.5x bandwidth ratio plus clock
        assertThat(f[1] / f[0]).isBetween(1.3, 1.7);
    }

    @Test
    void badSettingsAndProfiles_oneLineErrorsNamingTheKeyOrNode() {
        assertThatThrownBy(() -> SimSettings.from(Map.of("sim.compute-model", "datasheet")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sim.compute-model").hasMessageContaining("profiles");
        assertThatThrownBy(() -> SimSettings.from(Map.of("sim.compute-efficiency", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sim.compute-efficiency");
        NodeSpec bad = new NodeSpec("x", NodeKind.DEVICE, BIG, "no-such-board", 1.0);
        assertThatThrownBy(() -> ComputeRates.factors(model(List.of(bad), List.of(ENC)), SimSettings.DEFAULTS.compute()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("node 'x'").hasMessageContaining("no-such-board");
    }
}
