package org.edgefm.agent.kernel;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A stack of pre-norm-free transformer encoder blocks (ViT/BERT style, post-norm): multi-head
 * self-attention and a GELU MLP with residual connections and layer normalisation. Weights per
 * layer in order: Wqkv (hidden x 3·hidden), Wo (hidden x hidden), W1 (hidden x mlp), W2 (mlp x
 * hidden). Biases and norm gains are omitted (they add no matrix products).
 *
 * <p>The products are the ones {@link KernelCost} lists, arranged so that no activation is ever
 * copied or reallocated inside a call: Q, K and V are computed transposed ((Wqkvᵀ)·xᵀ, kept as
 * Wqkvᵀ at load), which makes every head's Qᵀ, Kᵀ and Vᵀ a contiguous block that the batched
 * attention products read in place, and the context comes out transposed, which is exactly the
 * head-merged matrix that the output projection reads with a transpose flag. The 1/√d attention
 * scale is folded into the Q rows of Wqkvᵀ at load. Both residual additions are the GEMM's
 * {@code beta = 1}. The working arrays come from a pool, one set per concurrent call.
 */
final class TransformerEncoderKernel extends Kernel {
    private final int heads;
    private final int hidden;
    private final int tokens;
    private final int mlp;
    private final List<Layer> layers;
    private final Scratch<Work> work;

    /** One layer's weights as the computation reads them. */
    private record Layer(INDArray wqkvT, INDArray wo, INDArray w1, INDArray w2) {
    }

    /** One call's working arrays; the views share the buffers above them. */
    private static final class Work {
        final INDArray qkvT;      // (3h, t)
        final INDArray qT;        // (heads, dh, t) views of qkvT
        final INDArray kT;
        final INDArray vT;
        final INDArray scores;    // (heads, t, t)
        final INDArray ctxT;      // (heads, dh, t)
        final INDArray merged;    // ctxT as (h, t): the head-merged context, transposed
        final INDArray up;        // (t, mlp)
        final INDArray rowMean;   // (t, 1)
        final INDArray rowNorm;   // (t, 1)

        Work(int t, int h, int heads, int mlp) {
            int dh = h / heads;
            qkvT = Nd4j.create(DataType.FLOAT, 3L * h, t);
            INDArray split = qkvT.reshape('c', 3, heads, dh, t);
            qT = split.slice(0);
            kT = split.slice(1);
            vT = split.slice(2);
            scores = Nd4j.create(DataType.FLOAT, heads, t, t);
            ctxT = Nd4j.create(DataType.FLOAT, heads, dh, t);
            merged = ctxT.reshape('c', h, t);
            up = Nd4j.create(DataType.FLOAT, t, mlp);
            rowMean = Nd4j.create(DataType.FLOAT, t, 1);
            rowNorm = Nd4j.create(DataType.FLOAT, t, 1);
        }
    }

    TransformerEncoderKernel(KernelSpec spec, WeightSource ws, long t0) {
        this(spec, load(spec, ws), t0);
    }

    private TransformerEncoderKernel(KernelSpec spec, List<Layer> layers, long t0) {
        super(spec, System.nanoTime() - t0);
        this.layers = layers;
        this.heads = KernelCost.dim(spec, "heads", null);
        this.hidden = KernelCost.dim(spec, "hidden", null);
        this.tokens = KernelCost.dim(spec, "tokens", null);
        this.mlp = KernelCost.dim(spec, "mlp", 4 * hidden);
        this.work = new Scratch<>(() -> new Work(tokens, hidden, heads, mlp));
    }

    private static List<Layer> load(KernelSpec spec, WeightSource ws) {
        int n = KernelCost.dim(spec, "layers", null);
        int h = KernelCost.dim(spec, "hidden", null);
        int mlp = KernelCost.dim(spec, "mlp", 4 * h);
        KernelCost.of(spec); // validates heads and dims before allocating
        double scale = 1.0 / Math.sqrt(h / KernelCost.dim(spec, "heads", null));
        List<Layer> out = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            INDArray wqkvT = ws.next(h, 3 * h).transpose().dup('c');
            // softmax(QKᵀ/√d) = softmax((x·Wq/√d)Kᵀ): the scale rides on Wq, once
            wqkvT.get(NDArrayIndex.interval(0, h), NDArrayIndex.all()).muli(scale);
            out.add(new Layer(wqkvT, ws.next(h, h), ws.next(h, mlp), ws.next(mlp, h)));
        }
        return out;
    }

    @Override
    protected void compute(INDArray x, INDArray cur) {
        // the output array is the residual stream, normalised in place; the caller's input stays untouched
        Work s = work.take();
        try {
            cur.assign(x);
            for (Layer w : layers) {
                Nd4j.gemm(w.wqkvT(), cur, s.qkvT, false, true, 1, 0);            // (Q K V)ᵀ = Wqkvᵀ·xᵀ
                Nd4j.matmul(s.qT, s.kT, s.scores, true, false, false);             // per head: Q·Kᵀ/√d
                Nd4j.exec(new SoftMax(s.scores, s.scores, 2));
                Nd4j.matmul(s.vT, s.scores, s.ctxT, false, true, false);           // per head: (P·V)ᵀ = Vᵀ·Pᵀ
                Nd4j.gemm(s.merged, w.wo(), cur, true, false, 1, 1);             // x += merged·Wo
                layerNorm(cur, s);
                Nd4j.gemm(cur, w.w1(), s.up, false, false, 1, 0);                // MLP up
                Nd4j.exec(new GELU(s.up, s.up));
                Nd4j.gemm(s.up, w.w2(), cur, false, false, 1, 1);                // x += GELU(up)·W2
                layerNorm(cur, s);
            }
        } finally {
            work.give(s);
        }
    }

    /** Normalises each row of {@code x} in place to mean 0, variance 1: (x − mean) / √(mean((x − mean)²) + 1e-5). */
    private void layerNorm(INDArray x, Work s) {
        x.mean(s.rowMean, true, 1);
        x.subiColumnVector(s.rowMean);
        // √(mean(c²) + ε) = √(‖c‖²/h + ε), without a squared copy of the matrix
        Nd4j.exec(new SquaredNorm(x, s.rowNorm, true, 1));
        s.rowNorm.divi(hidden).addi(1e-5);
        Transforms.sqrt(s.rowNorm, false);
        x.diviColumnVector(s.rowNorm);
    }
}
