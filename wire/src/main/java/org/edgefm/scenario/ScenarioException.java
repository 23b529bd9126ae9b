package org.edgefm.scenario;

import org.edgefm.api.EdgeFmException;

/**
 * A scenario could not be loaded. The message reads {@code <file>: <path>: <problem>}, e.g.
 * {@code lab.json: services[2].rate.shape: -1.0 (expected: > 0)}.
 */
public final class ScenarioException extends EdgeFmException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String path;
    private final String problem;

    /** Creates the exception. */
    public ScenarioException(String source, String path, String problem) {
        super(source + ": " + path + ": " + problem);
        this.source = source;
        this.path = path;
        this.problem = problem;
    }

    /** The file or resource name. */
    public String source() {
        return source;
    }

    /** The path inside the document, e.g. {@code taskTypes[0].stages[2].service}. */
    public String path() {
        return path;
    }

    /** What is wrong and what was expected. */
    public String problem() {
        return problem;
    }
}
