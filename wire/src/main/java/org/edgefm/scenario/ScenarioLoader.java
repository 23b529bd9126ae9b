package org.edgefm.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.wire.internal.Json;

/**
 * Reads scenario files. Every failure is a {@link ScenarioException} naming the file, the path
 * inside it and what was expected; malformed JSON is reported with line and column.
 */
public final class ScenarioLoader {
    /** Where built-in scenarios live on the classpath: {@code scenarios/<name>.json}. */
    public static final String RESOURCE_DIR = "scenarios/";
    /** Scenario files larger than this are refused (16 MiB). */
    public static final long MAX_BYTES = 16L << 20;

    private ScenarioLoader() {
    }

    /**
     * Loads {@code ref}: a path to a file, or else the name of a built-in scenario on the classpath.
     *
     * @throws ScenarioException when neither exists or the content is invalid
     */
    public static Scenario resolve(String ref) {
        Path p = Path.of(ref);
        if (Files.isRegularFile(p)) {
            return load(p);
        }
        String resource = RESOURCE_DIR + ref + ".json";
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = ScenarioLoader.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ScenarioException(ref, "(file)", "no such file, and no built-in scenario of that name");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), ref);
        } catch (IOException e) {
            throw new ScenarioException(ref, "(file)", "cannot read built-in scenario: " + e.getMessage());
        }
    }

    /** Loads a scenario file. */
    public static Scenario load(Path file) {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ScenarioException(source, "(file)", Files.size(file) + " bytes (expected: at most " + MAX_BYTES + ")");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), source);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(source, "(file)", "no such file");
        } catch (IOException e) {
            throw new ScenarioException(source, "(file)", "cannot read: " + e.getMessage());
        }
    }

    /**
     * Parses scenario JSON.
     *
     * @param json   the document
     * @param source a name for error messages (file name)
     */
    public static Scenario parse(String json, String source) {
        JsonNode tree;
        try {
            tree = Json.FILES.readTree(json);
        } catch (JsonProcessingException e) {
            Json.Failure f = Json.describe(e);
            throw new ScenarioException(source, f.path(), f.problem());
        }
        if (tree == null || !tree.isObject()) {
            throw new ScenarioException(source, "(document)", "expected a JSON object at the top level");
        }
        if (!tree.has("schema")) {
            throw new ScenarioException(source, "schema", "missing (expected: " + Scenario.SCHEMA + ")");
        }
        try {
            return Json.FILES.treeToValue(tree, Scenario.class);
        } catch (JsonProcessingException e) {
            Json.Failure f = Json.describe(e);
            throw new ScenarioException(source, f.path(), f.problem());
        } catch (InvalidFieldException e) {
            throw new ScenarioException(source, e.field(), e.problem());
        }
    }

    /** Writes a scenario as JSON (without comments). */
    public static String toJson(Scenario scenario) {
        try {
            return Json.FILES.writeValueAsString(scenario);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode scenario " + scenario.name(), e);
        }
    }
}
