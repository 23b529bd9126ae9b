package org.edgefm.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.wire.KernelCalibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class KernelTest {
    static final KernelSpec ENCODER = new KernelSpec("transformer-encoder",
            Map.of("layers", 2, "hidden", 64, "heads", 4, "tokens", 16, "mlp", 128), null);

    @Test
    void transformerEncoder_outputHasTokensByHidden_andIsNormalisedPerRow() {
        Kernel k = Kernel.load(ENCODER, null, 7);
        INDArray out = k.runDetached(List.of(k.sampleInput(1)));
        assertThat(out.shape()).containsExactly(16, 64);
        // post-norm: every row has mean ~0 and variance ~1, and nothing overflowed
        assertThat(out.mean(1).maxNumber().doubleValue()).isLessThan(1e-4);
        assertThat(out.mul(out).mean(1).minNumber().doubleValue()).isBetween(0.99, 1.01);
        assertThat(out.isInfinite().any() || out.isNaN().any()).isFalse();
    }

    @Test
    void sameSeed_sameWeights_sameOutput_otherSeedDiffers() {
        INDArray in = Kernel.load(ENCODER, null, 1).sampleInput(3);
        INDArray a = Kernel.load(ENCODER, null, 42).runDetached(List.of(in));
        INDArray b = Kernel.load(ENCODER, null, 42).runDetached(List.of(in));
        INDArray c = Kernel.load(ENCODER, null, 43).runDetached(List.of(in));
        assertThat(a.equalsWithEps(b, 1e-6)).isTrue();
        assertThat(a.equalsWithEps(c, 1e-3)).isFalse();
    }

    @Test
    void fusion_twoParentInputs_areFittedToItsInputShape() {
        Kernel k = Kernel.load(new KernelSpec("fusion", Map.of("tokens", 8, "in", 32, "hidden", 64, "out", 16), null), null, 1);
        INDArray p1 = Nd4j.rand(DataType.FLOAT, 3, 10);
        INDArray p2 = Nd4j.rand(DataType.FLOAT, 5, 7);
        assertThat(k.runDetached(List.of(p1, p2)).shape()).containsExactly(8, 16);
    }

    @Test
    void head_givesAProbabilityVector() {
        Kernel k = Kernel.load(new KernelSpec("head", Map.of("in", 32, "out", 10, "tokens", 4), null), null, 1);
        INDArray p = k.runDetached(List.of(Nd4j.rand(DataType.FLOAT, 4, 32)));
        assertThat(p.shape()).containsExactly(1, 10);
        assertThat(p.sumNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void head_equalsSoftmaxOfTheTokenMeanTimesW() {
        KernelSpec spec = new KernelSpec("head", Map.of("in", 6, "out", 5, "tokens", 7), null);
        Kernel k = Kernel.load(spec, null, 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 6);
        INDArray w = new Kernel.WeightSource(3, null).next(6, 5);
        INDArray logits = x.mean(true, 0).mmul(w);
        INDArray e = org.nd4j.linalg.ops.transforms.Transforms.exp(logits.sub(logits.maxNumber()), true);
        INDArray expected = e.div(e.sumNumber());
        assertThat(k.runDetached(List.of(x)).equalsWithEps(expected, 1e-5)).isTrue();
    }

    @Test
    void patchify_matchesAPlainMatrixProduct() {
        KernelSpec spec = new KernelSpec("patchify", Map.of("image", 8, "patch", 4, "channels", 1, "hidden", 5), null);
        Kernel k = Kernel.load(spec, null, 9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 16);
        INDArray w = new Kernel.WeightSource(9, null).next(16, 5);
        assertThat(k.runDetached(List.of(x)).equalsWithEps(x.mmul(w), 1e-5)).isTrue();
    }

    @Test
    void npyWeights_areLoaded_andAWrongSizeIsNamed(@TempDir Path dir) throws Exception {
        KernelSpec spec = new KernelSpec("head", Map.of("in", 4, "out", 3), "head.npy");
        INDArray w = Nd4j.linspace(DataType.FLOAT, 1, 12, 1);
        Files.write(dir.resolve("head.npy"), Nd4j.toNpyByteArray(w));
        Kernel k = Kernel.load(spec, dir, 1);
        INDArray x = Nd4j.create(new float[] {1, 0, 0, 0}, new long[] {1, 4}, 'c');
        INDArray expected = Nd4j.create(new float[] {1, 2, 3}, new long[] {1, 3}, 'c');
        // softmax of row 0 of W = [1, 2, 3]
        INDArray sm = org.nd4j.linalg.ops.transforms.Transforms.exp(expected, true);
        sm.divi(sm.sumNumber());
        assertThat(k.runDetached(List.of(x)).equalsWithEps(sm, 1e-5)).isTrue();

        Files.write(dir.resolve("bad.npy"), Nd4j.toNpyByteArray(Nd4j.zeros(DataType.FLOAT, 5)));
        assertThatThrownBy(() -> Kernel.load(new KernelSpec("head", Map.of("in", 4, "out", 3), "bad.npy"), dir, 1))
                .isInstanceOf(EdgeFmException.class).hasMessageContaining("holds 5 values (expected: 12)");
        assertThatThrownBy(() -> Kernel.load(new KernelSpec("head", Map.of("in", 4, "out", 3), "missing.npy"), dir, 1))
                .hasMessageContaining("is not readable");
    }

    @Test
    void calibrator_reportsPositiveRatesForEveryKind() {
        List<KernelCalibration> cal = new Calibrator(1, 0).calibrateAll();
        assertThat(cal).extracting(KernelCalibration::kernel).containsExactly("transformer-encoder", "patchify", "fusion", "head");
        assertThat(cal).allSatisfy(c -> {
            assertThat(c.gflops()).isPositive();
            assertThat(c.mbPerMs()).isPositive();
            assertThat(c.preloadMs()).isNotNull();
        });
    }

    @Test
    void transformerEncoder_batchedAttention_equalsAPerHeadReference() {
        KernelSpec spec = new KernelSpec("transformer-encoder", Map.of("layers", 1, "hidden", 16, "heads", 4, "tokens", 6, "mlp", 32), null);
        Kernel k = Kernel.load(spec, null, 5);
        INDArray x = k.sampleInput(8);
        assertThat(k.runDetached(List.of(x)).equalsWithEps(encoderReference(x, 1, 16, 4, 32, 5), 1e-4)).isTrue();
    }

    @Test
    void transformerEncoder_threeLayers_equalsThePerHeadReference_andLeavesItsInputAlone() {
        KernelSpec spec = new KernelSpec("transformer-encoder", Map.of("layers", 3, "hidden", 48, "heads", 6, "tokens", 13, "mlp", 96), null);
        Kernel k = Kernel.load(spec, null, 11);
        INDArray x = k.sampleInput(4);
        INDArray before = x.dup();
        INDArray expected = encoderReference(x, 3, 48, 6, 96, 11);
        assertThat(k.runDetached(List.of(x)).equalsWithEps(expected, 1e-3)).isTrue();
        // a second call on reused working arrays gives the same result
        assertThat(k.runDetached(List.of(x)).equalsWithEps(expected, 1e-3)).isTrue();
        assertThat(x.equalsWithEps(before, 0)).isTrue();
    }

    @Test
    void fusion_equalsLinearGeluLinear() {
        KernelSpec spec = new KernelSpec("fusion", Map.of("tokens", 9, "in", 24, "hidden", 40, "out", 12), null);
        Kernel k = Kernel.load(spec, null, 6);
        INDArray x = k.sampleInput(2);
        Kernel.WeightSource ws = new Kernel.WeightSource(6, null);
        INDArray h = x.mmul(ws.next(24, 40));
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.GELU(h, h));
        INDArray expected = h.mmul(ws.next(40, 12));
        assertThat(k.runDetached(List.of(x)).equalsWithEps(expected, 1e-4)).isTrue();
    }

    @Test
    void concurrentCalls_onReusedWorkingArrays_giveTheOneAtATimeOutputs() throws Exception {
        List<Kernel> kernels = List.of(Kernel.load(ENCODER, null, 3),
                Kernel.load(new KernelSpec("fusion", Map.of("tokens", 16, "in", 32, "hidden", 64, "out", 16), null), null, 3),
                Kernel.load(new KernelSpec("head", Map.of("in", 32, "out", 10, "tokens", 8), null), null, 3));
        for (Kernel k : kernels) {
            List<INDArray> inputs = new java.util.ArrayList<>();
            List<INDArray> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inputs.add(k.sampleInput(100 + i));
                expected.add(k.runDetached(List.of(inputs.get(i))));
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<INDArray>> got = new java.util.ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    for (INDArray in : inputs) {
                        got.add(pool.submit(() -> k.runDetached(List.of(in))));
                    }
                }
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i).get().equalsWithEps(expected.get(i % inputs.size()), 1e-5))
                            .as("%s call %d", k.spec().kind(), i).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void output_closedThenNextCall_reusesTheArray_andAClosedOutputCannotBeRead() {
        Kernel k = Kernel.load(new KernelSpec("fusion", Map.of("tokens", 8, "in", 16, "hidden", 32, "out", 8), null), null, 4);
        INDArray a = k.sampleInput(1);
        INDArray b = k.sampleInput(2);
        INDArray expectedB = k.runDetached(List.of(b));
        Kernel.Output first = k.run(List.of(a));
        INDArray firstArray = first.array();
        Kernel.Output concurrent = k.run(List.of(b));
        assertThat(concurrent.array()).as("an open output is never handed out twice").isNotSameAs(firstArray);
        concurrent.close();
        first.close();
        first.close(); // twice: harmless, and the array goes back to the pool only once
        assertThatThrownBy(first::array).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        try (Kernel.Output again = k.run(List.of(b)); Kernel.Output other = k.run(List.of(b))) {
            assertThat(again.array()).as("the pool's most recently returned array").isSameAs(firstArray);
            assertThat(other.array()).isNotSameAs(firstArray);
            assertThat(again.array().equalsWithEps(expectedB, 1e-5)).as("a reused array holds the new result only").isTrue();
        }
    }

    /** The encoder computed the plain way: per-head products on copied slices, allocating every step. */
    private static INDArray encoderReference(INDArray x, int layers, int hidden, int heads, int mlp, long seed) {
        Kernel.WeightSource ws = new Kernel.WeightSource(seed, null);
        int t = x.rows();
        int dh = hidden / heads;
        INDArray cur = x;
        for (int l = 0; l < layers; l++) {
            INDArray wqkv = ws.next(hidden, 3 * hidden);
            INDArray wo = ws.next(hidden, hidden);
            INDArray w1 = ws.next(hidden, mlp);
            INDArray w2 = ws.next(mlp, hidden);
            INDArray qkv = cur.mmul(wqkv);
            INDArray ctx = Nd4j.zeros(DataType.FLOAT, t, hidden);
            for (int h = 0; h < heads; h++) {
                INDArray q = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(h * dh, h * dh + dh)).dup();
                INDArray kk = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(hidden + h * dh, hidden + h * dh + dh)).dup();
                INDArray v = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * hidden + h * dh, 2 * hidden + h * dh + dh)).dup();
                INDArray s = q.mmul(kk.transpose()).muli(1.0 / Math.sqrt(dh));
                for (int r = 0; r < t; r++) {
                    INDArray row = s.getRow(r);
                    INDArray e = org.nd4j.linalg.ops.transforms.Transforms.exp(row.sub(row.maxNumber()), true);
                    s.putRow(r, e.div(e.sumNumber()));
                }
                ctx.get(NDArrayIndex.all(), NDArrayIndex.interval(h * dh, h * dh + dh)).assign(s.mmul(v));
            }
            INDArray a = norm(cur.add(ctx.mmul(wo)));
            INDArray up = a.mmul(w1);
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.GELU(up, up));
            cur = norm(a.add(up.mmul(w2)));
        }
        return cur;
    }

    private static INDArray norm(INDArray m) {
        INDArray c = m.subColumnVector(m.mean(true, 1));
        INDArray sd = org.nd4j.linalg.ops.transforms.Transforms.sqrt(c.mul(c).mean(true, 1).addi(1e-5), true);
        return c.divColumnVector(sd);
    }
}
