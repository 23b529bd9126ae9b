package org.edgefm.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileDetectorTest {
    private final ProfileDetector detector = new ProfileDetector(ProfileCatalog.builtIn());

    // /proc/device-tree/model strings as the boards print them (NUL-terminated); RAM as the OS reports it.
    @ParameterizedTest
    @CsvSource({
            "'NVIDIA Jetson Orin Nano Developer Kit\u0000', 7_620_000_000, jetson-orin-nano-8gb",
            "NVIDIA Jetson Orin NX Engineering Reference Developer Kit, 15_655_000_000, jetson-orin-nx-16gb",
            "NVIDIA Jetson Orin NX Engineering Reference Developer Kit, 7_620_000_000, jetson-orin-nx-8gb",
            "Jetson AGX Orin, 64_335_000_000, jetson-agx-orin-64gb",
            "NVIDIA Jetson AGX Orin Developer Kit, 31_400_000_000, jetson-agx-orin-32gb",
            "NVIDIA Jetson Xavier NX Developer Kit, 7_760_000_000, jetson-xavier-nx-8gb",
            "NVIDIA Jetson Nano Developer Kit, 4_150_000_000, jetson-nano-4gb",
            // an Orin Nano 4GB module on the developer kit's carrier: the board string of the 8GB kit, half the RAM
            "NVIDIA Jetson Orin Nano Engineering Reference Developer Kit, 3_560_000_000, jetson-orin-nano-4gb"})
    void detect_jetsonBoardModelAndRam_picksTheModule(String model, String ram, String expected) {
        long bytes = Long.parseLong(ram.replace("_", ""));
        Detection d = detector.detect(new MachineFacts("ARMv8 Processor rev 1 (v8l)", "aarch64", 6, bytes, model, List.of()));
        assertThat(d.profile().name()).isEqualTo(expected);
        assertThat(d.profile().powerMode()).isNull();
        assertThat(d.reason()).startsWith("/proc/device-tree/model is '" + model.replace("\u0000", "") + "'");
    }

    @Test
    void detect_jetsonWithNvpmodelAndL4tRelease_picksThePowerModeVariant() {
        MachineFacts f = new MachineFacts("ARMv8 Processor rev 1 (v8l)", "aarch64", 6, 7_620_000_000L,
                "NVIDIA Jetson Orin Nano Developer Kit", List.of(), List.of(),
                "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025",
                MachineFacts.parseNvpmodel("NV Power Mode: MAXN_SUPER\n2\n"));
        Detection d = detector.detect(f);
        assertThat(d.profile().qualifiedName()).isEqualTo("jetson-orin-nano-8gb@MAXN_SUPER");
        assertThat(d.profile().memoryBandwidthGbPerS()).isEqualTo(102.4);
        assertThat(d.profile().gpu().clockGhz()).isEqualTo(1.02);
        assertThat(d.reason()).contains("L4T R36.4.3").contains("nvpmodel mode MAXN_SUPER")
                .contains("no power cap; power priced at 25 W").doesNotContain("assumption");
        // the default mode of the same board is capped, and the reason says nothing of a cap
        Detection d25 = detector.detect(new MachineFacts("ARMv8", "aarch64", 6, 7_620_000_000L,
                "NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super", List.of(), List.of(), null,
                MachineFacts.parseNvpmodel("NV Power Mode: 25W\n1\n")));
        assertThat(d25.profile().qualifiedName()).isEqualTo("jetson-orin-nano-8gb@25W");
        assertThat(d25.reason()).doesNotContain("power cap");
    }

    @Test
    void detect_agxOrinModeNamedWithModePrefix_picksTheMode_anUncappedModeSaysSo() {
        // AGX Orin's nvpmodel configuration names its modes MODE_15W, MODE_30W, MODE_50W (and MAXN)
        MachineFacts f = new MachineFacts("ARMv8 Processor rev 1 (v8l)", "aarch64", 8, 64_300_000_000L,
                "NVIDIA Jetson AGX Orin Developer Kit", List.of(), List.of(), null,
                MachineFacts.parseNvpmodel("NV Power Mode: MODE_30W\n2\n"));
        Detection d = detector.detect(f);
        assertThat(d.profile().qualifiedName()).isEqualTo("jetson-agx-orin-64gb@30W");
        assertThat(d.reason()).contains("nvpmodel mode MODE_30W").doesNotContain("assumption");
        MachineFacts maxn = new MachineFacts("ARMv8", "aarch64", 12, 64_300_000_000L, "NVIDIA Jetson AGX Orin Developer Kit",
                List.of(), List.of(), null, "MAXN");
        assertThat(detector.detect(maxn).reason()).doesNotContain("assumption");
        // Orin NX 16GB's MAXN_SUPER: its clocks are sourced now; detection says it has no power cap
        MachineFacts nxSuper = new MachineFacts("ARMv8", "aarch64", 8, 15_600_000_000L,
                "NVIDIA Jetson Orin NX Engineering Reference Developer Kit", List.of(), List.of(), null, "MAXN_SUPER");
        Detection ds = detector.detect(nxSuper);
        assertThat(ds.profile().qualifiedName()).isEqualTo("jetson-orin-nx-16gb@MAXN_SUPER");
        assertThat(ds.reason()).doesNotContain("assumption").contains("no power cap; power priced at 40 W");
        // the 8GB module (by its RAM) in the same mode gets its own variant
        MachineFacts nx8Super = new MachineFacts("ARMv8", "aarch64", 6, 7_620_000_000L,
                "NVIDIA Jetson Orin NX Engineering Reference Developer Kit", List.of(), List.of(), null, "MAXN_SUPER");
        assertThat(detector.detect(nx8Super).profile().qualifiedName()).isEqualTo("jetson-orin-nx-8gb@MAXN_SUPER");
    }

    @Test
    void detect_moduleWithRamOfNoCataloguedModule_saysTheFiguresAreTheNearestModules() {
        // a Xavier NX 16GB module (p3668-0003) reports about 15.4 GB; the catalog has the 8 GB module only
        MachineFacts x16 = new MachineFacts("ARMv8 Processor rev 0 (v8l)", "aarch64", 6, 15_400_000_000L,
                "NVIDIA Jetson Xavier NX Developer Kit", List.of());
        Detection d = detector.detect(x16);
        assertThat(d.profile().name()).isEqualTo("jetson-xavier-nx-8gb");
        assertThat(d.reason()).contains("no catalogued module of this board has 15.4 GB RAM").contains("(8 GB)");
        // the 8 GB module itself (7.6 GB reported) gets no such note
        MachineFacts x8 = new MachineFacts("ARMv8 Processor rev 0 (v8l)", "aarch64", 6, 7_600_000_000L,
                "NVIDIA Jetson Xavier NX Developer Kit", List.of());
        assertThat(detector.detect(x8).reason()).doesNotContain("no catalogued module");
    }

    @Test
    void detect_unknownNvpmodelMode_keepsTheBaseFiguresAndSaysSo() {
        MachineFacts f = new MachineFacts("ARMv8", "aarch64", 4, 4_150_000_000L, "NVIDIA Jetson Nano Developer Kit", List.of(),
                List.of(), "# R32 (release), REVISION: 7.1, GCID: 29818004, BOARD: t210ref, EABI: aarch64, DATE: Sat Feb 19 17:05:08 UTC 2022",
                "MODE_7W");
        Detection d = detector.detect(f);
        assertThat(d.profile().qualifiedName()).isEqualTo("jetson-nano-4gb");
        assertThat(d.reason()).contains("L4T R32.7.1").contains("MODE_7W is not catalogued");
    }

    @Test
    void l4tVersion_ofJetPack5Line() {
        assertThat(MachineFacts.l4tVersion("# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, DATE: Tue Aug  1 19:57:35 UTC 2023"))
                .isEqualTo("R35.4.1");
        assertThat(MachineFacts.l4tVersion("garbage")).isNull();
        assertThat(MachineFacts.parseNvpmodel("nvpmodel: command not found")).isNull();
    }

    // nvidia-smi --query-gpu=name,memory.total: the names and sizes the GPUs report.
    @ParameterizedTest
    @CsvSource({
            "Tesla T4, 15360, nvidia-t4",
            "NVIDIA L4, 23034, nvidia-l4",
            "NVIDIA L40S, 46068, nvidia-l40s",
            "NVIDIA A10, 23028, nvidia-a10",
            "NVIDIA A10G, 23028, nvidia-a10g",
            "NVIDIA A100-SXM4-80GB, 81920, nvidia-a100-80gb",
            "NVIDIA A100-SXM4-40GB, 40960, nvidia-a100-40gb",
            "NVIDIA A100 80GB PCIe, 81920, nvidia-a100-pcie-80gb",
            "NVIDIA A100-PCIE-40GB, 40960, nvidia-a100-pcie-40gb",
            "NVIDIA H100 80GB HBM3, 81559, nvidia-h100-80gb",
            "NVIDIA H100 PCIe, 81559, nvidia-h100-pcie",
            "NVIDIA GeForce RTX 4090, 24564, rtx-4090",
            // the name llama.cpp's CUDA backend printed for the 3090 Ti of measurements.csv rows 79-80
            "NVIDIA GeForce RTX 3090 Ti, 24564, rtx-3090-ti"})
    void detect_nvidiaSmiNameAndMemory_picksTheGpu(String gpu, long mib, String expected) {
        Detection d = detector.detect(new MachineFacts("AMD EPYC 7R13", "amd64", 8, 32_000_000_000L, null, List.of(gpu),
                List.of(mib), null, null));
        assertThat(d.profile().name()).isEqualTo(expected);
        assertThat(d.reason()).contains("nvidia-smi reports GPU '" + gpu + "' with " + mib + " MiB");
    }

    @Test
    void nvidiaSmiNameMemory_recordedSessionLog_withHeaderAndWithoutUnits() {
        // verbatim from a public repository's run log: "$ nvidia-smi --query-gpu=name,memory.total --format=csv"
        List<String[]> g = MachineFacts.parseNameMemory(List.of("name, memory.total [MiB]", "NVIDIA GeForce RTX 4070 Ti SUPER, 16376"));
        assertThat(g).hasSize(1);
        assertThat(g.get(0)[0]).isEqualTo("NVIDIA GeForce RTX 4070 Ti SUPER");
        assertThat(MachineFacts.parseMiB(g.get(0)[1])).isEqualTo(16376L);
        // not a catalogued GPU (the catalog's RTX is the 4090): no GPU profile is claimed for it
        Detection d = detector.detect(new MachineFacts("AMD Ryzen 9", "amd64", 16, 64_000_000_000L, null,
                List.of(g.get(0)[0]), List.of(16376L), null, null));
        assertThat(d.profile().name()).isNotEqualTo("rtx-4090");
    }

    @Test
    void nvidiaSmiNameMemory_withAndWithoutHeader_detectsEachGpu() {
        // lines as nvidia-smi prints them (public logs and test suites): with units, and the header of --format=csv
        List<String[]> g = MachineFacts.parseNameMemory(List.of("name, memory.total [MiB]", "NVIDIA A100-SXM4-80GB, 81920 MiB",
                "NVIDIA L40S, 46068 MiB", "NVIDIA A100-SXM4-40GB, 40960 MiB", "Tesla P100-PCIE-16GB, 16384 MiB"));
        assertThat(g).hasSize(4);
        List<String> names = g.stream().map(x -> x[0]).toList();
        List<Long> mib = g.stream().map(x -> MachineFacts.parseMiB(x[1])).toList();
        assertThat(mib).containsExactly(81920L, 46068L, 40960L, 16384L);
        assertThat(detector.detect(new MachineFacts("x", "amd64", 8, 1L << 35, null, names.subList(0, 1), mib.subList(0, 1), null, null))
                .profile().name()).isEqualTo("nvidia-a100-80gb");
        assertThat(detector.detect(new MachineFacts("x", "amd64", 8, 1L << 35, null, names.subList(1, 2), mib.subList(1, 2), null, null))
                .profile().name()).isEqualTo("nvidia-l40s");
        assertThat(detector.detect(new MachineFacts("x", "amd64", 8, 1L << 35, null, names.subList(2, 3), mib.subList(2, 3), null, null))
                .profile().name()).isEqualTo("nvidia-a100-40gb");
        assertThat(detector.detect(new MachineFacts("x", "amd64", 8, 1L << 35, null, names.subList(3, 4), mib.subList(3, 4), null, null))
                .profile().name()).isEqualTo("generic-cpu");
    }

    @Test
    void parseMiB_acceptsUnitsAndRefusesText() {
        assertThat(MachineFacts.parseMiB("81559 MiB")).isEqualTo(81559L);
        assertThat(MachineFacts.parseMiB("[N/A]")).isNull();
    }

    @Test
    void detect_noBoardNoGpu_isGenericCpuAndSaysWhy() {
        Detection d = detector.detect(new MachineFacts("AMD EPYC 9B14", "amd64", 2, 24_000_000_000L, null, List.of()));
        assertThat(d.profile().name()).isEqualTo("generic-cpu");
        assertThat(d.reason()).isEqualTo("no /proc/device-tree/model, no GPU from nvidia-smi; CPU 'AMD EPYC 9B14' (amd64, 2 cores, 24.0 GB RAM)");
    }

    @Test
    void detect_unknownGpu_fallsBackAndNamesIt() {
        Detection d = detector.detect(new MachineFacts("Xeon", "amd64", 4, 8_000_000_000L, "Raspberry Pi 5", List.of("Quadro P400")));
        assertThat(d.profile().name()).isEqualTo("generic-cpu");
        assertThat(d.reason()).contains("'Raspberry Pi 5' is not a catalogued board").contains("[Quadro P400] not in the catalog");
    }
}
