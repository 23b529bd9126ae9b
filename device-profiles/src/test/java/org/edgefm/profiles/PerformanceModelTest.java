package org.edgefm.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.PerformanceModel.Engine;
import org.edgefm.profiles.PerformanceModel.Precision;
import org.junit.jupiter.api.Test;

class PerformanceModelTest {
    private final ProfileCatalog catalog = ProfileCatalog.builtIn();

    @Test
    void timeMs_computeBoundWork_isFlopsOverPeak() {
        PerformanceModel m = PerformanceModel.of(catalog.get("nvidia-a100-80gb"));
        // 312 TFLOP at 312 TFLOP/s, negligible bytes: 1 s
        assertThat(m.timeMs(312e12, 1e6, Engine.GPU, Precision.FP16)).isCloseTo(1000, within(1e-6));
        assertThat(m.computeBound(312e12, 1e6, Engine.GPU, Precision.FP16)).isTrue();
    }

    @Test
    void timeMs_memoryBoundWork_isBytesOverBandwidth() {
        PerformanceModel m = PerformanceModel.of(catalog.get("jetson-orin-nano-8gb"));
        // an LLM decode step reading 3.4 GB of INT4 weights: 3.4 / 68 s = 50 ms, whatever the FLOPs
        assertThat(m.timeMs(13.2e9, 3.4e9, Engine.GPU, Precision.FP16)).isCloseTo(50, within(1e-6));
        assertThat(m.computeBound(13.2e9, 3.4e9, Engine.GPU, Precision.FP16)).isFalse();
    }

    @Test
    void efficiency_scalesTheTime() {
        DeviceProfile p = catalog.get("nvidia-l4");
        KernelCost c = KernelCost.of(new KernelSpec("fusion", Map.of("tokens", 576, "in", 1024, "hidden", 4096, "out", 4096), null));
        double full = PerformanceModel.of(p).timeMs(c, Engine.GPU, Precision.FP16);
        double half = PerformanceModel.of(p, 0.5).timeMs(c, Engine.GPU, Precision.FP16);
        assertThat(half).isCloseTo(2 * full, within(1e-9));
    }

    @Test
    void cpuEngine_usesCpuPeak_andGpuEngineOnCpuOnlyIsRefused() {
        PerformanceModel m = PerformanceModel.of(catalog.get("generic-cpu"));
        assertThat(m.defaultEngine()).isEqualTo(Engine.CPU);
        assertThat(m.peakFlopsPerS(Engine.CPU, Precision.FP32)).isEqualTo(768e9);
        assertThatThrownBy(() -> m.peakFlopsPerS(Engine.GPU, Precision.FP16)).hasMessageContaining("has no GPU");
    }

    @Test
    void footprint_andFits_useDedicatedOrSharedMemory() {
        KernelCost vit = KernelCost.of(new KernelSpec("transformer-encoder",
                Map.of("layers", 24, "hidden", 1024, "heads", 16, "tokens", 577), null));
        long oneInstance = PerformanceModel.footprintBytes(vit, 1, 1);
        assertThat(oneInstance).isGreaterThan(vit.weightBytes());
        assertThat(PerformanceModel.footprintBytes(vit, 3, 1)).isEqualTo(3 * oneInstance);
        PerformanceModel t4 = PerformanceModel.of(catalog.get("nvidia-t4"));
        assertThat(t4.memoryCapacityBytes(Engine.GPU)).isEqualTo(16e9);
        assertThat(t4.fits(oneInstance * 10, Engine.GPU)).isTrue();
        assertThat(t4.fits(17_000_000_000L, Engine.GPU)).isFalse();
        assertThat(PerformanceModel.of(catalog.get("jetson-orin-nano-8gb")).memoryCapacityBytes(Engine.GPU)).isEqualTo(8e9);
    }

    @Test
    void power_isLinearInUtilisation() {
        PerformanceModel m = PerformanceModel.of(catalog.get("jetson-agx-orin-64gb"));
        assertThat(m.powerW(0)).isEqualTo(15);
        assertThat(m.powerW(1)).isEqualTo(60);
        assertThat(m.powerW(0.5)).isEqualTo(37.5);
        assertThat(m.energyJ(1, 2000)).isEqualTo(120);
        assertThatThrownBy(() -> m.powerW(1.5)).hasMessageContaining("utilization: 1.5");
    }
}
