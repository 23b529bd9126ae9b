package org.edgefm.models.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgefm.models.References;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each fused kernel against its unfused {@link Ops} reference on random inputs, on both sides of the
 * size thresholds (the Java path of small arrays and the native path of large ones): within 1e-5
 * relative (max absolute difference over the reference's largest magnitude).
 */
class FusedTest {
    static final double TOL = 1e-5;

    static INDArray rand(long seed, long... shape) {
        return Nd4j.randn(seed, shape).castTo(DataType.FLOAT).muli(2.0);
    }

    static void close(String what, INDArray actual, INDArray expected) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        assertThat(References.relErr(actual, expected)).as(what).isLessThanOrEqualTo(TOL);
    }

    @Test
    void layerNormAndRmsNorm_equalTheComposedOps() {
        INDArray x = rand(1, 7, 48);
        INDArray g = rand(2, 1, 48);
        INDArray b = rand(3, 1, 48);
        close("layer norm", Fused.layerNorm(x, Fused.floats(g), Fused.floats(b), 1e-5), Ops.layerNorm(x, g, b, 1e-5));
        close("layer norm, no gain or bias", Fused.layerNorm(x, null, null, 1e-12), Ops.layerNorm(x, null, null, 1e-12));
        close("rms norm", Fused.rmsNorm(x, Fused.floats(g), 1e-6), Ops.rmsNorm(x, g, 1e-6));
        INDArray view = rand(4, 9, 48).getRow(3).reshape(1, 48); // a view: copied, not misread
        close("layer norm of a view", Fused.layerNorm(view, null, null, 1e-5), Ops.layerNorm(view.dup(), null, null, 1e-5));
        INDArray inPlace = x.dup();
        Fused.layerNorm(inPlace, Fused.floats(g), Fused.floats(b), 1e-5, inPlace);
        close("layer norm in place", inPlace, Ops.layerNorm(x, g, b, 1e-5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gelu", "gelu_new", "quick_gelu", "silu", "relu"})
    void biasActivation_smallJavaAndLargeNative_equalTheComposedOps(String act) {
        for (long rows : new long[] {5, Fused.NATIVE_ELEMENTS / 64 + 3}) {
            INDArray y = rand(10 + rows, rows, 64);
            INDArray b = rand(11, 1, 64);
            INDArray expected = Ops.activation(act, y.addRowVector(b));
            close(act + " on " + rows + " rows", Fused.biasActivation(act, y.dup(), Fused.floats(b)), expected);
        }
        assertThatThrownBy(() -> Fused.biasActivation("mish", rand(1, 2, 4), null)).hasMessageContaining("'mish'");
    }

    @Test
    void erfc_matchesTheNativeErfAcrossTheRange() {
        INDArray x = Nd4j.linspace(-6, 6, 2001, DataType.DOUBLE);
        INDArray erf = x.dup();
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(erf, erf));
        for (int i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            double want = 1 - erf.getDouble(i);
            assertThat(Fused.erfc(v)).as("erfc(%s)", v).isCloseTo(want, org.assertj.core.data.Offset.offset(2e-7 * Math.max(want, 1e-30) + 1e-12));
        }
    }

    @Test
    void biasActivation_exactGelu_withinItsStatedErrorOfTheDoubleFormula() {
        int n = 40_001;
        INDArray y = Nd4j.linspace(-10, 10, n, DataType.FLOAT).reshape(1, n);
        float[] x = Fused.floats(y);
        float[] got = Fused.floats(Fused.biasActivation("gelu", y, null));
        double worstAbs = 0;
        double worstRel = 0;
        for (int i = 0; i < n; i++) {
            double want = 0.5 * x[i] * Fused.erfc(-x[i] * Math.sqrt(0.5));
            double err = Math.abs(got[i] - want);
            worstAbs = Math.max(worstAbs, err / Math.max(1, Math.abs(x[i])));
            if (want != 0) {
                worstRel = Math.max(worstRel, err / Math.abs(want));
            }
        }
        // the rational erf's 5e-7 absolute error, halved and scaled by |x|, plus float rounding
        assertThat(worstAbs).as("largest absolute error over max(1, |x|)").isLessThanOrEqualTo(5e-7);
        // where 1 + erf is smallest (x just above −2) that error is relative to 0.0455; below −2 erfc's 1.2e-7
        assertThat(worstRel).as("largest relative error").isLessThanOrEqualTo(2e-5);
    }

    @Test
    void exp_withinARoundingOfMathExp_andItsEdges() {
        double worst = 0;
        for (float x = -87.3f; x < 88.3f; x += 0.0007f) {
            double want = Math.exp(x);
            worst = Math.max(worst, Math.abs(Fused.exp(x) - want) / want);
        }
        assertThat(worst).as("largest relative error").isLessThanOrEqualTo(1.2e-7);
        assertThat(Fused.exp(0f)).isEqualTo(1f);
        assertThat(Fused.exp(-100f)).isEqualTo(0f);
        assertThat(Fused.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(Fused.exp(89f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Fused.exp(Float.NaN)).isNaN();
    }

    @Test
    void swiglu_bothPaths_equalSiluTimesUp() {
        for (long rows : new long[] {3, Fused.NATIVE_ELEMENTS / 64 + 1}) {
            INDArray g = rand(20, rows, 64);
            INDArray u = rand(21, rows, 64);
            close("swiglu on " + rows + " rows", Fused.swiglu(g.dup(), u), Ops.silu(g).muli(u));
        }
    }

    @Test
    void addRowsAndLinear_biasThenResidual() {
        INDArray x = rand(30, 6, 16);
        INDArray w = rand(31, 16, 24);
        INDArray b = rand(32, 1, 24);
        INDArray r = rand(33, 6, 24);
        close("linear + bias + residual", Fused.linear(x, w, Fused.floats(b), r), Ops.linear(x, w, b).addi(r));
        close("linear", Fused.linear(x, w, null, null), x.mmul(w));
    }

    @Test
    void rotary_onTheQueryAndKeyColumnsOfOneMatrix_equalsOpsRotaryOnEach() {
        int heads = 4;
        int kvHeads = 2;
        int dh = 8;
        INDArray q = rand(40, 5, heads * dh);
        INDArray k = rand(41, 5, kvHeads * dh);
        INDArray qk = Nd4j.concat(1, q, k);
        Fused.rotary(qk, 0, heads, dh, 7, 10000);
        Fused.rotary(qk, heads * dh, kvHeads, dh, 7, 10000);
        close("rotary q", qk.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, heads * dh)),
                Ops.rotary(q, heads, 7, 10000));
        close("rotary k", qk.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(heads * dh, (heads + kvHeads) * dh)), Ops.rotary(k, kvHeads, 7, 10000));
    }

    @Test
    void attention_smallAndBatched_groupedQuery_masked_equalsOpsAttention() {
        // {heads, kvHeads, queries, keys, head width}: the first two run in Java, the last two as batched products
        int[][] cases = {{4, 4, 6, 6, 8}, {4, 2, 1, 9, 8}, {8, 8, 40, 40, 32}, {8, 2, 3, 300, 32}};
        for (int[] c : cases) {
            int heads = c[0];
            int kvHeads = c[1];
            int t = c[2];
            int s = c[3];
            int dh = c[4];
            INDArray q = rand(50 + t, t, heads * dh);
            INDArray k = rand(51 + s, s, kvHeads * dh);
            INDArray v = rand(52 + s, s, kvHeads * dh);
            for (INDArray mask : new INDArray[] {null, Ops.causalMask(t, s - t)}) {
                String what = heads + "/" + kvHeads + " heads, " + t + "x" + s + (mask == null ? "" : ", causal");
                // the queries as the first columns of a wider matrix (as in a fused Q|K|V product)
                INDArray qx = Nd4j.concat(1, rand(53, t, 5), q, rand(54, t, 3));
                close(what, FusedAttention.attention(qx, 5, k, v, heads, kvHeads, mask), Ops.attention(q, k, v, heads, kvHeads, mask));
            }
        }
    }

    @Test
    void columns_appendsBelowThePastRows() {
        INDArray x = rand(60, 3, 10);
        INDArray past = rand(61, 4, 4);
        INDArray out = Fused.columns(x, 2, 4, past);
        close("appended", out, Nd4j.concat(0, past, x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 6))));
        assertThat(Fused.isDense(out)).isTrue();
        assertThat(Fused.isDense(x.getRow(1))).as("a row view does not start its buffer").isFalse();
    }
}
