package org.edgefm.models.family;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.edgefm.models.nn.Fused;
import org.edgefm.models.nn.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One part of a transformer model of a supported family: optionally its embedding, a contiguous
 * range of blocks, optionally its head. A whole model is the part with everything; a model cut
 * into microservices is several parts whose outputs feed each other (hidden states [T, d]). Only
 * the tensors of the part are read from the weights, by their usual hub names:
 *
 * <ul>
 *   <li>{@code vit}: {@code vit.embeddings.*}, {@code vit.encoder.layer.i.*}, {@code vit.layernorm}, {@code classifier};</li>
 *   <li>{@code clip-vision}: {@code vision_model.*} ({@code pre_layrnorm}, {@code encoder.layers.i.*},
 *       {@code post_layernorm}), {@code visual_projection};</li>
 *   <li>{@code clip-text}: {@code text_model.*}, {@code text_projection};</li>
 *   <li>{@code bert}: {@code [bert.]embeddings.*}, {@code [bert.]encoder.layer.i.*}, {@code [bert.]pooler.dense};</li>
 *   <li>{@code gpt2}: {@code [transformer.]wte/wpe/h.i.* /ln_f} (Conv1D weights stored [in, out]);</li>
 *   <li>{@code llama}: {@code model.embed_tokens}, {@code model.layers.i.*}, {@code model.norm}, {@code lm_head}.</li>
 * </ul>
 *
 * <p>Not thread-safe per {@link Sequence}; the weights are only read, so different sequences may run
 * at once.
 */
public final class Transformer {
    /** Which piece of the model a part holds: embedding, blocks [from, to), head. */
    public record Part(boolean embed, int from, int to, boolean head) {
        /** Checks the range. */
        public Part {
            if (from < 0 || to < from) {
                throw new EdgeFmException("blocks [" + from + ":" + to + "] (expected: 0 <= from <= to)");
            }
        }

        /** The whole model. */
        public static Part all(Arch arch) {
            return new Part(true, 0, arch.layers(), true);
        }
    }

    private final Arch arch;
    private final Part part;
    private final List<Block> blocks = new ArrayList<>();
    private final long weightBytes;
    private final Embedding embedding; // null unless the part holds the embedding
    private final Head head;           // null unless the part holds the head
    // each thread's working arrays for this part's fused blocks (they all have the same shapes)
    private final ThreadLocal<BlockScratch> scratch = new ThreadLocal<>();

    private Transformer(Arch arch, Part part, Weights w) {
        this.arch = arch;
        this.part = part;
        if (part.to() > arch.layers()) {
            throw new EdgeFmException(w.describe() + ": blocks [" + part.from() + ":" + part.to() + "] beyond the model's "
                    + arch.layers() + " layers");
        }
        PartTensors tensors = new PartTensors(arch, w);
        long before = w.loadedBytes();
        embedding = part.embed() ? new Embedding(tensors) : null;
        for (int i = part.from(); i < part.to(); i++) {
            blocks.add(BlockLoader.load(tensors, i));
        }
        head = part.head() ? new Head(tensors) : null;
        this.weightBytes = w.loadedBytes() - before;
    }

    /** Loads a part's tensors; a missing or misshapen tensor is an {@link EdgeFmException} naming it. */
    public static Transformer load(Arch arch, Weights weights, Part part) {
        requireNonNull(arch, "arch is null");
        requireNonNull(weights, "weights is null");
        requireNonNull(part, "part is null");
        return new Transformer(arch, part, weights);
    }

    /** The family and hyper-parameters. */
    public Arch arch() {
        return arch;
    }

    /** The piece of the model this part holds. */
    public Part part() {
        return part;
    }

    /** Bytes of weights this part read (as stored in the file). */
    public long weightBytes() {
        return weightBytes;
    }

    /** CLIP's exp(logit_scale), or NaN where the weights hold none. */
    public float logitScale() {
        return head == null ? Float.NaN : head.logitScale();
    }

    /** Image [C, H, W] (normalised, row-major floats) → hidden states [1 + patches, d]. */
    public INDArray embedImage(float[] chw) {
        requireEmbed();
        return embedding.image(chw);
    }

