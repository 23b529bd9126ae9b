package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.EdgeFmException;

/**
 * The fitted coefficients of the calibrated performance model ({@link PerformanceModel#calibrated}),
 * read from {@code org/edgefm/profiles/performance-model.json}. Few and physical, so that they carry
 * over to models and devices outside the measurements they were fitted on:
 *
 * <ul>
 *   <li>{@code kernelOverheadUsGhz}: the fixed cost of one GPU kernel (launch, fill and drain) in
 *       microseconds at a 1 GHz GPU clock; a kernel costs {@code kernelOverheadUsGhz / clockGhz} us.
 *       It dominates batch-1 latency of small networks.</li>
 *   <li>{@code hostLaunchUsGhz}: the host-side cost of launching one kernel when the runtime
 *       launches kernels one by one rather than replaying a captured CUDA graph, in microseconds
 *       at a 1 GHz CPU clock (a kernel costs {@code hostLaunchUsGhz / cpuClockGhz} us more).</li>
 *   <li>{@code llmKernelsPerLayer}: the kernels one decoder layer launches per generated token
 *       (norms, projections, rotary embedding, attention, MLP, residual adds; quantised runtimes add
 *       dequantisation).</li>
 *   <li>{@code memoryEfficiency}: the fraction of the data-sheet memory bandwidth streaming reads
 *       reach.</li>
 *   <li>{@code computeEfficiency}: the fraction of the data-sheet dense tensor peak that large
 *       matrix and convolution work reaches, by performance class ({@code default} for classes
 *       without their own value).</li>
 *   <li>{@code cpuComputeEfficiency}, {@code cpuMemoryEfficiency}: the same for the CPU engine.</li>
 * </ul>
 *
 * @param kernelOverheadUsGhz  per-kernel overhead, us x GHz
 * @param hostLaunchUsGhz      host launch cost per kernel without a CUDA graph, us x GHz (CPU clock)
 * @param llmKernelsPerLayer   kernels per decoder layer per step
 * @param memoryEfficiency     achieved fraction of GPU memory bandwidth
 * @param computeEfficiency    achieved fraction of the tensor peak, by performance class
 * @param cpuComputeEfficiency achieved fraction of the CPU's FP32 peak
 * @param cpuMemoryEfficiency  achieved fraction of the CPU's memory bandwidth
 * @param sources              where each coefficient comes from, by field name
 */
public record PerformanceCoefficients(double kernelOverheadUsGhz, double hostLaunchUsGhz, double llmKernelsPerLayer, double memoryEfficiency,
        Map<String, Double> computeEfficiency, double cpuComputeEfficiency, double cpuMemoryEfficiency,
        Map<String, String> sources) {
    /** Fields that MUST each have a source. */
    public static final List<String> SOURCED_FIELDS = List.of("kernelOverheadUsGhz", "hostLaunchUsGhz", "llmKernelsPerLayer",
            "memoryEfficiency", "computeEfficiency", "cpuComputeEfficiency", "cpuMemoryEfficiency");
    /** The resource the built-in coefficients are read from. */
    public static final String RESOURCE = "performance-model.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static volatile PerformanceCoefficients builtIn;

    /** Validates every field; a coefficient without a source is refused. */
    public PerformanceCoefficients {
        if (!(kernelOverheadUsGhz >= 0) || Double.isInfinite(kernelOverheadUsGhz)) {
            throw new IllegalArgumentException("kernelOverheadUsGhz: " + kernelOverheadUsGhz + " (expected: >= 0)");
        }
        if (!(hostLaunchUsGhz >= 0) || Double.isInfinite(hostLaunchUsGhz)) {
            throw new IllegalArgumentException("hostLaunchUsGhz: " + hostLaunchUsGhz + " (expected: >= 0)");
        }
        if (!(llmKernelsPerLayer >= 0) || Double.isInfinite(llmKernelsPerLayer)) {
            throw new IllegalArgumentException("llmKernelsPerLayer: " + llmKernelsPerLayer + " (expected: >= 0)");
        }
        fraction(memoryEfficiency, "memoryEfficiency");
        fraction(cpuComputeEfficiency, "cpuComputeEfficiency");
        fraction(cpuMemoryEfficiency, "cpuMemoryEfficiency");
        computeEfficiency = Map.copyOf(new LinkedHashMap<>(requireNonNull(computeEfficiency, "computeEfficiency is null")));
        if (!computeEfficiency.containsKey("default")) {
            throw new IllegalArgumentException("computeEfficiency.default: missing (expected: the value for classes without their own)");
        }
        computeEfficiency.forEach((k, v) -> fraction(v, "computeEfficiency." + k));
        sources = Map.copyOf(requireNonNull(sources, "sources is null"));
        for (String f : SOURCED_FIELDS) {
            String s = sources.get(f);
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("sources." + f + ": missing (expected: where the coefficient comes from)");
            }
        }
    }

    private static void fraction(double v, String what) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(what + ": " + v + " (expected: in (0, 1])");
        }
    }

    /** The built-in coefficients (read once). */
    public static PerformanceCoefficients builtIn() {
        PerformanceCoefficients c = builtIn;
        if (c == null) {
            try (InputStream in = PerformanceCoefficients.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new EdgeFmException("resource " + RESOURCE + " is missing");
                }
                c = MAPPER.readValue(in, PerformanceCoefficients.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new EdgeFmException(RESOURCE + ": " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            builtIn = c;
        }
        return c;
    }

    /** The compute efficiency of a performance class ({@code default} when it has none of its own). */
    public double computeEfficiency(String perfClass) {
        Double v = computeEfficiency.get(perfClass);
        return v != null ? v : computeEfficiency.get("default");
    }

    /** A copy with other values (sources kept), for fitting. */
    public PerformanceCoefficients with(double overhead, double hostLaunch, double llmKernels, double memEff,
            Map<String, Double> compute) {
        return new PerformanceCoefficients(overhead, hostLaunch, llmKernels, memEff, compute,
                cpuComputeEfficiency, cpuMemoryEfficiency, sources);
    }

    /** Writes these coefficients as JSON (the resource format). */
    public String toJson() {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new EdgeFmException("coefficients: " + e.getMessage(), e);
        }
    }
}
