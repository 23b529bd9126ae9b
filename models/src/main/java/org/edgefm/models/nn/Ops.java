package org.edgefm.models.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The operations of the model families, composed from ND4J matrix products and element-wise ops.
 * ND4J 1.0.0-M2.1's own {@code GELU} (the sigmoid approximation), {@code PreciseGELU} (cubes the
 * wrong term) and {@code layer_norm} (no epsilon) are deliberately not used. Activations are
 * row-major FP32 matrices of shape [tokens, width]; weights are [in, out] so that y = x·W + b.
 */
public final class Ops {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Ops() {
    }

    /** y = x·W + b (b may be null); W is [in, out]. */
    public static INDArray linear(INDArray x, INDArray w, INDArray b) {
        INDArray y = x.mmul(w);
        if (b != null) {
            y.addiRowVector(b);
        }
        return y;
    }

    /** Layer normalisation over the last axis: (x − μ)/√(σ² + eps)·g + b, σ² the biased variance. */
    public static INDArray layerNorm(INDArray x, INDArray g, INDArray b, double eps) {
        INDArray mean = x.mean(true, 1);
        INDArray xc = x.subColumnVector(mean);
        INDArray var = xc.mul(xc).mean(true, 1);
        INDArray inv = Transforms.pow(var.addi(eps), -0.5, false);
        xc.muliColumnVector(inv);
        if (g != null) {
            xc.muliRowVector(g);
        }
        if (b != null) {
            xc.addiRowVector(b);
        }
        return xc;
    }

    /** RMS normalisation (Llama): x/√(mean(x²) + eps)·g. */
    public static INDArray rmsNorm(INDArray x, INDArray g, double eps) {
        INDArray ms = x.mul(x).mean(true, 1);
        INDArray inv = Transforms.pow(ms.addi(eps), -0.5, false);
        INDArray y = x.mulColumnVector(inv);
        return g == null ? y : y.muliRowVector(g);
    }

    /** Exact GELU: 0.5·x·(1 + erf(x/√2)) (BERT, ViT, PyTorch's default). */
    public static INDArray geluErf(INDArray x) {
        INDArray e = x.mul(SQRT_HALF);
        Nd4j.exec(new Erf(e, e));
        return e.addi(1.0).muli(x).muli(0.5);
    }

    /** The tanh approximation (GPT-2's gelu_new): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    public static INDArray geluTanh(INDArray x) {
        INDArray inner = x.mul(x).muli(x).muli(0.044715).addi(x).muli(SQRT_2_OVER_PI);
        return Transforms.tanh(inner, false).addi(1.0).muli(x).muli(0.5);
    }

    /** CLIP's quick_gelu: x·σ(1.702·x). */
    public static INDArray quickGelu(INDArray x) {
        return Transforms.sigmoid(x.mul(1.702), false).muli(x);
    }

    /** SiLU (swish): x·σ(x). */
    public static INDArray silu(INDArray x) {
        return Transforms.sigmoid(x, true).muli(x);
    }

    /** Applies the activation named as in Hugging Face configs. */
    public static INDArray activation(String name, INDArray x) {
        return switch (name) {
            case "gelu", "gelu_python" -> geluErf(x);
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> geluTanh(x);
            case "quick_gelu" -> quickGelu(x);
            case "silu", "swish" -> silu(x);
            case "relu" -> Transforms.relu(x, true);
            default -> throw new IllegalArgumentException("activation '" + name + "' is not supported");
        };
    }

    /** Row-wise softmax of a [rows, cols] matrix, in place, with the row maximum subtracted first. */
    public static INDArray softmaxRowsInPlace(INDArray x) {
        INDArray max = x.max(true, 1);
        x.subiColumnVector(max);
        Transforms.exp(x, false);
        INDArray sum = x.sum(true, 1);
        return x.diviColumnVector(sum);
    }

