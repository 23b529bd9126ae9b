package org.edgefm.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgefm.api.EdgeFmException;
import org.junit.jupiter.api.Test;

class ProfileCatalogTest {
    private final ProfileCatalog catalog = ProfileCatalog.builtIn();

    @Test
    void builtIn_hasEveryCataloguedDeviceInOrder() {
        assertThat(catalog.all()).extracting(DeviceProfile::name).containsExactlyElementsOf(ProfileCatalog.NAMES);
        assertThat(ProfileCatalog.NAMES).contains("jetson-nano-4gb", "nvidia-a10", "nvidia-a10g", "nvidia-a100-40gb",
                "nvidia-a100-pcie-80gb", "nvidia-h100-pcie", "nvidia-l40s");
    }

    @Test
    void gpus_haveInt8PeaksAndClocks_xavierNxBandwidthIsItsEmcFigure() {
        for (DeviceProfile p : catalog.all()) {
            if (p.hasGpu()) {
                assertThat(p.gpu().int8Tops()).as(p.name()).isGreaterThanOrEqualTo(p.gpu().fp16Tflops());
                assertThat(p.sources().get("gpu")).as(p.name()).containsIgnoringCase("int8");
            }
        }
        assertThat(catalog.get("jetson-xavier-nx-8gb").memoryBandwidthGbPerS()).isEqualTo(51.2);
    }

    @Test
    void powerModes_withoutACheckedSource_areMarkedAsAssumptions() {
        DeviceProfile agx = ProfileCatalog.builtIn().get("jetson-agx-orin-64gb");
        // AGX Orin's modes come from NVIDIA's nvpmodel configuration file: none is an assumption
        assertThat(agx.powerModes()).extracting(DeviceProfile.PowerMode::name).containsExactly("MAXN", "50W", "30W", "15W");
        assertThat(agx.powerModes()).noneMatch(DeviceProfile.PowerMode::assumed);
        assertThat(agx.powerModes()).allSatisfy(m -> assertThat(m.source()).contains("nvpmodel_p3701_0000.conf"));
        // the only assumed mode left: Orin NX 16GB MAXN_SUPER (its file sets no clock caps, so its top clocks are not stated)
        assertThat(ProfileCatalog.builtIn().allVariants()).filteredOn(p -> p.powerMode() != null
                && p.findMode(p.powerMode()).orElseThrow().assumed()).extracting(DeviceProfile::qualifiedName)
                .containsExactly("jetson-orin-nx-16gb@MAXN_SUPER");
        // a mode either cites a document or begins with "assumption:"; every Orin-era mode not assumed names its URL or data sheet
        for (DeviceProfile p : ProfileCatalog.builtIn().all()) {
            for (DeviceProfile.PowerMode m : p.powerModes()) {
                assertThat(m.assumed() || m.source().contains("https://") || m.source().contains("Data Sheet")
                        || m.source().contains("Development Guide") || m.source().contains("Developer Guide"))
                        .as(p.name() + "@" + m.name()).isTrue();
            }
        }
        assertThat(agx.findMode("mode_50w")).isPresent();
    }

