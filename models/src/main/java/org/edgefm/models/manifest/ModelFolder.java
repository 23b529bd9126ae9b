package org.edgefm.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Arch;
import org.edgefm.models.image.ImagePreprocessor;

/**
 * A model folder as model hubs ship it (Hugging Face layout: {@code config.json},
 * {@code model.safetensors} or {@code model.safetensors.index.json} with its shards, and
 * {@code tokenizer.json} for text models), made into a manifest without one written by hand: the
 * family from {@code config.json} ({@code model_type}, else {@code architectures}), the
 * hyper-parameters from the config's keys ({@link Arch#fromConfig}), the tensors by their hub names
 * (checked when a part loads), and a cut into microservices at block boundaries.
 *
 * <p>The default cut: a light pre-processing part (image decode or tokeniser), the blocks split as
 * evenly as possible into {@link #DEFAULT_CORE_PARTS} core parts (the first with the embedding), and
 * the head: a light part of its own for an encoder (a classifier, pooling or a retrieval corpus: small
 * next to the blocks), on the last core part for a decoder (its lm head is a vocabulary-wide product,
 * as heavy as several blocks). {@link #parseCut} reads an override.
 *
 * <p>A whole CLIP checkpoint ({@code model_type} {@code clip}) is read as its vision tower with a
 * zero-shot head: its text tower embeds the labels once ({@link #zeroShotLabels}) into the file the
 * manifest names as {@code zeroShot}.
 */
public final class ModelFolder {
    /** Core parts of the default cut (fewer when the model has fewer blocks). */
    public static final int DEFAULT_CORE_PARTS = 2;
    /** Families a folder may hold, as {@code model_type} names them. */
    static final Map<String, String> MODEL_TYPES = Map.of("vit", "vit", "bert", "bert", "gpt2", "gpt2", "llama", "llama",
            "clip", "clip-vision", "clip_vision_model", "clip-vision", "clip_text_model", "clip-text");
    /** Families by the class names of {@code architectures} (configs without {@code model_type}). */
    static final Map<String, String> ARCHITECTURES = Map.of("ViTModel", "vit", "ViTForImageClassification", "vit",
            "BertModel", "bert", "BertForMaskedLM", "bert", "BertForPreTraining", "bert", "GPT2Model", "gpt2",
            "GPT2LMHeadModel", "gpt2", "LlamaModel", "llama", "LlamaForCausalLM", "llama", "CLIPModel", "clip-vision");

    private final Path dir;
    private final Arch arch;
    private final String weights;
    private final boolean tokenizer;
    private final boolean zeroShot;

    private ModelFolder(Path dir, Arch arch, String weights, boolean tokenizer, boolean zeroShot) {
        this.dir = dir;
        this.arch = arch;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.zeroShot = zeroShot;
    }

