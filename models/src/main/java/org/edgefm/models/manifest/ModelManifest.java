package org.edgefm.models.manifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.scenario.ScenarioException;
import org.edgefm.models.BuiltinModels;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ActivationCodec.WireType;
import org.edgefm.models.safetensors.ShardedSafeTensors;

/**
 * A model manifest: which model (family, weight files, config, tokenizer) and how it is cut into
 * microservices at block boundaries. See the module README for the format. Loading validates
 * everything a service will need, with errors that read {@code <file>: <path>: <problem>} like
 * scenario errors; no weights are read until {@link #openWeights()}. This class holds the manifest
 * read ({@link ManifestReader} reads and checks it, {@link PartCut} its parts) and what it costs
 * ({@link PartCosts}).
 */
public final class ModelManifest {
    /** The manifest format version this code reads. */
    public static final int SCHEMA = 1;
    /** Largest manifest accepted. */
    public static final long MAX_BYTES = 1 << 20;
    /** The weights value naming the MiniLM model inside the langchain4j artifact. */
    public static final String BUILTIN_MINILM = "builtin:all-minilm-l6-v2";

    /** What a part does. */
    public enum Role {
        /** Image decode/resize/normalise or tokenisation (light, no weights). */
        PREPROCESS,
        /** Embedding and/or blocks and/or head of the model. */
        MODEL
    }

    /**
     * One microservice of the model.
     *
     * @param id   service id (kebab-case)
     * @param kind {@code light} or {@code core}
     * @param role what it does
     * @param part for model parts, the embedding/blocks/head it holds (null for pre-processing)
     */
    public record PartSpec(String id, String kind, Role role, Transformer.Part part) {
    }

    private final String source;
    private final Path baseDir;
    private final String name;
    private final Arch arch;
    private final String weights;
    private final Path tokenizer;
    private final WireType wire;
    private final float[] imageMean;
    private final float[] imageStd;
    private final int maxTokens;
    private final Map<String, PartSpec> parts;
    private final Path corpusFile;
    private Corpus corpus;
    private final Path zeroShotFile;
    private ZeroShotLabels zeroShot;
    private final PartCosts costs;

    ModelManifest(String source, Path baseDir, String name, Arch arch, String weights, Path tokenizer, WireType wire,
            float[] imageMean, float[] imageStd, int maxTokens, Map<String, PartSpec> parts, Path corpusFile, Path zeroShotFile) {
        this.source = source;
        this.baseDir = baseDir;
        this.name = name;
        this.arch = arch;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.wire = wire;
        this.imageMean = imageMean;
        this.imageStd = imageStd;
        this.maxTokens = maxTokens;
        this.parts = parts;
        this.corpusFile = corpusFile;
        this.zeroShotFile = zeroShotFile;
        this.costs = new PartCosts(this);
    }

    /** Reads and validates a manifest file; relative file names resolve against its folder. */
    public static ModelManifest load(Path file) {
        return ManifestReader.load(file);
    }

    /** A manifest that ships in this module: {@code all-minilm-l6-v2}. */
    public static ModelManifest builtin(String name) {
        return ManifestReader.builtin(name);
    }

    /** Parses and validates manifest text. */
    public static ModelManifest parse(String text, String source, Path baseDir) {
        return ManifestReader.parse(text, source, baseDir);
    }

    /** The manifest's file name, for messages. */
    public String source() {
        return source;
    }

    /** The model's name. */
    public String name() {
        return name;
    }

    /** Family and hyper-parameters. */
    public Arch arch() {
        return arch;
    }

    /** The parts in pipeline order. */
    public List<PartSpec> parts() {
        return List.copyOf(parts.values());
    }

    /** One part by service id. */
    public PartSpec part(String id) {
        PartSpec p = parts.get(id);
        if (p == null) {
            throw new ScenarioException(source, "parts", "no part '" + id + "' (have " + parts.keySet() + ")");
        }
        return p;
    }

    /** The activation dtype on the wire between parts. */
    public WireType wire() {
        return wire;
    }

    /** Tokenizer file, or null. */
    public Path tokenizer() {
        return tokenizer;
    }

    /** Per-channel normalisation of images. */
    public float[] imageMean() {
        return imageMean.clone();
    }

    /** Per-channel normalisation of images. */
    public float[] imageStd() {
        return imageStd.clone();
    }

