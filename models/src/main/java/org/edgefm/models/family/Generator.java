package org.edgefm.models.family;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.edgefm.api.EdgeFmException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Token-by-token decoding over a decoder cut into parts: the prompt is run once (prefill), then
 * each new token runs only its own position through every part, which keeps each part's
 * key/value cache. Greedy, or top-k sampling with a seed (the same seed gives the same tokens, also
 * across processes: {@link Sampling#choose(float[], int)}).
 */
public final class Generator {
    /**
     * How the next token is chosen: {@code k <= 1} is greedy; otherwise a draw among the {@code k}
     * best logits at {@code temperature}. The random number of the draw for the token at position
     * {@code p} of a sequence comes from ({@code seed}, {@code p}) alone ({@link #choose(float[], int)}),
     * so any process that holds the same logits (this generator, or an agent that holds the lm head
     * of a decoder split across agents, or a replay after a lost cache) draws the same token.
     */
    public record Sampling(int k, double temperature, long seed) {
        /** Greedy decoding. */
        public static Sampling greedy() {
            return new Sampling(1, 1.0, 0);
        }

        /** Checks the values. */
        public Sampling {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new EdgeFmException("temperature: " + temperature + " (expected: > 0)");
            }
        }

        /**
         * The token at {@code position} of a sequence (the count of tokens before it: prompt and
         * tokens generated so far) from the logits of the position before it.
         */
        public int choose(float[] logits, int position) {
            return Generator.choose(logits, this, k <= 1 ? null : new SplittableRandom(mix(seed, position)));
        }

        /**
         * The same settings for one of several generations of a run (e.g. the n-th prompt): the seed
         * mixed with {@code stream}, so generations differ in their draws but each is reproducible.
         */
        public Sampling forStream(long stream) {
            return new Sampling(k, temperature, mix(seed, stream));
        }

        private static long mix(long seed, long n) {
            // SplitMix64's finaliser of the pair: neighbouring (seed, n) give unrelated seeds
            long z = seed * 0x9E3779B97F4A7C15L + n + 0x632BE59BD9B4E019L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    private final List<Transformer> parts;
    private final List<Sequence> states = new ArrayList<>();
    private int[] history = new int[0];
    private boolean replay;

    /** A generator over the parts, in order (the first holds the embedding, the last the head). */
    public Generator(List<Transformer> parts) {
        if (parts.isEmpty() || !parts.get(0).part().embed() || !parts.get(parts.size() - 1).part().head()) {
            throw new EdgeFmException("generator: the first part must hold the embedding and the last the head");
        }
        if (!parts.get(0).arch().isDecoder()) {
            throw new EdgeFmException("generator: family " + parts.get(0).arch().family() + " is not a decoder");
        }
        this.parts = new ArrayList<>(parts);
    }

    /**
     * Replaces a part whose service was lost (its key/value cache is gone with it) by a fresh
     * instance of the same blocks, e.g. on another node. The next step replays the whole history
     * (prompt and tokens generated so far) through every part before the new tokens, as Petals does,
     * so decoding continues with exactly the tokens it would have produced.
     */
    public void failover(int index, Transformer replacement) {
        Transformer old = parts.get(index);
        if (!old.part().equals(replacement.part()) || !old.arch().equals(replacement.arch())) {
            throw new EdgeFmException("failover: part " + index + " holds " + old.part() + ", the replacement " + replacement.part());
        }
        parts.set(index, replacement);
        replay = true;
    }

    /** Logits [T, vocab] of the new tokens, running them through every part. */
    public INDArray step(int[] newTokens) {
        if (replay) {
            states.clear();
            replay = false;
            int[] all = Arrays.copyOf(history, history.length + newTokens.length);
            System.arraycopy(newTokens, 0, all, history.length, newTokens.length);
            history = new int[0];
            INDArray logits = step(all);
            return logits.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(logits.rows() - newTokens.length, logits.rows()),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
        }
        if (states.isEmpty()) {
            for (int i = 0; i < parts.size(); i++) {
                states.add(new Sequence());
            }
        }
        int n = history.length;
        history = Arrays.copyOf(history, n + newTokens.length);
        System.arraycopy(newTokens, 0, history, n, newTokens.length);
        INDArray h = null;
        for (int i = 0; i < parts.size(); i++) {
            Sequence s = states.get(i);
            s.append(newTokens);
            h = parts.get(i).forwardText(s, h);
        }
        return h;
    }

    /** Generates up to {@code maxNew} tokens after the prompt; stops early at {@code eos} (−1: never). */
    public int[] generate(int[] prompt, int maxNew, Sampling sampling, int eos) {
        int[] out = new int[maxNew];
        int n = 0;
        INDArray logits = step(prompt);
        while (n < maxNew) {
            float[] last = Heads.vector(logits.getRow(logits.rows() - 1));
            int next = sampling.choose(last, history.length);
            out[n++] = next;
            if (next == eos || n == maxNew) {
                break;
            }
            logits = step(new int[] {next});
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The next token from {@code logits}: the best one (greedy; {@code rnd} unused, may be null), or
     * a draw among the k best with one number from {@code rnd}.
     */
    public static int choose(float[] logits, Sampling s, SplittableRandom rnd) {
        if (s.k() <= 1) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
        int k = Math.min(s.k(), logits.length);
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> logits[b] != logits[a] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        double max = logits[idx[0]] / s.temperature();
        double[] p = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            p[i] = Math.exp(logits[idx[i]] / s.temperature() - max);
            sum += p[i];
        }
        double u = rnd.nextDouble() * sum;
        for (int i = 0; i < k; i++) {
            u -= p[i];
            if (u <= 0) {
                return idx[i];
            }
        }
        return idx[k - 1];
    }
}