    /** True when {@code dir} is a folder holding a {@code config.json} (a model folder, not a folder of .npy files). */
    public static boolean isModelFolder(Path dir) {
        return dir != null && Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("config.json"));
    }

    /**
     * Reads a model folder: its family and hyper-parameters, its weights file and tokenizer.
     *
     * @param dir    the folder
     * @param family null to detect it; {@code clip-vision} or {@code clip-text} picks a CLIP tower
     * @throws EdgeFmException one line naming the folder and what is wrong
     */
    public static ModelFolder open(Path dir, String family) {
        if (!Files.isDirectory(dir)) {
            throw new EdgeFmException(dir + ": not a folder (expected: a model folder with config.json and model.safetensors)");
        }
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new EdgeFmException(dir + ": no config.json (expected: a Hugging Face model folder: config.json,"
                    + " model.safetensors, and tokenizer.json for a text model)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new EdgeFmException(config + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new EdgeFmException(config + ": not a JSON object");
        }
        String fam = family != null ? family : family(root, config);
        if (!Arch.FAMILIES.contains(fam)) {
            throw new EdgeFmException(config + ": family '" + fam + "' (expected one of " + new java.util.TreeSet<>(Arch.FAMILIES) + ")");
        }
        Arch arch;
        try {
            arch = Arch.fromConfig(root, fam);
        } catch (EdgeFmException e) {
            throw new EdgeFmException(config + ": " + e.getMessage());
        }
        String weights;
        if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
            weights = "model.safetensors";
        } else if (Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
            weights = "model.safetensors.index.json";
        } else {
            String other = list(dir).stream().filter(n -> n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".onnx")
                    || n.endsWith(".gguf") || n.endsWith(".h5")).findFirst().orElse(null);
            throw new EdgeFmException(dir + ": no model.safetensors or model.safetensors.index.json" + (other == null ? ""
                    : " (found " + other + ": only safetensors weights load; download the model's safetensors files, or convert"
                            + " with safetensors' torch.save_file)"));
        }
        boolean tok = Files.isRegularFile(dir.resolve("tokenizer.json"));
        if (!arch.isVision() && !tok) {
            throw new EdgeFmException(dir + ": no tokenizer.json (a " + fam + " model needs its own tokenizer.json to turn text into"
                    + " token ids; the model hub ships it next to config.json)");
        }
        // a whole CLIP checkpoint (both towers): the vision tower is served, the text tower makes the zero-shot labels
        boolean zero = fam.equals("clip-vision") && root.has("text_config") && arch.projection() > 0;
        if (zero && !tok) {
            throw new EdgeFmException(dir + ": no tokenizer.json (a CLIP model's zero-shot labels go through its text tower, which needs"
                    + " the model's own tokenizer.json; the model hub ships it next to config.json)");
        }
        return new ModelFolder(dir, arch, weights, tok, zero);
    }

    /** The family a config names: {@code model_type}, else its {@code architectures}. */
    static String family(JsonNode root, Path config) {
        String type = root.path("model_type").asText("");
        String f = MODEL_TYPES.get(type); // clip: the vision tower, a zero-shot classifier whose labels the text tower embeds
        if (f != null) {
            return f;
        }
        if (type.isEmpty()) {
            for (JsonNode a : root.path("architectures")) {
                f = ARCHITECTURES.get(a.asText());
                if (f != null) {
                    return f;
                }
            }
        }
        String arch = root.path("architectures").isArray() && !root.path("architectures").isEmpty()
                ? " (" + root.path("architectures").get(0).asText() + ")" : "";
        throw new EdgeFmException(config + ": model_type '" + type + "'" + arch + " is not a supported family (expected one of"
                + " vit, clip, bert, gpt2, llama)");
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** Family and hyper-parameters. */
    public Arch arch() {
        return arch;
    }

    /** The weights file: {@code model.safetensors} or {@code model.safetensors.index.json}. */
    public String weights() {
        return weights;
    }

    /**
     * True for a whole CLIP checkpoint read as its vision tower: its head answers with zero-shot labels
     * ({@link #zeroShotLabels}) that its text tower embeds.
     */
    public boolean zeroShot() {
        return zeroShot;
    }

    /**
     * The zero-shot labels of a CLIP folder: each label's prompt through the folder's own tokenizer,
     * text tower and text projection ({@link ZeroShotLabels#embed}).
     *
     * @param labels   the class names ({@link ZeroShotLabels#parse})
     * @param template the prompt, with {} where the label goes, or null for {@link ZeroShotLabels#DEFAULT_TEMPLATE}
     * @throws EdgeFmException when the folder is not a whole CLIP checkpoint, or a text-tower tensor is missing
     */
    public ZeroShotLabels zeroShotLabels(List<String> labels, String template) {
        if (!zeroShot) {
            throw new EdgeFmException(dir + ": a " + arch.family() + " model has no zero-shot head (expected: a CLIP model, config.json"
                    + " with text_config and vision_config)");
        }
        try (org.edgefm.models.Weights w = org.edgefm.models.Weights.open(dir.resolve(weights))) {
            return ZeroShotLabels.embed(dir.resolve("config.json"), w, dir.resolve("tokenizer.json"), labels, template);
        }
    }

    /** The files a copy of this model needs: config, weights (and every shard an index names), tokenizer. */
    public List<String> files() {
        List<String> out = new ArrayList<>(List.of("config.json", weights));
        if (weights.endsWith(".index.json")) {
            out.addAll(ModelManifest.shards(dir.resolve(weights)));
        }
        if (tokenizer) {
            out.add("tokenizer.json");
        }
        return out;
    }

    /**
     * What a trial sends this model: {@code images} (vision), {@code sentences} (a text encoder, which
     * then answers with the nearest entry of a retrieval corpus) or {@code prompts} (a decoder, which
     * answers with its next token).
     */
    public String inputs() {
        return arch.isVision() ? "images" : arch.isDecoder() ? "prompts" : "sentences";
    }

    /** A manifest-safe name from the folder's name ({@code model} when nothing is left). */
    public String name() {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        String n = (f == null ? "model" : f.toString()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("^[^a-z0-9]+", "");
        n = n.length() > 48 ? n.substring(0, 48) : n;
        return n.isEmpty() ? "model" : n;
    }

    /**
     * Reads a cut: {@code N} (N core parts, blocks split evenly) or block ranges
     * {@code FROM:TO,FROM:TO,...} (contiguous from 0 to the layer count); null or blank for the default.
     *
     * @return the [from, to) range of each core part
     * @throws EdgeFmException naming the problem
     */
    public static List<int[]> parseCut(String cut, int layers) {
        if (cut == null || cut.isBlank()) {
            return even(Math.min(DEFAULT_CORE_PARTS, layers), layers);
        }
        String c = cut.trim();
        if (c.matches("\\d{1,4}")) {
            int n = Integer.parseInt(c);
            if (n < 1 || n > layers) {
                throw new EdgeFmException("cut '" + cut + "': " + n + " core parts (expected: 1.." + layers + ", the model's blocks)");
            }
            return even(n, layers);
        }
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (String r : c.split(",")) {
            String[] ft = r.trim().split(":");
            if (ft.length != 2 || !ft[0].trim().matches("\\d{1,6}") || !ft[1].trim().matches("\\d{1,6}")) {
                throw new EdgeFmException("cut '" + cut + "': '" + r.trim() + "' (expected: N core parts, or FROM:TO block ranges"
                        + " separated by commas, e.g. 0:6,6:12)");
            }
            int from = Integer.parseInt(ft[0].trim());
            int to = Integer.parseInt(ft[1].trim());
            if (from != next || to <= from) {
                throw new EdgeFmException("cut '" + cut + "': '" + r.trim() + "' (expected: a non-empty range starting at block "
                        + next + ", where the previous one ended)");
            }
            out.add(new int[] {from, to});
            next = to;
        }
        if (next != layers) {
            throw new EdgeFmException("cut '" + cut + "': ends at block " + next + " (expected: " + layers + ", the model's blocks)");
        }
        return out;
    }

    private static List<int[]> even(int n, int layers) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new int[] {i * layers / n, (i + 1) * layers / n});
        }
        return out;
    }

    /**
     * The manifest of this model cut as {@code cut} says ({@link #parseCut}), its files named as in the
     * folder (so the manifest goes next to them or next to links to them).
     *
     * @param cut    the cut, or null for the default
     * @param wire   {@code fp32} (exact) or {@code fp16} (half the bytes between parts)
     * @param corpus for a text encoder: the retrieval corpus file the head answers from; for a CLIP
     *               model: the zero-shot label file ({@link ZeroShotLabels}); or null
     */
    public String manifest(String cut, String wire, String corpus) {
        List<int[]> cores = parseCut(cut, arch.layers());
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("schema", ModelManifest.SCHEMA);
        m.put("name", name());
        m.put("description", "Made by EdgeFM from the model folder " + dir.toAbsolutePath().normalize().getFileName()
                + " (" + arch.family() + ", " + arch.layers() + " blocks x " + arch.hidden() + "); edit the parts to cut it otherwise.");
        m.put("family", arch.family());
        m.put("weights", weights);
        m.put("config", "config.json");
        if (tokenizer && !arch.isVision()) {
            m.put("tokenizer", "tokenizer.json");
        }
        if (arch.family().equals("bert") && sentenceTransformersMean()) {
            m.put("pooling", "mean");
        }
        m.put("wire", wire == null ? "fp32" : wire);
        JsonNode pre = arch.isVision() ? imageProcessor(dir, arch.channels()) : null;
        if (pre != null) {
            ObjectNode in = m.putObject("input");
            in.set("mean", pre.get("image_mean"));
            in.set("std", pre.get("image_std"));
        }
        if (corpus != null && !arch.isVision() && !arch.isDecoder()) {
            m.put("corpus", corpus);
        }
        if (corpus != null && zeroShot) {
            m.put("zeroShot", corpus);
        }
        String p = prefix();
        ArrayNode parts = m.putArray("parts");
        parts.addObject().put("id", p + "-preprocess").put("kind", "light").put("does", "preprocess");
        boolean headApart = !arch.isDecoder();
        for (int i = 0; i < cores.size(); i++) {
            ObjectNode part = parts.addObject().put("id", p + "-" + (char) ('a' + Math.min(i, 25)) + (i >= 26 ? Integer.toString(i) : ""))
                    .put("kind", "core");
            if (i == 0) {
                part.put("embed", true);
            }
            part.putArray("blocks").add(cores.get(i)[0]).add(cores.get(i)[1]);
            if (!headApart && i == cores.size() - 1) {
                part.put("head", true);
            }
        }
        if (headApart) {
            parts.addObject().put("id", p + "-head").put("kind", "light").putArray("blocks").add(arch.layers()).add(arch.layers());
            ((ObjectNode) parts.get(parts.size() - 1)).put("head", true);
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest of {@link #manifest} read in place (its files are the folder's own; nothing is written). */
    public ModelManifest inPlace(String cut) {
        return ModelManifest.parse(manifest(cut, "fp32", null), dir + " (made from its config.json)", dir.toAbsolutePath());
    }

    /** The service-id prefix: the family's short name. */
    private String prefix() {
        return switch (arch.family()) {
            case "clip-vision" -> "clipv";
            case "clip-text" -> "clipt";
            default -> arch.family();
        };
    }

    /**
     * The image normalisation of {@code preprocessor_config.json} ({@code image_mean}, {@code image_std},
     * one number per channel), or null when the folder has none (then 0.5 / 0.5, ViT's default).
     */
    private static JsonNode imageProcessor(Path dir, int channels) {
        Path f = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new EdgeFmException(f + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        for (String k : List.of("image_mean", "image_std")) {
            JsonNode v = n == null ? null : n.get(k);
            if (v == null || !v.isArray() || v.size() != channels) {
                throw new EdgeFmException(f + ": " + k + " " + v + " (expected: " + channels + " numbers, one per channel)");
            }
            for (JsonNode x : v) {
                if (!x.isNumber()) {
                    throw new EdgeFmException(f + ": " + k + " " + v + " (expected: numbers)");
                }
            }
        }
        return n;
    }

    /**
     * The image pre-processing of a vision model folder: resize to the model's image side, then normalise
     * with the {@code image_mean} and {@code image_std} of its {@code preprocessor_config.json}, or with
     * 0.5 / 0.5 (ViT's default) when the folder has none. A malformed file is a one-line error naming it.
     */
    public static ImagePreprocessor imagePreprocessor(Path dir, Arch vision) {
        JsonNode pre = imageProcessor(dir, vision.channels());
        float[] mean = new float[vision.channels()];
        float[] std = new float[vision.channels()];
        java.util.Arrays.fill(mean, 0.5f);
        java.util.Arrays.fill(std, 0.5f);
        if (pre != null) {
            for (int c = 0; c < mean.length; c++) {
                mean[c] = (float) pre.get("image_mean").get(c).asDouble();
                std[c] = (float) pre.get("image_std").get(c).asDouble();
            }
        }
        return new ImagePreprocessor(vision.imageSize(), mean, std);
    }

    /** A sentence-transformers folder whose pooling config says mean pooling ({@code 1_Pooling/config.json}). */
    private boolean sentenceTransformersMean() {
        Path pooling = dir.resolve("1_Pooling").resolve("config.json");
        if (!Files.isRegularFile(pooling)) {
            return false;
        }
        try {
            return new ObjectMapper().readTree(pooling.toFile()).path("pooling_mode_mean_tokens").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code manifest.json} into {@code out} with a link to each of the model's files (a copy
     * where links cannot be made), so the manifest sits next to the files it names and the model's
     * own folder is left as it is.
     *
     * @return the manifest file
     */
    public Path write(Path out, String cut, String wire, String corpus) throws IOException {
        String text = manifest(cut, wire, corpus);
        Files.createDirectories(out);
        for (String f : files()) {
            link(dir.resolve(f), out.resolve(f));
        }
        Path file = out.resolve("manifest.json");
        Files.writeString(file, text);
        return file;
    }

    /** Links {@code to} to {@code from} (its real path), or copies it where links cannot be made. */
    static void link(Path from, Path to) throws IOException {
        Path real = from.toRealPath();
        if (Files.isSymbolicLink(to) || Files.exists(to)) {
            if (Files.isSymbolicLink(to) && Files.readSymbolicLink(to).equals(real)) {
                return;
            }
            Files.delete(to);
        }
        Files.createDirectories(to.toAbsolutePath().getParent());
        try {
            Files.createSymbolicLink(to, real);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(real, to);
        }
    }
}
