package org.edgefm.wire;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * What a task served by a real model answered: the top label of a classifier, the nearest entry
 * of a retrieval corpus, or the next token of a decoder, with its score (a probability or a
 * cosine similarity). Carried in a {@link TaskCompletion} from the agent that ran the sink stage.
 *
 * @param label the answer, 1 to {@value #MAX_LABEL} characters
 * @param score its score, a finite number
 */
public record TaskAnswer(String label, double score) {
    /** Longest label carried (longer ones are cut by {@link #of}). */
    public static final int MAX_LABEL = 256;

    /** Validates both fields. */
    public TaskAnswer {
        Check.notNull(label, "answer.label");
        if (label.isEmpty() || label.length() > MAX_LABEL) {
            throw new InvalidFieldException("answer.label", label.length() + " characters (expected: 1-" + MAX_LABEL + ")");
        }
        if (!Double.isFinite(score)) {
            throw new InvalidFieldException("answer.score", score + " (expected: a finite number)");
        }
    }

    /** An answer whose label is cut to {@value #MAX_LABEL} characters (an empty one reads {@code (empty)}). */
    public static TaskAnswer of(String label, double score) {
        String l = label == null || label.isEmpty() ? "(empty)" : label;
        return new TaskAnswer(l.length() > MAX_LABEL ? l.substring(0, MAX_LABEL) : l, score);
    }
}
