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
import org.edgefm.models.family.Heads;
import org.edgefm.scenario.ScenarioException;

/**
 * A retrieval corpus for a text encoder's head part: entries (texts) and their embeddings, made by
 * the whole model ({@link PartRunner#embedCorpus}). The head part pools a request's hidden states and
 * answers with the entry of highest cosine similarity; its cost is one [1, width] × [width, N]
 * product. File format (JSON): {@code {"texts": [..], "embeddings": [[..], ..]}}.
 *
 * @param texts      the entries
 * @param embeddings L2-normalised embeddings, one per entry, all of the same width
 */
public record Corpus(List<String> texts, List<float[]> embeddings) {
    /** Most entries a corpus may have. */
    public static final int MAX_ENTRIES = 4096;
    /** Largest corpus file read. */
    public static final long MAX_BYTES = 64L << 20;

    /** Copies and checks: one embedding per text, all of one width, at most {@value #MAX_ENTRIES} entries. */
    public Corpus {
        texts = List.copyOf(texts);
        List<float[]> e = new ArrayList<>();
        for (float[] v : embeddings) {
            e.add(Heads.normalize(v));
        }
        embeddings = List.copyOf(e);
        if (texts.isEmpty() || texts.size() > MAX_ENTRIES || texts.size() != embeddings.size()) {
            throw new IllegalArgumentException(texts.size() + " texts and " + embeddings.size() + " embeddings (expected: 1-"
                    + MAX_ENTRIES + " of each, as many of one as of the other)");
        }
    }

    /** Width of the embeddings. */
    public int width() {
        return embeddings.get(0).length;
    }

    /** The index of the entry nearest {@code v} by cosine similarity (first on ties) and that similarity. */
    public Heads.Scored nearest(float[] v) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < embeddings.size(); i++) {
            double s = Heads.cosine(v, embeddings.get(i));
            if (s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        return new Heads.Scored(best, texts.get(best), bestScore);
    }

    /**
     * Reads a corpus file; every problem is a {@link ScenarioException} naming the file and field.
     *
     * @param width the width the model's pooled output has
     */
    public static Corpus read(Path file, int width) {
        String src = file.toString();
        JsonNode root = EmbeddingRows.readJson(file, MAX_BYTES);
        if (root == null || !root.isObject()) {
            throw new ScenarioException(src, "(root)", "not a JSON object (expected: {\"texts\": [...], \"embeddings\": [[...]]})");
        }
        JsonNode t = root.get("texts");
        JsonNode e = root.get("embeddings");
        if (t == null || !t.isArray() || t.isEmpty() || t.size() > MAX_ENTRIES) {
            throw new ScenarioException(src, "texts", (t == null ? "missing" : t.size() + " entries") + " (expected: 1-" + MAX_ENTRIES
                    + " strings)");
        }
        if (e == null || !e.isArray() || e.size() != t.size()) {
            throw new ScenarioException(src, "embeddings", (e == null ? "missing" : e.size() + " entries") + " (expected: one per text, "
                    + t.size() + "; write them with ./edgefm model corpus)");
        }
        List<String> texts = new ArrayList<>();
        List<float[]> emb = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isTextual()) {
                throw new ScenarioException(src, "texts[" + i + "]", t.get(i) + " (expected: a string)");
            }
            texts.add(t.get(i).asText());
            emb.add(EmbeddingRows.read(src, e.get(i), i, width, "the model's embedding width"));
        }
        return new Corpus(texts, emb);
    }

    /** Writes the corpus file. */
    public void write(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ArrayNode t = root.putArray("texts");
        texts.forEach(t::add);
        ArrayNode e = root.putArray("embeddings");
        for (float[] v : embeddings) {
            ArrayNode a = e.addArray();
            for (float f : v) {
                a.add(f);
            }
        }
        Files.writeString(file, om.writeValueAsString(root));
    }
}
