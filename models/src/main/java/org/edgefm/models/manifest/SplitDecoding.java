package org.edgefm.models.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Generator;
import org.edgefm.models.family.Heads;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-token generation over a decoder cut into parts, each of which keeps the key/value cache of
 * its own blocks per sequence ({@link PartRunner#decode}): the sender (the task's origin) sends the
 * prompt once, then only each new token, with the sequence id and where the step starts. When a part
 * answers with a {@link SequenceCache.Miss} (its cache was dropped, or the part moved to a node that
 * never saw the sequence) the sender replays the sequence so far, prompt and generated tokens, from
 * token 0 through every part, and goes on; the tokens are those of the uninterrupted run.
 */
public final class SplitDecoding {
    /** One part, wherever it runs: a step of a sequence in, its output (hidden states or logits) out. */
    @FunctionalInterface
    public interface Hop {
        /** Runs a step: {@code in} is the new tokens' ids [1, t] (first part) or hidden states [t, width]. */
        INDArray decode(String sequence, int start, INDArray in);
    }

    private final List<Hop> hops;
    private long replays;
    private long steps;

    /** The model parts in pipeline order (the first holds the embedding, the last the lm head). */
    public SplitDecoding(List<Hop> hops) {
        if (hops.isEmpty()) {
            throw new EdgeFmException("split decoding: no parts");
        }
        this.hops = new ArrayList<>(hops);
    }

    /** Replaces the hop of part {@code index} (its service moved to another node). */
    public void replace(int index, Hop hop) {
        hops.set(index, hop);
    }

    /**
     * Generates up to {@code maxNew} tokens after {@code prompt}; stops early at {@code eos} (−1: never).
     * {@code afterToken} (may be null) is called with the count generated so far after each token
     * (where a test fails a part over).
     */
    public int[] generate(String sequence, int[] prompt, int maxNew, Generator.Sampling sampling, int eos,
            java.util.function.IntConsumer afterToken) {
        int[] history = prompt.clone();
        int[] out = new int[maxNew];
        int n = 0;
        INDArray logits = step(sequence, 0, prompt, history);
        while (n < maxNew) {
            int next = sampling.choose(Heads.vector(logits.getRow(logits.rows() - 1)), history.length);
            out[n++] = next;
            if (afterToken != null) {
                afterToken.accept(n);
            }
            if (next == eos || n == maxNew) {
                break;
            }
            int start = history.length;
            history = Arrays.copyOf(history, start + 1);
            history[start] = next;
            logits = step(sequence, start, new int[] {next}, history);
        }
        return Arrays.copyOf(out, n);
    }

    private INDArray step(String sequence, int start, int[] tokens, int[] history) {
        steps++;
        try {
            return through(sequence, start, tokens);
        } catch (SequenceCache.Miss e) {
            replays++; // Petals' recovery: the whole sequence again, from token 0, through every part
            INDArray all = through(sequence, 0, history);
            return all.getRow(all.rows() - 1).reshape(1, all.columns());
        }
    }

    private INDArray through(String sequence, int start, int[] tokens) {
        float[] f = new float[tokens.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = tokens[i];
        }
        INDArray x = Nd4j.create(f, new long[] {1, f.length}, 'c');
        for (Hop h : hops) {
            x = h.decode(sequence, start, x);
        }
        return x;
    }

    /** Steps whose sequence had to be replayed from token 0. */
    public long replays() {
        return replays;
    }

    /** Steps sent (a replay counts once). */
    public long steps() {
        return steps;
    }
}
