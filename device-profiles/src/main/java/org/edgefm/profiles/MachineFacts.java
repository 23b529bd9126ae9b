package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What detection knows about a machine: CPU model, architecture, cores and RAM (the agent reads
 * them with OSHI), the Jetson board model from {@code /proc/device-tree/model}, and the GPU names
 * {@code nvidia-smi} reports.
 *
 * @param cpuModel        CPU model name, e.g. {@code AMD EPYC 7B13}
 * @param arch            {@code os.arch}, e.g. {@code amd64} or {@code aarch64}
 * @param logicalCores    logical cores
 * @param ramBytes        total main memory
 * @param deviceTreeModel contents of {@code /proc/device-tree/model}, or null when absent
 * @param gpuNames        GPU names from {@code nvidia-smi}, empty when there is none
 */
public record MachineFacts(String cpuModel, String arch, int logicalCores, long ramBytes, String deviceTreeModel,
        List<String> gpuNames) {
    /** Copies the list and normalises the device-tree text (it ends with a NUL byte). */
    public MachineFacts {
        requireNonNull(cpuModel, "cpuModel is null");
        requireNonNull(arch, "arch is null");
        gpuNames = gpuNames == null ? List.of() : List.copyOf(gpuNames);
        if (deviceTreeModel != null) {
            deviceTreeModel = deviceTreeModel.replace("\0", "").strip();
            if (deviceTreeModel.isEmpty()) {
                deviceTreeModel = null;
            }
        }
    }

    /** The default location of the board model on Linux device-tree systems (Jetson). */
    public static final Path DEVICE_TREE_MODEL = Path.of("/proc/device-tree/model");

    /** Reads the board model file, or null when it does not exist or cannot be read. */
    public static String readDeviceTreeModel(Path file) {
        try {
            return Files.isReadable(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * GPU names from {@code nvidia-smi --query-gpu=name --format=csv,noheader}; empty when the tool
     * is absent or fails within 5 s.
     */
    public static List<String> nvidiaSmiGpuNames() {
        List<String> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return List.of();
                }
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        out.add(line.strip());
                    }
                }
            }
            return p.exitValue() == 0 ? out : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
