package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * Why a planner decided what it did, or why it could not: a stable kebab-case code for machines and
 * a one-line message for people, e.g. {@code infeasible-capacity}: "node jetson-3 has 2 GiB VRAM,
 * service llm-7b needs 4 GiB".
 *
 * @param code    stable kebab-case code
 * @param message one-line explanation naming the nodes and services involved
 */
public record Reason(String code, String message) {
    /**
     * Validates both fields.
     *
     * @param code stable kebab-case code
     * @param message one-line explanation naming the nodes and services involved
     */
    public Reason {
        Check.id(code, "code");
        Check.notNull(message, "message");
    }

    @Override
    public String toString() {
        return code + ": " + message;
    }
}
