package org.edgefm.models.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times vision models (safetensors folders with a config.json) on ND4J: end-to-end latency of one
 * image, one block's latency, and the time of that block's matrix products alone (the same shapes,
 * preallocated outputs: the floor any implementation of the block pays); the block and the model
 * also through the unfused reference blocks (every op dispatched on its own), for comparison. Prints JSON. Run by
 * {@code tools/bench-models.sh}, which times PyTorch on the same folders with the same thread count.
 *
 * <p>Usage: {@code ModelBench REPS DIR...}; the thread count is ND4J's (OMP_NUM_THREADS).
 */
public final class ModelBench {
    private ModelBench() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ModelBench REPS DIR...");
            System.exit(2);
        }
        int reps = Integer.parseInt(args[0]);
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("engine", "nd4j 1.0.0-M2.1 " + Nd4j.getBackend().getClass().getSimpleName());
        out.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        ObjectNode models = out.putObject("models");
        for (int i = 1; i < args.length; i++) {
            Path dir = Path.of(args[i]);
            models.set(dir.getFileName().toString(), bench(dir, reps, json));
        }
        System.out.println(json.writeValueAsString(out));
    }

    static ObjectNode bench(Path dir, int reps, ObjectMapper json) {
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        ObjectNode r = json.createObjectNode();
        try (Weights w = Weights.open(dir)) {
            Transformer model = Transformer.load(arch, w, Transformer.Part.all(arch));
            Transformer block = Transformer.load(arch, w, new Transformer.Part(false, 0, 1, false));
            float[] image = Nd4j.randn(1L, new long[] {(long) arch.channels() * arch.imageSize() * arch.imageSize()})
                    .castTo(DataType.FLOAT).data().asFloat();
            Runnable e2e = () -> model.head(model.runBlocks(model.embedImage(image), new Sequence()), new Sequence());
            int t = arch.gridSide() * arch.gridSide() + 1;
            INDArray h = Nd4j.randn(2L, new long[] {t, arch.hidden()}).castTo(DataType.FLOAT);
            Runnable oneBlock = () -> block.runBlocks(h, new Sequence());
            Runnable unfused = () -> block.runBlocksUnfused(h, new Sequence());
            Runnable e2eUnfused = () -> model.head(model.runBlocksUnfused(model.embedImage(image), new Sequence()), new Sequence());
            Runnable gemms = gemmsOfBlock(t, arch.hidden(), arch.heads(), arch.intermediate());
            r.put("tokens", t);
            double[] e = time(e2e, reps);
            double[] b = time(oneBlock, reps);
            double[] g = time(gemms, reps);
            r.put("endToEndMs", e[0]);
            r.put("blockMs", b[0]);
            r.put("blockGemmsMs", g[0]);
            r.put("blockOverGemms", b[0] / g[0]);
            r.put("blockUnfusedMs", time(unfused, reps)[0]);
            r.put("endToEndUnfusedMs", time(e2eUnfused, reps)[0]);
            // CPU time of this thread per run: the work itself, whatever else the machine runs (the
            // whole work only with one thread: ND4J's and OpenBLAS's other threads are not counted)
            r.put("endToEndCpuMs", e[1]);
            r.put("blockCpuMs", b[1]);
            r.put("blockGemmsCpuMs", g[1]);
        }
        return r;
    }

    /** The matrix products of one encoder block on T tokens, into preallocated outputs. */
    static Runnable gemmsOfBlock(int t, int d, int heads, int m) {
        int dh = d / heads;
        INDArray x = Nd4j.randn(3L, new long[] {t, d}).castTo(DataType.FLOAT);
        INDArray[] w = new INDArray[4];
        INDArray[] y = new INDArray[4];
        for (int i = 0; i < 4; i++) {
            w[i] = Nd4j.randn(10L + i, new long[] {d, d}).castTo(DataType.FLOAT);
            y[i] = Nd4j.create(DataType.FLOAT, t, d);
        }
        INDArray w1 = Nd4j.randn(20L, new long[] {d, m}).castTo(DataType.FLOAT);
        INDArray w2 = Nd4j.randn(21L, new long[] {m, d}).castTo(DataType.FLOAT);
        INDArray up = Nd4j.create(DataType.FLOAT, t, m);
        INDArray down = Nd4j.create(DataType.FLOAT, t, d);
        INDArray q = Nd4j.randn(4L, new long[] {heads, t, dh}).castTo(DataType.FLOAT);
        INDArray k = Nd4j.randn(5L, new long[] {heads, t, dh}).castTo(DataType.FLOAT);
        INDArray v = Nd4j.randn(6L, new long[] {heads, t, dh}).castTo(DataType.FLOAT);
        INDArray scores = Nd4j.create(DataType.FLOAT, heads, t, t);
        INDArray ctx = Nd4j.create(DataType.FLOAT, heads, t, dh);
        return () -> {
            for (int i = 0; i < 4; i++) {
                Nd4j.gemm(x, w[i], y[i], false, false, 1.0, 0.0);
            }
            Nd4j.matmul(q, k, scores, false, true, false);
            Nd4j.matmul(scores, v, ctx, false, false, false);
            Nd4j.gemm(x, w1, up, false, false, 1.0, 0.0);
            Nd4j.gemm(up, w2, down, false, false, 1.0, 0.0);
        };
    }

    /** {median wall ms, mean CPU ms of this thread} over {@code reps} runs after a warm-up. */
    static double[] time(Runnable r, int reps) {
        double wall = median(r, reps);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
        return new double[] {wall, Math.round(cpu * 1000) / 1000.0};
    }

    static double median(Runnable r, int reps) {
        // warm-up: at least 10 runs and 3 s, so the JIT has compiled the fused passes (Java loops)
        long until = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 10 || System.nanoTime() < until; i++) {
            r.run();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return Math.round(ms[reps / 2] * 1000) / 1000.0;
    }
}
