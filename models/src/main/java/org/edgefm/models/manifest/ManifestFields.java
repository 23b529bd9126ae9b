package org.edgefm.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.edgefm.scenario.ScenarioException;

/**
 * Typed reads of a manifest's JSON fields (integers, texts, ids, numbers, files next to the manifest),
 * each failure a {@link ScenarioException} that reads {@code <file>: <path>: <problem>}.
 */
final class ManifestFields {
    final String source;
    final Path baseDir;

    ManifestFields(String source, Path baseDir) {
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
