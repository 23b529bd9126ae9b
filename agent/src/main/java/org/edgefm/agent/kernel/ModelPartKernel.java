package org.edgefm.agent.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ActivationCodec;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.image.SampleImages;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.wire.TaskAnswer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A service that runs one part of a real model, named by its kernel spec's weights as
 * {@code manifest.json#part} (relative to the agent's model directory; see
 * {@link ModelManifest#kernelSpec}). Only the part's tensors are read. The spec's kind and dims are
 * the part's real shapes, so its cost is what the planners were told.
 *
 * <p>What it takes and gives is {@link PartRunner}'s: a pre-processing part takes the request's
 * bytes (an encoded image or UTF-8 text) as a row of byte values and gives the normalised image or
 * the token ids; the part holding the embedding takes those; later parts take the previous part's
 * hidden states [T, width]; the head gives logits, corpus similarities or an embedding, and its
 * output carries the answer (label and score) that the task's completion reports. Hidden states of
 * a manifest with {@code "wire": "fp16"} travel to the next agent as FP16. Encoder text parts see
 * one unpadded sentence per request. A decoder part runs the whole sequence a request carries, or,
 * for a task that is a step of a generation ({@link DecodeStep}: sequence id and start), only the
 * step's new tokens, continuing its key/value cache of the sequence.
 */
final class ModelPartKernel extends Kernel {
    private final PartRunner runner;
    private final ModelManifest manifest;

    private ModelPartKernel(KernelSpec spec, PartRunner runner, ModelManifest manifest, long t0) {
        super(spec, System.nanoTime() - t0);
        this.runner = runner;
        this.manifest = manifest;
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
        return new ModelPartKernel(spec, PartRunner.load(m, id), m, t0);
    }

    /** The loaded model part (null for a pre-processing part). */
    Transformer part() {
        return runner.transformer();
    }

    @Override
    public Output run(List<INDArray> inputs) {
        INDArray in = inputs.isEmpty() || inputs.get(0) == null ? sampleInput(0) : inputs.get(0);
        INDArray out = runner.run(in);
        return Output.detached(out, runner.answer(out), runner.outputsHidden() && manifest.wire() == ActivationCodec.WireType.FP16);
    }

    /**
     * A step of a generation through a decoder's model part continues the part's key/value cache of
     * the sequence ({@link PartRunner#decode}; a step the cache cannot continue fails with
     * {@code SequenceCache.Miss}, whose message says so); a decoder's tokenizer part passes the step's
     * token ids on (a step carries ids, not text); the part that holds the lm head chooses the next
     * token with the step's sampling (greedy without one); any part of a model that is not a decoder
     * runs the request as a whole.
     */
    @Override
    public Output run(List<INDArray> inputs, DecodeStep step) {
        if (step == null || !manifest.arch().isDecoder()) {
            return run(inputs);
        }
        if (inputs.isEmpty() || inputs.get(0) == null) {
            throw new EdgeFmException("model part '" + runner.spec().id() + "': a step of sequence '" + step.sequence() + "' without input");
        }
        INDArray out = runner.decode(step.sequence(), step.start(), inputs.get(0));
        // the lm head's token is the one at position start + this step's tokens (the rows of its logits)
        TaskAnswer answer = runner.answer(out, step.sampling(), step.start() + (int) out.rows());
        return Output.detached(out, answer, runner.outputsHidden() && manifest.wire() == ActivationCodec.WireType.FP16);
    }

    @Override
    public void limitSequenceCaches(long maxBytes) {
        if (runner.spec().role() == ModelManifest.Role.MODEL && manifest.arch().isDecoder()) {
            runner.useSequenceCache(maxBytes);
        }
    }

    /** The counters of this part's per-sequence caches. */
    org.edgefm.models.manifest.SequenceCache.Stats sequenceStats() {
        return runner.sequenceStats();
    }

    @Override
    protected void compute(INDArray x, INDArray out) {
        throw new UnsupportedOperationException("a model part runs through run()");
    }

    @Override
    public INDArray sampleInput(long seed) {
        Arch arch = manifest.arch();
        java.util.Random r = new java.util.Random(seed);
        if (runner.spec().role() == ModelManifest.Role.PREPROCESS) {
            if (arch.isVision()) {
                return PartRunner.bytesRow(SampleImages.png(arch.imageSize(), r.nextLong()));
            }
            return PartRunner.bytesRow(("a calibration sentence number " + r.nextInt(1000)).getBytes(StandardCharsets.UTF_8));
        }
        if (!runner.spec().part().embed()) {
            int t = cost().inputShape()[0];
            return Nd4j.randn(seed, new long[] {t, arch.hidden()}).castTo(DataType.FLOAT);
        }
        if (arch.isVision()) {
            return Nd4j.randn(seed, new long[] {arch.channels(), (long) arch.imageSize() * arch.imageSize()}).castTo(DataType.FLOAT);
        }
        int t = cost().inputShape()[0];
        float[] ids = new float[t];
        for (int i = 0; i < t; i++) {
            ids[i] = r.nextInt(arch.vocab());
        }
        return Nd4j.create(ids, new long[] {1, t}, 'c');
    }
}
