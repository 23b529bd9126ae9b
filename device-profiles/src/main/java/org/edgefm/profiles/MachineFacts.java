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
 * @param gpuMemoryMiB    {@code memory.total} of each GPU in MiB from {@code nvidia-smi} (same order as
 *                        the names; may be shorter when the tool does not report it)
 * @param tegraRelease    the first line of {@code /etc/nv_tegra_release}, or null
 * @param powerMode       the power mode {@code nvpmodel -q} reports, or null
 */
public record MachineFacts(String cpuModel, String arch, int logicalCores, long ramBytes, String deviceTreeModel,
        List<String> gpuNames, List<Long> gpuMemoryMiB, String tegraRelease, String powerMode) {
    /** Facts without GPU memory, L4T release and power mode. */
    public MachineFacts(String cpuModel, String arch, int logicalCores, long ramBytes, String deviceTreeModel,
            List<String> gpuNames) {
        this(cpuModel, arch, logicalCores, ramBytes, deviceTreeModel, gpuNames, List.of(), null, null);
    }

    /** The default location of the L4T release line on Jetson. */
    public static final Path TEGRA_RELEASE = Path.of("/etc/nv_tegra_release");

    /** Copies the list and normalises the device-tree text (it ends with a NUL byte). */
    public MachineFacts {
        requireNonNull(cpuModel, "cpuModel is null");
        requireNonNull(arch, "arch is null");
        gpuNames = gpuNames == null ? List.of() : List.copyOf(gpuNames);
        gpuMemoryMiB = gpuMemoryMiB == null ? List.of() : List.copyOf(gpuMemoryMiB);
        tegraRelease = tegraRelease == null || tegraRelease.isBlank() ? null : tegraRelease.lines().findFirst().orElse("").strip();
        powerMode = powerMode == null || powerMode.isBlank() ? null : powerMode.strip();
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
     * The L4T release of {@code /etc/nv_tegra_release}, e.g. {@code R36.4.3} from
     * {@code # R36 (release), REVISION: 4.3, GCID: ...}; null when the line has another shape.
     */
    public static String l4tVersion(String tegraRelease) {
        if (tegraRelease == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("R(\\d+)\\s*\\(release\\),\\s*REVISION:\\s*([0-9.]+)")
                .matcher(tegraRelease);
        return m.find() ? "R" + m.group(1) + "." + m.group(2) : null;
    }

    /** The mode name in {@code nvpmodel -q} output ({@code NV Power Mode: MAXN_SUPER}), or null. */
    public static String parseNvpmodel(String output) {
        if (output == null) {
            return null;
        }
        for (String line : output.split("\\R")) {
            int i = line.indexOf("NV Power Mode:");
            if (i >= 0) {
                String v = line.substring(i + "NV Power Mode:".length()).strip();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    /** The first line of a small text file, or null. */
    public static String readFirstLine(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse(null) : null;
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** The current power mode from {@code nvpmodel -q}; null when the tool is absent or fails within 5 s. */
    public static String nvpmodelMode() {
        List<String> lines = run(List.of("nvpmodel", "-q"));
        return lines.isEmpty() ? null : parseNvpmodel(String.join("\n", lines));
    }

    /**
     * GPU names and memory from {@code nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits}:
     * one {@code [name, MiB]} pair per GPU; empty when the tool is absent or fails within 5 s.
     */
    public static List<String[]> nvidiaSmiGpus() {
        return parseNameMemory(run(List.of("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")));
    }

    /**
     * Lines of {@code nvidia-smi --query-gpu=name,memory.total --format=csv[,noheader][,nounits]}
     * as {@code [name, memory]} pairs; a header line ({@code name, memory.total [MiB]}) is skipped.
     */
    public static List<String[]> parseNameMemory(List<String> lines) {
        List<String[]> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.strip().toLowerCase(java.util.Locale.ROOT).startsWith("name,")) {
                continue;
            }
            int comma = line.lastIndexOf(',');
            out.add(comma < 0 ? new String[] {line.strip(), ""} : new String[] {line.substring(0, comma).strip(), line.substring(comma + 1).strip()});
        }
        return out;
    }

    /** Parses a MiB figure ({@code 81559}, {@code 81559 MiB}); null when it is not a number. */
    public static Long parseMiB(String s) {
        if (s == null) {
            return null;
        }
        String v = s.replaceAll("(?i)\\s*MiB$", "").strip();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** GPU names from {@code nvidia-smi}; empty when the tool is absent or fails within 5 s. */
    public static List<String> nvidiaSmiGpuNames() {
        return nvidiaSmiGpus().stream().map(g -> g[0]).toList();
    }

    private static List<String> run(List<String> cmd) {
        List<String> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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
