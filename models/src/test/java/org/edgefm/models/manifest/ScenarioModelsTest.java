package org.edgefm.models.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.models.manifest.ModelManifest.PartSpec;
import org.edgefm.profiles.KernelCost;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioException;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.TaskAnswer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The built-in real-model scenario: its models are written into a model folder, its services
 * checked against the parts' real shapes, and the parts run one by one as separate services would
 * (hidden states through the FP16 wire form, as between agents) answer exactly as the whole model.
 */
class ScenarioModelsTest {
    static final Path SCENARIO = Path.of("../scenarios/real-models.json");

    @TempDir
    static Path dir;
    static Scenario scenario;
    static ScenarioModels models;

    @BeforeAll
    static void prepare() {
        scenario = ScenarioLoader.load(SCENARIO);
        models = ScenarioModels.prepare(scenario, SCENARIO.getParent(), dir, scenario.run().seed());
    }

    /** Each part as its own service (loaded on its own), the wire form between them, as agents do. */
    static List<PartRunner> services(ModelManifest m) {
        List<PartRunner> out = new ArrayList<>();
        for (PartSpec p : m.parts()) {
            out.add(PartRunner.load(m, p.id()));
        }
        return out;
    }

    static TaskAnswer split(List<PartRunner> services, byte[] request, ActivationCodec.WireType wire, long[] wireBytes) {
        INDArray x = PartRunner.bytesRow(request);
        TaskAnswer answer = null;
        for (PartRunner r : services) {
            x = r.run(x);
            if (r.outputsHidden()) {
                byte[] bytes = ActivationCodec.encode(x, null, wire);
                wireBytes[0] += bytes.length;
                x = ActivationCodec.decode(bytes).hidden();
            }
            answer = r.answer(x);
        }
        return answer;
    }

