package org.edgefm.models.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.References;
import org.edgefm.models.family.Generator;
import org.edgefm.models.family.Transformer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The whole model's greedy generation a trial compares a generation across agents with: through the
 * parts of a folder's default cut, token by token with their key/value caches, it gives PyTorch's
 * 8 greedy tokens for each prompt of the hub-layout fixtures (tokenised with their own tokenizer.json);
 * the tokenizer part passes a step's token ids on.
 */
class GenerationReferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void wholeModelGeneration_tokenByTokenThroughTheParts_givesPyTorchsGreedyTokens(String name, @TempDir Path tmp) throws IOException {
        Path dir = References.folder("hf", name);
        JsonNode ref = References.reference(dir);
        ModelManifest m = ModelManifest.load(ModelFolder.open(dir, null).write(tmp, "2", "fp32", null));
        List<String> prompts = new ArrayList<>();
        ref.get("texts").forEach(t -> prompts.add(t.asText()));
        try (GenerationReference g = GenerationReference.generate(m, prompts, 8, -1)) {
            assertThat(g.generations()).hasSize(prompts.size());
            for (int i = 0; i < prompts.size(); i++) {
                GenerationReference.Generation gen = g.generations().get(i);
                assertThat(gen.promptIds()).as("prompt %d", i).containsExactly(ints(ref.get("ids").get(i)));
                assertThat(gen.tokens()).as("tokens of prompt %d", i).containsExactly(ints(ref.get("greedy").get(i)));
                assertThat(gen.steps()).extracting(a -> GenerationReference.token(a)).containsExactly(
                        java.util.Arrays.stream(gen.tokens()).boxed().toArray(Integer[]::new));
                assertThat(gen.steps()).allSatisfy(a -> assertThat(a.score()).isBetween(0.0, 1.0));
                assertThat(gen.text()).isEqualTo(g.text(gen.tokens())).isNotEmpty();
                assertThat(gen.tokensPerSecond()).isPositive();
            }
        }
        // stopping at an end-of-sequence token: the run ends with it (here the third greedy token of the first prompt)
        int[] greedy = ints(ref.get("greedy").get(0));
        try (GenerationReference g = GenerationReference.generate(m, prompts.subList(0, 1), 8, greedy[2])) {
            int end = java.util.stream.IntStream.range(0, 3).filter(i -> greedy[i] == greedy[2]).findFirst().getAsInt() + 1;
            assertThat(g.generations().get(0).tokens()).as("stopped at %d", greedy[2]).containsExactly(java.util.Arrays.copyOf(greedy, end));
            assertThat(g.generations().get(0).steps()).hasSize(end);
        }
        // the tokenizer part passes a step's ids on, and refuses what is not a token id
        ModelManifest.PartSpec pre = m.parts().get(0);
        assertThat(pre.role()).isEqualTo(ModelManifest.Role.PREPROCESS);
        try (PartRunner r = PartRunner.load(m, pre.id())) {
            INDArray out = r.decode("s", 3, GenerationReference.ids(new int[] {5, 7}));
            assertThat(out.toFloatVector()).containsExactly(5f, 7f);
            assertThatThrownBy(() -> r.decode("s", 3, GenerationReference.ids(new int[] {1 << 20}))).isInstanceOf(EdgeFmException.class)
                    .hasMessageContaining("token id");
        }
        assertThatThrownBy(() -> GenerationReference.token(org.edgefm.wire.TaskAnswer.of("cat", 0.5))).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("'cat'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void topKGeneration_eachPromptWithItsStreamsSeed_givesTheInProcessGeneratorsTokens(String name, @TempDir Path tmp)
            throws IOException {
        Path dir = References.folder("hf", name);
        JsonNode ref = References.reference(dir);
        ModelManifest m = ModelManifest.load(ModelFolder.open(dir, null).write(tmp, "2", "fp32", null));
        List<String> prompts = new ArrayList<>();
        ref.get("texts").forEach(t -> prompts.add(t.asText()));
        Generator.Sampling sampling = new Generator.Sampling(4, 30.0, 11);
        List<PartRunner> parts = new ArrayList<>();
        try (GenerationReference g = GenerationReference.generate(m, prompts, 10, -1, sampling)) {
            for (ModelManifest.PartSpec p : m.parts()) {
                if (p.role() == ModelManifest.Role.MODEL) {
                    parts.add(PartRunner.load(m, p.id()));
                }
            }
            List<Transformer> whole = parts.stream().map(PartRunner::transformer).toList();
            for (int i = 0; i < prompts.size(); i++) {
                GenerationReference.Generation gen = g.generations().get(i);
                assertThat(gen.sampling()).isEqualTo(sampling.forStream(i));
                int[] want = new Generator(whole).generate(gen.promptIds(), 10, sampling.forStream(i), -1);
                assertThat(gen.tokens()).as("prompt %d", i).hasSize(10).containsExactly(want);
                assertThat(java.util.Arrays.copyOf(gen.tokens(), 8)).as("prompt %d drew, not greedy", i).isNotEqualTo(ints(ref.get("greedy").get(i)));
            }
        } finally {
            parts.forEach(PartRunner::close);
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