    @Test
    void powerMode_isAVariantWithScaledPeaks() {
        DeviceProfile base = catalog.get("jetson-orin-nano-8gb");
        DeviceProfile sup = catalog.get("jetson-orin-nano-8gb@maxn-super");
        assertThat(sup.qualifiedName()).isEqualTo("jetson-orin-nano-8gb@MAXN_SUPER");
        assertThat(sup.gpu().fp16Tflops()).isCloseTo(base.gpu().fp16Tflops() * 1.02 / 0.625, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(sup.memoryBandwidthGbPerS()).isEqualTo(102);
        assertThat(sup.sources()).containsKey("powerMode");
        assertThat(catalog.get("jetson-agx-orin-64gb@15W").memoryBandwidthGbPerS()).isEqualTo(136.5);
        // TPC power gating scales the GPU peaks with the clock: AGX Orin 30W powers 4 of 8 TPCs at 612 MHz
        DeviceProfile agx = catalog.get("jetson-agx-orin-64gb");
        DeviceProfile agx30 = catalog.get("jetson-agx-orin-64gb@MODE_30W");
        assertThat(agx30.gpu().fp16Tflops()).isCloseTo(agx.gpu().fp16Tflops() * 0.612 / 1.3 * 0.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(agx30.gpu().clockGhz()).isEqualTo(0.612);
        assertThat(agx30.cpu().cores()).isEqualTo(8);
        assertThat(agx30.memoryBandwidthGbPerS()).isEqualTo(204.8);
        assertThat(catalog.get("jetson-agx-orin-64gb@50W").gpu().int8Tops()).isCloseTo(agx.gpu().int8Tops() * 0.816 / 1.3,
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(catalog.get("jetson-orin-nano-8gb@25W").gpu().clockGhz()).isEqualTo(0.918);
        assertThat(catalog.get("jetson-orin-nx-16gb@40W").gpu().clockGhz()).isEqualTo(1.173);
        assertThat(catalog.get("jetson-agx-orin-32gb@MODE_40W").cpu().clockGhz()).isEqualTo(1.4976);
        assertThat(catalog.allVariants()).hasSizeGreaterThan(catalog.all().size());
        assertThatThrownBy(() -> catalog.get("jetson-orin-nano-8gb@60W")).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("no power mode '60W'").hasMessageContaining("MAXN_SUPER");
    }

    @Test
    void powerMode_withoutSource_isRefused() {
        assertThatThrownBy(() -> new DeviceProfile.PowerMode("15W", 0.6, 4, 1.0, 50, 15, 0, " "))
                .hasMessageContaining("powerModes.15W.source: missing");
        assertThatThrownBy(() -> new DeviceProfile.PowerMode("15W", 0.6, 4, 1.0, 50, 15, 1.5, "a data sheet"))
                .hasMessageContaining("powerModes.15W.gpuTpcFraction: 1.5");
    }

    @Test
    void everyProfile_namesASourceForEveryFigure() {
        for (DeviceProfile p : catalog.all()) {
            assertThat(p.sources()).as(p.name()).containsKeys(DeviceProfile.SOURCED_FIELDS.toArray(String[]::new));
            if (p.hasGpu()) {
                assertThat(p.sources()).as(p.name()).containsKey("gpu");
            }
            assertThat(p.sources().values()).as(p.name()).allSatisfy(s -> assertThat(s).isNotBlank());
        }
    }

    @Test
    void jetsons_shareMemoryAndAreArm_serversAreNot() {
        for (DeviceProfile p : catalog.all()) {
            if (p.kind().equals("jetson")) {
                assertThat(p.cpu().arch()).isEqualTo("aarch64");
                assertThat(p.gpu().sharedMemory()).isTrue();
                assertThat(p.gpu().memoryGb()).isEqualTo(p.ramGb());
            } else if (p.kind().equals("gpu-server")) {
                assertThat(p.gpu().sharedMemory()).as(p.name()).isFalse();
                assertThat(p.gpu().fp16Tflops()).as(p.name()).isGreaterThan(p.gpu().fp32Tflops());
            }
        }
        assertThat(catalog.get("generic-cpu").hasGpu()).isFalse();
        assertThat(catalog.get("nvidia-h100-80gb").gpu().fp16Tflops())
                .isGreaterThan(catalog.get("nvidia-a100-80gb").gpu().fp16Tflops());
    }

    @Test
    void get_unknownName_listsTheKnownOnes() {
        assertThatThrownBy(() -> catalog.get("jetson-nano"))
                .isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("unknown device profile 'jetson-nano'")
                .hasMessageContaining("jetson-orin-nano-8gb");
    }

    @Test
    void profile_withoutSourceForAFigure_isRefused() {
        DeviceProfile p = catalog.get("nvidia-t4");
        java.util.Map<String, String> sources = new java.util.HashMap<>(p.sources());
        sources.remove("memoryBandwidthGbPerS");
        assertThatThrownBy(() -> new DeviceProfile(p.name(), p.displayName(), p.kind(), p.cpu(), p.ramGb(), p.gpu(),
                p.memoryBandwidthGbPerS(), p.power(), p.storage(), p.detect(), sources))
                .hasMessageContaining("sources.memoryBandwidthGbPerS: missing");
    }

    @Test
    void capacity_usesCoresRamAndGpuMemory() {
        DeviceProfile p = catalog.get("jetson-agx-orin-64gb");
        assertThat(p.capacity().get(org.edgefm.api.model.Resource.CPU)).isEqualTo(12);
        assertThat(p.capacity().get(org.edgefm.api.model.Resource.VRAM)).isEqualTo(64);
        assertThat(p.capacity().get(org.edgefm.api.model.Resource.POWER)).isEqualTo(60);
    }
}
