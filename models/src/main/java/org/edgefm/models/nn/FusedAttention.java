package org.edgefm.models.nn;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
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

    /**
     * The per-thread ND4J workspace of the large form's temporaries (heads, scores, probabilities):
     * bump-allocated in it and dropped together when the attention returns, instead of each being a
     * native allocation with its own deallocator. It learns its size on the first call and grows
     * (reallocates) for a longer sequence; it keeps the largest call's temporaries per thread.
     */
    static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.25).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();
    static final String WORKSPACE_ID = "edgefm-attention";

    private FusedAttention() {
    }

    /**
     * Multi-head scaled dot-product attention in two batched matrix products over all heads: the
     * queries are columns [qCol, qCol + H·dh) of {@code qx} [T, ·]; k and v are dense [S, Hkv·dh]
     * (grouped-query attention when Hkv &lt; H); {@code mask} is an additive [T, S] matrix or null.
     * Returns a new [T, H·dh]. The scale 1/√dh is applied to the queries.
     */
    public static INDArray attention(INDArray qx, int qCol, INDArray k, INDArray v, int heads, int kvHeads, INDArray mask) {
        int dh = (int) k.columns() / kvHeads;
        return attention(qx, qCol, k, 0, v, 0, heads, kvHeads, dh, mask, Fused.alloc(qx.rows(), (long) heads * dh));
    }

    /**
     * {@link #attention(INDArray, int, INDArray, INDArray, int, int, INDArray)} with the keys in
     * columns [kCol, kCol + Hkv·dh) of {@code kx} [S, ·] and the values likewise in {@code vx} (they
     * may all be one matrix: a block's Q, K and V side by side), written into {@code out} [T, H·dh]
     * (dense, none of the inputs). The large form's temporaries live in a per-thread workspace.
     */
    public static INDArray attention(INDArray qx, int qCol, INDArray kx, int kCol, INDArray vx, int vCol, int heads, int kvHeads,
            int dh, INDArray mask, INDArray out) {
        int t = (int) qx.rows();
        int s = (int) kx.rows();
        float scale = (float) (1.0 / Math.sqrt(dh));
        if ((long) heads * t * s * dh < NATIVE_ATTENTION_MACS) {
            return attentionSmall(qx, qCol, kx, kCol, vx, vCol, heads, kvHeads, dh, mask, scale, out);
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            attentionNative(qx, qCol, kx, kCol, vx, vCol, heads, kvHeads, dh, mask, scale, out);
        }
        return out;
    }

    private static void attentionNative(INDArray qx, int qCol, INDArray kx, int kCol, INDArray vx, int vCol, int heads, int kvHeads,
            int dh, INDArray mask, float scale, INDArray out) {
        int t = (int) qx.rows();
        int s = (int) kx.rows();
        int w = (int) qx.columns();
        int group = heads / kvHeads;
        INDArray qh = Nd4j.createUninitialized(DataType.FLOAT, heads, t, dh);
        INDArray kh = Nd4j.createUninitialized(DataType.FLOAT, heads, s, dh);
        INDArray vh = Nd4j.createUninitialized(DataType.FLOAT, heads, s, dh);
        FloatBuffer q = Fused.buf(qx);
        FloatBuffer qo = Fused.buf(qh);
        float[] row = new float[(int) Math.max(Math.max(heads * dh, kx.columns()), vx.columns())];
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
        toHeads(kx, kCol, kh, kvHeads, group, dh, row);
        toHeads(vx, vCol, vh, kvHeads, group, dh, row);
        INDArray scores = Nd4j.createUninitialized(DataType.FLOAT, heads, t, s);
        Nd4j.matmul(qh, kh, scores, false, true, false);
        if (mask != null) {
            float[] m = Fused.floats(mask);
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
        FloatBuffer c = Fused.buf(ctx);
        FloatBuffer o = Fused.buf(out);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                c.get((h * t + i) * dh, row, 0, dh);
                o.put(i * heads * dh + h * dh, row, 0, dh);
            }
        }
    }

    /** {@link #attention} in Java on heap arrays: no native op, no ND4J array created. */
    private static INDArray attentionSmall(INDArray qx, int qCol, INDArray kx, int kCol, INDArray vx, int vCol, int heads, int kvHeads,
            int dh, INDArray mask, float scale, INDArray outArray) {
        int t = (int) qx.rows();
        int s = (int) kx.rows();
        int w = (int) qx.columns();
        int kw = (int) kx.columns();
        int vw = (int) vx.columns();
        int group = heads / kvHeads;
        float[] q = values(qx);
        float[] ka = kx == qx ? q : values(kx);
        float[] va = vx == qx ? q : vx == kx ? ka : values(vx);
        float[] m = mask == null ? null : Fused.floats(mask);
        float[] out = new float[t * heads * dh];
        float[] p = new float[s];
        float[] qs = new float[dh];
        for (int h = 0; h < heads; h++) {
            int kc = kCol + (h / group) * dh;
            int vc = vCol + (h / group) * dh;
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
                    p[j] = Fused.exp(p[j] - max);
                    sum += p[j];
                }
                int oc = i * heads * dh + h * dh;
                for (int j = 0; j < s; j++) {
                    float pj = p[j] / sum;
                    int vr = j * vw + vc;
                    for (int c = 0; c < dh; c++) {
                        out[oc + c] += pj * va[vr + c];
                    }
                }
            }
        }
        Fused.buf(outArray).put(0, out, 0, out.length);
        return outArray;
    }

    /** The values of a dense matrix as a new heap array. */
    private static float[] values(INDArray x) {
        float[] f = new float[(int) x.length()];
        Fused.buf(x).get(0, f, 0, f.length);
        return f;
    }

    /**
     * Columns [col, col + Hkv·dh) of [S, ·] → [H, S, dh], each key/value head repeated for the
     * {@code group} query heads it serves.
     */
    private static void toHeads(INDArray x, int col, INDArray out, int kvHeads, int group, int dh, float[] row) {
        FloatBuffer in = Fused.buf(x);
        FloatBuffer o = Fused.buf(out);
        int s = (int) x.rows();
        int w = (int) x.columns();
        int kw = kvHeads * dh;
        for (int i = 0; i < s; i++) {
            in.get(i * w + col, row, 0, kw);
            for (int h = 0; h < kvHeads; h++) {
                for (int g = 0; g < group; g++) {
                    o.put(((h * group + g) * s + i) * dh, row, h * dh, dh);
                }
            }
        }
    }
}
