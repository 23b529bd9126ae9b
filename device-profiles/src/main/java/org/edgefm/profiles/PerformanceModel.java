package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

/**
 * A roofline model of one device: the time of a piece of work is the larger of its compute time
 * (FLOPs over efficiency times peak FLOP/s) and its memory time (bytes over efficiency times
 * bandwidth); the memory footprint of instances against the device's memory; and a linear power
 * model between the envelope's ends. Immutable and thread-safe.
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

    /** Arithmetic precision. */
    public enum Precision {
        /** 32-bit floats (what the agent's ND4J kernels use). */
        FP32,
        /** 16-bit floats on tensor cores (GPU only; the CPU engine counts it as FP32). */
        FP16
    }

    private final DeviceProfile profile;
    private final double efficiency;

    private PerformanceModel(DeviceProfile profile, double efficiency) {
        this.profile = requireNonNull(profile, "profile is null");
        if (!(efficiency > 0 && efficiency <= 1)) {
            throw new IllegalArgumentException("efficiency: " + efficiency + " (expected: in (0, 1])");
        }
        this.efficiency = efficiency;
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
            return (precision == Precision.FP16 ? g.fp16Tflops() : g.fp32Tflops()) * 1e12;
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
