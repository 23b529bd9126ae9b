package org.edgefm.agent.kernel;

import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Generator;

/**
 * A task that is one step of a generation: the sequence it belongs to, the tokens of the sequence
 * before the step ({@code start}; 0 begins it, or replays it from its first token), and how the part
 * that holds the lm head chooses the next token. A decoder's model part continues its key/value cache
 * of the sequence ({@code PartRunner.decode}); other kernels ignore it.
 *
 * @param sequence the sequence id, 1 to {@value #MAX_ID} characters
 * @param start    tokens before the step, at least 0
 * @param sampling top-k sampling with the generation's seed ({@code topK}, {@code temperature}, {@code seed} of
 *                 the submission), or null for greedy; the draw for the token at position p depends on
 *                 (seed, p) alone, so a replay or another node draws the same token
 */
public record DecodeStep(String sequence, int start, Generator.Sampling sampling) {
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

    /** A greedy step. */
    public DecodeStep(String sequence, int start) {
        this(sequence, start, null);
    }
}
