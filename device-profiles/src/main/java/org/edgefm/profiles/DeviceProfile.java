package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ResourceVector;

/**
 * One device of the catalog: a Jetson-class board, a server GPU with its reference host, or a
 * CPU-only server. Every figure has its public source in {@link #sources()}, keyed by the field
 * name ({@code cpu}, {@code ramGb}, {@code gpu}, {@code memoryBandwidthGbPerS}, {@code power},
 * {@code storage}).
 *
 * @param name                  the profile name, e.g. {@code jetson-orin-nano-8gb}
 * @param displayName           a human-readable name
 * @param kind                  {@code jetson}, {@code gpu-server} or {@code cpu-server}
 * @param cpu                   the CPU
 * @param ramGb                 main memory in GB
 * @param gpu                   the GPU, or null for a CPU-only machine
 * @param memoryBandwidthGbPerS the bandwidth of the memory the accelerator computes from (GPU
 *                              memory, or main memory when shared or CPU-only), GB/s
 * @param power                 the power envelope
 * @param storage               persistent storage
 * @param detect                substrings that identify the device
 * @param sources               public source of each figure, by field name
 */
public record DeviceProfile(String name, String displayName, String kind, Cpu cpu, double ramGb, Gpu gpu,
        double memoryBandwidthGbPerS, Power power, Storage storage, Detect detect, Map<String, String> sources) {

    /** Fields that MUST each have a source. */
    public static final List<String> SOURCED_FIELDS =
            List.of("cpu", "ramGb", "memoryBandwidthGbPerS", "power", "storage");

    /** Validates every field; a figure without a source is refused. */
    public DeviceProfile {
        requireNonNull(name, "name is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(cpu, "cpu is null");
        requireNonNull(power, "power is null");
        requireNonNull(storage, "storage is null");
        detect = detect == null ? new Detect(List.of(), List.of()) : detect;
        sources = Map.copyOf(requireNonNull(sources, "sources is null"));
        positive(ramGb, name + ": ramGb");
        positive(memoryBandwidthGbPerS, name + ": memoryBandwidthGbPerS");
        for (String f : SOURCED_FIELDS) {
            requireSource(name, sources, f);
        }
        if (gpu != null) {
            requireSource(name, sources, "gpu");
        }
    }

    private static void requireSource(String name, Map<String, String> sources, String field) {
        String s = sources.get(field);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(name + ": sources." + field + ": missing (expected: the public source of the figure)");
        }
    }

    static double positive(double v, String what) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + ": " + v + " (expected: > 0)");
        }
        return v;
    }

    /** True when the device has a GPU. */
    public boolean hasGpu() {
        return gpu != null;
    }

    /**
     * The capacity vector in the units the shipped scenarios use: CPU cores, RAM GB, GPU FP16
     * TFLOPS, VRAM GB (shared memory counts as VRAM too), storage GB and peak power W.
     */
    public ResourceVector capacity() {
        return ResourceVector.of(cpu.cores(), ramGb, gpu == null ? 0 : gpu.fp16Tflops(), gpu == null ? 0 : gpu.memoryGb())
                .with(org.edgefm.api.model.Resource.STORAGE, storage.gb())
                .with(org.edgefm.api.model.Resource.POWER, power.maxW());
    }

    /**
     * A CPU.
     *
     * @param cores      cores (vCPUs for cloud hosts)
     * @param arch       {@code aarch64} or {@code amd64}
     * @param model      model name
     * @param clockGhz   clock in GHz
     * @param fp32Gflops peak FP32 throughput in GFLOP/s
     */
    public record Cpu(int cores, String arch, String model, double clockGhz, double fp32Gflops) {
        /** Validates every field. */
        public Cpu {
            if (cores <= 0) {
                throw new IllegalArgumentException("cpu.cores: " + cores + " (expected: > 0)");
            }
            requireNonNull(arch, "arch is null");
            requireNonNull(model, "model is null");
            positive(clockGhz, "cpu.clockGhz");
            positive(fp32Gflops, "cpu.fp32Gflops");
        }
    }

    /**
     * A GPU.
     *
     * @param name         product name as {@code nvidia-smi} reports it where known
     * @param memoryGb     GPU memory in GB
     * @param sharedMemory true when the GPU shares main memory (Jetson)
     * @param fp32Tflops   peak FP32 TFLOP/s
     * @param fp16Tflops   peak dense FP16 tensor TFLOP/s
     */
    public record Gpu(String name, double memoryGb, boolean sharedMemory, double fp32Tflops, double fp16Tflops) {
        /** Validates every field. */
        public Gpu {
            requireNonNull(name, "name is null");
            positive(memoryGb, "gpu.memoryGb");
            positive(fp32Tflops, "gpu.fp32Tflops");
            positive(fp16Tflops, "gpu.fp16Tflops");
        }
    }

    /**
     * The power envelope.
     *
     * @param minW lowest power mode or idle draw, W
     * @param maxW highest power mode or TDP, W
     */
    public record Power(double minW, double maxW) {
        /** Validates every field. */
        public Power {
            positive(minW, "power.minW");
            if (!(maxW >= minW)) {
                throw new IllegalArgumentException("power.maxW: " + maxW + " (expected: >= minW " + minW + ")");
            }
        }
    }

    /**
     * Persistent storage.
     *
     * @param description what it is
     * @param gb          size in GB, 0 when it is not on the module
     */
    public record Storage(String description, double gb) {
        /** Validates every field. */
        public Storage {
            requireNonNull(description, "description is null");
            if (gb < 0) {
                throw new IllegalArgumentException("storage.gb: " + gb + " (expected: >= 0)");
            }
        }
    }

    /**
     * What identifies the device, matched case-insensitively as substrings.
     *
     * @param deviceTreeModel substrings of {@code /proc/device-tree/model} (Jetson boards)
     * @param gpuName         substrings of the GPU name {@code nvidia-smi} reports
     */
    public record Detect(List<String> deviceTreeModel, List<String> gpuName) {
        /** Copies the lists. */
        public Detect {
            deviceTreeModel = deviceTreeModel == null ? List.of() : List.copyOf(deviceTreeModel);
            gpuName = gpuName == null ? List.of() : List.copyOf(gpuName);
        }
    }
}
