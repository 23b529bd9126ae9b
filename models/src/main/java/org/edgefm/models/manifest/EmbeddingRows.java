package org.edgefm.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import org.edgefm.scenario.ScenarioException;

/** Reads one stored embedding (a row of {@code embeddings}) from a JSON file the project wrote, checking it. */
final class EmbeddingRows {
    private EmbeddingRows() {
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
