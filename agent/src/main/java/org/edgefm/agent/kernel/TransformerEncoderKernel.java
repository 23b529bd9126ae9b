package org.edgefm.agent.kernel;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A stack of pre-norm-free transformer encoder blocks (ViT/BERT style, post-norm): multi-head
 * self-attention and a GELU MLP with residual connections and layer normalisation. Weights per
 * layer in order: Wqkv (hidden x 3·hidden), Wo (hidden x hidden), W1 (hidden x mlp), W2 (mlp x
 * hidden). Biases and norm gains are omitted (they add no matrix products).
 */
final class TransformerEncoderKernel extends Kernel {
    private final int heads;
    private final int hidden;
    private final List<INDArray[]> layers;

    TransformerEncoderKernel(KernelSpec spec, WeightSource ws, long t0) {
        this(spec, load(spec, ws), t0);
    }

    private TransformerEncoderKernel(KernelSpec spec, List<INDArray[]> layers, long t0) {
        super(spec, System.nanoTime() - t0);
        this.layers = layers;
        this.heads = KernelCost.dim(spec, "heads", null);
        this.hidden = KernelCost.dim(spec, "hidden", null);
    }

    private static List<INDArray[]> load(KernelSpec spec, WeightSource ws) {
        int n = KernelCost.dim(spec, "layers", null);
        int h = KernelCost.dim(spec, "hidden", null);
        int mlp = KernelCost.dim(spec, "mlp", 4 * h);
        KernelCost.of(spec); // validates heads and dims before allocating
        List<INDArray[]> out = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            out.add(new INDArray[] {ws.next(h, 3 * h), ws.next(h, h), ws.next(h, mlp), ws.next(mlp, h)});
        }
        return out;
    }

    @Override
    protected INDArray compute(INDArray x) {
        int t = x.rows();
        int dh = hidden / heads;
        double scale = 1.0 / Math.sqrt(dh);
        INDArray cur = x;
        for (INDArray[] w : layers) {
            INDArray qkv = cur.mmul(w[0]);
            // (t, 3·hidden) -> (3, heads, t, dh): one copy, then batched products over the heads
            INDArray split = qkv.reshape('c', t, 3, heads, dh).permute(1, 2, 0, 3).dup('c');
            INDArray q = split.slice(0);
            INDArray k = split.slice(1);
            INDArray v = split.slice(2);
            INDArray scores = Nd4j.matmul(q, k, false, true, false).muli(scale);   // (heads, t, t)
            Nd4j.exec(new SoftMax(scores, scores, 2));
            INDArray ctx = Nd4j.matmul(scores, v);                                  // (heads, t, dh)
            INDArray merged = ctx.permute(1, 0, 2).dup('c').reshape('c', t, hidden);
            INDArray attended = layerNorm(cur.add(merged.mmul(w[1])));
            INDArray up = attended.mmul(w[2]);
            Nd4j.exec(new GELU(up, up));
            cur = layerNorm(attended.addi(up.mmul(w[3])));
        }
        return cur;
    }

    /** Row-wise softmax of a matrix. */
    static INDArray softmaxRows(INDArray s) {
        INDArray out = s.dup();
        Nd4j.exec(new SoftMax(out, out, 1));
        return out;
    }

    private static INDArray layerNorm(INDArray x) {
        INDArray mean = x.mean(true, 1);
        INDArray centered = x.subiColumnVector(mean);
        INDArray std = Transforms.sqrt(centered.mul(centered).mean(true, 1).addi(1e-5), false);
        return centered.diviColumnVector(std);
    }
}
