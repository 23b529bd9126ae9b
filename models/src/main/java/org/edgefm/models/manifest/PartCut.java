package org.edgefm.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ModelManifest.PartSpec;
import org.edgefm.models.manifest.ModelManifest.Role;
import org.edgefm.scenario.ScenarioException;

/**
 * A manifest's {@code parts}: the cut of the model into microservices at block boundaries, read and
 * checked (pre-processing first, the embedding in the first model part, each part starting where the
 * previous one ended, the head last after every block).
 */
final class PartCut {
    private PartCut() {
    }

    /** The parts in pipeline order, by service id. */
    static Map<String, PartSpec> read(ManifestFields r, JsonNode root, Arch arch) {
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
}