    /** Truncation length of texts. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The retrieval corpus file of the text head, or null. */
    public Path corpusFile() {
        return corpusFile;
    }

    /**
     * The retrieval corpus of a text encoder's head (read once, on first use), or null when the
     * manifest names none.
     *
     * @throws ScenarioException when the file is missing or malformed
     */
    public synchronized Corpus corpus() {
        if (corpus == null && corpusFile != null) {
            if (!Files.isRegularFile(corpusFile)) {
                throw new ScenarioException(source, "corpus", "'" + corpusFile.getFileName() + "': no such file next to the manifest");
            }
            corpus = Corpus.read(corpusFile, embeddingWidth());
        }
        return corpus;
    }

    /** The zero-shot label file of a CLIP vision tower's head, or null. */
    public Path zeroShotFile() {
        return zeroShotFile;
    }

    /**
     * The zero-shot labels of a CLIP vision tower's head (read once, on first use), or null when the
     * manifest names none.
     *
     * @throws ScenarioException when the file is missing or malformed
     */
    public synchronized ZeroShotLabels zeroShot() {
        if (zeroShot == null && zeroShotFile != null) {
            if (!Files.isRegularFile(zeroShotFile)) {
                throw new ScenarioException(source, "zeroShot", "'" + zeroShotFile.getFileName() + "': no such file next to the manifest");
            }
            zeroShot = ZeroShotLabels.read(zeroShotFile, arch.projection());
        }
        return zeroShot;
    }

    /** Width of the pooled or projected embedding a text encoder's head gives. */
    public int embeddingWidth() {
        return arch.family().equals("clip-text") || arch.family().equals("clip-vision") ? arch.projection() : arch.hidden();
    }

    /** Opens the weights (safetensors or the built-in MiniLM); tensors are read only as parts load them. */
    public Weights openWeights() {
        if (weights.equals(BUILTIN_MINILM)) {
            return BuiltinModels.miniLmWeights();
        }
        return Weights.open(baseDir.resolve(weights));
    }

    /** Loads one model part's tensors. */
    public Transformer loadPart(String id, Weights w) {
        PartSpec p = part(id);
        if (p.role() != Role.MODEL) {
            throw new ScenarioException(source, "parts", "'" + id + "' is a preprocess part and has no weights");
        }
        return Transformer.load(arch, w, p.part());
    }

    // ---------------------------------------------------------------- costs from the real shapes ({@link PartCosts})

    /** Tokens a request carries through the model parts: image patches + 1, or the given text length. */
    public int tokens(int textTokens) {
        return costs.tokens(textTokens);
    }

    /**
     * The matrix products of one request through a part, as kernel specs whose costs
     * ({@code KernelCost}) count them: {@code patchify} for a patch embedding,
     * {@code transformer-encoder} for blocks (grouped-query and SwiGLU widths folded into an
     * equivalent MLP width), {@code head} for a classifier, projection or lm head.
     */
    public List<KernelSpec> costSpecs(String id, int textTokens) {
        return costs.costSpecs(id, textTokens);
    }

    /**
     * The one kernel spec a service of this part runs under: the spec of its blocks
     * ({@code transformer-encoder}, which the agent and planners cost), or of its head for a
     * head-only part; its {@code weights} is {@code manifestRef#part}, which tells an agent to load the
     * real part from the manifest ({@code manifestRef} relative to the agent's model directory). A
     * part's patch embedding (one product of a block's size divided by the layer count, or less) is not
     * in the spec; an embedding-only part has no spec.
     */
    public KernelSpec kernelSpec(String id, int textTokens, String manifestRef) {
        return costs.kernelSpec(id, textTokens, manifestRef);
    }

    /** FP32 bytes of the weights one part holds (from the shapes; equals what {@link #loadPart} reads from an F32 file). */
    public long weightBytes(String id) {
        return costs.weightBytes(id);
    }

    /** Bytes a part's output takes on the wire for a request of {@code textTokens} tokens. */
    public long outputWireBytes(String id, int textTokens) {
        return costs.outputWireBytes(id, textTokens);
    }

    /** The shard files a {@code model.safetensors.index.json} names (checked as {@link ShardedSafeTensors#open} checks them). */
    public static List<String> shards(Path index) {
        return org.edgefm.models.safetensors.ShardedSafeTensors.open(index).shardFiles();
    }

    /** All part ids. */
    public Set<String> partIds() {
        return new HashSet<>(parts.keySet());
    }
}
