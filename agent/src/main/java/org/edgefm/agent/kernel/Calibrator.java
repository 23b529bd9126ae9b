package org.edgefm.agent.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.wire.KernelCalibration;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Times each kernel kind on this machine with a fixed calibration size and reports GFLOP/s,
 * workload MB per ms (input tensor MB, FP32) and the weight preload time. Blocking: call on a
 * worker thread.
 */
public final class Calibrator {
    /** The calibration size of each kind: small enough to take well under a second on a 2-core VM. */
    public static final Map<String, KernelSpec> STANDARD;

    static {
        Map<String, KernelSpec> m = new LinkedHashMap<>();
        m.put("transformer-encoder", new KernelSpec("transformer-encoder",
                Map.of("layers", 2, "hidden", 256, "heads", 4, "tokens", 128, "mlp", 1024), null));
        m.put("patchify", new KernelSpec("patchify", Map.of("image", 224, "patch", 16, "channels", 3, "hidden", 256), null));
        m.put("fusion", new KernelSpec("fusion", Map.of("tokens", 128, "in", 256, "hidden", 1024, "out", 256), null));
        m.put("head", new KernelSpec("head", Map.of("in", 256, "out", 64, "tokens", 128), null));
        STANDARD = java.util.Collections.unmodifiableMap(m);
    }

    private final int minRuns;
    private final long minNanos;

    /** A calibrator that runs each kernel at least {@code minRuns} times and for at least {@code minMs}. */
    public Calibrator(int minRuns, long minMs) {
        if (minRuns <= 0) {
            throw new IllegalArgumentException("minRuns: " + minRuns + " (expected: > 0)");
        }
        this.minRuns = minRuns;
        this.minNanos = minMs * 1_000_000L;
    }

    /** Calibrates every standard kind. */
    public List<KernelCalibration> calibrateAll() {
        List<KernelCalibration> out = new ArrayList<>();
        for (KernelSpec spec : STANDARD.values()) {
            out.add(calibrate(spec));
        }
        return out;
    }

    /** Calibrates one kernel spec: two warm-up runs, then timed runs. */
    public KernelCalibration calibrate(KernelSpec spec) {
        Kernel k = Kernel.load(spec, (Path) null, 1L);
        INDArray in = k.sampleInput(2L);
        List<INDArray> input = List.of(in);
        k.run(input).close();
        k.run(input).close();
        int runs = 0;
        long t0 = System.nanoTime();
        long elapsed;
        do {
            k.run(input).close();
            runs++;
            elapsed = System.nanoTime() - t0;
        } while (runs < minRuns || elapsed < minNanos);
        double msPerRun = elapsed / 1e6 / runs;
        double gflops = k.cost().flops() / (msPerRun / 1e3) / 1e9;
        double inputMb = k.cost().inputElements() * 4.0 / 1e6;
        return new KernelCalibration(spec.kind(), gflops, inputMb / msPerRun, k.preloadMs());
    }
}