    /**
     * The embedding of the tokens of {@code seq} from position {@code start} on (decoders: the new
     * tokens after the cached ones; encoders: start 0) → hidden states [T, d].
     */
    public INDArray embedTokens(Sequence seq, int start) {
        requireEmbed();
        return embedding.tokens(seq, start);
    }

    /**
     * This part's blocks on hidden states [T, d]. Decoders use and extend the sequence's caches
     * (T new tokens after the cached ones); encoders mask padded keys (text) or nothing (images).
     */
    public INDArray runBlocks(INDArray h, Sequence seq) {
        return runBlocks(h, seq, true);
    }

    /**
     * {@link #runBlocks(INDArray, Sequence)} through the unfused reference blocks (each op of a block
     * dispatched to ND4J on its own), which the fused blocks are checked and timed against.
     */
    public INDArray runBlocksUnfused(INDArray h, Sequence seq) {
        return runBlocks(h, seq, false);
    }

    private INDArray runBlocks(INDArray h, Sequence seq, boolean fused) {
        if (!fused || blocks.isEmpty()) {
            return runBlocksIn(h, seq, fused, null);
        }
        BlockScratch s = scratch.get();
        if (s == null) {
            s = new BlockScratch(blocks.get(0));
            scratch.set(s);
        }
        // the blocks write into this thread's scratch; the caller gets its own copy
        return Fused.copy(runBlocksIn(h, seq, true, s.shaped((int) h.rows())));
    }

    private INDArray runBlocksIn(INDArray h, Sequence seq, boolean fused, BlockScratch s) {
        if (h.rank() != 2 || h.columns() != arch.hidden()) {
            throw new EdgeFmException(arch.family() + ": hidden states of shape " + Arrays.toString(h.shape())
                    + " (expected: [tokens, " + arch.hidden() + "])");
        }
        int t = (int) h.rows();
        INDArray x = h;
        // an encoder's mask is the same for every block; a decoder's depends on its cache's length
        INDArray mask = arch.isDecoder() ? null : encoderMask(t, seq);
        int maskPast = -1; // the past length the decoder's mask was made for
        for (int i = 0; i < blocks.size(); i++) {
            Block.KvCache cache = null;
            if (arch.isDecoder()) {
                cache = seq.caches.computeIfAbsent(part.from() + i, k -> new Block.KvCache());
                if (cache.length() != maskPast) {
                    maskPast = cache.length();
                    mask = Ops.causalMask(t, maskPast);
                }
            }
            x = fused ? blocks.get(i).forward(x, mask, cache, s) : blocks.get(i).forwardUnfused(x, mask, cache);
        }
        return x;
    }

    /** The additive mask of an encoder's blocks: none for vision, causal plus padding for CLIP's text tower, padding otherwise. */
    private INDArray encoderMask(int t, Sequence seq) {
        if (arch.isVision()) {
            return null;
        }
        if (!arch.family().equals("clip-text")) {
            return Ops.paddingMask(t, seq.attention());
        }
        INDArray mask = Ops.causalMask(t, 0);
        INDArray pad = Ops.paddingMask(t, seq.attention());
        return pad == null ? mask : mask.addi(pad);
    }

    /**
     * The head on the last hidden states [T, d]: ViT class logits (or the pooled state without a
     * classifier), CLIP projected embeddings, BERT pooled embedding (mean over attended tokens, CLS,
     * or the tanh pooler), decoder logits [T, vocab].
     */
    public INDArray head(INDArray h, Sequence seq) {
        if (!part.head()) {
            throw new EdgeFmException(arch.family() + ": this part holds no head");
        }
        return head.apply(h, seq);
    }

    private void requireEmbed() {
        if (!part.embed()) {
            throw new EdgeFmException(arch.family() + ": this part holds no embedding");
        }
    }

    /** Runs the whole part on an input: embeds (if it holds the embedding), its blocks, its head (if held). */
    public INDArray forwardText(Sequence seq, INDArray hiddenIn) {
        INDArray h = part.embed() ? embedTokens(seq, arch.isDecoder() ? seq.processed : 0) : hiddenIn;
        h = runBlocks(h, seq);
        seq.processed = seq.idsView().length;
        return part.head() ? head(h, seq) : h;
    }
}
