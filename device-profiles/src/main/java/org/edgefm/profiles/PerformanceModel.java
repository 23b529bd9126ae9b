package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

/**
 * The performance model of one device, in two forms:
 * <ul>
 *   <li>{@link #calibrated}: the model checked against published measurements
 *       ({@code edgefm profiles validate}). The time of a call of batch {@code b} through a
 *       {@link Workload} is {@code kernels x kernelOverheadUsGhz / gpuClockGhz +
 *       max(b x FLOPs / (computeEfficiency(class) x peak(precision)), bytes(precision) /
 *       (memoryEfficiency x bandwidth))}, where bytes are the weights once plus the activations
 *       of every item. Coefficients: {@link PerformanceCoefficients}.</li>
 *   <li>{@link #of}: the plain roofline (one efficiency for both roofs, no per-call overhead).</li>
 * </ul>
 * Also the memory footprint of instances against the device's memory, and a linear power model
 * between the envelope's ends. Immutable and thread-safe.
 */
public final class PerformanceModel {
    /**
     * Host memory bandwidth assumed for the CPU engine of a server with a discrete GPU (the catalog
     * lists the GPU's bandwidth there): 100 GB/s, an assumption of a few DDR4/DDR5 channels.
     */
    public static final double ASSUMED_HOST_BANDWIDTH_GB_PER_S = 100;

    /** Which engine does the arithmetic. */
    public enum Engine {
        /** The GPU (CUDA cores or tensor cores). */
        GPU,
        /** The CPU cores (also what EdgeFM's agent uses on Jetson: ND4J has no arm64 CUDA build). */
        CPU
    }

    /** Arithmetic precision: peaks and bytes per element follow it. */
    public enum Precision {
        /** 32-bit floats (what the agent's ND4J kernels use): FP32 peak, 4-byte weights and activations. */
        FP32(4, 4),
        /** 16-bit floats on tensor cores: dense FP16 peak, 2-byte weights and activations. */
        FP16(2, 2),
        /** bfloat16: the FP16 tensor rate, 2-byte weights and activations. */
        BF16(2, 2),
        /** 8-bit integers on tensor cores: dense INT8 peak, 1-byte weights and activations. */
        INT8(1, 1),
        /** 4-bit weights with one FP16 scale per 32 (W4A16): FP16 compute, 0.5625-byte weights, FP16 activations. */
        INT4(0.5625, 2),
        /** 8-bit floats on tensor cores (Hopper, Ada): dense FP8 peak, 1-byte weights and activations. */
        FP8(1, 1);

        private final double weightBytes;
        private final double activationBytes;

        Precision(double weightBytes, double activationBytes) {
            this.weightBytes = weightBytes;
            this.activationBytes = activationBytes;
        }

        /** Bytes per weight. */
        public double weightBytes() {
            return weightBytes;
        }

        /** Bytes per activation (and KV-cache) element. */
        public double activationBytes() {
            return activationBytes;
        }

        /** The precision of a name such as {@code fp16}, {@code int8}, {@code int4-awq} (case-insensitive). */
        public static Precision parse(String s) {
            String v = s == null ? "" : s.strip().toUpperCase(java.util.Locale.ROOT);
            for (Precision p : values()) {
                if (v.equals(p.name()) || v.startsWith(p.name() + "-") || v.startsWith(p.name() + "_")) {
                    return p;
                }
            }
            throw new IllegalArgumentException("precision '" + s + "' (expected one of: fp32, fp16, bf16, int8, int4, fp8)");
        }
    }

    private final DeviceProfile profile;
    private final double efficiency;
    private final PerformanceCoefficients coefficients;

    private PerformanceModel(DeviceProfile profile, double efficiency, PerformanceCoefficients coefficients) {
        this.profile = requireNonNull(profile, "profile is null");
        if (!(efficiency > 0 && efficiency <= 1)) {
            throw new IllegalArgumentException("efficiency: " + efficiency + " (expected: in (0, 1])");
        }
        this.efficiency = efficiency;
        this.coefficients = coefficients;
    }

