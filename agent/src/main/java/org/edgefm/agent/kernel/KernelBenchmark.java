package org.edgefm.agent.kernel;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.model.KernelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Benchmark (not a test): each kernel's GFLOP/s against raw ND4J matrix products of exactly the
 * kernel's products ({@code KernelCost.gemms()}: same shapes, same count). The raw time is, for
 * each distinct shape, the faster of two ways to run all its products on preallocated operands
 * and outputs (no allocation): one {@code Nd4j.gemm} per product, or one batched
 * {@code Nd4j.matmul} over all of them (every head and layer at once: more batching than a kernel,
 * whose layers run in sequence, can do), summed over the shapes. The allocating
 * {@code a.mmul(b)} per product, the baseline of older runs, is printed for comparison. Kernel and
 * raw runs alternate, three rounds, best of each kept: the machine may be shared. Run with
 * {@code java -cp ... org.edgefm.agent.kernel.KernelBenchmark [seconds-per-measurement] [cpu]}.
 *
 * <p>With {@code cpu} the clock is the process's CPU time instead of wall time, which other
 * processes on a shared machine do not inflate; it needs {@code OMP_NUM_THREADS=1} (ND4J's ops
 * and BLAS then run on the calling thread, and no idle OpenMP thread spins), so the figures are
 * one core's.
 */
public final class KernelBenchmark {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static boolean cpuClock;

    private KernelBenchmark() {
    }

