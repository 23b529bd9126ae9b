package org.edgefm.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.scenario.ScenarioException;

/** Reads the JSON files of stored embeddings the project wrote (corpus, zero-shot labels), checking them. */
final class EmbeddingRows {
    private EmbeddingRows() {
    }

    /**
     * Reads a JSON file of at most {@code maxBytes}; a file too large or unreadable is a one-line error.
     *
     * @return the parsed root (null for an empty file)
     */
    static JsonNode readJson(Path file, long maxBytes) {
        String src = file.toString();
        try {
            if (Files.size(file) > maxBytes) {
                throw new ScenarioException(src, "(file)", Files.size(file) + " bytes (expected: at most " + maxBytes + ")");
            }
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ScenarioException(src, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /**
     * @param src the file, for the error
     * @param v the row {@code embeddings[i]}
     * @param i the row's index, for the error
     * @param width the expected number of values
     * @param widthIs what the width is, for the error ({@code the model's embedding width})
     * @return the values
     * @throws ScenarioException naming the file, the row and what is wrong with it
     */
    static float[] read(String src, JsonNode v, int i, int width, String widthIs) {
        if (!v.isArray() || v.size() != width) {
            throw new ScenarioException(src, "embeddings[" + i + "]", (v.isArray() ? v.size() + " numbers" : v.toString())
                    + " (expected: " + width + " numbers, " + widthIs + ")");
        }
        float[] f = new float[width];
        for (int j = 0; j < width; j++) {
            if (!v.get(j).isNumber() || !Double.isFinite(v.get(j).asDouble())) {
                throw new ScenarioException(src, "embeddings[" + i + "][" + j + "]", v.get(j) + " (expected: a finite number)");
            }
            f[j] = (float) v.get(j).asDouble();
        }
        return f;
    }
}
