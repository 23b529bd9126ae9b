package org.edgefm.scenario;

import java.util.List;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * A real model a scenario serves: its manifest (which cuts it into the scenario's services), the
 * task types it answers and the inputs a trial sends them. Services run its parts when their
 * kernel's {@code weights} read {@code FILE#PART}; the trial writes the manifest (and the files it
 * names) into the agents' model folder under {@code file} and checks every such kernel against the
 * part's real shapes.
 *
 * @param file      the manifest's file in the agents' model folder (what kernels name before
 *                  {@code #}): {@code NAME.json} or {@code FOLDER/NAME.json}; the files the manifest
 *                  names go next to it
 * @param manifest  where the manifest comes from: {@code builtin:NAME} (shipped with EdgeFM) or a
 *                  path relative to the scenario file (a model folder the user brought)
 * @param taskTypes the task types whose requests this model answers
 * @param inputs    what a trial sends: {@code sentences} (built-in queries, for a text encoder with
 *                  a retrieval corpus), {@code images} (images the trial generates) or {@code prompts}
 *                  (the built-in queries as prompts for a decoder, which answers with its next token)
 */
public record ModelRef(String file, String manifest, List<String> taskTypes, String inputs) {
    /** The kinds of input a trial can generate. */
    public static final Set<String> INPUTS = Set.of("sentences", "images", "prompts");

    /** Validates the fields on their own (cross references: {@link Scenario}). */
    public ModelRef {
        Check.notNull(file, "file");
        if (!file.matches("([A-Za-z0-9][A-Za-z0-9._-]{0,63}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\.json")) {
            throw new InvalidFieldException("file", Check.quote(file) + " (expected: NAME.json or FOLDER/NAME.json, names of"
                    + " [A-Za-z0-9._-])");
        }
        Check.notNull(manifest, "manifest");
        if (manifest.isBlank()) {
            throw new InvalidFieldException("manifest", "empty (expected: builtin:NAME or a path relative to the scenario)");
        }
        taskTypes = Check.listOf(Check.notEmpty(taskTypes, "taskTypes"), "taskTypes");
        Check.notNull(inputs, "inputs");
        if (!INPUTS.contains(inputs)) {
            throw new InvalidFieldException("inputs", Check.quote(inputs) + " (expected one of " + new java.util.TreeSet<>(INPUTS) + ")");
        }
    }

    /** True when the manifest ships with EdgeFM. */
    public boolean builtin() {
        return manifest.startsWith("builtin:");
    }
}
