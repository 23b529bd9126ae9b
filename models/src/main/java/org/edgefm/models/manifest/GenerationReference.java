package org.edgefm.models.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Generator;
import org.edgefm.models.text.TextTokenizer;
import org.edgefm.wire.TaskAnswer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The generations of a decoder's whole model in this process, greedy or seeded top-k: each prompt
 * tokenised with the model's tokenizer, then {@code newTokens} steps through the model's parts one
 * after the other, each continuing the parts' key/value caches ({@link PartRunner#decode}), exactly as
 * a generation across agents runs them, with FP32 between the parts. Each step's answer (the lm
 * head's token and its probability, as an agent answers: {@link PartRunner#answer(ModelManifest,
 * INDArray, Generator.Sampling, int)}) is kept: the reference a split generation's steps must equal.
 * Holds the tokenizer until closed, to turn a split run's tokens into text.
 */
public final class GenerationReference implements AutoCloseable {
    /**
     * One prompt's generation.
     *
     * @param prompt     the prompt text
     * @param sampling   how its tokens were chosen (for a top-k draw, the run's seed mixed with the prompt's
     *                   index: {@link Generator.Sampling#forStream}); a split run of it draws with the same
     * @param promptIds  its token ids
     * @param steps      each step's answer ("token N" and its probability), the first for the prompt
     * @param tokens     the generated token ids
     * @param text       the generated tokens as text
     * @param ms         wall time of the whole generation in this process
     */
    public record Generation(String prompt, Generator.Sampling sampling, int[] promptIds, List<TaskAnswer> steps, int[] tokens, String text, double ms) {
        /** New tokens per second in this process. */
        public double tokensPerSecond() {
            return tokens.length / (ms / 1000);
        }
    }

    private final TextTokenizer tokenizer;
    private final List<Generation> generations;

    private GenerationReference(TextTokenizer tokenizer, List<Generation> generations) {
        this.tokenizer = tokenizer;
        this.generations = List.copyOf(generations);
    }

    /**
     * Generates {@code newTokens} tokens greedily after each prompt with the whole model of {@code m},
     * ending a generation early at {@code eos} (−1: never), as {@link TokenChain#generate} does.
     *
     * @throws EdgeFmException when the model is not a decoder, or a prompt has no tokens
     */
    public static GenerationReference generate(ModelManifest m, List<String> prompts, int newTokens, int eos) {
        return generate(m, prompts, newTokens, eos, Generator.Sampling.greedy());
    }

    /**
     * {@link #generate(ModelManifest, List, int, int)} choosing each token with {@code sampling}: the
     * n-th prompt's draws with {@code sampling.forStream(n)} (greedy: as it is).
     */
    public static GenerationReference generate(ModelManifest m, List<String> prompts, int newTokens, int eos,
            Generator.Sampling sampling) {
        if (!m.arch().isDecoder()) {
            throw new EdgeFmException(m.source() + ": generation needs a decoder (gpt2, llama), not " + m.arch().family());
        }
        if (newTokens < 1) {
            throw new EdgeFmException("new tokens: " + newTokens + " (expected: at least 1)");
        }
        TextTokenizer tok = PartRunner.tokenizer(m);
        List<PartRunner> parts = new ArrayList<>();
        try {
            for (ModelManifest.PartSpec p : m.parts()) {
                if (p.role() == ModelManifest.Role.MODEL) {
                    parts.add(PartRunner.load(m, p.id()));
                }
            }
            List<Generation> out = new ArrayList<>();
            int n = 0;
            for (String prompt : prompts) {
                int[] ids = tok.encode(prompt).ids();
                if (ids.length == 0) {
                    throw new EdgeFmException(m.source() + ": the prompt '" + prompt + "' has no tokens");
                }
                Generator.Sampling s = sampling.k() <= 1 ? sampling : sampling.forStream(n);
                String seq = "reference-" + n++;
                long t0 = System.nanoTime();
                List<TaskAnswer> steps = new ArrayList<>();
                int[] tokens = new int[newTokens];
                int start = 0;
                int[] in = ids;
                int made = 0;
                while (made < newTokens && (made == 0 || tokens[made - 1] != eos)) {
                    INDArray x = ids(in);
                    for (PartRunner r : parts) {
                        x = r.decode(seq, start, x);
                    }
                    TaskAnswer a = PartRunner.answer(m, x, s, start + in.length);
                    steps.add(a);
                    tokens[made] = token(a);
                    start += in.length;
                    in = new int[] {tokens[made++]};
                }
                tokens = Arrays.copyOf(tokens, made);
                double ms = (System.nanoTime() - t0) / 1e6;
                parts.forEach(r -> r.endSequence(seq));
                out.add(new Generation(prompt, s, ids, steps, tokens, tok.decode(tokens), ms));
            }
            return new GenerationReference(tok, out);
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        } finally {
            parts.forEach(PartRunner::close);
        }
    }

    /** The token id of a decoder head's answer ("token N"). */
    public static int token(TaskAnswer a) {
        if (a == null || !a.label().startsWith("token ")) {
            throw new EdgeFmException("answer " + (a == null ? "none" : "'" + a.label() + "'") + " (expected: 'token N' from an lm head)");
        }
        try {
            return Integer.parseInt(a.label().substring("token ".length()).trim());
        } catch (NumberFormatException e) {
            throw new EdgeFmException("answer '" + a.label() + "' (expected: 'token N' from an lm head)");
        }
    }

    /** Token ids as the body row a step carries ([1, t] floats). */
    public static INDArray ids(int[] ids) {
        float[] f = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            f[i] = ids[i];
        }
        return Nd4j.create(f, new long[] {1, f.length}, 'c');
    }

    /** The generations, in prompt order. */
    public List<Generation> generations() {
        return generations;
    }

    /** Token ids as text, with the model's tokenizer. */
    public synchronized String text(int[] tokens) {
        return tokenizer.decode(Arrays.copyOf(tokens, tokens.length));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
