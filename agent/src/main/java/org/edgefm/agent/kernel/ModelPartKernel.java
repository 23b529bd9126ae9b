package org.edgefm.agent.kernel;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ModelManifest;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A service that runs one part of a real model, named by its kernel spec's weights as
 * {@code manifest.json#part} (relative to the agent's model directory; see
 * {@link ModelManifest#kernelSpec}). Only the part's tensors are read. The spec's kind and dims are
 * the part's real shapes, so its cost is what the planners were told.
 *
 * <p>Inputs: the part holding the embedding takes a normalised image flattened channel-major
 * (vision) or the token ids as a [1, T] float row (text); later parts take the previous part's
 * hidden states [T, width]. Output: hidden states, or the head's output (class logits, a projected
 * or pooled embedding, next-token logits). Encoder text parts see one unpadded sentence per request;
 * decoder parts run the whole sequence each call (no per-request cache across agents yet).
 */
final class ModelPartKernel extends Kernel {
    private final Transformer part;
    private final Arch arch;

    private ModelPartKernel(KernelSpec spec, Transformer part, long t0) {
        super(spec, System.nanoTime() - t0);
        this.part = part;
        this.arch = part.arch();
    }

    /** True if a weights value names a manifest part. */
    static boolean isModelRef(String weights) {
        if (weights == null) {
            return false;
        }
        int hash = weights.lastIndexOf('#');
        return hash > 0 && weights.substring(0, hash).endsWith(".json") && hash < weights.length() - 1;
    }

    static ModelPartKernel load(KernelSpec spec, Path modelDir) {
        long t0 = System.nanoTime();
        String ref = spec.weights();
        int hash = ref.lastIndexOf('#');
        // the manifest must lie inside the model folder, like any weights file a directive names
        Path manifestFile = Kernel.insideModelDir(spec, ref.substring(0, hash), modelDir);
        String id = ref.substring(hash + 1);
        ModelManifest m = ModelManifest.load(manifestFile);
        KernelSpec expected = m.kernelSpec(id, spec.dims().getOrDefault("tokens", 1), ref.substring(0, hash));
        if (!Objects.equals(expected.kind(), spec.kind()) || !Objects.equals(expected.dims(), spec.dims())) {
            throw new EdgeFmException("kernel '" + ref + "': spec " + spec.kind() + " " + spec.dims() + " does not match the part's real shapes "
                    + expected.kind() + " " + expected.dims());
        }
        try (Weights w = m.openWeights()) {
            return new ModelPartKernel(spec, m.loadPart(id, w), t0);
        }
    }

    /** The loaded part. */
    Transformer part() {
        return part;
    }

    @Override
    public Output run(List<INDArray> inputs) {
        if (inputs.isEmpty() || inputs.get(0) == null) {
            return Output.detached(forward(sampleInput(0)));
        }
        return Output.detached(forward(inputs.get(0)));
    }

    private INDArray forward(INDArray in) {
        Transformer.Part p = part.part();
        Sequence seq;
        INDArray h;
        if (p.embed()) {
            if (arch.isVision()) {
                seq = new Sequence();
                h = part.embedImage(in.castTo(DataType.FLOAT).dup('c').data().asFloat());
            } else {
                float[] f = in.castTo(DataType.FLOAT).dup('c').data().asFloat();
                int[] ids = new int[f.length];
                for (int i = 0; i < f.length; i++) {
                    ids[i] = Math.round(f[i]);
                }
                seq = new Sequence(ids, null, null);
                h = part.embedTokens(seq, 0);
            }
        } else {
            if (in.rank() != 2 || in.columns() != arch.hidden()) {
                throw new EdgeFmException("model part: input of shape " + java.util.Arrays.toString(in.shape()) + " (expected: [tokens, "
                        + arch.hidden() + "] hidden states)");
            }
            h = in.castTo(DataType.FLOAT);
            seq = new Sequence(new int[(int) in.rows()], null, null);
        }
        h = part.runBlocks(h, seq);
        return p.head() ? part.head(h, seq) : h;
    }

    @Override
    protected void compute(INDArray x, INDArray out) {
        throw new UnsupportedOperationException("a model part runs through run()");
    }

    @Override
    public INDArray sampleInput(long seed) {
        if (!part.part().embed()) {
            int t = cost().inputShape()[0];
            return Nd4j.randn(seed, new long[] {t, arch.hidden()}).castTo(DataType.FLOAT);
        }
        if (arch.isVision()) {
            return Nd4j.randn(seed, new long[] {arch.channels(), (long) arch.imageSize() * arch.imageSize()}).castTo(DataType.FLOAT);
        }
        int t = cost().inputShape()[0];
        java.util.Random r = new java.util.Random(seed);
        float[] ids = new float[t];
        for (int i = 0; i < t; i++) {
            ids[i] = r.nextInt(arch.vocab());
        }
        return Nd4j.create(ids, new long[] {1, t}, 'c');
    }
}
