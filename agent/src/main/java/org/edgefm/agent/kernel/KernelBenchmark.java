package org.edgefm.agent.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.model.KernelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Benchmark (not a test): each kernel's GFLOP/s against raw ND4J {@code mmul} of exactly the same
 * matrix products on preallocated operands. Run with
 * {@code java -cp ... org.edgefm.agent.kernel.KernelBenchmark [seconds-per-measurement]}.
 */
public final class KernelBenchmark {
    private KernelBenchmark() {
    }

    /** Prints one line per kernel: kernel GFLOP/s, raw mmul GFLOP/s, ratio. */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<KernelSpec> specs = List.of(
                new KernelSpec("transformer-encoder", Map.of("layers", 4, "hidden", 768, "heads", 12, "tokens", 197, "mlp", 3072), null),
                new KernelSpec("patchify", Map.of("image", 336, "patch", 14, "channels", 3, "hidden", 1024), null),
                new KernelSpec("fusion", Map.of("tokens", 576, "in", 1024, "hidden", 4096, "out", 4096), null),
                new KernelSpec("head", Map.of("in", 1024, "out", 1000, "tokens", 197), null));
        System.out.printf(Locale.ROOT, "%-22s %12s %12s %8s  %s%n", "kernel", "kernel GF/s", "mmul GF/s", "ratio", "dims");
        for (KernelSpec s : specs) {
            Kernel k = Kernel.load(s, null, 1L);
            List<INDArray> in = List.of(k.sampleInput(2));
            List<INDArray[]> ops = new ArrayList<>();
            for (int[] g : k.cost().gemms()) {
                ops.add(new INDArray[] {Nd4j.rand(DataType.FLOAT, g[0], g[1]), Nd4j.rand(DataType.FLOAT, g[1], g[2])});
            }
            Runnable raw = () -> {
                for (INDArray[] o : ops) {
                    o[0].mmul(o[1]);
                }
            };
            // alternate the two and keep the best round of each: the machine may be shared
            double kernelMs = Double.MAX_VALUE;
            double rawMs = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                kernelMs = Math.min(kernelMs, time(() -> k.run(in), seconds / 3));
                rawMs = Math.min(rawMs, time(raw, seconds / 3));
            }
            double kg = k.cost().flops() / kernelMs / 1e6;
            double rg = k.cost().flops() / rawMs / 1e6;
            System.out.printf(Locale.ROOT, "%-22s %12.1f %12.1f %7.0f%%  %s%n", s.kind(), kg, rg, 100 * kg / rg, s.dims());
        }
    }

    private static double time(Runnable r, double seconds) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - t0 < seconds * 1e9 || n < 3) {
            r.run();
            n++;
        }
        return (System.nanoTime() - t0) / 1e6 / n;
    }
}