    @Test
    void retrieval_splitWithFp16Wire_answersAsTheWholeModel_andFindsTheRightSentence() {
        ModelManifest m = ModelManifest.load(dir.resolve("minilm/manifest.json"));
        List<ScenarioModels.Input> in = models.inputs("retrieve");
        assertThat(in).hasSize(12);
        List<String> docs = m.corpus().texts();
        int right = 0;
        long[] fp16 = new long[1];
        long[] fp32 = new long[1];
        List<PartRunner> services = services(m);
        for (int i = 0; i < in.size(); i++) {
            TaskAnswer whole = in.get(i).expected();
            TaskAnswer half = split(services, in.get(i).bytes(), ActivationCodec.WireType.FP16, fp16);
            TaskAnswer full = split(services, in.get(i).bytes(), ActivationCodec.WireType.FP32, fp32);
            assertThat(half.label()).isEqualTo(whole.label());
            assertThat(full).isEqualTo(whole); // FP32 on the wire: bit for bit
            assertThat(Math.abs(half.score() - whole.score())).isLessThan(2e-3);
            if (whole.label().equals(docs.get(i))) {
                right++; // the i-th question asks about the i-th document
            }
        }
        // a real sentence encoder: nearly every question finds its own document
        assertThat(right).isGreaterThanOrEqualTo(10);
        assertThat(fp16[0] * 2).isCloseTo(fp32[0], org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void vision_splitWithFp16Wire_labelsAsTheWholeModel() {
        ModelManifest m = ModelManifest.load(dir.resolve("tiny-vit/manifest.json"));
        List<ScenarioModels.Input> in = models.inputs("classify");
        assertThat(in).hasSize(ScenarioModels.IMAGES);
        List<String> labels = new ArrayList<>();
        List<PartRunner> services = services(m);
        for (ScenarioModels.Input x : in) {
            TaskAnswer a = split(services, x.bytes(), ActivationCodec.WireType.FP16, new long[1]);
            assertThat(a.label()).isEqualTo(x.expected().label());
            labels.add(a.label());
        }
        assertThat(m.arch().labels()).containsAll(labels);
    }

    @Test
    void miniLmExport_holdsTheOnnxInitializersExactly() {
        try (org.edgefm.models.Weights onnx = org.edgefm.models.BuiltinModels.miniLmWeights();
                org.edgefm.models.Weights st = org.edgefm.models.Weights.open(dir.resolve("minilm/model.safetensors"))) {
            // all but the integer position_ids buffer
            assertThat(onnx.names()).containsAll(st.names()).hasSize(st.names().size() + 1).contains("embeddings.position_ids");
            for (String n : st.names()) {
                assertThat(st.shape(n)).as(n).isEqualTo(onnx.shape(n));
                assertThat(st.get(n).reshape(onnx.get(n).shape())).as(n).isEqualTo(onnx.get(n));
            }
        }
    }

    @Test
    void services_costTheRealShapes() {
        ModelManifest m = ModelManifest.load(dir.resolve("minilm/manifest.json"));
        var a = scenario.services().stream().filter(s -> s.id().equals("minilm-a")).findFirst().orElseThrow();
        KernelCost c = KernelCost.of(a.kernel());
        // three BERT blocks of 384 x 1536 on 16 tokens: 2 FLOPs per multiply-add of every product
        double perBlock = 2.0 * (16 * 384 * 3 * 384 + 12 * 2 * 16 * 32 * 16 + 16 * 384 * 384 + 2 * 16 * 384 * 1536);
        assertThat(c.flops()).isEqualTo(3 * perBlock);
        var pool = scenario.services().stream().filter(s -> s.id().equals("minilm-pool")).findFirst().orElseThrow();
        assertThat(pool.kernel().dims().get("out")).isEqualTo(m.corpus().texts().size());
        assertThat(m.weightBytes("minilm-pool")).isEqualTo(4L * 12 * 384);
    }

    @Test
    void aServiceWhoseKernelIsNotThePartsShape_isRefusedNamingIt() throws Exception {
        String text = Files.readString(SCENARIO).replace("\"layers\": 3, \"hidden\": 384, \"heads\": 12, \"tokens\": 16, \"mlp\": 1536}, \"weights\": \"minilm/manifest.json#minilm-b\"",
                "\"layers\": 2, \"hidden\": 384, \"heads\": 12, \"tokens\": 16, \"mlp\": 1536}, \"weights\": \"minilm/manifest.json#minilm-b\"");
        Scenario bad = ScenarioLoader.parse(text, "bad.json");
        assertThatThrownBy(() -> ScenarioModels.prepare(bad, SCENARIO.getParent(), dir.resolve("bad"), 1))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("services.minilm-b.kernel")
                .hasMessageContaining("layers=3");
    }

    @Test
    void aManifestNextToTheScenario_isCopiedWithItsFiles_likeAUsersOwnModel() throws Exception {
        // a user's own folder: config.json, model.safetensors and a manifest cutting it as the scenario's services do
        Path mine = Files.createDirectories(dir.resolve("user/my-vit"));
        Path builtin = Path.of("src/main/resources/org/edgefm/models/builtin/tiny-vit");
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(builtin.resolve(f), mine.resolve(f));
        }
        Files.writeString(mine.resolve("manifest.json"), "// my own cut\n" + Files.readString(builtin.resolve("manifest.json")));
        Path scenarioFile = dir.resolve("user/scenario.json");
        Files.writeString(scenarioFile, Files.readString(SCENARIO).replace("builtin:tiny-vit", "my-vit/manifest.json"));
        Scenario s = ScenarioLoader.load(scenarioFile);
        Path agents = dir; // the built-in MiniLM there is exported already (kept as it is)
        ScenarioModels m = ScenarioModels.prepare(s, scenarioFile.getParent(), agents, 3);
        assertThat(Files.readString(agents.resolve("tiny-vit/manifest.json"))).startsWith("// my own cut");
        assertThat(agents.resolve("tiny-vit/model.safetensors")).hasSameBinaryContentAs(mine.resolve("model.safetensors"));
        assertThat(agents.resolve("tiny-vit/config.json")).exists();
        assertThat(m.inputs("classify")).hasSize(ScenarioModels.IMAGES);
        assertThat(m.model("classify")).isEqualTo("tiny-vit");

        Files.delete(mine.resolve("config.json"));
        assertThatThrownBy(() -> ScenarioModels.prepare(s, scenarioFile.getParent(), agents, 3))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("models[1].manifest").hasMessageContaining("'config.json'");
    }

    @Test
    void anUnknownBuiltinModel_isRefusedNamingIt() throws Exception {
        String text = Files.readString(SCENARIO).replace("builtin:tiny-vit", "builtin:tiny-vot");
        Scenario bad = ScenarioLoader.parse(text, "bad.json");
        assertThatThrownBy(() -> ScenarioModels.prepare(bad, SCENARIO.getParent(), dir.resolve("bad2"), 1))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("models[1].manifest")
                .hasMessageContaining("builtin:tiny-vot");
    }
}