    /** Prints one line per kernel (kernel GFLOP/s, raw GFLOP/s, ratio, allocating mmul GFLOP/s), then the parts' times. */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        cpuClock = args.length > 1 && args[1].equals("cpu");
        if (cpuClock && !"1".equals(System.getenv("OMP_NUM_THREADS"))) {
            System.err.println("KernelBenchmark: 'cpu' needs OMP_NUM_THREADS=1 (one thread, no spinning OpenMP workers)");
            System.exit(2);
        }
        System.out.println("clock: " + (cpuClock ? "process CPU time, one thread" : "wall time") + "; OMP_WAIT_POLICY="
                + System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset: libgomp spins)"));
        List<KernelSpec> specs = List.of(
                new KernelSpec("transformer-encoder", Map.of("layers", 4, "hidden", 768, "heads", 12, "tokens", 197, "mlp", 3072), null),
                new KernelSpec("patchify", Map.of("image", 336, "patch", 14, "channels", 3, "hidden", 1024), null),
                new KernelSpec("fusion", Map.of("tokens", 576, "in", 1024, "hidden", 4096, "out", 4096), null),
                new KernelSpec("head", Map.of("in", 1024, "out", 1000, "tokens", 197), null));
        System.out.printf(Locale.ROOT, "%-20s %11s %9s %6s %11s  %s%n", "kernel", "kernel GF/s", "raw GF/s", "ratio", "mmul GF/s", "dims");
        for (KernelSpec s : specs) {
            Kernel k = Kernel.load(s, null, 1L);
            List<INDArray> in = List.of(k.sampleInput(2));
            Map<List<Integer>, Integer> shapes = new LinkedHashMap<>();
            for (int[] g : k.cost().gemms()) {
                shapes.merge(List.of(g[0], g[1], g[2]), 1, Integer::sum);
            }
            List<Runnable[]> ways = new ArrayList<>();
            shapes.forEach((g, n) -> ways.add(new Runnable[] {oneByOne(g, n), batched(g, n)}));
            Runnable allocating = allocating(k.cost().gemms());
            double kernelMs = Double.MAX_VALUE;
            double allocMs = Double.MAX_VALUE;
            double[][] rawMs = new double[ways.size()][2];
            for (double[] r : rawMs) {
                Arrays.fill(r, Double.MAX_VALUE);
            }
            for (int round = 0; round < 3; round++) {
                kernelMs = Math.min(kernelMs, time(() -> k.run(in).close(), seconds));
                for (int i = 0; i < ways.size(); i++) {
                    for (int w = 0; w < 2; w++) {
                        rawMs[i][w] = Math.min(rawMs[i][w], time(ways.get(i)[w], seconds / ways.size()));
                    }
                }
                allocMs = Math.min(allocMs, time(allocating, seconds));
            }
            double raw = 0;
            for (double[] r : rawMs) {
                raw += Math.min(r[0], r[1]);
            }
            double flops = k.cost().flops();
            System.out.printf(Locale.ROOT, "%-20s %11.1f %9.1f %5.0f%% %11.1f  %s%n", s.kind(),
                    flops / kernelMs / 1e6, flops / raw / 1e6, 100 * raw / kernelMs, flops / allocMs / 1e6, s.dims());
        }
        parts(seconds);
    }

    /** Times, alone, the steps besides the listed products that explain the gaps above (dims as above). */
    private static void parts(double seconds) {
        INDArray one = Nd4j.rand(DataType.FLOAT, 1, 1);
        INDArray oneOut = Nd4j.create(DataType.FLOAT, 1, 1);
        INDArray ones = Nd4j.ones(DataType.FLOAT, 1, 197);
        INDArray tokens = Nd4j.rand(DataType.FLOAT, 197, 1024);
        INDArray pooled = Nd4j.create(DataType.FLOAT, 1, 1024);
        INDArray logits = Nd4j.rand(DataType.FLOAT, 1, 1000);
        INDArray scores = Nd4j.rand(DataType.FLOAT, 12, 197, 197);
        INDArray up = Nd4j.randn(1L, new long[] {197, 3072}).castTo(DataType.FLOAT);
        INDArray act = Nd4j.create(DataType.FLOAT, 197, 3072);
        Map<String, Runnable> parts = new LinkedHashMap<>();
        parts.put("Nd4j.gemm of 1x1 by 1x1 (the fixed cost of a call)", () -> Nd4j.gemm(one, one, oneOut, false, false, 1, 0));
        parts.put("head: mean-pool (1/T)·1ᵀX, 1x197 by 197x1024", () -> Nd4j.gemm(ones, tokens, pooled, false, false, 1.0 / 197, 0));
        parts.put("head: softmax of 1x1000", () -> Nd4j.exec(new SoftMax(logits, logits, 1)));
        parts.put("head: allocate the 1x1000 output", () -> Nd4j.createUninitialized(DataType.FLOAT, 1, 1000));
        parts.put("encoder: softmax of 12x197x197, per layer", () -> Nd4j.exec(new SoftMax(scores, scores, 2)));
        parts.put("encoder: GELU of 197x3072, per layer", () -> Nd4j.exec(new GELU(up, act)));
        for (Map.Entry<String, Runnable> p : parts.entrySet()) {
            double ms = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                ms = Math.min(ms, time(p.getValue(), seconds / 3));
            }
            System.out.printf(Locale.ROOT, "%-52s %9.1f us%n", p.getKey(), ms * 1e3);
        }
    }

    /** The n products of one shape {m, k, n}, one {@code Nd4j.gemm} each, into preallocated outputs. */
    private static Runnable oneByOne(List<Integer> g, int n) {
        List<INDArray[]> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(new INDArray[] {Nd4j.rand(DataType.FLOAT, g.get(0), g.get(1)), Nd4j.rand(DataType.FLOAT, g.get(1), g.get(2)),
                Nd4j.create(DataType.FLOAT, g.get(0), g.get(2))});
        }
        return () -> {
            for (INDArray[] o : ops) {
                Nd4j.gemm(o[0], o[1], o[2], false, false, 1, 0);
            }
        };
    }

    /** The n products of one shape as one batched matmul into a preallocated output. */
    private static Runnable batched(List<Integer> g, int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, g.get(0), g.get(1));
        INDArray b = Nd4j.rand(DataType.FLOAT, n, g.get(1), g.get(2));
        INDArray c = Nd4j.create(DataType.FLOAT, n, g.get(0), g.get(2));
        return () -> Nd4j.matmul(a, b, c, false, false, false);
    }

    private static Runnable allocating(List<int[]> gemms) {
        List<INDArray[]> ops = new ArrayList<>();
        for (int[] g : gemms) {
            ops.add(new INDArray[] {Nd4j.rand(DataType.FLOAT, g[0], g[1]), Nd4j.rand(DataType.FLOAT, g[1], g[2])});
        }
        return () -> {
            for (INDArray[] o : ops) {
                o[0].mmul(o[1]);
            }
        };
    }

    private static double time(Runnable r, double seconds) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        long t0 = now();
        int n = 0;
        while (now() - t0 < seconds * 1e9 || n < 3) {
            r.run();
            n++;
        }
        return (now() - t0) / 1e6 / n;
    }

    private static long now() {
        return cpuClock ? OS.getProcessCpuTime() : System.nanoTime();
    }
}
