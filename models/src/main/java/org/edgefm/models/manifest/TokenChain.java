package org.edgefm.models.manifest;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.edgefm.api.EdgeFmException;

/**
 * The origin's loop of a generation served as a chain of dependent tasks, one per token: the first
 * task carries the prompt (start 0), each next one only the token the previous task answered, with
 * the sequence id and the tokens before it (its start), so each part continues its key/value cache of
 * the sequence ({@link PartRunner#decode}). The token of each step is chosen where the lm head runs
 * (greedy: the task's answer). When a step reports a {@link SequenceCache.Miss} (a part moved to a node
 * that never saw the sequence, or its cache dropped it) the same step is sent again as a replay of the
 * whole sequence so far, prompt and generated tokens, from token 0; the tokens are those of the
 * uninterrupted run. {@link SplitDecoding} is the same loop over parts called one by one.
 */
public final class TokenChain {
    /** One task of the chain: the sequence's new tokens in, the next token out. */
    @FunctionalInterface
    public interface Step {
        /**
         * Sends {@code tokens}, the tokens of {@code sequence} from position {@code start}, through the
         * whole pipeline and returns the token its head chose.
         *
         * @throws SequenceCache.Miss when a part holds no cache of the sequence up to {@code start}
         */
        int next(String sequence, int start, int[] tokens);
    }

    private final Step step;
    private long steps;
    private long replays;

    /** A chain whose tasks {@code step} sends. */
    public TokenChain(Step step) {
        this.step = step;
    }

    /**
     * Generates up to {@code maxNew} tokens after {@code prompt}; stops early at {@code eos} (−1: never).
     * {@code afterToken} (may be null) is called with the count generated so far after each token.
     */
    public int[] generate(String sequence, int[] prompt, int maxNew, int eos, IntConsumer afterToken) {
        if (prompt.length == 0 || maxNew < 1) {
            throw new EdgeFmException("generation of sequence '" + sequence + "': " + prompt.length + " prompt tokens, " + maxNew
                    + " new tokens (expected: at least one of each)");
        }
        int[] history = prompt.clone();
        int[] out = new int[maxNew];
        int n = 0;
        int next = send(sequence, 0, prompt, history);
        while (true) {
            out[n++] = next;
            if (afterToken != null) {
                afterToken.accept(n);
            }
            if (next == eos || n == maxNew) {
                return Arrays.copyOf(out, n);
            }
            int start = history.length;
            history = Arrays.copyOf(history, start + 1);
            history[start] = next;
            next = send(sequence, start, new int[] {next}, history);
        }
    }

    private int send(String sequence, int start, int[] tokens, int[] history) {
        steps++;
        try {
            return step.next(sequence, start, tokens);
        } catch (SequenceCache.Miss e) {
            if (start == 0) {
                throw e; // a step from token 0 cannot miss: something else is wrong
            }
            replays++;
            return step.next(sequence, 0, history);
        }
    }

    /** Tasks sent for new tokens (a replay counts once, in {@link #replays}). */
    public long steps() {
        return steps;
    }

    /** Steps that were sent again as a replay from token 0. */
    public long replays() {
        return replays;
    }
}