    private PerformanceModel(DeviceProfile profile, double efficiency) {
        this(profile, efficiency, null);
    }

    /** The calibrated model with the built-in fitted coefficients. */
    public static PerformanceModel calibrated(DeviceProfile profile) {
        return calibrated(profile, PerformanceCoefficients.builtIn());
    }

    /** The calibrated model with these coefficients. */
    public static PerformanceModel calibrated(DeviceProfile profile, PerformanceCoefficients coefficients) {
        return new PerformanceModel(profile, 1.0, requireNonNull(coefficients, "coefficients is null"));
    }

    /** The coefficients of a calibrated model, or null for a plain roofline. */
    public PerformanceCoefficients coefficients() {
        return coefficients;
    }

    /**
     * Time in ms of one call of {@code batch} items through a workload (calibrated model: per-kernel
     * overhead plus the larger of compute and memory time; plain roofline: the larger of the two).
     */
    public double timeMs(Workload w, Engine engine, Precision precision, int batch) {
        return timeMs(w, engine, precision, batch, false);
    }

    /**
     * As {@link #timeMs(Workload, Engine, Precision, int)}; with {@code hostLaunch} the runtime
     * launches every kernel from the host (no captured CUDA graph), which adds
     * {@code hostLaunchUsGhz / cpuClockGhz} per kernel on the GPU engine of a calibrated model.
     */
    public double timeMs(Workload w, Engine engine, Precision precision, int batch, boolean hostLaunch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch: " + batch + " (expected: >= 1)");
        }
        double flops = batch * w.flopsPerItem();
        double bytes = w.weightParams() * precision.weightBytes() + batch * w.activationElementsPerItem() * precision.activationBytes();
        if (coefficients == null) {
            return timeMs(flops, bytes, engine, precision);
        }
        double etaC;
        double etaM;
        double overheadS = 0;
        if (engine == Engine.GPU) {
            DeviceProfile.Gpu g = requireGpu();
            etaC = coefficients.computeEfficiency(profile.perfClass());
            etaM = coefficients.memoryEfficiency();
            double kernels = w.kernels() + w.decoderLayers() * coefficients.llmKernelsPerLayer();
            overheadS = kernels * coefficients.kernelOverheadUsGhz() / g.clockGhz() * 1e-6;
            if (hostLaunch) {
                overheadS += kernels * coefficients.hostLaunchUsGhz() / profile.cpu().clockGhz() * 1e-6;
            }
        } else {
            etaC = coefficients.cpuComputeEfficiency();
            etaM = coefficients.cpuMemoryEfficiency();
        }
        double compute = flops / (etaC * peakFlopsPerS(engine, precision));
        double memory = bytes / (etaM * bandwidthBytesPerS(engine));
        return (overheadS + Math.max(compute, memory)) * 1e3;
    }

    /** Time in ms of a whole decoder-llm request: the prefill plus every decode step. */
    public double requestMs(Workload.LlmRequest r, Engine engine, Precision precision) {
        return timeMs(r.prefillWork(), engine, precision, 1) + r.generate() * timeMs(r.decodeStep(), engine, precision, 1);
    }

    /** The pure roofline bound (efficiency 1). */
    public static PerformanceModel of(DeviceProfile profile) {
        return new PerformanceModel(profile, 1.0);
    }

    /** A roofline scaled by an achieved fraction of peak, in (0, 1], for both roofs. */
    public static PerformanceModel of(DeviceProfile profile, double efficiency) {
        return new PerformanceModel(profile, efficiency);
    }

    /** The profile. */
    public DeviceProfile profile() {
        return profile;
    }

    /** The efficiency factor. */
    public double efficiency() {
        return efficiency;
    }

    /** The engine a deployment would normally use: the GPU where there is one. */
    public Engine defaultEngine() {
        return profile.hasGpu() ? Engine.GPU : Engine.CPU;
    }

    /** Peak FLOP/s of an engine at a precision. */
    public double peakFlopsPerS(Engine engine, Precision precision) {
        if (engine == Engine.GPU) {
            DeviceProfile.Gpu g = requireGpu();
            return switch (precision) {
                case FP32 -> g.fp32Tflops();
                case FP16, BF16, INT4 -> g.fp16Tflops();
                case INT8 -> g.int8Tops();
                case FP8 -> {
                    if (!g.hasFp8()) {
                        throw new IllegalArgumentException(profile.qualifiedName() + ": the GPU (" + g.name()
                                + ") has no FP8 tensor math (expected a Hopper or Ada GPU with gpu.fp8Tflops)");
                    }
                    yield g.fp8Tflops();
                }
            } * 1e12;
        }
        return profile.cpu().fp32Gflops() * 1e9;
    }

    /** Memory bandwidth the engine computes from, bytes/s. */
    public double bandwidthBytesPerS(Engine engine) {
        if (engine == Engine.GPU || profile.gpu() == null || profile.gpu().sharedMemory()) {
            if (engine == Engine.GPU) {
                requireGpu();
            }
            return profile.memoryBandwidthGbPerS() * 1e9;
        }
        return ASSUMED_HOST_BANDWIDTH_GB_PER_S * 1e9;
    }

    /** The ridge point: FLOP/byte above which work is compute-bound. */
    public double ridgeFlopsPerByte(Engine engine, Precision precision) {
        return peakFlopsPerS(engine, precision) / bandwidthBytesPerS(engine);
    }

    /** Time in ms of {@code flops} operations touching {@code bytes} bytes. */
    public double timeMs(double flops, double bytes, Engine engine, Precision precision) {
        if (flops < 0 || bytes < 0) {
            throw new IllegalArgumentException("flops " + flops + ", bytes " + bytes + " (expected: >= 0)");
        }
        double compute = flops / (efficiency * peakFlopsPerS(engine, precision));
        double memory = bytes / (efficiency * bandwidthBytesPerS(engine));
        return Math.max(compute, memory) * 1e3;
    }

    /** Time in ms of one request through a kernel. */
    public double timeMs(KernelCost cost, Engine engine, Precision precision) {
        return timeMs(cost.flops(), cost.bytesMoved(), engine, precision);
    }

    /** True when the work is limited by compute rather than by memory bandwidth. */
    public boolean computeBound(double flops, double bytes, Engine engine, Precision precision) {
        return bytes == 0 || flops / bytes >= ridgeFlopsPerByte(engine, precision);
    }

    /**
     * Memory of {@code instances} instances each serving {@code parallelism} requests at once:
     * weights once per instance plus activations per concurrent request.
     */
    public static long footprintBytes(KernelCost cost, int instances, int parallelism) {
        return instances * (cost.weightBytes() + (long) parallelism * cost.activationBytes());
    }

    /** The memory an engine can hold, bytes: GPU memory for a dedicated GPU, main memory otherwise. */
    public double memoryCapacityBytes(Engine engine) {
        if (engine == Engine.GPU && !requireGpu().sharedMemory()) {
            return profile.gpu().memoryGb() * 1e9;
        }
        return profile.ramGb() * 1e9;
    }

    /** True when {@code bytes} fit into the engine's memory. */
    public boolean fits(long bytes, Engine engine) {
        return bytes <= memoryCapacityBytes(engine);
    }

    /**
     * Power draw in W at a utilisation in [0, 1]: linear between the envelope's ends
     * (assumption: a linear utilisation-power curve, as in common server power models).
     */
    public double powerW(double utilization) {
        if (!(utilization >= 0 && utilization <= 1)) {
            throw new IllegalArgumentException("utilization: " + utilization + " (expected: in [0, 1])");
        }
        DeviceProfile.Power p = profile.power();
        return p.minW() + utilization * (p.maxW() - p.minW());
    }

    /** Energy in J of running for {@code ms} at a utilisation. */
    public double energyJ(double utilization, double ms) {
        return powerW(utilization) * ms / 1e3;
    }

    private DeviceProfile.Gpu requireGpu() {
        if (profile.gpu() == null) {
            throw new IllegalArgumentException(profile.name() + " has no GPU (use Engine.CPU)");
        }
        return profile.gpu();
    }
}
