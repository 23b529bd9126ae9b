package org.edgefm.models.family;

import org.edgefm.models.nn.Fused;
import org.edgefm.models.nn.FusedAttention;
import org.edgefm.models.nn.Ops;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One transformer block in canonical form: weights [in, out], optional biases, pre- or post-norm,
 * LayerNorm or RMSNorm, a GELU-kind or SwiGLU MLP, optional rotary positions on Q and K, and a
 * key/value cache for token-by-token decoding.
 */
final class Block {
    final Arch arch;
    final boolean preNorm;
    final boolean rms;
    final boolean rotary;
    final INDArray ln1g;
    final INDArray ln1b;
    final INDArray ln2g;
    final INDArray ln2b;
    final INDArray wq;
    final INDArray bq;
    final INDArray wk;
    final INDArray bk;
    final INDArray wv;
    final INDArray bv;
    final INDArray wo;
    final INDArray bo;
    final INDArray w1;      // GELU MLP up, or SwiGLU gate
    final INDArray b1;
    final INDArray wUp;     // SwiGLU up (null for a GELU MLP)
    final INDArray w2;      // down
    final INDArray b2;
    // the fused path's forms of the same weights: Q, K and V in one matrix [d, q + 2·kv], vectors as floats
    private final INDArray wqkv;
    private final float[] bqkv;
    private final float[] fln1g;
    private final float[] fln1b;
    private final float[] fln2g;
    private final float[] fln2b;
    private final float[] fbo;
    private final float[] fb1;
    private final float[] fb2;

    Block(Arch arch, boolean preNorm, boolean rms, boolean rotary, INDArray[] norms, INDArray[] attn, INDArray[] mlp) {
        this.arch = arch;
        this.preNorm = preNorm;
        this.rms = rms;
        this.rotary = rotary;
        ln1g = norms[0];
        ln1b = norms[1];
        ln2g = norms[2];
        ln2b = norms[3];
        // Q, K and V as one matrix; the separate ones are views of it (the unfused reference reads them)
        wqkv = Nd4j.concat(1, Fused.dense(attn[0]), Fused.dense(attn[2]), Fused.dense(attn[4]));
        long qw = attn[0].columns();
        long kw = attn[2].columns();
        wq = wqkv.get(NDArrayIndex.all(), NDArrayIndex.interval(0, qw));
        wk = wqkv.get(NDArrayIndex.all(), NDArrayIndex.interval(qw, qw + kw));
        wv = wqkv.get(NDArrayIndex.all(), NDArrayIndex.interval(qw + kw, qw + 2 * kw));
        bq = attn[1];
        bk = attn[3];
        bv = attn[5];
        wo = attn[6];
        bo = attn[7];
        w1 = mlp[0];
        b1 = mlp[1];
        wUp = mlp[2];
        w2 = mlp[3];
        b2 = mlp[4];
        if (bq != null || bk != null || bv != null) {
            bqkv = new float[(int) wqkv.columns()];
            int at = 0;
            for (INDArray[] wb : new INDArray[][] {{wq, bq}, {wk, bk}, {wv, bv}}) {
                if (wb[1] != null) {
                    System.arraycopy(Fused.floats(wb[1]), 0, bqkv, at, (int) wb[0].columns());
                }
                at += (int) wb[0].columns();
            }
        } else {
            bqkv = null;
        }
        fln1g = Fused.floats(ln1g);
        fln1b = Fused.floats(ln1b);
        fln2g = Fused.floats(ln2g);
        fln2b = Fused.floats(ln2b);
        fbo = Fused.floats(bo);
        fb1 = Fused.floats(b1);
        fb2 = Fused.floats(b2);
    }

    /** Key/value cache of one block for one sequence. */
    static final class KvCache {
        INDArray k;
        INDArray v;

        int length() {
            return k == null ? 0 : (int) k.rows();
        }
    }

    private INDArray norm(INDArray x, INDArray g, INDArray b) {
        return rms ? Ops.rmsNorm(x, g, arch.eps()) : Ops.layerNorm(x, g, b, arch.eps());
    }

    private INDArray normFused(INDArray x, float[] g, float[] b, INDArray out) {
        return rms ? Fused.rmsNorm(x, g, arch.eps(), out) : Fused.layerNorm(x, g, b, arch.eps(), out);
    }

    /**
     * x [T, d] → a new [T, d]: {@link #forward(INDArray, INDArray, KvCache, BlockScratch)} with
     * scratch arrays of its own.
     */
    INDArray forward(INDArray x, INDArray mask, KvCache cache) {
        return forward(x, mask, cache, new BlockScratch(this).shaped((int) x.rows()));
    }

