package org.edgefm.models.family;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.edgefm.models.nn.Fused;
import org.edgefm.models.nn.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

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
    private final String prefix;
    private final List<Block> blocks = new ArrayList<>();
    private final long weightBytes;
    // embedding
    private INDArray tokenEmb;
    private INDArray posEmb;
    private INDArray typeEmb;
    private INDArray embLnG;
    private INDArray embLnB;
    private INDArray patchW;   // [C·p·p, d]
    private INDArray patchB;
    private INDArray clsToken; // [1, d]
    // head
    private INDArray finalG;
    private INDArray finalB;
    private INDArray headW;    // [d, out]
    private INDArray headB;
    private INDArray poolerW;
    private INDArray poolerB;
    private float logitScale = Float.NaN;
    // the vectors the fused passes read, as floats (null where the tensor is absent)
    private final float[] clsF;
    private final float[] patchBF;
    private final float[] embLnGF;
    private final float[] embLnBF;
    private final float[] finalGF;
    private final float[] finalBF;
    private final float[] headBF;

    private Transformer(Arch arch, Part part, Weights w) {
        this.arch = arch;
        this.part = part;
        if (part.to() > arch.layers()) {
            throw new EdgeFmException(w.describe() + ": blocks [" + part.from() + ":" + part.to() + "] beyond the model's "
                    + arch.layers() + " layers");
        }
        this.prefix = prefix(arch, w);
        long before = w.loadedBytes();
        if (part.embed()) {
            loadEmbedding(w);
        }
        for (int i = part.from(); i < part.to(); i++) {
            blocks.add(loadBlock(w, i));
        }
        if (part.head()) {
            loadHead(w);
        }
        this.weightBytes = w.loadedBytes() - before;
        clsF = Fused.floats(clsToken);
        patchBF = Fused.floats(patchB);
        embLnGF = Fused.floats(embLnG);
        embLnBF = Fused.floats(embLnB);
        finalGF = Fused.floats(finalG);
        finalBF = Fused.floats(finalB);
        headBF = Fused.floats(headB);
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
        return logitScale;
    }

    // ---------------------------------------------------------------- names

    private static String prefix(Arch arch, Weights w) {
        return switch (arch.family()) {
            case "vit" -> firstPresent(w, "vit.", "", "embeddings.cls_token");
            case "clip-vision" -> firstPresent(w, "vision_model.", "", "embeddings.class_embedding");
            case "clip-text" -> firstPresent(w, "text_model.", "", "final_layer_norm.weight");
            case "bert" -> firstPresent(w, "bert.", "", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.gamma",
                    "encoder.layer.0.attention.self.query.weight");
            case "gpt2" -> firstPresent(w, "transformer.", "", "ln_f.weight", "h.0.ln_1.weight");
            case "llama" -> firstPresent(w, "model.", "", "norm.weight", "layers.0.input_layernorm.weight");
            default -> throw new AssertionError(arch.family());
        };
    }

    private static String firstPresent(Weights w, String a, String b, String... probes) {
        for (String probe : probes) {
            if (w.contains(a + probe)) {
                return a;
            }
            if (w.contains(b + probe)) {
                return b;
            }
        }
        return a;
    }

    private INDArray t(Weights w, String name, long... shape) {
        if (!w.contains(name)) {
            throw new EdgeFmException(w.describe() + ": tensor '" + name + "' not found (family " + arch.family() + ")");
        }
        INDArray a = w.get(name);
        if (shape.length > 0 && a.length() != product(shape)) {
            throw new EdgeFmException(w.describe() + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(a.shape())
                    + " (expected: " + java.util.Arrays.toString(shape) + " from the model config)");
        }
        return shape.length > 0 ? a.reshape('c', shape) : a;
    }

    private INDArray opt(Weights w, String name, long... shape) {
        return w.contains(name) ? t(w, name, shape) : null;
    }

    /** nn.Linear weight [out, in] → [in, out]. */
    private INDArray linearT(Weights w, String name, long out, long in) {
        return t(w, name, out, in).transpose().dup('c');
    }

    private static long product(long[] s) {
        long p = 1;
        for (long d : s) {
            p *= d;
        }
        return p;
    }

    private INDArray[] normPair(Weights w, String base, boolean bias) {
        long d = arch.hidden();
        INDArray g = w.contains(base + ".weight") || !w.contains(base + ".gamma") ? t(w, base + ".weight", d) : t(w, base + ".gamma", d);
        INDArray b = null;
        if (bias) {
            b = w.contains(base + ".bias") || !w.contains(base + ".beta") ? t(w, base + ".bias", d) : t(w, base + ".beta", d);
        }
        return new INDArray[] {g.reshape(1, d), b == null ? null : b.reshape(1, d)};
    }

    private INDArray rowVec(INDArray a) {
        return a == null ? null : a.reshape(1, a.length());
    }

    // ---------------------------------------------------------------- loading

    private void loadEmbedding(Weights w) {
        long d = arch.hidden();
        String p = prefix;
        switch (arch.family()) {
            case "vit", "clip-vision" -> {
                int c = arch.channels();
                int ps = arch.patchSize();
                long n = (long) arch.gridSide() * arch.gridSide();
                boolean vit = arch.family().equals("vit");
                String conv = vit ? p + "embeddings.patch_embeddings.projection" : p + "embeddings.patch_embedding";
                patchW = t(w, conv + ".weight", d, (long) c * ps * ps).transpose().dup('c');
                patchB = vit ? rowVec(t(w, conv + ".bias", d)) : null;
                clsToken = t(w, vit ? p + "embeddings.cls_token" : p + "embeddings.class_embedding", 1, d);
                posEmb = t(w, vit ? p + "embeddings.position_embeddings" : p + "embeddings.position_embedding.weight", n + 1, d);
                if (!vit) {
                    INDArray[] ln = normPair(w, p + "pre_layrnorm", true);
                    embLnG = ln[0];
                    embLnB = ln[1];
                }
            }
            case "clip-text" -> {
                tokenEmb = t(w, p + "embeddings.token_embedding.weight", arch.vocab(), d);
                posEmb = t(w, p + "embeddings.position_embedding.weight", arch.maxPositions(), d);
            }
            case "bert" -> {
                tokenEmb = t(w, p + "embeddings.word_embeddings.weight", arch.vocab(), d);
                posEmb = t(w, p + "embeddings.position_embeddings.weight", arch.maxPositions(), d);
                if (arch.typeVocab() > 0) {
                    typeEmb = t(w, p + "embeddings.token_type_embeddings.weight", arch.typeVocab(), d);
                }
                INDArray[] ln = normPair(w, p + "embeddings.LayerNorm", true);
                embLnG = ln[0];
                embLnB = ln[1];
            }
            case "gpt2" -> {
                tokenEmb = t(w, p + "wte.weight", arch.vocab(), d);
                posEmb = t(w, p + "wpe.weight", arch.maxPositions(), d);
            }
            case "llama" -> tokenEmb = t(w, p + "embed_tokens.weight", arch.vocab(), d);
            default -> throw new AssertionError(arch.family());
        }
    }

    private Block loadBlock(Weights w, int i) {
        long d = arch.hidden();
        long kv = (long) arch.kvHeads() * arch.headDim();
        long m = arch.intermediate();
        String p = prefix;
        return switch (arch.family()) {
            case "vit" -> {
                String b = p + "encoder.layer." + i + ".";
                INDArray[] n1 = normPair(w, b + "layernorm_before", true);
                INDArray[] n2 = normPair(w, b + "layernorm_after", true);
                yield new Block(arch, true, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]},
                        attn(w, b + "attention.attention.query", b + "attention.attention.key", b + "attention.attention.value",
                                b + "attention.output.dense", d, d, true),
                        geluMlp(w, b + "intermediate.dense", b + "output.dense", d, m));
            }
            case "clip-vision", "clip-text" -> {
                String b = p + "encoder.layers." + i + ".";
                INDArray[] n1 = normPair(w, b + "layer_norm1", true);
                INDArray[] n2 = normPair(w, b + "layer_norm2", true);
                yield new Block(arch, true, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]},
                        attn(w, b + "self_attn.q_proj", b + "self_attn.k_proj", b + "self_attn.v_proj", b + "self_attn.out_proj", d, d, true),
                        geluMlp(w, b + "mlp.fc1", b + "mlp.fc2", d, m));
            }
            case "bert" -> {
                String b = p + "encoder.layer." + i + ".";
                INDArray[] n1 = normPair(w, b + "attention.output.LayerNorm", true);
                INDArray[] n2 = normPair(w, b + "output.LayerNorm", true);
                yield new Block(arch, false, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]},
                        attn(w, b + "attention.self.query", b + "attention.self.key", b + "attention.self.value",
                                b + "attention.output.dense", d, d, true),
                        geluMlp(w, b + "intermediate.dense", b + "output.dense", d, m));
            }
            case "gpt2" -> {
                String b = p + "h." + i + ".";
                INDArray[] n1 = normPair(w, b + "ln_1", true);
                INDArray[] n2 = normPair(w, b + "ln_2", true);
                INDArray cAttn = t(w, b + "attn.c_attn.weight", d, 3 * d); // Conv1D: [in, out]
                INDArray cAttnB = t(w, b + "attn.c_attn.bias", 1, 3 * d);
                INDArray[] a = new INDArray[8];
                for (int j = 0; j < 3; j++) {
                    a[2 * j] = cAttn.get(NDArrayIndex.all(), NDArrayIndex.interval(j * d, (j + 1) * d)).dup('c');
                    a[2 * j + 1] = cAttnB.get(NDArrayIndex.all(), NDArrayIndex.interval(j * d, (j + 1) * d)).dup('c');
                }
                a[6] = t(w, b + "attn.c_proj.weight", d, d);
                a[7] = t(w, b + "attn.c_proj.bias", 1, d);
                INDArray[] mlp = {t(w, b + "mlp.c_fc.weight", d, m), t(w, b + "mlp.c_fc.bias", 1, m), null,
                    t(w, b + "mlp.c_proj.weight", m, d), t(w, b + "mlp.c_proj.bias", 1, d)};
                yield new Block(arch, true, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]}, a, mlp);
            }
            case "llama" -> {
                String b = p + "layers." + i + ".";
                INDArray[] n1 = normPair(w, b + "input_layernorm", false);
                INDArray[] n2 = normPair(w, b + "post_attention_layernorm", false);
                INDArray[] a = {linearT(w, b + "self_attn.q_proj.weight", d, d), rowVec(opt(w, b + "self_attn.q_proj.bias", d)),
                    linearT(w, b + "self_attn.k_proj.weight", kv, d), rowVec(opt(w, b + "self_attn.k_proj.bias", kv)),
                    linearT(w, b + "self_attn.v_proj.weight", kv, d), rowVec(opt(w, b + "self_attn.v_proj.bias", kv)),
                    linearT(w, b + "self_attn.o_proj.weight", d, d), null};
                INDArray[] mlp = {linearT(w, b + "mlp.gate_proj.weight", m, d), null, linearT(w, b + "mlp.up_proj.weight", m, d),
                    linearT(w, b + "mlp.down_proj.weight", d, m), null};
                yield new Block(arch, true, true, true, new INDArray[] {n1[0], null, n2[0], null}, a, mlp);
            }
            default -> throw new AssertionError(arch.family());
        };
    }

    private INDArray[] attn(Weights w, String q, String k, String v, String o, long d, long kv, boolean bias) {
        return new INDArray[] {linearT(w, q + ".weight", kv, d), bias ? rowVec(t(w, q + ".bias", kv)) : null,
            linearT(w, k + ".weight", kv, d), bias ? rowVec(t(w, k + ".bias", kv)) : null,
            linearT(w, v + ".weight", kv, d), bias ? rowVec(t(w, v + ".bias", kv)) : null,
            linearT(w, o + ".weight", d, d), bias ? rowVec(t(w, o + ".bias", d)) : null};
    }

    private INDArray[] geluMlp(Weights w, String up, String down, long d, long m) {
        return new INDArray[] {linearT(w, up + ".weight", m, d), rowVec(t(w, up + ".bias", m)), null,
            linearT(w, down + ".weight", d, m), rowVec(t(w, down + ".bias", d))};
    }

    private void loadHead(Weights w) {
        long d = arch.hidden();
        String p = prefix;
        switch (arch.family()) {
            case "vit" -> {
                INDArray[] n = normPair(w, p + "layernorm", true);
                finalG = n[0];
                finalB = n[1];
                if (!arch.labels().isEmpty()) {
                    headW = linearT(w, "classifier.weight", arch.labels().size(), d);
                    headB = rowVec(t(w, "classifier.bias", arch.labels().size()));
                }
            }
            case "clip-vision" -> {
                INDArray[] n = normPair(w, p + "post_layernorm", true);
                finalG = n[0];
                finalB = n[1];
                if (arch.projection() > 0) {
                    headW = linearT(w, "visual_projection.weight", arch.projection(), d);
                }
                readLogitScale(w);
            }
            case "clip-text" -> {
                INDArray[] n = normPair(w, p + "final_layer_norm", true);
                finalG = n[0];
                finalB = n[1];
                if (arch.projection() > 0) {
                    headW = linearT(w, "text_projection.weight", arch.projection(), d);
                }
                readLogitScale(w);
            }
            case "bert" -> {
                if (arch.pooling().equals("pooler")) {
                    poolerW = linearT(w, p + "pooler.dense.weight", d, d);
                    poolerB = rowVec(t(w, p + "pooler.dense.bias", d));
                }
            }
            case "gpt2" -> {
                INDArray[] n = normPair(w, p + "ln_f", true);
                finalG = n[0];
                finalB = n[1];
                headW = w.contains("lm_head.weight") && !arch.tied() ? linearT(w, "lm_head.weight", arch.vocab(), d)
                        : t(w, p + "wte.weight", arch.vocab(), d).transpose().dup('c');
            }
            case "llama" -> {
                finalG = normPair(w, p + "norm", false)[0];
                headW = w.contains("lm_head.weight") ? linearT(w, "lm_head.weight", arch.vocab(), d)
                        : t(w, p + "embed_tokens.weight", arch.vocab(), d).transpose().dup('c');
            }
            default -> throw new AssertionError(arch.family());
        }
    }

    private void readLogitScale(Weights w) {
        if (w.contains("logit_scale")) {
            logitScale = (float) Math.exp(w.get("logit_scale").getDouble(0));
        }
    }

    // ---------------------------------------------------------------- running

    /** Image [C, H, W] (normalised, row-major floats) → hidden states [1 + patches, d]. */
    public INDArray embedImage(float[] chw) {
        requireEmbed();
        if (!arch.isVision()) {
            throw new EdgeFmException(arch.family() + ": embedImage on a text model");
        }
        int c = arch.channels();
        int s = arch.imageSize();
        int ps = arch.patchSize();
        int g = arch.gridSide();
        if (chw.length != c * s * s) {
            throw new EdgeFmException(arch.family() + ": image has " + chw.length + " values (expected: " + c + "x" + s + "x" + s + ")");
        }
        int k = c * ps * ps;
        float[] patches = new float[g * g * k];
        for (int py = 0; py < g; py++) {
            for (int px = 0; px < g; px++) {
                int row = (py * g + px) * k;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < ps; y++) {
                        int src = ch * s * s + (py * ps + y) * s + px * ps;
                        System.arraycopy(chw, src, patches, row + ch * ps * ps + y * ps, ps);
                    }
                }
            }
        }
        INDArray e = Fused.linear(Nd4j.create(patches, new long[] {(long) g * g, k}, 'c'), patchW, null, null);
        // [class token; patches + bias] + positions, in one pass
        int d = arch.hidden();
        float[] cls = clsF;
        float[] pos = posFloats();
        float[] bias = patchBF;
        float[] pe = e.data().asFloat();
        float[] hv = new float[(g * g + 1) * d];
        for (int j = 0; j < d; j++) {
            hv[j] = cls[j] + pos[j];
        }
        for (int i = 0; i < g * g; i++) {
            for (int j = 0; j < d; j++) {
                float v = pe[i * d + j];
                if (bias != null) {
                    v += bias[j];
                }
                hv[(i + 1) * d + j] = v + pos[(i + 1) * d + j];
            }
        }
        INDArray h = Nd4j.create(hv, new long[] {(long) g * g + 1, d}, 'c');
        return embLnG != null ? Fused.layerNorm(h, embLnGF, embLnBF, arch.eps(), h) : h;
    }

    /**
     * The embedding of the tokens of {@code seq} from position {@code start} on (decoders: the new
     * tokens after the cached ones; encoders: start 0) → hidden states [T, d].
     */
    public INDArray embedTokens(Sequence seq, int start) {
        requireEmbed();
        if (arch.isVision()) {
            throw new EdgeFmException(arch.family() + ": embedTokens on a vision model");
        }
        int[] ids = seq.idsView();
        int t = ids.length - start;
        if (t <= 0) {
            throw new EdgeFmException(arch.family() + ": no tokens to embed");
        }
        if (arch.maxPositions() > 0 && ids.length > arch.maxPositions()) {
            throw new EdgeFmException(arch.family() + ": " + ids.length + " tokens exceed the model's " + arch.maxPositions() + " positions");
        }
        int[] rows = new int[t];
        for (int i = 0; i < t; i++) {
            int id = ids[start + i];
            if (id < 0 || id >= arch.vocab()) {
                throw new EdgeFmException(arch.family() + ": token id " + id + " outside the vocabulary of " + arch.vocab());
            }
            rows[i] = id;
        }
        INDArray h = gatherRows(tokenEmb, rows);
        if (posEmb != null) {
            int[] pos = new int[t];
            for (int i = 0; i < t; i++) {
                pos[i] = start + i;
            }
            h.addi(gatherRows(posEmb, pos));
        }
        if (typeEmb != null) {
            int[] types = java.util.Arrays.copyOfRange(seq.typeIds(), start, ids.length);
            for (int ty : types) {
                if (ty < 0 || ty >= arch.typeVocab()) {
                    throw new EdgeFmException(arch.family() + ": token type " + ty + " outside " + arch.typeVocab());
                }
            }
            h.addi(gatherRows(typeEmb, types));
        }
        return embLnG != null ? Fused.layerNorm(h, embLnGF, embLnBF, arch.eps(), h) : h;
    }

    private float[] posFloats;

    /** The position embeddings as floats, read once. */
    private float[] posFloats() {
        if (posFloats == null) {
            posFloats = Fused.floats(posEmb);
        }
        return posFloats;
    }

    private static INDArray gatherRows(INDArray table, int[] rows) {
        INDArray out = Nd4j.create(DataType.FLOAT, rows.length, table.columns());
        for (int i = 0; i < rows.length; i++) {
            out.putRow(i, table.getRow(rows[i]));
        }
        return out;
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

    /**
     * The per-thread ND4J workspace of a pass through a part's fused blocks: the temporaries of every
     * block (norms, Q/K/V, scores, MLP activations) are bump-allocated in it and dropped together at
     * the end of the pass instead of each being a native allocation with its own deallocator. It
     * learns its size on the first pass, and grows (reallocates) when a longer input comes; it keeps
     * the largest pass's temporaries per thread that ran the part. What outlives the pass (the output,
     * key/value caches) is allocated or copied outside it.
     */
    static final WorkspaceConfiguration BLOCKS_WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.25).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();
    static final String BLOCKS_WORKSPACE_ID = "edgefm-blocks";

    private INDArray runBlocks(INDArray h, Sequence seq, boolean fused) {
        if (!fused || blocks.isEmpty()) {
            return runBlocksIn(h, seq, fused);
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(BLOCKS_WORKSPACE, BLOCKS_WORKSPACE_ID)) {
            return runBlocksIn(h, seq, true).detach();
        }
    }

    private INDArray runBlocksIn(INDArray h, Sequence seq, boolean fused) {
        if (h.rank() != 2 || h.columns() != arch.hidden()) {
            throw new EdgeFmException(arch.family() + ": hidden states of shape " + java.util.Arrays.toString(h.shape())
                    + " (expected: [tokens, " + arch.hidden() + "])");
        }
        int t = (int) h.rows();
        INDArray x = h;
        for (int i = 0; i < blocks.size(); i++) {
            int index = part.from() + i;
            INDArray mask;
            Block.KvCache cache = null;
            if (arch.isDecoder()) {
                cache = seq.caches.computeIfAbsent(index, k -> new Block.KvCache());
                mask = Ops.causalMask(t, cache.length());
            } else if (arch.family().equals("clip-text")) {
                mask = Ops.causalMask(t, 0);
                INDArray pad = Ops.paddingMask(t, seq.attention());
                if (pad != null) {
                    mask.addi(pad);
                }
            } else if (arch.isVision()) {
                mask = null;
            } else {
                mask = Ops.paddingMask(t, seq.attention());
            }
            x = fused ? blocks.get(i).forward(x, mask, cache) : blocks.get(i).forwardUnfused(x, mask, cache);
        }
        return x;
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
        return switch (arch.family()) {
            case "vit" -> {
                INDArray cls = Fused.layerNorm(h.getRow(0).reshape(1, arch.hidden()), finalGF, finalBF, arch.eps());
                yield headW == null ? cls : Fused.linear(cls, headW, headBF, null);
            }
            case "clip-vision" -> {
                INDArray pooled = Fused.layerNorm(h.getRow(0).reshape(1, arch.hidden()), finalGF, finalBF, arch.eps());
                yield headW == null ? pooled : pooled.mmul(headW);
            }
            case "clip-text" -> {
                INDArray n = Ops.layerNorm(h, finalG, finalB, arch.eps());
                int at = eosPosition(seq.idsView());
                INDArray pooled = n.getRow(at).reshape(1, arch.hidden());
                yield headW == null ? pooled : pooled.mmul(headW);
            }
            case "bert" -> pool(h, seq.attention());
            case "gpt2" -> Fused.linear(Fused.layerNorm(h, finalGF, finalBF, arch.eps()), headW, null, null);
            case "llama" -> Fused.linear(Fused.rmsNorm(h, finalGF, arch.eps()), headW, null, null);
            default -> throw new AssertionError(arch.family());
        };
    }

    private int eosPosition(int[] ids) {
        int best = 0;
        for (int i = 0; i < ids.length; i++) {
            if (arch.eosTokenId() >= 0 ? ids[i] == arch.eosTokenId() : ids[i] > ids[best]) {
                best = i;
                if (arch.eosTokenId() >= 0) {
                    break;
                }
            }
        }
        return best;
    }

    private INDArray pool(INDArray h, int[] attention) {
        return switch (arch.pooling()) {
            case "mean" -> {
                float[] m = new float[attention.length];
                float n = 0;
                for (int i = 0; i < m.length; i++) {
                    m[i] = attention[i] != 0 ? 1f : 0f;
                    n += m[i];
                }
                INDArray w = Nd4j.create(m, new long[] {1, m.length}, 'c');
                yield w.mmul(h).divi(Math.max(n, 1e-9f));
            }
            case "cls" -> h.getRow(0).reshape(1, arch.hidden()).dup();
            case "pooler" -> Transforms.tanh(Ops.linear(h.getRow(0).reshape(1, arch.hidden()), poolerW, poolerB), false);
            case "none" -> h;
            default -> throw new AssertionError(arch.pooling());
        };
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
