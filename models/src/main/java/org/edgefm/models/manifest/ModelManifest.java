package org.edgefm.models.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * scenario errors; no weights are read until {@link #openWeights()}.
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

    private ModelManifest(String source, Path baseDir, String name, Arch arch, String weights, Path tokenizer, WireType wire,
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
    }

    /** Reads and validates a manifest file; relative file names resolve against its folder. */
    public static ModelManifest load(Path file) {
        String src = file.toString();
        try {
            if (!Files.isRegularFile(file)) {
                throw new ScenarioException(src, "(file)", "no such file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ScenarioException(src, "(file)", Files.size(file) + " bytes (expected: at most " + MAX_BYTES + ")");
            }
            Path dir = file.toAbsolutePath().getParent();
            return parse(Files.readString(file), src, dir);
        } catch (IOException e) {
            throw new ScenarioException(src, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /** A manifest that ships in this module: {@code all-minilm-l6-v2}. */
    public static ModelManifest builtin(String name) {
        String res = "org/edgefm/models/builtin/" + name + ".manifest.json";
        try (java.io.InputStream in = ModelManifest.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                throw new ScenarioException("builtin:" + name, "(file)", "no built-in model manifest of that name (expected: all-minilm-l6-v2)");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "builtin:" + name, Path.of("."));
        } catch (IOException e) {
            throw new ScenarioException("builtin:" + name, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /** Parses and validates manifest text. */
    public static ModelManifest parse(String text, String source, Path baseDir) {
        JsonNode root;
        try {
            root = new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(text);
        } catch (JsonProcessingException e) {
            throw new ScenarioException(source, "(json)", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ScenarioException(source, "(root)", "not a JSON object");
        }
        Reader r = new Reader(source, baseDir);
        r.known(root, "", Set.of("schema", "name", "description", "family", "weights", "config", "tokenizer", "pooling", "wire", "input",
                "parts", "corpus", "zeroShot"));
        int schema = r.integer(root, "schema");
        if (schema != SCHEMA) {
            throw new ScenarioException(source, "schema", schema + " (expected: " + SCHEMA + ")");
        }
        String name = r.id(root, "name");
        String weights = r.text(root, "weights");
        String family = root.has("family") ? r.text(root, "family") : null;
        Arch arch;
        if (weights.equals(BUILTIN_MINILM)) {
            arch = BuiltinModels.miniLmArch();
            if (family != null && !family.equals("bert")) {
                throw new ScenarioException(source, "family", "'" + family + "' (expected: bert for " + BUILTIN_MINILM + ")");
            }
        } else {
            r.file(root, "weights", false);
            Path config = r.file(root, "config", true);
            try {
                arch = Arch.fromConfig(config, family);
            } catch (org.edgefm.api.EdgeFmException e) {
                throw new ScenarioException(source, "config", e.getMessage());
            }
        }
        if (root.has("pooling")) {
            try {
                arch = arch.withPooling(r.text(root, "pooling"));
            } catch (org.edgefm.api.EdgeFmException e) {
                throw new ScenarioException(source, "pooling", e.getMessage());
            }
        }
        Path tokenizer = root.has("tokenizer") ? r.file(root, "tokenizer", true) : null;
        WireType wire = WireType.FP32;
        if (root.has("wire")) {
            String w = r.text(root, "wire");
            if (!w.equals("fp16") && !w.equals("fp32")) {
                throw new ScenarioException(source, "wire", "'" + w + "' (expected: fp16 or fp32)");
            }
            wire = w.equals("fp16") ? WireType.FP16 : WireType.FP32;
        }
        float[] mean = {0.5f, 0.5f, 0.5f};
        float[] std = {0.5f, 0.5f, 0.5f};
        int maxTokens = arch.maxPositions() > 0 ? arch.maxPositions() : 512;
        if (root.has("input")) {
            JsonNode in = root.get("input");
            r.known(in, "input.", Set.of("mean", "std", "maxTokens"));
            if (in.has("mean")) {
                mean = r.floats(in, "input.", "mean", arch.isVision() ? arch.channels() : 3);
            }
            if (in.has("std")) {
                std = r.floats(in, "input.", "std", arch.isVision() ? arch.channels() : 3);
                for (int i = 0; i < std.length; i++) {
                    if (!(std[i] > 0)) {
                        throw new ScenarioException(source, "input.std[" + i + "]", std[i] + " (expected: > 0)");
                    }
                }
            }
            if (in.has("maxTokens")) {
                maxTokens = r.integer(in, "maxTokens");
                if (maxTokens <= 0 || (arch.maxPositions() > 0 && maxTokens > arch.maxPositions())) {
                    throw new ScenarioException(source, "input.maxTokens", maxTokens + " (expected: 1.." + arch.maxPositions() + ")");
                }
            }
        }
        Map<String, PartSpec> parts = parts(r, root, arch);
        boolean hasPre = parts.values().stream().anyMatch(p -> p.role() == Role.PREPROCESS);
        if (hasPre && !arch.isVision() && tokenizer == null && !weights.equals(BUILTIN_MINILM)) {
            throw new ScenarioException(source, "tokenizer", "missing (a text model's preprocess part needs the model's tokenizer.json)");
        }
        Path corpusFile = null;
        if (root.has("corpus")) {
            if (arch.isVision() || arch.isDecoder()) {
                throw new ScenarioException(source, "corpus", "a " + arch.family() + " model (expected: a corpus only for a text encoder, bert or clip-text)");
            }
            String c = r.text(root, "corpus");
            Path cp = Path.of(c);
            if (cp.isAbsolute() || cp.normalize().startsWith("..") || c.contains("\\")) {
                throw new ScenarioException(source, "corpus", "'" + c + "' (expected: a path inside the manifest's folder)");
            }
            corpusFile = baseDir.resolve(cp).normalize(); // read when first needed: it is written with the model itself
        }
        Path zeroShotFile = null;
        if (root.has("zeroShot")) {
            if (!arch.family().equals("clip-vision") || arch.projection() <= 0) {
                throw new ScenarioException(source, "zeroShot", "a " + arch.family() + " model (expected: zero-shot labels only for a CLIP"
                        + " vision tower with a projection, family clip-vision)");
            }
            String z = r.text(root, "zeroShot");
            Path zp = Path.of(z);
            if (zp.isAbsolute() || zp.normalize().startsWith("..") || z.contains("\\")) {
                throw new ScenarioException(source, "zeroShot", "'" + z + "' (expected: a path inside the manifest's folder)");
            }
            zeroShotFile = baseDir.resolve(zp).normalize(); // read when first needed
        }
        return new ModelManifest(source, baseDir, name, arch, weights, tokenizer, wire, mean, std, maxTokens, parts, corpusFile,
                zeroShotFile);
    }

    private static Map<String, PartSpec> parts(Reader r, JsonNode root, Arch arch) {
        JsonNode arr = root.get("parts");
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new ScenarioException(r.source, "parts", "missing or empty (expected: a list of microservices)");
        }
        Map<String, PartSpec> out = new LinkedHashMap<>();
        int next = 0;
        boolean modelSeen = false;
        boolean headSeen = false;
        for (int i = 0; i < arr.size(); i++) {
            String at = "parts[" + i + "].";
            JsonNode p = arr.get(i);
            if (!p.isObject()) {
                throw new ScenarioException(r.source, "parts[" + i + "]", "not an object");
            }
            r.known(p, at, Set.of("id", "kind", "does", "embed", "blocks", "head"));
            String id = r.id(p, at, "id");
            if (out.containsKey(id)) {
                throw new ScenarioException(r.source, at + "id", "'" + id + "' used twice");
            }
            String kind = r.text(p, at, "kind");
            if (!kind.equals("light") && !kind.equals("core")) {
                throw new ScenarioException(r.source, at + "kind", "'" + kind + "' (expected: light or core)");
            }
            if (p.has("does")) {
                String does = r.text(p, at, "does");
                if (!does.equals("preprocess")) {
                    throw new ScenarioException(r.source, at + "does", "'" + does + "' (expected: preprocess, or leave it out for a model part)");
                }
                if (modelSeen) {
                    throw new ScenarioException(r.source, at + "does", "preprocess after a model part (expected: pre-processing first)");
                }
                if (p.has("blocks") || p.has("embed") || p.has("head")) {
                    throw new ScenarioException(r.source, at + "blocks", "a preprocess part holds no embedding, blocks or head");
                }
                out.put(id, new PartSpec(id, kind, Role.PREPROCESS, null));
                continue;
            }
            boolean embed = p.path("embed").asBoolean(false);
            boolean head = p.path("head").asBoolean(false);
            JsonNode b = p.get("blocks");
            int from = next;
            int to = next;
            if (b != null) {
                if (!b.isArray() || b.size() != 2 || !b.get(0).isInt() || !b.get(1).isInt()) {
                    throw new ScenarioException(r.source, at + "blocks", b + " (expected: [from, to], block indexes, to exclusive)");
                }
                from = b.get(0).asInt();
                to = b.get(1).asInt();
            }
            if (!modelSeen && !embed) {
                throw new ScenarioException(r.source, at + "embed", "the first model part must hold the embedding (\"embed\": true)");
            }
            if (modelSeen && embed) {
                throw new ScenarioException(r.source, at + "embed", "only the first model part holds the embedding");
            }
            if (headSeen) {
                throw new ScenarioException(r.source, "parts[" + i + "]", "a part after the one holding the head");
            }
            if (from != next) {
                throw new ScenarioException(r.source, at + "blocks", "[" + from + ", " + to + "] (expected: to start at block " + next
                        + ", where the previous part ended)");
            }
            if (to < from || to > arch.layers()) {
                throw new ScenarioException(r.source, at + "blocks", "[" + from + ", " + to + "] (expected: " + from + " <= to <= "
                        + arch.layers() + ", the model's layers)");
            }
            if (head && to != arch.layers()) {
                throw new ScenarioException(r.source, at + "head", "the head part ends at block " + to + " (expected: all "
                        + arch.layers() + " blocks before the head)");
            }
            if (!embed && !head && from == to) {
                throw new ScenarioException(r.source, at + "blocks", "an empty part (expected: blocks, the embedding or the head)");
            }
            modelSeen = true;
            headSeen |= head;
            next = to;
            out.put(id, new PartSpec(id, kind, Role.MODEL, new Transformer.Part(embed, from, to, head)));
        }
        if (!headSeen) {
            throw new ScenarioException(r.source, "parts", "no part holds the head (expected: \"head\": true on the last model part, after block "
                    + arch.layers() + ")");
        }
        return java.util.Collections.unmodifiableMap(out);
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

    // ---------------------------------------------------------------- costs from the real shapes

    /** Tokens a request carries through the model parts: image patches + 1, or the given text length. */
    public int tokens(int textTokens) {
        return arch.isVision() ? arch.gridSide() * arch.gridSide() + 1 : textTokens;
    }

    /**
     * The matrix products of one request through a part, as kernel specs whose costs
     * ({@code KernelCost}) count them: {@code patchify} for a patch embedding,
     * {@code transformer-encoder} for blocks (grouped-query and SwiGLU widths folded into an
     * equivalent MLP width), {@code head} for a classifier, projection or lm head.
     */
    public List<KernelSpec> costSpecs(String id, int textTokens) {
        PartSpec p = part(id);
        List<KernelSpec> out = new ArrayList<>();
        if (p.role() != Role.MODEL) {
            return out;
        }
        int t = tokens(textTokens);
        int d = arch.hidden();
        if (p.part().embed() && arch.isVision()) {
            out.add(new KernelSpec("patchify", Map.of("image", arch.imageSize(), "patch", arch.patchSize(), "channels", arch.channels(),
                    "hidden", d), null));
        }
        int layers = p.part().to() - p.part().from();
        if (layers > 0) {
            // SwiGLU has three d x m products instead of two, and GQA's K and V are narrower: fold both
            // into the MLP width so that the per-layer parameter count (and so FLOPs) is exact.
            long kv = (long) arch.kvHeads() * arch.headDim();
            long attnParams = 2L * d * d + 2L * d * kv;
            long mlpParams = (arch.family().equals("llama") ? 3L : 2L) * d * arch.intermediate();
            long equivalentMlp = Math.max(1, (attnParams + mlpParams - 4L * d * d) / (2L * d));
            out.add(new KernelSpec("transformer-encoder", Map.of("layers", layers, "hidden", d, "heads", arch.heads(), "tokens", t,
                    "mlp", (int) equivalentMlp), null));
        }
        if (p.part().head()) {
            int outWidth = switch (arch.family()) {
                case "vit" -> arch.labels().isEmpty() ? 0 : arch.labels().size();
                case "clip-vision", "clip-text" -> arch.projection();
                case "gpt2", "llama" -> arch.vocab();
                case "bert" -> arch.pooling().equals("pooler") ? d : 0;
                default -> 0;
            };
            if (corpusFile != null) {
                // the similarity with every corpus entry: one [1, width] x [width, N] product
                outWidth = corpus().texts().size();
            }
            if (outWidth > 0) {
                out.add(new KernelSpec("head", Map.of("in", d, "out", outWidth, "tokens", t), null));
            }
            if (zeroShotFile != null) {
                // CLIP's zero-shot head: the projected embedding against every label, one [1, proj] x [proj, L] product
                out.add(new KernelSpec("head", Map.of("in", arch.projection(), "out", zeroShot().labels().size(), "tokens", 1), null));
            }
        }
        return out;
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
        PartSpec p = part(id);
        List<KernelSpec> specs = costSpecs(id, textTokens);
        KernelSpec main = specs.stream().filter(k -> k.kind().equals("transformer-encoder")).findFirst()
                .orElse(specs.stream().filter(k -> k.kind().equals("head")).findFirst().orElse(null));
        if (p.role() == Role.PREPROCESS) {
            return new KernelSpec("preprocess", preprocessDims(textTokens), manifestRef + "#" + id);
        }
        if (main == null) {
            throw new ScenarioException(source, "parts", "'" + id + "' runs no blocks or head (expected: a part with blocks or the head)");
        }
        return new KernelSpec(main.kind(), main.dims(), manifestRef + "#" + id);
    }

    /**
     * The shapes of a pre-processing part: {@code in} bytes of input (an encoded image of about three
     * bytes per pixel, or about four bytes of text per token), {@code rows} x {@code cols} out (the
     * normalised image channel-major, or one row of token ids) and the request's {@code tokens}.
     */
    private Map<String, Integer> preprocessDims(int textTokens) {
        if (arch.isVision()) {
            int px = arch.imageSize() * arch.imageSize();
            return Map.of("in", 3 * px, "rows", arch.channels(), "cols", px, "tokens", tokens(textTokens));
        }
        return Map.of("in", 4 * textTokens, "rows", 1, "cols", textTokens, "tokens", textTokens);
    }

    /** FP32 bytes of the weights one part holds (from the shapes; equals what {@link #loadPart} reads from an F32 file). */
    public long weightBytes(String id) {
        PartSpec p = part(id);
        if (p.role() != Role.MODEL) {
            return 0;
        }
        long d = arch.hidden();
        long m = arch.intermediate();
        long kv = (long) arch.kvHeads() * arch.headDim();
        long n = 0;
        Transformer.Part part = p.part();
        String f = arch.family();
        boolean bias = !f.equals("llama");
        if (part.embed()) {
            n += switch (f) {
                case "vit" -> d * arch.channels() * arch.patchSize() * arch.patchSize() + d + d + (tokens(0)) * d;
                case "clip-vision" -> d * arch.channels() * arch.patchSize() * arch.patchSize() + d + tokens(0) * d + 2 * d;
                case "clip-text", "gpt2" -> (long) arch.vocab() * d + (long) arch.maxPositions() * d;
                case "bert" -> (long) arch.vocab() * d + (long) arch.maxPositions() * d + (long) arch.typeVocab() * d + 2 * d;
                case "llama" -> (long) arch.vocab() * d;
                default -> 0;
            };
        }
        long block = 2 * d * d + 2 * d * kv + (f.equals("llama") ? 3 * d * m : 2 * d * m)
                + (bias ? 2 * d + 2 * kv + m + d : 0) + (bias ? 4 * d : 2 * d);
        n += block * (part.to() - part.from());
        if (part.head()) {
            n += switch (f) {
                case "vit" -> 2 * d + (arch.labels().isEmpty() ? 0 : (d + 1) * arch.labels().size());
                case "clip-vision", "clip-text" -> 2 * d + (long) arch.projection() * d;
                case "bert" -> arch.pooling().equals("pooler") ? d * d + d : 0;
                case "gpt2" -> 2 * d + (long) arch.vocab() * d; // tied: wte read again for the head
                case "llama" -> d + (long) arch.vocab() * d;
                default -> 0;
            };
            if (corpusFile != null) {
                n += (long) corpus().texts().size() * embeddingWidth();
            }
            if (zeroShotFile != null) {
                n += (long) zeroShot().labels().size() * arch.projection();
            }
        }
        return 4 * n;
    }

    /** Bytes a part's output takes on the wire for a request of {@code textTokens} tokens. */
    public long outputWireBytes(String id, int textTokens) {
        PartSpec p = part(id);
        int t = tokens(textTokens);
        int ids = arch.isVision() ? 0 : textTokens;
        if (p.role() == Role.PREPROCESS) {
            return arch.isVision() ? 4L * arch.channels() * arch.imageSize() * arch.imageSize() + 20 : 20 + 4L * textTokens;
        }
        if (!p.part().head()) {
            return ActivationCodec.size(t, arch.hidden(), ids, wire);
        }
        List<KernelSpec> c = costSpecs(id, textTokens);
        int width = c.isEmpty() || !c.get(c.size() - 1).kind().equals("head") ? arch.hidden() : c.get(c.size() - 1).dims().get("out");
        int rows = arch.isDecoder() ? t : 1;
        return ActivationCodec.size(rows, width, 0, WireType.FP32);
    }

    // ---------------------------------------------------------------- reading helpers

    private static final class Reader {
        final String source;
        final Path baseDir;

        Reader(String source, Path baseDir) {
            this.source = source;
            this.baseDir = baseDir;
        }

        void known(JsonNode n, String at, Set<String> keys) {
            for (java.util.Iterator<String> it = n.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!keys.contains(k)) {
                    throw new ScenarioException(source, at + k, "unknown field (expected one of " + new java.util.TreeSet<>(keys) + ")");
                }
            }
        }

        int integer(JsonNode n, String key) {
            JsonNode v = n.get(key);
            if (v == null || !v.isInt()) {
                throw new ScenarioException(source, key, (v == null ? "missing" : v.toString()) + " (expected: an integer)");
            }
            return v.asInt();
        }

        String text(JsonNode n, String key) {
            return text(n, "", key);
        }

        String text(JsonNode n, String at, String key) {
            JsonNode v = n.get(key);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw new ScenarioException(source, at + key, (v == null ? "missing" : v.toString()) + " (expected: a non-empty string)");
            }
            return v.asText();
        }

        String id(JsonNode n, String key) {
            return id(n, "", key);
        }

        String id(JsonNode n, String at, String key) {
            String s = text(n, at, key);
            if (!s.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
                throw new ScenarioException(source, at + key, "'" + s + "' (expected: lower-case letters, digits, '.', '_' or '-', at most 64)");
            }
            return s;
        }

        float[] floats(JsonNode n, String at, String key, int len) {
            JsonNode v = n.get(key);
            if (v == null || !v.isArray() || v.size() != len) {
                throw new ScenarioException(source, at + key, v + " (expected: " + len + " numbers)");
            }
            float[] f = new float[len];
            for (int i = 0; i < len; i++) {
                if (!v.get(i).isNumber()) {
                    throw new ScenarioException(source, at + key + "[" + i + "]", v.get(i) + " (expected: a number)");
                }
                f[i] = (float) v.get(i).asDouble();
            }
            return f;
        }

        /** A file named relative to the manifest, inside its folder. */
        Path file(JsonNode n, String key, boolean regular) {
            String name = text(n, key);
            Path p = Path.of(name);
            if (p.isAbsolute() || p.normalize().startsWith("..")) {
                throw new ScenarioException(source, key, "'" + name + "' (expected: a path inside the manifest's folder)");
            }
            Path f = baseDir.resolve(p).normalize();
            if (regular ? !Files.isRegularFile(f) : !Files.exists(f)) {
                throw new ScenarioException(source, key, "'" + name + "': no such file next to the manifest");
            }
            return f;
        }
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