    /**
     * x [T, d] → [T, d] in {@code s.out}: the block with its element-wise work fused ({@link Fused}):
     * one matrix product for Q, K and V, attention over all heads ({@link FusedAttention}), the bias,
     * activation, residual and norm passes in place, every array from {@code s} (shaped for T; x may
     * be {@code s.out}). {@code mask} is an additive [T, S] mask (S = past + T) or null;
     * {@code cache} (may be null) receives this call's keys and values.
     */
    INDArray forward(INDArray x, INDArray mask, KvCache cache, BlockScratch s) {
        x = Fused.dense(x);
        int past = cache == null ? 0 : cache.length();
        int qw = (int) wq.columns();
        int kw = (int) wk.columns();
        INDArray a = preNorm ? normFused(x, fln1g, fln1b, s.norm) : x;
        INDArray qkv = Fused.linear(a, wqkv, bqkv, null, s.qkv);
        if (rotary) {
            Fused.rotary(qkv, 0, arch.heads(), arch.headDim(), past, arch.ropeTheta());
            Fused.rotary(qkv, qw, arch.kvHeads(), arch.headDim(), past, arch.ropeTheta());
        }
        INDArray k = qkv;
        INDArray v = qkv;
        int kCol = qw;
        int vCol = qw + kw;
        if (cache != null) {
            // the cache outlives the pass: outside any workspace
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                k = Fused.columns(qkv, qw, kw, cache.k);
                v = Fused.columns(qkv, qw + kw, kw, cache.v);
            }
            cache.k = k;
            cache.v = v;
            kCol = 0;
            vCol = 0;
        }
        INDArray ctx = FusedAttention.attention(qkv, 0, k, kCol, v, vCol, arch.heads(), arch.kvHeads(), kw / arch.kvHeads(), mask, s.ctx);
        INDArray h = Fused.linear(ctx, wo, fbo, x, s.h);
        if (!preNorm) {
            normFused(h, fln1g, fln1b, h);
        }
        INDArray m = preNorm ? normFused(h, fln2g, fln2b, s.norm) : h;
        INDArray up;
        if (wUp != null) {
            up = Fused.swiglu(Fused.linear(m, w1, null, null, s.up), Fused.linear(m, wUp, null, null, s.up2), s.tmp);
        } else {
            up = Fused.biasActivation(arch.act(), Fused.linear(m, w1, null, null, s.up), fb1, s.tmp);
        }
        // x is read no more: the output may take its place (x is s.out after the first block of a pass)
        INDArray out = Fused.linear(up, w2, fb2, h, s.out);
        return preNorm ? out : normFused(out, fln2g, fln2b, out);
    }

    /**
     * The unfused reference of {@link #forward}: the same block composed op by op from {@link Ops}
     * (kept to check the fused path against, and to time the difference).
     */
    INDArray forwardUnfused(INDArray x, INDArray mask, KvCache cache) {
        return forwardOps(x, mask, cache);
    }

    /**
     * x [T, d] → [T, d]. {@code mask} is an additive [T, S] mask (S = past + T) or null;
     * {@code cache} (may be null) receives this call's keys and values.
     */
    private INDArray forwardOps(INDArray x, INDArray mask, KvCache cache) {
        int past = cache == null ? 0 : cache.length();
        INDArray a = preNorm ? norm(x, ln1g, ln1b) : x;
        INDArray q = Ops.linear(a, wq, bq);
        INDArray k = Ops.linear(a, wk, bk);
        INDArray v = Ops.linear(a, wv, bv);
        if (rotary) {
            q = Ops.rotary(q, arch.heads(), past, arch.ropeTheta());
            k = Ops.rotary(k, arch.kvHeads(), past, arch.ropeTheta());
        }
        if (cache != null) {
            cache.k = cache.k == null ? k : Nd4j.concat(0, cache.k, k);
            cache.v = cache.v == null ? v : Nd4j.concat(0, cache.v, v);
            k = cache.k;
            v = cache.v;
        }
        INDArray ctx = Ops.attention(q, k, v, arch.heads(), arch.kvHeads(), mask);
        INDArray h = Ops.linear(ctx, wo, bo).addi(x);
        if (!preNorm) {
            h = norm(h, ln1g, ln1b);
        }
        INDArray m = preNorm ? norm(h, ln2g, ln2b) : h;
        INDArray up;
        if (wUp != null) {
            up = Ops.silu(m.mmul(w1)).muli(m.mmul(wUp));
        } else {
            up = Ops.activation(arch.act(), Ops.linear(m, w1, b1));
        }
        INDArray out = Ops.linear(up, w2, b2).addi(h);
        return preNorm ? out : norm(out, ln2g, ln2b);
    }
}
