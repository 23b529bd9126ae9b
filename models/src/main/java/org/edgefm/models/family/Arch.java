package org.edgefm.models.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.edgefm.api.EdgeFmException;

/**
 * A model's family and hyper-parameters, read from a Hugging Face style {@code config.json}
 * (the keys each family's config uses: {@code hidden_size} or {@code n_embd}, ...). For CLIP, the
 * tower is chosen by {@code family} ({@code clip-vision} or {@code clip-text}) and read from
 * {@code vision_config}/{@code text_config}.
 *
 * @param family       one of {@link #FAMILIES}
 * @param hidden       model width
 * @param heads        attention heads
 * @param kvHeads      key/value heads (grouped-query attention; = heads otherwise)
 * @param layers       transformer blocks
 * @param intermediate MLP width
 * @param eps          normalisation epsilon
 * @param act          MLP activation as named in HF configs (gelu = exact erf form)
 * @param maxPositions learned position table size, or the context limit for rotary models
 * @param vocab        vocabulary size (text models)
 * @param typeVocab    token-type vocabulary (BERT)
 * @param imageSize    input image side (vision)
 * @param patchSize    patch side (vision)
 * @param channels     image channels (vision)
 * @param projection   CLIP projection width (0: none)
 * @param ropeTheta    rotary base (Llama)
 * @param tied         lm head tied to the token embedding
 * @param labels       class labels of a classifier head (empty: none)
 * @param pooling      BERT-kind pooling: mean, cls or pooler
 * @param eosTokenId   CLIP text: the token whose hidden state is pooled (−1: the highest id, as older CLIP)
 */
