package org.edgefm.sim.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.wire.internal.Json;

/**
 * Reads and writes {@link Calibration#FILE}: a size limit, the schema checked first, and every
 * malformed field refused in one line naming the file, the field's path and what was expected.
 */
final class CalibrationFiles {
    private CalibrationFiles() {
    }

    /**
     * Reads a calibration file, or {@value Calibration#FILE} in a run folder.
     *
     * @throws EdgeFmException one line: {@code calibration FILE: PATH: what is wrong (expected: ...)}
     */
    static Calibration read(Path fileOrRunFolder) {
        Path file = Files.isDirectory(fileOrRunFolder) ? fileOrRunFolder.resolve(Calibration.FILE) : fileOrRunFolder;
        String text;
        try {
            if (Files.size(file) > 64L << 20) {
                throw fail(file, "(file)", Files.size(file) + " bytes (expected: at most 64 MiB)");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw fail(file, "(file)", "no such file" + (Files.isDirectory(fileOrRunFolder)
                    ? " (a trial's run folder holds one from this version on)" : ""));
        } catch (IOException e) {
            throw fail(file, "(file)", "cannot read: " + e.getMessage());
        }
        return parse(text, file);
    }

    /** Parses a calibration document; {@code file} names it in errors. */
    static Calibration parse(String text, Path file) {
        try {
            JsonNode tree = Json.FILES.readTree(text);
            if (tree == null || !tree.isObject()) {
                throw fail(file, "(document)", "expected a JSON object at the top level");
            }
            if (!tree.path("schema").isTextual() || !(Calibration.SCHEMA.equals(tree.path("schema").asText())
                    || Calibration.SCHEMA_1.equals(tree.path("schema").asText()))) {
                throw fail(file, "schema", (tree.has("schema") ? tree.get("schema").toString() : "missing")
                        + " (expected: \"" + Calibration.SCHEMA + "\" or \"" + Calibration.SCHEMA_1 + "\")");
            }
            return Json.FILES.treeToValue(tree, Calibration.class);
        } catch (JsonProcessingException e) {
            Json.Failure f = Json.describe(e);
            throw fail(file, f.path(), f.problem());
        } catch (InvalidFieldException e) {
            throw fail(file, e.field(), e.problem());
        }
    }

    /**
     * Writes {@code c} (pretty-printed JSON), every map's entries sorted by key: maps read back are
     * {@code Map.copyOf} maps, whose order changes from one JVM to the next, so the same content is
     * always the same bytes.
     */
    static void write(Calibration c, Path file) throws IOException {
        Files.writeString(file, Json.FILES.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .withDefaultPrettyPrinter().writeValueAsString(c) + "\n");
    }

    private static EdgeFmException fail(Path file, String path, String problem) {
        return new EdgeFmException("calibration " + file + ": " + path + ": " + problem);
    }

}
