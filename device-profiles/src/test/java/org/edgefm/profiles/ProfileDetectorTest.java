package org.edgefm.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileDetectorTest {
    private final ProfileDetector detector = new ProfileDetector(ProfileCatalog.builtIn());

    @ParameterizedTest
    @CsvSource({
            "'NVIDIA Jetson Orin Nano Developer Kit\u0000', jetson-orin-nano-8gb",
            "NVIDIA Jetson Orin NX Engineering Reference Developer Kit, jetson-orin-nx-16gb",
            "NVIDIA Jetson AGX Orin Developer Kit, jetson-agx-orin-64gb",
            "NVIDIA Jetson Xavier NX Developer Kit, jetson-xavier-nx-8gb"})
    void detect_jetsonBoardModel_picksTheBoard(String model, String expected) {
        Detection d = detector.detect(new MachineFacts("ARMv8 Processor rev 1 (v8l)", "aarch64", 6, 7_600_000_000L, model, List.of()));
        assertThat(d.profile().name()).isEqualTo(expected);
        assertThat(d.reason()).startsWith("/proc/device-tree/model is '" + model.replace("\u0000", "") + "'");
    }

    @ParameterizedTest
    @CsvSource({
            "Tesla T4, nvidia-t4",
            "NVIDIA L4, nvidia-l4",
            "NVIDIA A100-SXM4-80GB, nvidia-a100-80gb",
            "NVIDIA A100 80GB PCIe, nvidia-a100-80gb",
            "NVIDIA H100 80GB HBM3, nvidia-h100-80gb",
            "NVIDIA GeForce RTX 4090, rtx-4090"})
    void detect_nvidiaSmiName_picksTheGpu(String gpu, String expected) {
        Detection d = detector.detect(new MachineFacts("AMD EPYC 7R13", "amd64", 8, 32_000_000_000L, null, List.of(gpu)));
        assertThat(d.profile().name()).isEqualTo(expected);
        assertThat(d.reason()).contains("nvidia-smi reports GPU '" + gpu + "'");
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
