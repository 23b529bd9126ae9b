package org.edgefm.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Heads;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.text.TextTokenizer;
import org.edgefm.scenario.ScenarioException;

/**
 * The labels of a CLIP zero-shot head: each label's prompt ({@code a photo of a cat}) through CLIP's
 * text tower and text projection, L2-normalised, and the model's {@code exp(logit_scale)}. The head
 * part of the vision tower scores an image embedding against every label as
 * {@code scale · cos(image, label)} and answers with the softmax's best label, as CLIP's
 * {@code logits_per_image} does. The text tower runs once, when the label file is made, not per
 * request: a trial's services hold the vision tower only.
 *
 * <p>File format (JSON): {@code {"labels": [..], "prompts": [..], "scale": 100.0, "embeddings": [[..], ..]}}.
 *
 * @param labels     the class names answers carry
 * @param prompts    the text each label was embedded from
 * @param embeddings L2-normalised text embeddings, one per label, all of the projection width
 * @param scale      CLIP's exp(logit_scale) (100 in trained checkpoints)
 */
public record ZeroShotLabels(List<String> labels, List<String> prompts, List<float[]> embeddings, double scale) {
    /** Most labels a zero-shot head may have. */
    public static final int MAX_LABELS = 1024;
    /** Longest label, in characters. */
    public static final int MAX_LABEL_CHARS = 200;
    /** Largest label file read. */
    public static final long MAX_BYTES = 32L << 20;
    /** The prompt template CLIP's authors use for zero-shot ImageNet ("a photo of a {}."), without the full stop. */
    public static final String DEFAULT_TEMPLATE = "a photo of a {}";
    /**
     * Labels when none are given: what the trial's generated images show ({@code SampleImages}: a
     * gradient with discs, squares and bars), so a real CLIP has something sensible to choose from.
     */
    public static final List<String> DEFAULT_LABELS = List.of("circle", "square", "stripe", "gradient");
    /** exp(logit_scale) when the weights hold no {@code logit_scale} (CLIP's trained value). */
    public static final double DEFAULT_SCALE = 100.0;

    /** Copies and checks: one prompt and one embedding per label, all embeddings of one width. */
    public ZeroShotLabels {
        labels = List.copyOf(labels);
        prompts = List.copyOf(prompts);
        List<float[]> e = new ArrayList<>();
        for (float[] v : embeddings) {
            e.add(Heads.normalize(v));
        }
        embeddings = List.copyOf(e);
        if (labels.isEmpty() || labels.size() > MAX_LABELS || prompts.size() != labels.size() || embeddings.size() != labels.size()) {
            throw new IllegalArgumentException(labels.size() + " labels, " + prompts.size() + " prompts and " + embeddings.size()
                    + " embeddings (expected: 1-" + MAX_LABELS + " of each, as many of one as of the others)");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale " + scale + " (expected: a positive number)");
        }
    }

    /** Width of the embeddings (the projection width). */
    public int width() {
        return embeddings.get(0).length;
    }

