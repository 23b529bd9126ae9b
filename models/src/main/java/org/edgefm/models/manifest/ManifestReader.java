package org.edgefm.models.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.edgefm.models.BuiltinModels;
import org.edgefm.models.family.Arch;
import org.edgefm.models.manifest.ActivationCodec.WireType;
import org.edgefm.models.manifest.ModelManifest.PartSpec;
import org.edgefm.models.manifest.ModelManifest.Role;
import org.edgefm.scenario.ScenarioException;

/**
 * Reads a manifest (a file, a built-in one, or text) and validates all of it, the parts' cut through
 * {@link PartCut}: schema, name, weights and config, pooling, tokenizer, wire type, input
 * normalisation, the corpus and zero-shot files; errors read {@code <file>: <path>: <problem>}.
 */
final class ManifestReader {
    private ManifestReader() {
    }

    /** Reads and validates a manifest file; relative file names resolve against its folder. */
    static ModelManifest load(Path file) {
        String src = file.toString();
        try {
            if (!Files.isRegularFile(file)) {
                throw new ScenarioException(src, "(file)", "no such file");
            }
            if (Files.size(file) > ModelManifest.MAX_BYTES) {
                throw new ScenarioException(src, "(file)", Files.size(file) + " bytes (expected: at most " + ModelManifest.MAX_BYTES + ")");
            }
            Path dir = file.toAbsolutePath().getParent();
            return parse(Files.readString(file), src, dir);
        } catch (IOException e) {
            throw new ScenarioException(src, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /** A manifest that ships in this module: {@code all-minilm-l6-v2}. */
    static ModelManifest builtin(String name) {
        String res = "org/edgefm/models/builtin/" + name + ".manifest.json";
        try (java.io.InputStream in = ManifestReader.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                throw new ScenarioException("builtin:" + name, "(file)", "no built-in model manifest of that name (expected: all-minilm-l6-v2)");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "builtin:" + name, Path.of("."));
        } catch (IOException e) {
            throw new ScenarioException("builtin:" + name, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /** Parses and validates manifest text. */
    static ModelManifest parse(String text, String source, Path baseDir) {
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
        ManifestFields r = new ManifestFields(source, baseDir);
        r.known(root, "", Set.of("schema", "name", "description", "family", "weights", "config", "tokenizer", "pooling", "wire", "input",
                "parts", "corpus", "zeroShot"));
        int schema = r.integer(root, "schema");
        if (schema != ModelManifest.SCHEMA) {
            throw new ScenarioException(source, "schema", schema + " (expected: " + ModelManifest.SCHEMA + ")");
        }
        String name = r.id(root, "name");
        String weights = r.text(root, "weights");
        String family = root.has("family") ? r.text(root, "family") : null;
        Arch arch;
        if (weights.equals(ModelManifest.BUILTIN_MINILM)) {
            arch = BuiltinModels.miniLmArch();
            if (family != null && !family.equals("bert")) {
                throw new ScenarioException(source, "family", "'" + family + "' (expected: bert for " + ModelManifest.BUILTIN_MINILM + ")");
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
        Map<String, PartSpec> parts = PartCut.read(r, root, arch);
        boolean hasPre = parts.values().stream().anyMatch(p -> p.role() == Role.PREPROCESS);
        if (hasPre && !arch.isVision() && tokenizer == null && !weights.equals(ModelManifest.BUILTIN_MINILM)) {
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
}
