package org.edgefm.models.manifest;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.BuiltinModels;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Generator;
import org.edgefm.models.family.Heads;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.image.ImagePreprocessor;
import org.edgefm.models.manifest.ModelManifest.PartSpec;
import org.edgefm.models.manifest.ModelManifest.Role;
import org.edgefm.models.text.TextTokenizer;
import org.edgefm.wire.TaskAnswer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one part of a manifest on one request, as a microservice does, and reads the answer off a
 * head part's output. The same code runs a part on an agent and the whole model in one process
 * ({@link #monolithic}), so a split run and the monolithic one differ only by what the wire does to
 * the hidden states.
 *
 * <p>Tensors between parts:
 * <ul>
 * <li>into a pre-processing part: the request's bytes (an encoded image, or UTF-8 text) as a [1, n]
 *     row of byte values 0-255 ({@link #bytesRow});
 * <li>out of it: the normalised image [channels, side²] (channel-major), or the token ids as a
 *     [1, T] row;
 * <li>between model parts: hidden states [tokens, width];
 * <li>out of the head: class logits [1, labels], next-token logits [tokens, vocabulary], the
 *     similarity with every corpus entry [1, N], CLIP's zero-shot logits
 *     ({@code scale · cos(image, label)}, [1, labels]), or the pooled or projected embedding.
 * </ul>
 */
public final class PartRunner implements AutoCloseable {
    private final ModelManifest manifest;
    private final PartSpec spec;
    private final Transformer part;
    private final TextTokenizer tokenizer;
    private final ImagePreprocessor images;
    private SequenceCache sequences;

    private PartRunner(ModelManifest manifest, PartSpec spec, Transformer part, TextTokenizer tokenizer, ImagePreprocessor images) {
        this.manifest = manifest;
        this.spec = spec;
        this.part = part;
        this.tokenizer = tokenizer;
        this.images = images;
    }

    /** Loads one part: its tensors only (model part), or the tokenizer or image pre-processor. */
    public static PartRunner load(ModelManifest m, String id) {
        PartSpec p = m.part(id);
        Arch arch = m.arch();
        if (p.role() == Role.PREPROCESS) {
            if (arch.isVision()) {
                return new PartRunner(m, p, null, null, new ImagePreprocessor(arch.imageSize(), m.imageMean(), m.imageStd()));
            }
            return new PartRunner(m, p, null, tokenizer(m), null);
        }
        if (p.part().head()) {
            m.corpus(); // a missing or malformed corpus fails the load, not the first request
            m.zeroShot(); // so do zero-shot labels
        }
        try (Weights w = m.openWeights()) {
            return new PartRunner(m, p, m.loadPart(id, w), null, null);
        }
    }

    /** The model's tokenizer: its tokenizer.json, or the built-in MiniLM's. */
    public static TextTokenizer tokenizer(ModelManifest m) {
        if (m.tokenizer() != null) {
            return TextTokenizer.open(m.tokenizer(), m.maxTokens());
        }
        return BuiltinModels.miniLmTokenizer();
    }

    /** The part. */
    public PartSpec spec() {
        return spec;
    }

    /** The loaded model part, or null for pre-processing. */
    public Transformer transformer() {
        return part;
    }

    /**
     * Runs one step of a decoder sequence through this part, keeping the key/value cache of its blocks
     * for the sequence's next step ({@link SequenceCache}, bounded; {@link #useSequenceCache} sets the
     * limit). The first part takes the step's new token ids [1, t], later parts the previous part's
     * hidden states [t, width] for those tokens; the part holding the lm head gives their logits. The
     * tokenizer part of a decoder passes a step's token ids on (checked): the steps of a generation
     * carry ids, which the sender tokenised once from the prompt.
     *
     * @param sequence the sequence id every step of one generation carries
     * @param start    tokens of the sequence before this step (0: begin it, or replay it, again)
     * @throws SequenceCache.Miss when this part holds no cache of the sequence up to {@code start}:
     *                            the sender replays the sequence from token 0
     */
    public INDArray decode(String sequence, int start, INDArray in) {
        Arch arch = manifest.arch();
        if (!arch.isDecoder()) {
            throw new EdgeFmException("part '" + spec.id() + "': decode steps only through a decoder's parts (gpt2, llama)");
        }
        if (spec.role() == Role.PREPROCESS) {
            // a step carries token ids, never text: the sender tokenised the prompt once, and each next
            // step is a token the lm head chose; the tokenizer part checks and passes them on
            int[] ids = tokenIds(in, arch);
            if (ids.length == 0) {
                throw new EdgeFmException("part '" + spec.id() + "': a step of no tokens");
            }
            float[] f = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                f[i] = ids[i];
            }
            return Nd4j.create(f, new long[] {1, f.length}, 'c');
        }
        SequenceCache cache = sequenceCache();
        Sequence seq = cache.take(sequence, start, spec.id());
        int t;
        if (spec.part().embed()) {
            int[] ids = tokenIds(in, arch);
            t = ids.length;
            seq.append(ids);
        } else {
            if (in.rank() != 2 || in.columns() != arch.hidden()) {
                throw new EdgeFmException("model part '" + spec.id() + "': input of shape " + Arrays.toString(in.shape())
                        + " (expected: [tokens, " + arch.hidden() + "] hidden states)");
            }
            t = (int) in.rows();
            seq.append(new int[t]); // positions only: the ids stay with the first part
        }
        if (t == 0) {
            throw new EdgeFmException("model part '" + spec.id() + "': a step of no tokens");
        }
        INDArray out = part.forwardText(seq, spec.part().embed() ? null : in.castTo(DataType.FLOAT));
        cache.put(sequence, seq);
        return out;
    }

    /** Bounds this part's per-sequence key/value caches (a decoder part; default {@link SequenceCache#DEFAULT_MAX_BYTES}). */
    public synchronized PartRunner useSequenceCache(long maxBytes) {
        sequences = new SequenceCache(maxBytes, bytesPerToken());
        return this;
    }

    /** The counters of this part's per-sequence caches (zeros before the first step). */
    public synchronized SequenceCache.Stats sequenceStats() {
        return sequences == null ? new SequenceCache.Stats(0, 0, 0, 0, 0, 0) : sequences.stats();
    }

    /** Forgets a finished sequence's caches. */
    public synchronized void endSequence(String sequence) {
        if (sequences != null) {
            sequences.end(sequence);
        }
    }

    private synchronized SequenceCache sequenceCache() {
        if (sequences == null) {
            sequences = new SequenceCache(SequenceCache.DEFAULT_MAX_BYTES, bytesPerToken());
        }
        return sequences;
    }

    /** Bytes one token's keys and values take in this part: blocks x 2 x kv width x 4 (at least 4: the position). */
    long bytesPerToken() {
        Arch a = manifest.arch();
        long blocks = spec.part().to() - spec.part().from();
        return Math.max(4, blocks * 2L * a.kvHeads() * a.headDim() * Float.BYTES);
    }

    /** True when the part's output is hidden states for the next part (those may travel as FP16). */
    public boolean outputsHidden() {
        return spec.role() == Role.MODEL && !spec.part().head();
    }

    /** A request's bytes as the [1, n] row of byte values a pre-processing part takes. */
    public static INDArray bytesRow(byte[] bytes) {
        if (bytes.length == 0) {
            throw new EdgeFmException("request: no bytes (expected: an encoded image or UTF-8 text)");
        }
        float[] f = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            f[i] = bytes[i] & 0xff;
        }
        return Nd4j.create(f, new long[] {1, f.length}, 'c');
    }

    /** Runs the part on one request. */
    public INDArray run(INDArray in) {
        Arch arch = manifest.arch();
        if (spec.role() == Role.PREPROCESS) {
            byte[] bytes = bytes(in);
            if (arch.isVision()) {
                float[] chw = images.prepare(new ByteArrayInputStream(bytes), "request image");
                return Nd4j.create(chw, new long[] {arch.channels(), (long) arch.imageSize() * arch.imageSize()}, 'c');
            }
            int[] ids = tokenizer.encode(new String(bytes, StandardCharsets.UTF_8)).ids();
            float[] f = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                f[i] = ids[i];
            }
            return Nd4j.create(f, new long[] {1, f.length}, 'c');
        }
        Transformer.Part p = spec.part();
        Sequence seq;
        INDArray h;
        if (p.embed()) {
            if (arch.isVision()) {
                long want = (long) arch.channels() * arch.imageSize() * arch.imageSize();
                if (in.length() != want) {
                    throw new EdgeFmException("model part '" + spec.id() + "': input of " + in.length() + " values (expected: " + want
                            + ", a normalised " + arch.imageSize() + " x " + arch.imageSize() + " image of " + arch.channels() + " channels)");
                }
                seq = new Sequence();
                h = part.embedImage(in.castTo(DataType.FLOAT).dup('c').data().asFloat());
            } else {
                int[] ids = tokenIds(in, arch);
                seq = new Sequence(ids, null, null);
                h = part.embedTokens(seq, 0);
            }
        } else {
            if (in.rank() != 2 || in.columns() != arch.hidden()) {
                throw new EdgeFmException("model part '" + spec.id() + "': input of shape " + Arrays.toString(in.shape())
                        + " (expected: [tokens, " + arch.hidden() + "] hidden states)");
            }
            h = in.castTo(DataType.FLOAT);
            seq = new Sequence(new int[(int) in.rows()], null, null);
        }
        h = part.runBlocks(h, seq);
        if (!p.head()) {
            return h;
        }
        INDArray out = part.head(h, seq);
        ZeroShotLabels z = manifest.zeroShot();
        if (z != null) {
            float[] logits = z.logits(Heads.vector(out));
            return Nd4j.create(logits, new long[] {1, logits.length}, 'c');
        }
        Corpus c = manifest.corpus();
        if (c == null) {
            return out;
        }
        float[] v = Heads.normalize(Heads.vector(out));
        float[] sims = new float[c.texts().size()];
        for (int i = 0; i < sims.length; i++) {
            sims[i] = (float) Heads.cosine(v, c.embeddings().get(i));
        }
        return Nd4j.create(sims, new long[] {1, sims.length}, 'c');
    }

    /**
     * The answer of a head part's output: the top label and its probability (classifier, or CLIP's
     * zero-shot labels), the
     * nearest corpus entry and its cosine similarity (retrieval), or the next token and its
     * probability (decoder); null for a part without a head, and for a head whose output is an
     * embedding with nothing to compare it with.
     */
    public TaskAnswer answer(INDArray out) {
        if (spec.role() != Role.MODEL || !spec.part().head()) {
            return null;
        }
        return answer(manifest, out);
    }

    /**
     * {@link #answer(INDArray)} of a step of a generation: a decoder's next token drawn with
     * {@code sampling} as the token at {@code position} of the sequence ({@link Generator.Sampling#choose},
     * the draw {@link Generator} makes), with its softmax probability; null or k &le; 1: the best token.
     */
    public TaskAnswer answer(INDArray out, Generator.Sampling sampling, int position) {
        if (spec.role() != Role.MODEL || !spec.part().head()) {
            return null;
        }
        return answer(manifest, out, sampling, position);
    }

    /** {@link #answer(INDArray)} for the head of {@code m}. */
    public static TaskAnswer answer(ModelManifest m, INDArray out) {
        return answer(m, out, null, 0);
    }

    /** {@link #answer(INDArray, Generator.Sampling, int)} for the head of {@code m}. */
    public static TaskAnswer answer(ModelManifest m, INDArray out, Generator.Sampling sampling, int position) {
        Arch arch = m.arch();
        ZeroShotLabels z = m.zeroShot();
        if (z != null) {
            Heads.Scored s = Heads.topLabels(Heads.vector(out), z.labels(), 1).get(0);
            return TaskAnswer.of(s.label(), s.score());
        }
        Corpus c = m.corpus();
        if (c != null) {
            float[] sims = Heads.vector(out);
            int best = 0;
            for (int i = 1; i < sims.length; i++) {
                if (sims[i] > sims[best]) {
                    best = i;
                }
            }
            return TaskAnswer.of(c.texts().get(best), sims[best]);
        }
        if (arch.isDecoder()) {
            INDArray last = out.getRow(out.rows() - 1);
            if (sampling != null && sampling.k() > 1) {
                float[] logits = Heads.vector(last);
                int token = sampling.choose(logits, position);
                return TaskAnswer.of("token " + token, Heads.softmax(logits)[token]);
            }
            Heads.Scored s = Heads.topLabels(Heads.vector(last), List.of(), 1).get(0);
            return TaskAnswer.of("token " + s.index(), s.score());
        }
        if (!arch.labels().isEmpty()) {
            Heads.Scored s = Heads.topLabels(Heads.vector(out), arch.labels(), 1).get(0);
            return TaskAnswer.of(s.label(), s.score());
        }
        return null;
    }

    /**
     * The whole model in this process, part after part with FP32 hidden states between them: the
     * reference a split run is compared with.
     *
     * @param request the request's bytes (encoded image or UTF-8 text)
     */
    public static TaskAnswer monolithic(ModelManifest m, byte[] request) {
        List<PartRunner> runners = new ArrayList<>();
        try {
            for (PartSpec p : m.parts()) {
                runners.add(load(m, p.id()));
            }
            return monolithic(runners, request);
        } finally {
            runners.forEach(PartRunner::close);
        }
    }

    /** {@link #monolithic(ModelManifest, byte[])} over parts loaded already (in pipeline order). */
    public static TaskAnswer monolithic(List<PartRunner> parts, byte[] request) {
        INDArray x = bytesRow(request);
        for (PartRunner r : parts) {
            x = r.run(x);
        }
        return parts.get(parts.size() - 1).answer(x);
    }

    /**
     * The corpus of a text encoder: every text through the whole model (no corpus head), its pooled
     * or projected embedding. Used to write the corpus file a retrieval head reads.
     */
    public static Corpus embedCorpus(ModelManifest m, List<String> texts) {
        Arch arch = m.arch();
        if (arch.isVision() || arch.isDecoder()) {
            throw new EdgeFmException(m.source() + ": a " + arch.family() + " model has no text embedding for a corpus");
        }
        List<float[]> emb = new ArrayList<>();
        try (Weights w = m.openWeights(); TextTokenizer tok = tokenizer(m)) {
            Transformer all = Transformer.load(arch, w, Transformer.Part.all(arch));
            for (String t : texts) {
                Sequence seq = new Sequence(tok.encode(t).ids(), null, null);
                INDArray h = all.embedTokens(seq, 0);
                h = all.runBlocks(h, seq);
                emb.add(Heads.vector(all.head(h, seq)));
            }
        }
        return new Corpus(texts, emb);
    }

    private static byte[] bytes(INDArray in) {
        float[] f = in.castTo(DataType.FLOAT).dup('c').data().asFloat();
        byte[] b = new byte[f.length];
        for (int i = 0; i < f.length; i++) {
            if (f[i] < 0 || f[i] > 255 || f[i] != Math.rint(f[i])) {
                throw new EdgeFmException("pre-processing: value " + f[i] + " at " + i + " (expected: the request's bytes, 0..255)");
            }
            b[i] = (byte) (int) f[i];
        }
        return b;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    /** The token ids a text part's input carries (floats that must be whole numbers in the vocabulary). */
    private int[] tokenIds(INDArray in, Arch arch) {
        float[] f = in.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] ids = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            ids[i] = Math.round(f[i]);
            if (ids[i] < 0 || ids[i] >= arch.vocab() || ids[i] != f[i]) {
                throw new EdgeFmException("model part '" + spec.id() + "': token id " + f[i] + " at " + i + " (expected: an integer 0.."
                        + (arch.vocab() - 1) + ")");
            }
        }
        return ids;
    }
}
