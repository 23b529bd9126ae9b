package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.models.manifest.ActivationCodec;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.TaskAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model folder in the Hugging Face layout (the models module's fixtures of tools/make_hf_models.py)
 * made into a scenario as {@code ./edgefm trial --model-dir} makes it: the scenario validates, the
 * trial's preparation accepts every service's kernel as the part's real shapes, and each part run as
 * its own service (hidden states through the wire codec) answers as the whole model does.
 */
class ModelDirTrialTest {
    /** The models module's fixtures (tests run in the module's folder). */
    static Path hf(String name) {
        return Path.of("..", "models", "src", "test", "resources", "hf", name).toAbsolutePath().normalize();
    }

    @ParameterizedTest
    @CsvSource({"vit, classify, 4", "bert, retrieve, 4", "gpt2, next-token, 3", "llama, next-token, 3", "clip, classify, 4"})
    void folder_becomesAScenario_whosePartsRunAsServices_answerAsTheWholeModel(String name, String taskType, int services,
            @TempDir Path tmp) throws IOException {
        StringWriter said = new StringWriter();
        Path file = ModelDirTrial.scenario(hf(name), null, 3, tmp.resolve("generated"), new PrintWriter(said));
        assertThat(said.toString()).contains("model " + name + ": ").contains("WEIGHTS MB").contains("manifest and scenario written to");
        Scenario s = ScenarioLoader.load(file);
        assertThat(s.topology().nodes()).hasSize(3);
        assertThat(s.services()).hasSize(services);
        assertThat(s.taskTypes()).singleElement().satisfies(t -> assertThat(t.id()).isEqualTo(taskType));
        for (ServiceSpec sv : s.services()) {
            assertThat(sv.demand().get(org.edgefm.api.model.Resource.RAM)).as(sv.id()).isPositive();
        }
        Path models = tmp.resolve("agents-models");
        ScenarioModels prepared = ScenarioModels.prepare(s, file.getParent(), models, 5);
        List<ScenarioModels.Input> inputs = prepared.inputs(taskType);
        assertThat(inputs).isNotEmpty();
        ModelManifest m = ModelManifest.load(models.resolve(name + "/manifest.json"));
        List<PartRunner> rs = new ArrayList<>();
        try {
            for (ModelManifest.PartSpec p : m.parts()) {
                rs.add(PartRunner.load(m, p.id()));
            }
            for (ScenarioModels.Input in : inputs.subList(0, Math.min(4, inputs.size()))) {
                INDArray x = PartRunner.bytesRow(in.bytes());
                for (PartRunner r : rs) {
                    x = r.run(x);
                    if (r.outputsHidden()) {
                        int tokens = (int) x.rows();
                        x = ActivationCodec.decode(ActivationCodec.encode(x, new int[tokens], m.wire())).hidden();
                    }
                }
                TaskAnswer a = rs.get(rs.size() - 1).answer(x);
                assertThat(a.label()).as(in.name()).isEqualTo(in.expected().label());
            }
        } finally {
            rs.forEach(PartRunner::close);
        }
    }

    @Test
    void cutAndFolderErrors_areOneLine(@TempDir Path tmp) throws IOException {
        PrintWriter out = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> ModelDirTrial.scenario(hf("vit"), "0:1", 3, tmp, out)).isInstanceOf(EdgeFmException.class)
                .hasMessage("--cut: cut '0:1': ends at block 1 (expected: 3, the model's blocks)");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelDirTrial.scenario(tmp.resolve("empty"), null, 3, tmp, out))
                .hasMessageContaining("no config.json").hasMessageNotContaining("\n");
    }

    @Test
    void clip_labelsFromTheFlag_imagesFromAUserFolder_answerWithTheLabels(@TempDir Path tmp) throws IOException {
        StringWriter said = new StringWriter();
        Path file = ModelDirTrial.scenario(hf("clip"), "3", "cat,a photo of a dog,car", "a photo of a {}", 3, tmp.resolve("generated"),
                new PrintWriter(said));
        assertThat(said.toString()).contains("zero-shot labels: 3 through the text tower ('a photo of a cat', ...; logit scale 100.0)");
        Scenario s = ScenarioLoader.load(file);
        assertThat(s.services()).extracting(ServiceSpec::id).containsExactly("clipv-preprocess", "clipv-a", "clipv-b", "clipv-c",
                "clipv-head");
        Path images = Files.createDirectories(tmp.resolve("pictures"));
        for (int i = 0; i < 3; i++) {
            Files.write(images.resolve("img-" + i + ".png"), org.edgefm.models.image.SampleImages.png(40 + 10 * i, 100 + i));
        }
        Files.writeString(images.resolve("notes.txt"), "not an image: skipped by its extension");
        ScenarioModels prepared = ScenarioModels.prepare(s, file.getParent(), tmp.resolve("agents-models"), 5, images);
        assertThat(prepared.inputs("classify")).extracting(ScenarioModels.Input::name).containsExactly("img-0.png", "img-1.png",
                "img-2.png");
        assertThat(prepared.inputs("classify")).allSatisfy(in -> assertThat(in.expected().label()).isIn("cat", "a photo of a dog", "car"));
        // an image file that does not decode is named before anything is sent
        Files.write(images.resolve("img-3.png"), new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> ScenarioModels.prepare(s, file.getParent(), tmp.resolve("agents-models"), 5, images))
                .isInstanceOf(EdgeFmException.class).hasMessageStartingWith(images.resolve("img-3.png").toString())
                .hasMessageNotContaining("\n");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ScenarioModels.prepare(s, file.getParent(), tmp.resolve("agents-models"), 5, empty))
                .hasMessage(empty + ": no image files (expected: .png, .jpg, .jpeg, .bmp or .gif files)");
    }

    @Test
    void labelsForAnotherFamily_orAPromptWithoutItsPlace_areRefusedInOneLine(@TempDir Path tmp) {
        PrintWriter out = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> ModelDirTrial.scenario(hf("vit"), null, "cat,dog", null, 3, tmp, out))
                .hasMessage("--labels: only for a CLIP model (" + hf("vit") + " holds a vit model)");
        assertThatThrownBy(() -> ModelDirTrial.scenario(hf("clip"), null, "cat", "a photo", 3, tmp, out))
                .hasMessageContaining("label prompt 'a photo': expected one {} where the label goes");
        assertThatThrownBy(() -> ModelDirTrial.scenario(hf("clip"), null, "cat,cat", null, 3, tmp, out))
                .hasMessage("--labels 'cat,cat': label 'cat' given twice");
    }

    @Test
    void cutInThreeOnTwoNodes_sharesTheNodesCpu(@TempDir Path tmp) throws IOException {
        Path file = ModelDirTrial.scenario(hf("vit"), "3", 2, tmp, new PrintWriter(new StringWriter()));
        Scenario s = ScenarioLoader.load(file);
        List<ServiceSpec> cores = s.services().stream().filter(v -> v.kind().name().equals("CORE")).toList();
        assertThat(cores).hasSize(3);
        assertThat(cores.stream().mapToDouble(v -> v.demand().get(org.edgefm.api.model.Resource.CPU)).sum()).isLessThanOrEqualTo(2 * ModelDirTrial.NODE_CPU);
    }
}
