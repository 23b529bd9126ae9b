package org.edgefm.models.nn;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head scaled dot-product attention of all heads at once, the fused form of
 * {@link Ops#attention}: two batched ND4J products with one native softmax, or, for a small
 * attention (a decode step, a tiny model), one pass in Java on heap arrays with no native op.
 */
public final class FusedAttention {
    /** Attention with fewer multiply-adds than this (heads x queries x keys x head width) runs in Java; larger, as batched ND4J products. */
    public static final long NATIVE_ATTENTION_MACS = 1L << 19;

    private FusedAttention() {
    }

    /**
     * Multi-head scaled dot-product attention in two batched matrix products over all heads: the
     * queries are columns [qCol, qCol + H·dh) of {@code qx} [T, ·]; k and v are dense [S, Hkv·dh]
     * (grouped-query attention when Hkv &lt; H); {@code mask} is an additive [T, S] matrix or null.
     * Returns [T, H·dh]. The scale 1/√dh is applied to the queries.
     */
    public static INDArray attention(INDArray qx, int qCol, INDArray k, INDArray v, int heads, int kvHeads, INDArray mask) {
        int t = (int) qx.rows();
        int s = (int) k.rows();
        int w = (int) qx.columns();
        int kw = (int) k.columns();
        int dh = kw / kvHeads;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(dh));
        if ((long) heads * t * s * dh < NATIVE_ATTENTION_MACS) {
            return attentionSmall(qx, qCol, k, v, heads, kvHeads, mask, scale);
        }
        INDArray qh = Nd4j.createUninitialized(DataType.FLOAT, heads, t, dh);
        INDArray kh = Nd4j.createUninitialized(DataType.FLOAT, heads, s, dh);
        INDArray vh = Nd4j.createUninitialized(DataType.FLOAT, heads, s, dh);
        FloatBuffer q = Fused.buf(qx);
        FloatBuffer qo = Fused.buf(qh);
        float[] row = new float[Math.max(heads * dh, kw)];
        for (int i = 0; i < t; i++) {
            q.get(i * w + qCol, row, 0, heads * dh);
            for (int h = 0; h < heads; h++) {
                int at = h * dh;
                for (int j = 0; j < dh; j++) {
                    row[at + j] *= scale;
                }
                qo.put((h * t + i) * dh, row, at, dh);
            }
        }
        toHeads(k, kh, kvHeads, group, dh, row);
        toHeads(v, vh, kvHeads, group, dh, row);
        INDArray scores = Nd4j.createUninitialized(DataType.FLOAT, heads, t, s);
        Nd4j.matmul(qh, kh, scores, false, true, false);
        if (mask != null) {
            float[] m = mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
            FloatBuffer sc = Fused.buf(scores);
            float[] r = new float[t * s];
            for (int h = 0; h < heads; h++) {
                sc.get(h * t * s, r, 0, r.length);
                for (int j = 0; j < r.length; j++) {
                    r[j] += m[j];
                }
                sc.put(h * t * s, r, 0, r.length);
            }
        }
        INDArray probs = Nd4j.createUninitialized(DataType.FLOAT, heads, t, s);
        Nd4j.exec(new SoftMax(scores, probs, 2));
        INDArray ctx = Nd4j.createUninitialized(DataType.FLOAT, heads, t, dh);
        Nd4j.matmul(probs, vh, ctx, false, false, false);
        INDArray out = Fused.alloc(t, (long) heads * dh);
        FloatBuffer c = Fused.buf(ctx);
        FloatBuffer o = Fused.buf(out);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                c.get((h * t + i) * dh, row, 0, dh);
                o.put(i * heads * dh + h * dh, row, 0, dh);
            }
        }
        return out;
    }

    /** {@link #attention} in Java on heap arrays: no native op, one allocation (the output). */
    private static INDArray attentionSmall(INDArray qx, int qCol, INDArray k, INDArray v, int heads, int kvHeads, INDArray mask,
            float scale) {
        int t = (int) qx.rows();
        int s = (int) k.rows();
        int w = (int) qx.columns();
        int kw = (int) k.columns();
        int dh = kw / kvHeads;
        int group = heads / kvHeads;
        float[] q = new float[t * w];
        Fused.buf(qx).get(0, q, 0, q.length);
        float[] ka = new float[s * kw];
        float[] va = new float[s * kw];
        Fused.buf(k).get(0, ka, 0, ka.length);
        Fused.buf(v).get(0, va, 0, va.length);
        float[] m = mask == null ? null : mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[t * heads * dh];
        float[] p = new float[s];
        float[] qs = new float[dh];
        for (int h = 0; h < heads; h++) {
            int kc = (h / group) * dh;
            for (int i = 0; i < t; i++) {
                int qc = i * w + qCol + h * dh;
                for (int c = 0; c < dh; c++) {
                    qs[c] = q[qc + c] * scale;
                }
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    int kr = j * kw + kc;
                    float dot = 0;
                    for (int c = 0; c < dh; c++) {
                        dot += qs[c] * ka[kr + c];
                    }
                    if (m != null) {
                        dot += m[i * s + j];
                    }
                    p[j] = dot;
                    max = Math.max(max, dot);
                }
                float sum = 0;
                for (int j = 0; j < s; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    sum += p[j];
                }
                int oc = i * heads * dh + h * dh;
                for (int j = 0; j < s; j++) {
                    float pj = p[j] / sum;
                    int vr = j * kw + kc;
                    for (int c = 0; c < dh; c++) {
                        out[oc + c] += pj * va[vr + c];
                    }
                }
            }
        }
        return Nd4j.create(out, new long[] {t, (long) heads * dh}, 'c');
    }

    /** [S, Hkv·dh] → [H, S, dh], each key/value head repeated for the {@code group} query heads it serves. */
    private static void toHeads(INDArray x, INDArray out, int kvHeads, int group, int dh, float[] row) {
        FloatBuffer in = Fused.buf(x);
        FloatBuffer o = Fused.buf(out);
        int s = (int) x.rows();
        int w = (int) x.columns();
        for (int i = 0; i < s; i++) {
            in.get(i * w, row, 0, w);
            for (int h = 0; h < kvHeads; h++) {
                for (int g = 0; g < group; g++) {
                    o.put(((h * group + g) * s + i) * dh, row, h * dh, dh);
                }
            }
        }
    }
}
