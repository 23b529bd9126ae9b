package org.edgefm.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
    void powerModes_citeTheirDocuments_noneIsLeftAnAssumption() {
        DeviceProfile agx = ProfileCatalog.builtIn().get("jetson-agx-orin-64gb");
        // AGX Orin's modes come from NVIDIA's nvpmodel configuration file: none is an assumption
        assertThat(agx.powerModes()).extracting(DeviceProfile.PowerMode::name).containsExactly("MAXN", "50W", "30W", "15W");
        assertThat(agx.powerModes()).noneMatch(DeviceProfile.PowerMode::assumed);
        assertThat(agx.powerModes()).allSatisfy(m -> assertThat(m.source()).contains("nvpmodel_p3701_0000.conf"));
        // no mode is an assumption any more: the MAXN_SUPER clocks come from NVIDIA's JetPack 6.2 material and files
        assertThat(ProfileCatalog.builtIn().allVariants()).filteredOn(p -> p.powerMode() != null
                && p.findMode(p.powerMode()).orElseThrow().assumed()).extracting(DeviceProfile::qualifiedName)
                .isEmpty();
        // a mode either cites a document or begins with "assumption:"; every Orin-era mode not assumed names its URL or data sheet
        for (DeviceProfile p : ProfileCatalog.builtIn().all()) {
            for (DeviceProfile.PowerMode m : p.powerModes()) {
                assertThat(m.assumed() || m.source().contains("https://") || m.source().contains("Data Sheet")
                        || m.source().contains("Development Guide") || m.source().contains("Developer Guide"))
                        .as(p.name() + "@" + m.name()).isTrue();
            }
        }
        assertThat(agx.findMode("mode_50w")).isPresent();
        // how a mode without a checked source would be marked (none is left in the catalog)
        assertThat(new DeviceProfile.PowerMode("9W", 0.5, 4, 1.0, 50, 9, 0, "assumption: half the 15W mode").assumed()).isTrue();
        assertThat(new DeviceProfile.PowerMode("9W", 0.5, 4, 1.0, 50, 9, 0, "a data sheet").assumed()).isFalse();
    }

    @Test
    void powerMode_isAVariantWithScaledPeaks() {
        DeviceProfile base = catalog.get("jetson-orin-nano-8gb");
        DeviceProfile sup = catalog.get("jetson-orin-nano-8gb@maxn-super");
        assertThat(sup.qualifiedName()).isEqualTo("jetson-orin-nano-8gb@MAXN_SUPER");
        assertThat(sup.gpu().fp16Tflops()).isCloseTo(base.gpu().fp16Tflops() * 1.02 / 0.625, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(sup.memoryBandwidthGbPerS()).isEqualTo(102.4);
        assertThat(sup.cpu().clockGhz()).isEqualTo(1.728);
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
    void superModes_areTheirOwnVariants_maxnSuperIsUncapped_pricedAtTheHighestCappedBudget() {
        // Orin Nano 8GB under JetPack 6.2: 15W (0), 25W (1, default), MAXN_SUPER (2), and the original kit's 7W
        DeviceProfile nano = catalog.get("jetson-orin-nano-8gb");
        assertThat(nano.powerModes()).extracting(DeviceProfile.PowerMode::name).containsExactly("15W", "7W", "25W", "MAXN_SUPER");
        DeviceProfile n25 = catalog.get("jetson-orin-nano-8gb@25W");
        DeviceProfile nSup = catalog.get("jetson-orin-nano-8gb@MAXN_SUPER");
        assertThat(n25.uncapped()).isFalse();
        assertThat(n25.power().maxW()).isEqualTo(25);
        assertThat(nSup.uncapped()).isTrue();
        assertThat(nano.findMode("MAXN_SUPER").orElseThrow().powerW()).isZero();
        assertThat(nSup.power().maxW()).isEqualTo(25);   // no budget: the highest capped one (25W), a lower bound
        assertThat(nSup.sources().get("powerMode")).contains("uncapped: the model uses 25 W").contains("nvpmodel_p3767_0004_super.conf");
        // one step above 25W: a higher GPU and CPU clock at the same EMC clock
        assertThat(nSup.gpu().clockGhz()).isGreaterThan(n25.gpu().clockGhz());
        assertThat(nSup.cpu().clockGhz()).isGreaterThan(n25.cpu().clockGhz());
        assertThat(nSup.memoryBandwidthGbPerS()).isEqualTo(n25.memoryBandwidthGbPerS());
        DeviceProfile n7 = catalog.get("jetson-orin-nano-8gb@7W");
        assertThat(n7.gpu().fp16Tflops()).isCloseTo(nano.gpu().fp16Tflops() * 0.408 / 0.625 * 0.5, within(1e-9));
        assertThat(n7.cpu().cores()).isEqualTo(4);

        // Orin NX 16GB MAXN_SUPER: the 40W mode's GPU clock, the CPU's top step, no cap: priced at 40 W
        DeviceProfile nx = catalog.get("jetson-orin-nx-16gb@MAXN_SUPER");
        assertThat(nx.uncapped()).isTrue();
        assertThat(nx.gpu().clockGhz()).isEqualTo(1.173);
        assertThat(nx.cpu().clockGhz()).isEqualTo(1.984);
        assertThat(nx.power().maxW()).isEqualTo(40);
        assertThat(catalog.get("jetson-orin-nx-16gb@MAXN").power().maxW()).isEqualTo(25);   // uncapped, the data sheet's top
        assertThat(catalog.get("jetson-agx-orin-64gb@MAXN").uncapped()).isTrue();
        assertThat(catalog.get("jetson-agx-orin-64gb@MAXN").power().maxW()).isEqualTo(60);

        // Orin NX 8GB has its own modes (JetPack 6.2's Super file and the MAXN before it)
        DeviceProfile nx8 = catalog.get("jetson-orin-nx-8gb");
        assertThat(nx8.powerModes()).extracting(DeviceProfile.PowerMode::name)
                .containsExactly("MAXN", "MAXN_SUPER", "40W", "20W", "15W", "10W");
        assertThat(catalog.get("jetson-orin-nx-8gb@MAXN_SUPER").gpu().fp16Tflops())
                .isCloseTo(nx8.gpu().fp16Tflops() * 1.173 / 0.765, within(1e-9));
        assertThat(catalog.get("jetson-orin-nx-8gb@MAXN_SUPER").power().maxW()).isEqualTo(40);
        assertThat(catalog.get("jetson-orin-nx-8gb@10W").memoryBandwidthGbPerS()).isEqualTo(68.3);
        assertThat(catalog.get("jetson-orin-nx-8gb@15W").gpu().int8Tops())
                .isCloseTo(nx8.gpu().int8Tops() * 0.612 / 0.765 * 0.5, within(1e-9));

        // Orin Nano 4GB: its 25W mode already caps at the top steps, so MAXN_SUPER differs from it in the budget only
        DeviceProfile n4 = catalog.get("jetson-orin-nano-4gb");
        assertThat(n4.powerModes()).extracting(DeviceProfile.PowerMode::name)
                .containsExactly("10W", "7W_AI", "7W_CPU", "25W", "MAXN_SUPER");
        DeviceProfile n4s = catalog.get("jetson-orin-nano-4gb@MAXN_SUPER");
        DeviceProfile n425 = catalog.get("jetson-orin-nano-4gb@25W");
        assertThat(n4s.gpu().fp16Tflops()).isEqualTo(n425.gpu().fp16Tflops());
        assertThat(n4s.memoryBandwidthGbPerS()).isEqualTo(51.2);
        assertThat(n4s.uncapped()).isTrue();
        assertThat(n425.uncapped()).isFalse();
        assertThat(n4s.power().maxW()).isEqualTo(25);
        assertThat(n4.gpu().fp16Tflops()).isCloseTo(nano.gpu().fp16Tflops() / 2, within(0.05));   // half the 8GB's GPU

        // every MAXN* mode of an Orin board is uncapped; every other mode has a budget named after it
        for (DeviceProfile p : catalog.all()) {
            for (DeviceProfile.PowerMode m : p.powerModes()) {
                if (p.perfClass().equals("orin")) {
                    assertThat(m.uncapped()).as(p.name() + "@" + m.name()).isEqualTo(m.name().startsWith("MAXN"));
                }
                assertThat(p.inMode(m.name()).power().maxW()).as(p.name() + "@" + m.name()).isPositive();
            }
        }
        // a capped mode needs a budget; an uncapped one may leave it out, but not give a negative one
        assertThatThrownBy(() -> new DeviceProfile.PowerMode("25W", 0.9, 6, 1.3, 100, 0, 0, "a file", false))
                .hasMessageContaining("powerModes.25W.powerW: 0.0");
        assertThatThrownBy(() -> new DeviceProfile.PowerMode("MAXN", 0.9, 6, 1.3, 100, -1, 0, "a file", true))
                .hasMessageContaining("powerModes.MAXN.powerW: -1.0").hasMessageContaining("uncapped");
    }

    @Test
    void rtx3090Ti_tensorPeaks_areSmCountTimesClockTimesTheGa102PerSmRates() {
        // GA102 per SM and clock (whitepaper): 4 Tensor Cores x 128 dense FP16 FMA = 1024 FLOP with FP16 accumulate,
        // 512 with FP32 accumulate on GeForce, 2048 INT8 OP; the whitepaper's RTX 3090 table (82 SMs, 1.695 GHz): 142 / 71 / 284
        assertThat(82 * 1024 * 1.695 / 1000).isCloseTo(142, within(0.5));
        assertThat(82 * 512 * 1.695 / 1000).isCloseTo(71, within(0.5));
        assertThat(82 * 2048 * 1.695 / 1000).isCloseTo(284, within(1.0));
        DeviceProfile ti = catalog.get("rtx-3090-ti");
        int sms = 10752 / 128;
        assertThat(ti.gpu().fp16Tflops()).isCloseTo(sms * 512 * ti.gpu().clockGhz() / 1000, within(0.05));
        assertThat(ti.gpu().int8Tops()).isCloseTo(sms * 2048 * ti.gpu().clockGhz() / 1000, within(0.05));
        assertThat(ti.gpu().fp32Tflops()).isCloseTo(10752 * 2 * ti.gpu().clockGhz() / 1000, within(0.05));
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
