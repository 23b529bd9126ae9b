package org.edgefm.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Generator;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.manifest.SequenceCache;
import org.edgefm.models.manifest.TokenChain;
import org.edgefm.wire.TaskAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The tiny Llama (the models module's PyTorch-made fixture) as three services, each a kernel of its
 * own with its own key/value caches, driven as the agents drive them: one step of a generation per
 * task ({@link DecodeStep}), stage outputs through the agents' tensor wire form, the token from the
 * head's answer.
 */
class DecodeStepKernelTest {
    static final Path FIXTURES = Path.of("../models/src/test/resources/fixtures");
    static final String MANIFEST = """
            {"schema": 1, "name": "tiny-llama", "family": "llama", "weights": "model.safetensors", "config": "config.json",
             "wire": "fp32",
             "parts": [{"id": "llama-a", "kind": "core", "embed": true, "blocks": [0, 1]},
                       {"id": "llama-b", "kind": "core", "blocks": [1, 2]},
                       {"id": "llama-head", "kind": "light", "blocks": [2, 2], "head": true}]}""";

    @TempDir
    Path dir;

    private Kernel load(String part) {
        ModelManifest m = ModelManifest.load(dir.resolve("llama/manifest.json"));
        Kernel k = Kernel.load(m.kernelSpec(part, 5, "llama/manifest.json"), dir, 0);
        k.limitSequenceCaches(1 << 20);
        return k;
    }

    private List<Kernel> services() throws IOException {
        Path llama = Files.createDirectories(dir.resolve("llama"));
        for (String f : List.of("config.json", "model.safetensors")) {
            if (!Files.exists(llama.resolve(f))) {
                Files.copy(FIXTURES.resolve("llama").resolve(f), llama.resolve(f));
            }
        }
        Files.writeString(llama.resolve("manifest.json"), MANIFEST);
        return new ArrayList<>(List.of(load("llama-a"), load("llama-b"), load("llama-head")));
    }

    /** One task: the tokens through the three services, each hop in the wire form; the head's token. */
    private static int task(List<Kernel> services, DecodeStep step, int[] tokens) {
        float[] f = new float[tokens.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = tokens[i];
        }
        INDArray x = Nd4j.create(f, new long[] {1, f.length}, 'c');
        TaskAnswer answer = null;
        for (Kernel k : services) {
            try (Kernel.Output out = k.run(List.of(x), step)) {
                byte[] wire = Tensors.write(out.array());
                x = Tensors.read(wire, 0, wire.length);
                answer = out.answer();
            }
        }
        assertThat(answer).isNotNull();
        assertThat(answer.label()).startsWith("token ");
        return Integer.parseInt(answer.label().substring("token ".length()));
    }

    private static int[] ints(String key) throws IOException {
        var node = new ObjectMapper().readTree(FIXTURES.resolve("llama/reference.json").toFile()).get(key);
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    @Test
    void stepsOfAGeneration_continueEachServicesCache_andGiveThePyTorchTokens_alsoAfterTheMiddleServiceIsReplaced()
            throws IOException {
        List<Kernel> services = services();
        int[] prompt = ints("prompt");
        int[] greedy = ints("greedy");
        TokenChain chain = new TokenChain((seq, start, tokens) -> task(services, new DecodeStep(seq, start), tokens));
        assertThat(chain.generate("g1", prompt, greedy.length, -1, null)).containsExactly(greedy);
        assertThat(chain.replays()).isZero();
        ModelPartKernel a = (ModelPartKernel) services.get(0);
        SequenceCache.Stats s = a.sequenceStats();
        assertThat(s.hits()).as("one cached step per token after the prompt").isEqualTo(greedy.length - 1);
        assertThat(s.misses()).isZero();

        // without a step the same services run the whole sequence per task: the first token agrees
        assertThat(task(services, null, prompt)).isEqualTo(greedy[0]);

        // the middle service replaced after the 3rd token (a failover to a node that never saw the sequence)
        TokenChain moved = new TokenChain((seq, start, tokens) -> task(services, new DecodeStep(seq, start), tokens));
        int[] out = moved.generate("g2", prompt, greedy.length, -1, n -> {
            if (n == 3) {
                services.set(1, load("llama-b"));
            }
        });
        assertThat(out).containsExactly(greedy);
        assertThat(moved.replays()).isEqualTo(1);
        assertThat(((ModelPartKernel) services.get(1)).sequenceStats().misses()).isEqualTo(1);
        assertThat(Arrays.stream(out).boxed().toList()).hasSize(greedy.length);
    }

    @Test
    void topKSteps_drawOnTheHeadService_theTokensOfTheInProcessGenerator_forTheSeed_andOthersForAnotherSeed()
            throws IOException {
        List<Kernel> services = services();
        int[] prompt = ints("prompt");
        int n = 12;
        List<int[]> split = new ArrayList<>();
        List<int[]> whole = new ArrayList<>();
        for (long seed : new long[] {7, 8}) {
            // a high temperature so that the draw, not the logits, decides: greedy would give one answer for both seeds
            Generator.Sampling s = new Generator.Sampling(5, 50.0, seed);
            TokenChain chain = new TokenChain((seq, start, tokens) -> task(services, new DecodeStep(seq, start, s), tokens));
            split.add(chain.generate("sampled-" + seed, prompt, n, -1, null));
            ModelManifest m = ModelManifest.load(dir.resolve("llama/manifest.json"));
            try (Weights w = Weights.open(dir.resolve("llama"))) {
                whole.add(new Generator(List.of(Transformer.load(m.arch(), w, Transformer.Part.all(m.arch())))).generate(prompt, n, s, -1));
            }
        }
        assertThat(split.get(0)).hasSize(n).containsExactly(whole.get(0));
        assertThat(split.get(1)).hasSize(n).containsExactly(whole.get(1));
        assertThat(split.get(1)).isNotEqualTo(split.get(0));
        assertThat(split.get(0)).isNotEqualTo(ints("greedy"));

        // the middle service replaced mid-generation: the replay from token 0 draws the same tokens again
        Generator.Sampling s = new Generator.Sampling(5, 50.0, 7);
        TokenChain moved = new TokenChain((seq, start, tokens) -> task(services, new DecodeStep(seq, start, s), tokens));
        int[] out = moved.generate("sampled-moved", prompt, n, -1, k -> {
            if (k == 4) {
                services.set(1, load("llama-b"));
            }
        });
        assertThat(moved.replays()).isEqualTo(1);
        assertThat(out).containsExactly(whole.get(0));
    }

    @Test
    void aMissCarriesItsMark_soAnErrorFromAnotherNodeIsToldFromOtherFailures() throws IOException {
        List<Kernel> services = services();
        try {
            task(services, new DecodeStep("never-seen", 4), new int[] {7});
            throw new AssertionError("expected a miss");
        } catch (SequenceCache.Miss e) {
            assertThat(e.getMessage()).startsWith(SequenceCache.Miss.MARK);
            String remote = "stage 'b' on node 'n2': " + e.getMessage();
            assertThat(SequenceCache.Miss.reports(remote)).isTrue();
            assertThat(new SequenceCache.Miss(remote).getMessage()).isEqualTo(remote);
        }
        assertThat(SequenceCache.Miss.reports("stage 'b' on node 'n2': service 'llama-b' is not running here")).isFalse();
        assertThat(SequenceCache.Miss.reports(null)).isFalse();
    }
}