    /** {@code scale · cos(image, label)} for every label: CLIP's logits per image. */
    public float[] logits(float[] image) {
        float[] out = new float[embeddings.size()];
        float[] v = Heads.normalize(image);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (scale * Heads.cosine(v, embeddings.get(i)));
        }
        return out;
    }

    /**
     * Reads labels as a user gives them: a file of one label per line (blank lines and lines starting
     * with {@code #} skipped) when {@code spec} names an existing file, else a comma-separated list.
     *
     * @param spec  the value of {@code --labels}, or null for {@link #DEFAULT_LABELS}
     * @param where what the value came from, for messages ({@code --labels})
     * @throws EdgeFmException one line naming the problem (empty, duplicate, too long, too many)
     */
    public static List<String> parse(String spec, String where) {
        if (spec == null) {
            return DEFAULT_LABELS;
        }
        List<String> raw = new ArrayList<>();
        Path file = null;
        try {
            Path p = Path.of(spec);
            if (Files.isRegularFile(p)) {
                file = p;
            }
        } catch (java.nio.file.InvalidPathException e) {
            file = null;
        }
        String src = where + " " + (file != null ? file : "'" + spec + "'");
        if (file != null) {
            try {
                if (Files.size(file) > MAX_BYTES) {
                    throw new EdgeFmException(src + ": " + Files.size(file) + " bytes (expected: at most " + MAX_BYTES + ")");
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        raw.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new EdgeFmException(src + ": cannot read (" + e.getMessage() + ")");
            }
        } else {
            for (String s : spec.split(",", -1)) {
                if (s.isBlank()) {
                    throw new EdgeFmException(src + ": an empty label (expected: labels separated by commas, e.g. cat,dog,car,"
                            + " or a file with one label a line)");
                }
                raw.add(s.strip());
            }
        }
        if (raw.isEmpty() || raw.size() > MAX_LABELS) {
            throw new EdgeFmException(src + ": " + raw.size() + " labels (expected: 1-" + MAX_LABELS + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String l : raw) {
            if (l.length() > MAX_LABEL_CHARS) {
                throw new EdgeFmException(src + ": a label of " + l.length() + " characters (expected: at most " + MAX_LABEL_CHARS + ")");
            }
            if (!seen.add(l)) {
                throw new EdgeFmException(src + ": label '" + l + "' given twice");
            }
        }
        return List.copyOf(raw);
    }

    /**
     * The prompt of a label: the template with {@code {}} replaced by the label, or the label as it
     * is when it already starts like the template ({@code a photo of a cat} with {@code a photo of a {}}).
     *
     * @throws EdgeFmException when the template holds no {@code {}}
     */
    public static String prompt(String label, String template) {
        String t = template == null ? DEFAULT_TEMPLATE : template;
        int at = t.indexOf("{}");
        if (at < 0 || t.indexOf("{}", at + 2) >= 0) {
            throw new EdgeFmException("label prompt '" + t + "': expected one {} where the label goes, e.g. " + DEFAULT_TEMPLATE);
        }
        String before = t.substring(0, at);
        if (!before.isBlank() && label.toLowerCase(java.util.Locale.ROOT).startsWith(before.toLowerCase(java.util.Locale.ROOT))) {
            return label;
        }
        return before + label + t.substring(at + 2);
    }

    /**
     * Embeds the labels with CLIP's text tower: each prompt tokenised with the model's own
     * {@code tokenizer.json}, through every block, pooled at the end-of-text token, projected.
     *
     * @param config    the CLIP {@code config.json} (with {@code text_config})
     * @param weights   the checkpoint holding {@code text_model.*}, {@code text_projection} and {@code logit_scale}
     * @param tokenizer the model's {@code tokenizer.json}
     */
    public static ZeroShotLabels embed(Path config, Weights weights, Path tokenizer, List<String> labels, String template) {
        Arch text = Arch.fromConfig(config, "clip-text");
        if (text.projection() <= 0) {
            throw new EdgeFmException(config + ": no projection_dim (a CLIP text tower projects into the image embedding's space)");
        }
        Transformer tower = Transformer.load(text, weights, Transformer.Part.all(text));
        List<String> prompts = new ArrayList<>();
        List<float[]> emb = new ArrayList<>();
        try (TextTokenizer tok = TextTokenizer.open(tokenizer, text.maxPositions() > 0 ? text.maxPositions() : 77)) {
            for (String l : labels) {
                String p = prompt(l, template);
                prompts.add(p);
                emb.add(Heads.vector(tower.forwardText(tok.encode(p), null)));
            }
        }
        double scale = Float.isNaN(tower.logitScale()) ? DEFAULT_SCALE : tower.logitScale();
        return new ZeroShotLabels(labels, prompts, emb, scale);
    }

    /**
     * Reads a label file; every problem is a {@link ScenarioException} naming the file and field.
     *
     * @param width the image embedding's width (the projection width)
     */
    public static ZeroShotLabels read(Path file, int width) {
        String src = file.toString();
        JsonNode root = EmbeddingRows.readJson(file, MAX_BYTES);
        if (root == null || !root.isObject()) {
            throw new ScenarioException(src, "(root)", "not a JSON object (expected: {\"labels\": [...], \"prompts\": [...], \"scale\": 100,"
                    + " \"embeddings\": [[...]]})");
        }
        List<String> labels = strings(src, root, "labels", -1);
        List<String> prompts = strings(src, root, "prompts", labels.size());
        JsonNode s = root.get("scale");
        if (s == null || !s.isNumber() || !(s.asDouble() > 0) || Double.isInfinite(s.asDouble())) {
            throw new ScenarioException(src, "scale", (s == null ? "missing" : s.toString()) + " (expected: a positive number, CLIP's"
                    + " exp(logit_scale))");
        }
        JsonNode e = root.get("embeddings");
        if (e == null || !e.isArray() || e.size() != labels.size()) {
            throw new ScenarioException(src, "embeddings", (e == null ? "missing" : e.size() + " entries") + " (expected: one per label, "
                    + labels.size() + ")");
        }
        List<float[]> emb = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            emb.add(EmbeddingRows.read(src, e.get(i), i, width, "the model's projection width"));
        }
        return new ZeroShotLabels(labels, prompts, emb, s.asDouble());
    }

    private static List<String> strings(String src, JsonNode root, String key, int size) {
        JsonNode t = root.get(key);
        if (t == null || !t.isArray() || t.isEmpty() || t.size() > MAX_LABELS || (size >= 0 && t.size() != size)) {
            throw new ScenarioException(src, key, (t == null ? "missing" : t.size() + " entries") + " (expected: "
                    + (size >= 0 ? size + " strings, one per label" : "1-" + MAX_LABELS + " strings") + ")");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isTextual()) {
                throw new ScenarioException(src, key + "[" + i + "]", t.get(i) + " (expected: a string)");
            }
            out.add(t.get(i).asText());
        }
        return out;
    }

    /** Writes the label file. */
    public void write(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ArrayNode l = root.putArray("labels");
        labels.forEach(l::add);
        ArrayNode p = root.putArray("prompts");
        prompts.forEach(p::add);
        root.put("scale", scale);
        ArrayNode e = root.putArray("embeddings");
        for (float[] v : embeddings) {
            ArrayNode a = e.addArray();
            for (float f : v) {
                a.add(f);
            }
        }
        Files.writeString(file, om.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
