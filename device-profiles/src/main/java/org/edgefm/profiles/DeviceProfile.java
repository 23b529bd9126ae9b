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
 * @param perfClass             the performance-model class whose fitted coefficients apply
 *                              ({@link PerformanceCoefficients}), e.g. {@code ampere}, {@code hopper},
 *                              {@code orin}; null for the class named after {@code kind}
 * @param powerModes            the board's power modes (nvpmodel), each a variant of this profile;
 *                              empty for devices without modes
 * @param powerMode             the power mode this profile describes, or null for the base figures
 */
public record DeviceProfile(String name, String displayName, String kind, Cpu cpu, double ramGb, Gpu gpu,
        double memoryBandwidthGbPerS, Power power, Storage storage, Detect detect, Map<String, String> sources,
        String perfClass, List<PowerMode> powerModes, String powerMode) {

    /** A profile without power modes, of the default performance class. */
    public DeviceProfile(String name, String displayName, String kind, Cpu cpu, double ramGb, Gpu gpu,
            double memoryBandwidthGbPerS, Power power, Storage storage, Detect detect, Map<String, String> sources) {
        this(name, displayName, kind, cpu, ramGb, gpu, memoryBandwidthGbPerS, power, storage, detect, sources, null,
                List.of(), null);
    }

    /** How a source that is not a checked public figure begins. */
    public static final String ASSUMPTION_PREFIX = "assumption:";
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
        perfClass = perfClass == null || perfClass.isBlank() ? (gpu == null ? "cpu" : kind) : perfClass;
        powerModes = powerModes == null ? List.of() : List.copyOf(powerModes);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (PowerMode m : powerModes) {
            if (!seen.add(m.name())) {
                throw new IllegalArgumentException(name + ": powerModes: '" + m.name() + "' twice");
            }
            if (m.gpuClockGhz() > 0 && (gpu == null || gpu.clockGhz() <= 0)) {
                throw new IllegalArgumentException(name + ": powerModes." + m.name()
                        + ".gpuClockGhz needs gpu.clockGhz (the clock the GPU peaks are quoted at)");
            }
        }
        if (powerMode != null && powerModes.stream().noneMatch(m -> m.name().equals(powerMode))) {
            throw new IllegalArgumentException(name + ": powerMode '" + powerMode + "' is not one of its powerModes");
        }
    }

    /** The power mode of this name, if the board has it (case-insensitive; '-' and '_' are the same). */
    public java.util.Optional<PowerMode> findMode(String mode) {
        String key = PowerMode.key(mode);
        return powerModes.stream().filter(m -> PowerMode.key(m.name()).equals(key)).findFirst();
    }

    /**
     * This profile in one of its power modes: the mode's GPU clock scales every GPU peak (peaks are
     * quoted at {@code gpu.clockGhz}), the mode's CPU cores and clock scale the CPU peak, and the
     * mode's memory bandwidth and power budget replace the base ones.
     *
     * @throws IllegalArgumentException naming the known modes when the board has no such mode
     */
    public DeviceProfile inMode(String mode) {
        PowerMode m = findMode(mode).orElseThrow(() -> new IllegalArgumentException(name + ": no power mode '" + mode
                + "' (expected one of: " + String.join(", ", powerModes.stream().map(PowerMode::name).toList()) + ")"));
        Gpu g = gpu;
        if (g != null && (m.gpuClockGhz() > 0 || m.tpcFraction() < 1)) {
            double clockGhz = m.gpuClockGhz() > 0 ? m.gpuClockGhz() : g.clockGhz();
            double f = clockGhz / g.clockGhz() * m.tpcFraction();
            g = new Gpu(g.name(), g.memoryGb(), g.sharedMemory(), g.fp32Tflops() * f, g.fp16Tflops() * f, g.int8Tops() * f,
                    clockGhz, g.fp8Tflops() * f);
        }
        int cores = m.cpuCores() > 0 ? m.cpuCores() : cpu.cores();
        double clock = m.cpuClockGhz() > 0 ? m.cpuClockGhz() : cpu.clockGhz();
        Cpu c = new Cpu(cores, cpu.arch(), cpu.model(), clock, cpu.fp32Gflops() * cores * clock / (cpu.cores() * cpu.clockGhz()));
        double bw = m.memoryBandwidthGbPerS() > 0 ? m.memoryBandwidthGbPerS() : memoryBandwidthGbPerS;
        double budgetW = powerBudgetW(m);
        Power p = new Power(Math.min(power.minW(), budgetW), budgetW);
        Map<String, String> src = new java.util.HashMap<>(sources);
        src.put("powerMode", m.uncapped() && m.powerW() <= 0
                ? m.source() + "; uncapped: the model uses " + fmtW(budgetW) + " W, the highest budget of the board's capped modes"
                : m.source());
        return new DeviceProfile(name, displayName + " (" + m.name() + ")", kind, c, ramGb, g, bw, p, storage, detect, src,
                perfClass, powerModes, m.name());
    }

    /**
     * The power figure the model uses for a mode: its budget; for an uncapped mode (nvpmodel's "NONE power
     * model", e.g. {@code MAXN_SUPER}) the figure its sources state ({@link PowerMode#powerW()}, e.g. the data
     * sheet's module maximum) or, where they state none, the highest budget of the board's capped modes (a
     * lower bound of what the mode may draw: the mode has no cap), or the base envelope's top where the board
     * has no capped mode.
     */
    public double powerBudgetW(PowerMode m) {
        if (m.powerW() > 0) {
            return m.powerW();
        }
        return powerModes.stream().filter(x -> !x.uncapped()).mapToDouble(PowerMode::powerW).max().orElse(power.maxW());
    }

    /** True when this profile is a power mode without a power cap ({@link PowerMode#uncapped()}). */
    public boolean uncapped() {
        return powerMode != null && findMode(powerMode).map(PowerMode::uncapped).orElse(false);
    }

    private static String fmtW(double w) {
        return w == Math.rint(w) ? String.valueOf((long) w) : String.valueOf(w);
    }

    /** The name with the power mode, e.g. {@code jetson-orin-nano-8gb@MAXN_SUPER}. */
    public String qualifiedName() {
        return powerMode == null ? name : name + "@" + powerMode;
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
     * @param fp16Tflops   peak dense FP16 (and BF16) tensor TFLOP/s
     * @param int8Tops     peak dense INT8 tensor TOP/s (the FP16 rate on GPUs without INT8 tensor math)
     * @param clockGhz     the GPU clock the peaks are quoted at (boost clock, or the board's top mode)
     * @param fp8Tflops    peak dense FP8 tensor TFLOP/s, 0 (or absent in the catalog file) for a GPU without
     *                     FP8 tensor math
     */
    public record Gpu(String name, double memoryGb, boolean sharedMemory, double fp32Tflops, double fp16Tflops,
            double int8Tops, double clockGhz, double fp8Tflops) {
        /** Validates every field. */
        public Gpu {
            requireNonNull(name, "name is null");
            positive(memoryGb, "gpu.memoryGb");
            positive(fp32Tflops, "gpu.fp32Tflops");
            positive(fp16Tflops, "gpu.fp16Tflops");
            positive(int8Tops, "gpu.int8Tops");
            positive(clockGhz, "gpu.clockGhz");
            if (!(fp8Tflops >= 0) || Double.isInfinite(fp8Tflops)) {
                throw new IllegalArgumentException("gpu.fp8Tflops: " + fp8Tflops + " (expected: >= 0, 0 = no FP8 tensor math)");
            }
        }

        /** True when the GPU has FP8 tensor math (Hopper, Ada). */
        public boolean hasFp8() {
            return fp8Tflops > 0;
        }
    }

    /**
     * One power mode of a board ({@code nvpmodel}), a variant of its profile. Zero leaves a figure at
     * the base profile's value.
     *
     * @param name                  the mode's name as {@code nvpmodel -q} prints it, e.g. {@code 15W},
     *                              {@code MAXN}, {@code MAXN_SUPER}
     * @param gpuClockGhz           the GPU's top clock in this mode, GHz
     * @param cpuCores              online CPU cores
     * @param cpuClockGhz           CPU top clock, GHz
     * @param memoryBandwidthGbPerS memory bandwidth at the mode's EMC clock, GB/s
     * @param powerW                the mode's power budget, W; for an uncapped mode the highest draw its
     *                              sources state (e.g. the data sheet's module maximum), or 0 where they
     *                              state none ({@link DeviceProfile#powerBudgetW(PowerMode)} then takes
     *                              the highest budget of the board's capped modes)
     * @param gpuTpcFraction        the fraction of the GPU's TPCs (texture processing clusters, two SMs
     *                              each on Orin) the mode leaves powered ({@code TPC_POWER_GATING} in the
     *                              board's nvpmodel configuration), 0 = all of them; the GPU's peaks scale
     *                              with it as with the clock
     * @param source                the public source of the mode's figures; a mode whose figures have
     *                              no checked public source says so with a source that begins with
     *                              {@code assumption:} (and what the figures rest on)
     * @param uncapped              true for a mode without a power cap: nvpmodel's "NONE power model to
     *                              release all constraints" ({@code MAXN}, {@code MAXN_SUPER} on Orin), which
     *                              sets no clock caps and no power budget
     */
    public record PowerMode(String name, double gpuClockGhz, int cpuCores, double cpuClockGhz,
            double memoryBandwidthGbPerS, double powerW, double gpuTpcFraction, String source, boolean uncapped) {
        /** A capped mode. */
        public PowerMode(String name, double gpuClockGhz, int cpuCores, double cpuClockGhz, double memoryBandwidthGbPerS,
                double powerW, double gpuTpcFraction, String source) {
            this(name, gpuClockGhz, cpuCores, cpuClockGhz, memoryBandwidthGbPerS, powerW, gpuTpcFraction, source, false);
        }

        /** Validates every field. */
        public PowerMode {
            requireNonNull(name, "powerModes.name is null");
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("powerModes." + name + ".source: missing (expected: the public source of the figures)");
            }
            if (uncapped) {
                if (!(powerW >= 0) || Double.isInfinite(powerW)) {
                    throw new IllegalArgumentException("powerModes." + name + ".powerW: " + powerW
                            + " (expected: >= 0 for an uncapped mode, 0 = the board's highest capped budget)");
                }
            } else {
                positive(powerW, "powerModes." + name + ".powerW");
            }
            if (gpuClockGhz < 0 || cpuCores < 0 || cpuClockGhz < 0 || memoryBandwidthGbPerS < 0) {
                throw new IllegalArgumentException("powerModes." + name + ": negative figure (expected: >= 0, 0 = base value)");
            }
            if (!(gpuTpcFraction >= 0 && gpuTpcFraction <= 1)) {
                throw new IllegalArgumentException("powerModes." + name + ".gpuTpcFraction: " + gpuTpcFraction
                        + " (expected: 0 < fraction <= 1, or 0 for all TPCs)");
            }
        }

        /** The fraction of the GPU's TPCs powered in this mode (1 when the mode gates none). */
        public double tpcFraction() {
            return gpuTpcFraction > 0 ? gpuTpcFraction : 1.0;
        }

        /** True when the mode's figures are an assumption (its source begins with {@code assumption:}). */
        public boolean assumed() {
            return source.strip().toLowerCase(java.util.Locale.ROOT).startsWith(ASSUMPTION_PREFIX);
        }

        /**
         * The matching key of a mode name: case, dashes and blanks ignored, and the {@code MODE_}
         * prefix some boards' nvpmodel configurations give their modes ({@code MODE_30W} on Jetson
         * AGX Orin) dropped.
         */
        static String key(String s) {
            String k = s == null ? "" : s.strip().toLowerCase(java.util.Locale.ROOT).replace('-', '_').replace(" ", "");
            return k.startsWith("mode_") && k.length() > 5 ? k.substring(5) : k;
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