    /**
     * Multi-head scaled dot-product attention. q is [T, H·dh]; k and v are [S, Hkv·dh] (grouped-query
     * attention when Hkv &lt; H: each key/value head serves H/Hkv query heads). {@code mask} is an
     * additive [T, S] matrix (0 or −∞-like) or null. Returns [T, H·dh].
     */
    public static INDArray attention(INDArray q, INDArray k, INDArray v, int heads, int kvHeads, INDArray mask) {
        long t = q.rows();
        long s = k.rows();
        int dh = (int) (q.columns() / heads);
        INDArray qh = toHeads(q, heads, dh);                 // [H, T, dh]
        INDArray kh = toHeads(k, kvHeads, dh);               // [Hkv, S, dh]
        INDArray vh = toHeads(v, kvHeads, dh);
        if (kvHeads != heads) {
            kh = repeatHeads(kh, heads / kvHeads);
            vh = repeatHeads(vh, heads / kvHeads);
        }
        INDArray scores = Nd4j.matmul(qh, kh, false, true, false).muli(1.0 / Math.sqrt(dh)); // [H, T, S]
        INDArray flat = scores.reshape('c', heads * t, s);
        if (mask != null) {
            INDArray m2 = flat.reshape('c', heads, t * s);
            m2.addiRowVector(mask.reshape('c', 1, t * s));
        }
        softmaxRowsInPlace(flat);
        INDArray ctx = Nd4j.matmul(scores, vh);              // [H, T, dh]
        return ctx.permute(1, 0, 2).dup('c').reshape('c', t, (long) heads * dh);
    }

    private static INDArray toHeads(INDArray x, int heads, int dh) {
        return x.reshape('c', x.rows(), heads, dh).permute(1, 0, 2).dup('c');
    }

    private static INDArray repeatHeads(INDArray x, int n) {
        long h = x.size(0);
        INDArray out = Nd4j.create(DataType.FLOAT, h * n, x.size(1), x.size(2));
        for (long i = 0; i < h; i++) {
            for (int j = 0; j < n; j++) {
                out.slice(i * n + j).assign(x.slice(i));
            }
        }
        return out;
    }

    /** Additive causal mask for T new queries at positions past..past+T−1 over past+T keys. */
    public static INDArray causalMask(int t, int past) {
        int s = past + t;
        float[] m = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < s; j++) {
                m[i * s + j] = j <= past + i ? 0f : -1e9f;
            }
        }
        return Nd4j.create(m, new long[] {t, s}, 'c');
    }

    /** Additive key-padding mask [T, S] from a 0/1 attention mask over the S keys (null if all ones). */
    public static INDArray paddingMask(int t, int[] attention) {
        boolean all = true;
        for (int a : attention) {
            all &= a != 0;
        }
        if (all) {
            return null;
        }
        int s = attention.length;
        float[] m = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < s; j++) {
                m[i * s + j] = attention[j] != 0 ? 0f : -1e9f;
            }
        }
        return Nd4j.create(m, new long[] {t, s}, 'c');
    }

    /**
     * Rotary position embedding in the rotate-half layout of Hugging Face Llama, in place on x
     * [T, H·dh] for positions start..start+T−1.
     */
    public static INDArray rotary(INDArray x, int heads, int start, double theta) {
        int t = (int) x.rows();
        int dh = (int) (x.columns() / heads);
        int half = dh / 2;
        float[] cos = new float[t * dh];
        float[] sin = new float[t * dh];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / dh);
                // PyTorch computes the angle in float32; keep the same rounding
                float ang = (float) (start + p) * (float) invFreq;
                float c = (float) Math.cos(ang);
                float sn = (float) Math.sin(ang);
                cos[p * dh + i] = c;
                cos[p * dh + i + half] = c;
                sin[p * dh + i] = sn;
                sin[p * dh + i + half] = sn;
            }
        }
        INDArray c = Nd4j.create(cos, new long[] {t, 1, dh}, 'c');
        INDArray s = Nd4j.create(sin, new long[] {t, 1, dh}, 'c');
        INDArray x3 = x.reshape('c', t, heads, dh);
        INDArray x1 = x3.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, half));
        INDArray x2 = x3.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(half, dh));
        INDArray rot = Nd4j.concat(2, x2.neg(), x1);                 // rotate_half
        INDArray cb = c.broadcast(t, heads, dh);
        INDArray sb = s.broadcast(t, heads, dh);
        INDArray out = x3.mul(cb).addi(rot.muli(sb));
        return out.reshape('c', t, (long) heads * dh);
    }
}
