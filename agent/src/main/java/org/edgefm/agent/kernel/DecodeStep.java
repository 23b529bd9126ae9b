package org.edgefm.agent.kernel;

import org.edgefm.api.EdgeFmException;

/**
 * A task that is one step of a generation: the sequence it belongs to and the tokens of the sequence
 * before the step ({@code start}; 0 begins it, or replays it from its first token). A decoder's model
 * part continues its key/value cache of the sequence ({@code PartRunner.decode}); other kernels ignore it.
 *
 * @param sequence the sequence id, 1 to {@value #MAX_ID} characters
 * @param start    tokens before the step, at least 0
 */
public record DecodeStep(String sequence, int start) {
    /** Longest sequence id accepted. */
    public static final int MAX_ID = 128;

    /** Validates. */
    public DecodeStep {
        if (sequence == null || sequence.isBlank() || sequence.length() > MAX_ID) {
            throw new EdgeFmException("sequence: " + (sequence == null ? "none" : sequence.length() + " characters")
                    + " (expected: 1 to " + MAX_ID + " characters, not blank)");
        }
        if (start < 0) {
            throw new EdgeFmException("start: " + start + " (expected: >= 0, the tokens of the sequence before this step)");
        }
    }
}
