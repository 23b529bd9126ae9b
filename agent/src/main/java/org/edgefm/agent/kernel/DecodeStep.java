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

    /** {@link #fromQuery(String, String, String, String, String)} of a greedy step. */
    public static DecodeStep fromQuery(String sequence, String start) {
        return fromQuery(sequence, start, null, null, null);
    }

    /**
     * The generation step a submission names ({@code ?sequence=ID&start=N}: the sequence's tokens before
     * this task's; with {@code &topK=K&temperature=T&seed=S} the lm head draws among the K best tokens,
     * K &gt; 1, with the generation's seed; without them, or with K = 1, it takes the best), or null when
     * it names none; a start without a sequence, sampling without a sequence, or a malformed value, is a
     * one-line error.
     */
    public static DecodeStep fromQuery(String sequence, String start, String topK, String temperature, String seed) {
        if (sequence == null) {
            if (start != null) {
                throw new EdgeFmException("start: given without sequence (expected: both, or neither)");
            }
            if (topK != null || temperature != null || seed != null) {
                throw new EdgeFmException("topK, temperature, seed: given without sequence (expected: sampling only for a step of a generation)");
            }
            return null;
        }
        if (start == null) {
            throw new EdgeFmException("sequence '" + sequence + "': no start (expected: start=N, the sequence's tokens before this task)");
        }
        int n;
        try {
            n = Integer.parseInt(start);
        } catch (NumberFormatException e) {
            throw new EdgeFmException("start: '" + start + "' (expected: an integer >= 0)");
        }
        if (topK == null) {
            if (temperature != null || seed != null) {
                throw new EdgeFmException("temperature, seed: given without topK (expected: topK=K with them, or none of them)");
            }
            return new DecodeStep(sequence, n);
        }
        int k;
        try {
            k = Integer.parseInt(topK);
        } catch (NumberFormatException e) {
            k = 0;
        }
        if (k < 1) {
            throw new EdgeFmException("topK: '" + topK + "' (expected: an integer >= 1)");
        }
        double t = 1.0;
        if (temperature != null) {
            try {
                t = Double.parseDouble(temperature);
            } catch (NumberFormatException e) {
                t = Double.NaN;
            }
            if (!(t > 0) || Double.isInfinite(t)) {
                throw new EdgeFmException("temperature: '" + temperature + "' (expected: a number > 0)");
            }
        }
        long s = 0;
        if (seed != null) {
            try {
                s = Long.parseLong(seed);
            } catch (NumberFormatException e) {
                throw new EdgeFmException("seed: '" + seed + "' (expected: an integer)");
            }
        }
        return new DecodeStep(sequence, n, k == 1 ? null : new Generator.Sampling(k, t, s));
    }
}
