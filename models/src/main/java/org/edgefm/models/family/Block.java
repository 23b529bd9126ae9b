package org.edgefm.models.family;

import org.edgefm.models.nn.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    Block(Arch arch, boolean preNorm, boolean rms, boolean rotary, INDArray[] norms, INDArray[] attn, INDArray[] mlp) {
        this.arch = arch;
        this.preNorm = preNorm;
        this.rms = rms;
        this.rotary = rotary;
        ln1g = norms[0];
        ln1b = norms[1];
        ln2g = norms[2];
        ln2b = norms[3];
        wq = attn[0];
        bq = attn[1];
        wk = attn[2];
        bk = attn[3];
        wv = attn[4];
        bv = attn[5];
        wo = attn[6];
        bo = attn[7];
        w1 = mlp[0];
        b1 = mlp[1];
        wUp = mlp[2];
        w2 = mlp[3];
        b2 = mlp[4];
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

    /**
     * x [T, d] → [T, d]. {@code mask} is an additive [T, S] mask (S = past + T) or null;
     * {@code cache} (may be null) receives this call's keys and values.
     */
    INDArray forward(INDArray x, INDArray mask, KvCache cache) {
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