public record Arch(String family, int hidden, int heads, int kvHeads, int layers, int intermediate, double eps, String act,
        int maxPositions, int vocab, int typeVocab, int imageSize, int patchSize, int channels, int projection,
        double ropeTheta, boolean tied, List<String> labels, String pooling, int eosTokenId) {

    /** Supported families. */
    public static final Set<String> FAMILIES = Set.of("vit", "clip-vision", "clip-text", "bert", "gpt2", "llama");

    /** Validates the combination. */
    public Arch {
        if (!FAMILIES.contains(family)) {
            throw new EdgeFmException("family: '" + family + "' (expected one of " + new java.util.TreeSet<>(FAMILIES) + ")");
        }
        positive("hidden", hidden);
        positive("heads", heads);
        positive("layers", layers);
        positive("intermediate", intermediate);
        if (hidden % heads != 0) {
            throw new EdgeFmException("hidden: " + hidden + " is not a multiple of heads " + heads);
        }
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new EdgeFmException("kv heads: " + kvHeads + " (expected: > 0 and dividing heads " + heads + ")");
        }
        if (!(eps > 0)) {
            throw new EdgeFmException("eps: " + eps + " (expected: > 0)");
        }
        boolean vision = family.equals("vit") || family.equals("clip-vision");
        if (vision && (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0 || channels <= 0)) {
            throw new EdgeFmException("image_size/patch_size/num_channels: " + imageSize + "/" + patchSize + "/" + channels
                    + " (expected: positive, image a multiple of patch)");
        }
        if (!vision && vocab <= 0) {
            throw new EdgeFmException("vocab_size: " + vocab + " (expected: > 0)");
        }
        labels = labels == null ? List.of() : List.copyOf(labels);
        pooling = pooling == null ? "cls" : pooling;
        if (!Set.of("mean", "cls", "pooler", "none").contains(pooling)) {
            throw new EdgeFmException("pooling: '" + pooling + "' (expected one of cls, mean, pooler, none)");
        }
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new EdgeFmException(what + ": " + v + " (expected: > 0)");
        }
    }

    /** True for image towers. */
    public boolean isVision() {
        return family.equals("vit") || family.equals("clip-vision");
    }

    /** True for decoder-only language models. */
    public boolean isDecoder() {
        return family.equals("gpt2") || family.equals("llama");
    }

    /** Head width. */
    public int headDim() {
        return hidden / heads;
    }

    /** Patches per image side. */
    public int gridSide() {
        return imageSize / patchSize;
    }

    /** A copy with another pooling. */
    public Arch withPooling(String p) {
        return new Arch(family, hidden, heads, kvHeads, layers, intermediate, eps, act, maxPositions, vocab, typeVocab, imageSize,
                patchSize, channels, projection, ropeTheta, tied, labels, p, eosTokenId);
    }

    /** Reads {@code config.json}; {@code family} may be null to take it from {@code model_type}. */
    public static Arch fromConfig(Path configJson, String family) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new EdgeFmException(configJson + ": cannot read model config (" + e.getMessage() + ")", e);
        }
        try {
            return fromConfig(root, family);
        } catch (EdgeFmException e) {
            throw new EdgeFmException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Reads a parsed {@code config.json}. */
    public static Arch fromConfig(JsonNode root, String family) {
        if (root == null || !root.isObject()) {
            throw new EdgeFmException("config is not a JSON object");
        }
        String type = root.path("model_type").asText("");
        String fam = family != null ? family : switch (type) {
            case "vit" -> "vit";
            case "bert" -> "bert";
            case "gpt2" -> "gpt2";
            case "llama" -> "llama";
            case "clip_vision_model" -> "clip-vision";
            case "clip_text_model" -> "clip-text";
            default -> throw new EdgeFmException("model_type: '" + type + "' (expected vit, bert, gpt2, llama, clip_vision_model, "
                    + "clip_text_model, or name the family)");
        };
        JsonNode c = root;
        if (fam.equals("clip-vision") && root.has("vision_config")) {
            c = root.get("vision_config");
        } else if (fam.equals("clip-text") && root.has("text_config")) {
            c = root.get("text_config");
        }
        int hidden = intOf(c, 0, "hidden_size", "n_embd", "d_model");
        int heads = intOf(c, 0, "num_attention_heads", "n_head");
        int kv = intOf(c, heads, "num_key_value_heads");
        int layers = intOf(c, 0, "num_hidden_layers", "n_layer");
        int inter = intOf(c, fam.equals("gpt2") ? 4 * hidden : 0, "intermediate_size", "n_inner");
        if (inter == 0 && fam.equals("gpt2")) {
            inter = 4 * hidden;
        }
        double defEps = switch (fam) {
            case "bert", "vit" -> 1e-12;
            case "llama" -> 1e-6;
            default -> 1e-5;
        };
        double eps = dblOf(c, defEps, "layer_norm_eps", "layer_norm_epsilon", "rms_norm_eps");
        String defAct = switch (fam) {
            case "gpt2" -> "gelu_new";
            case "llama" -> "silu";
            case "clip-vision", "clip-text" -> "quick_gelu";
            default -> "gelu";
        };
        String act = strOf(c, defAct, "hidden_act", "activation_function");
        int maxPos = intOf(c, 0, "max_position_embeddings", "n_positions");
        int vocab = intOf(c, 0, "vocab_size");
        int typeVocab = intOf(c, 0, "type_vocab_size");
        int image = intOf(c, 0, "image_size");
        int patch = intOf(c, 0, "patch_size");
        int channels = intOf(c, 3, "num_channels");
        int proj = intOf(root, 0, "projection_dim");
        if (proj == 0) {
            proj = intOf(c, 0, "projection_dim");
        }
        double theta = dblOf(c, 10000.0, "rope_theta");
        boolean tied = c.path("tie_word_embeddings").asBoolean(!fam.equals("llama"));
        List<String> labels = new ArrayList<>();
        JsonNode id2label = c.get("id2label");
        if (id2label != null && id2label.isObject() && fam.equals("vit")) {
            for (int i = 0; i < id2label.size(); i++) {
                JsonNode l = id2label.get(Integer.toString(i));
                if (l == null) {
                    throw new EdgeFmException("id2label: missing label " + i);
                }
                labels.add(l.asText());
            }
        }
        String pooling = fam.equals("bert") ? strOf(c, "cls", "pooling") : "cls";
        int eos = intOf(c, -1, "eos_token_id");
        if (fam.equals("clip-text") && eos == 2) {
            eos = -1; // HF: configs with eos_token_id 2 use the legacy argmax of the ids
        }
        return new Arch(fam, hidden, heads, kv, layers, inter, eps, act, maxPos, vocab, typeVocab, image, patch, channels, proj, theta,
                tied, labels, pooling, eos);
    }

    private static int intOf(JsonNode n, int def, String... keys) {
        for (String k : keys) {
            JsonNode v = n.get(k);
            if (v != null && !v.isNull()) {
                if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                    throw new EdgeFmException(k + ": " + v + " (expected: an integer)");
                }
                return v.asInt();
            }
        }
        if (def == 0 && keys.length > 0 && requiredInt(keys[0])) {
            throw new EdgeFmException("missing '" + keys[0] + "'");
        }
        return def;
    }

    private static boolean requiredInt(String key) {
        return Set.of("hidden_size", "num_attention_heads", "num_hidden_layers").contains(key);
    }

    private static double dblOf(JsonNode n, double def, String... keys) {
        for (String k : keys) {
            JsonNode v = n.get(k);
            if (v != null && !v.isNull()) {
                if (!v.isNumber()) {
                    throw new EdgeFmException(k + ": " + v + " (expected: a number)");
                }
                return v.asDouble();
            }
        }
        return def;
    }

    private static String strOf(JsonNode n, String def, String... keys) {
        for (String k : keys) {
            JsonNode v = n.get(k);
            if (v != null && v.isTextual()) {
                return v.asText();
            }
        }
        return def;
    }
}
