package org.edgefm.agent.kernel;

import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.ndarray.INDArray;
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
        protected INDArray compute(INDArray x) {
            return x.mmul(w);
        }
    }

    /** Projection MLP (LLaVA's mlp2x_gelu): Linear in→hidden, GELU, Linear hidden→out. Weights: W1, W2. */
    static final class Fusion extends Kernel {
        private final INDArray w1;
        private final INDArray w2;

        Fusion(KernelSpec spec, WeightSource ws, long t0) {
            this(spec, ws.next(KernelCost.dim(spec, "in", null), KernelCost.dim(spec, "hidden", null)),
                    ws.next(KernelCost.dim(spec, "hidden", null), KernelCost.dim(spec, "out", null)), t0);
        }

        private Fusion(KernelSpec spec, INDArray w1, INDArray w2, long t0) {
            super(spec, System.nanoTime() - t0);
            this.w1 = w1;
            this.w2 = w2;
        }

        @Override
        protected INDArray compute(INDArray x) {
            INDArray h = x.mmul(w1);
            Nd4j.exec(new GELU(h, h));
            return h.mmul(w2);
        }
    }

    /** Task head: mean-pool the tokens, Linear in→out, softmax. Weights: one matrix. */
    static final class Head extends Kernel {
        private final INDArray w;

        Head(KernelSpec spec, WeightSource ws, long t0) {
            this(spec, ws.next(KernelCost.dim(spec, "in", null), KernelCost.dim(spec, "out", null)), t0);
        }

        private Head(KernelSpec spec, INDArray w, long t0) {
            super(spec, System.nanoTime() - t0);
            this.w = w;
        }

        @Override
        protected INDArray compute(INDArray x) {
            // Mean over tokens as (1/T)·1ᵀX: a BLAS GEMV instead of a strided column reduction,
            // which dominated this small, memory-bound kernel. Built per call (T floats), so
            // concurrent calls share nothing mutable.
            INDArray row = Nd4j.valueArrayOf(new long[] {1, x.rows()}, 1.0 / x.rows(), x.dataType());
            INDArray logits = row.mmul(x).mmul(w);
            return TransformerEncoderKernel.softmaxRows(logits);
        }
    }
}
