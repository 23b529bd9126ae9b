package org.edgefm.agent.kernel;

import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;

/** The light kernels: patchify (embedding), fusion/projection, and task head. */
final class LinearKernels {
    private LinearKernels() {
    }

    /** Patch embedding: (patches x patch²·channels) times (patch²·channels x hidden). Weights: one matrix. */
    static final class Patchify extends Kernel {
        private final INDArray w;

        Patchify(KernelSpec spec, WeightSource ws, long t0) {
            this(spec, ws, KernelCost.of(spec), t0);
        }

        private Patchify(KernelSpec spec, WeightSource ws, KernelCost c, long t0) {
            this(spec, ws.next(c.inputShape()[1], c.outputShape()[1]), t0);
        }

        private Patchify(KernelSpec spec, INDArray w, long t0) {
            super(spec, System.nanoTime() - t0);
            this.w = w;
        }

        @Override
        protected void compute(INDArray x, INDArray out) {
            Nd4j.gemm(x, w, out, false, false, 1, 0);
        }
    }

    /** Projection MLP (LLaVA's mlp2x_gelu): Linear in→hidden, GELU, Linear hidden→out. Weights: W1, W2. */
    static final class Fusion extends Kernel {
        private final INDArray w1;
        private final INDArray w2;
        private final Scratch<INDArray> hidden;

        Fusion(KernelSpec spec, WeightSource ws, long t0) {
            this(spec, ws.next(KernelCost.dim(spec, "in", null), KernelCost.dim(spec, "hidden", null)),
                    ws.next(KernelCost.dim(spec, "hidden", null), KernelCost.dim(spec, "out", null)), t0);
        }

        private Fusion(KernelSpec spec, INDArray w1, INDArray w2, long t0) {
            super(spec, System.nanoTime() - t0);
            this.w1 = w1;
            this.w2 = w2;
            this.hidden = new Scratch<>(() -> Nd4j.create(DataType.FLOAT, cost().inputShape()[0], w1.columns()));
        }

        @Override
        protected void compute(INDArray x, INDArray out) {
            INDArray h = hidden.take();
            try {
                Nd4j.gemm(x, w1, h, false, false, 1, 0);
                Nd4j.exec(new GELU(h, h));
                Nd4j.gemm(h, w2, out, false, false, 1, 0);
            } finally {
                hidden.give(h);
            }
        }
    }

    /** Task head: mean-pool the tokens, Linear in→out, softmax. Weights: one matrix. */
    static final class Head extends Kernel {
        private final INDArray w;
        private final INDArray ones;
        private final Scratch<INDArray> pooled;

        Head(KernelSpec spec, WeightSource ws, long t0) {
            this(spec, ws.next(KernelCost.dim(spec, "in", null), KernelCost.dim(spec, "out", null)), t0);
        }

        private Head(KernelSpec spec, INDArray w, long t0) {
            super(spec, System.nanoTime() - t0);
            this.w = w;
            this.ones = Nd4j.ones(DataType.FLOAT, 1, cost().inputShape()[0]);
            this.pooled = new Scratch<>(() -> Nd4j.create(DataType.FLOAT, 1, w.rows()));
        }

        @Override
        protected void compute(INDArray x, INDArray out) {
            // Mean over tokens as (1/T)·1ᵀX: a BLAS GEMV with the 1/T as its alpha, instead of a
            // strided column reduction, which dominated this small, memory-bound kernel.
            INDArray p = pooled.take();
            try {
                Nd4j.gemm(ones, x, p, false, false, 1.0 / x.rows(), 0);
                Nd4j.gemm(p, w, out, false, false, 1, 0);
                Nd4j.exec(new SoftMax(out, out, 1));
            } finally {
                pooled.give(p);
            }
        }
    }
}
