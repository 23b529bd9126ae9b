package org.edgefm.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The PyTorch reference fixtures of tools/ (a folder per model with its reference.json) and how outputs are compared. */
public final class References {
    /** FP32 agreement with PyTorch: max absolute difference over the reference's largest magnitude. */
    public static final double TOL = 1e-4;

    private References() {
    }

    /** The folder of test resource {@code /ROOT/NAME} (it holds a config.json). */
    public static Path folder(String root, String name) {
        try {
            return Path.of(References.class.getResource("/" + root + "/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder's reference.json. */
    public static JsonNode reference(Path dir) throws IOException {
        return new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
    }

    /** Max absolute difference over the reference's largest magnitude (the element counts must agree). */
    public static double relErr(INDArray actual, INDArray expected) {
        float[] a = actual.dup('c').data().asFloat();
        float[] e = expected.dup('c').data().asFloat();
        assertThat(a.length).as("element count").isEqualTo(e.length);
        double maxDiff = 0;
        double maxRef = 1e-12;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
            maxRef = Math.max(maxRef, Math.abs(e[i]));
        }
        return maxDiff / maxRef;
    }
}
