package org.edgefm.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A scenario's {@code models}: the real models its services run parts of, validated with the file, path and expectation. */
class ScenarioModelsRefTest {
    static final Path FILE = Path.of("../scenarios/real-models.json");

    static String text() {
        try {
            return Files.readString(FILE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shippedRealModelsScenario_namesTwoModels_andRoundTrips() {
        Scenario s = ScenarioLoader.load(FILE);
        assertThat(s.models()).extracting(ModelRef::file).containsExactly("minilm/manifest.json", "tiny-vit/manifest.json");
        assertThat(s.models().get(0).taskTypes()).containsExactly("retrieve");
        assertThat(s.models().get(1).builtin()).isTrue();
        assertThat(ScenarioLoader.parse(ScenarioLoader.toJson(s), "again.json")).isEqualTo(s);
    }

    @Test
    void scenarioWithoutModels_hasAnEmptyList() {
        assertThat(ScenarioLoader.parse(ScenarioLoaderTest.example(), "example.json").models()).isEmpty();
    }

    @Test
    void aModelNoServiceRuns_isRefused() {
        String bad = text().replace("\"file\": \"tiny-vit/manifest.json\"", "\"file\": \"other/manifest.json\"");
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "bad.json")).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("bad.json: models[1].file: 'other/manifest.json' is named by no service's kernel");
    }

    @Test
    void anUnknownTaskType_isRefused() {
        String bad = text().replace("\"taskTypes\": [\"classify\"]", "\"taskTypes\": [\"classfy\"]");
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "bad.json")).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("bad.json: models[1].taskTypes[0]: 'classfy' is not a task type");
    }

    @Test
    void aTaskTypeRunningAnotherModelsPart_isRefused() {
        String bad = text().replace("{\"id\": \"enc\", \"service\": \"vit-encoder\"", "{\"id\": \"enc\", \"service\": \"minilm-b\"");
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "bad.json")).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("taskTypes.classify.stages.enc")
                .hasMessageContaining("expected: a part of 'tiny-vit/manifest.json'");
    }

    @Test
    void badFileNameAndInputs_areRefused() {
        String path = text().replace("\"file\": \"minilm/manifest.json\"", "\"file\": \"../minilm.json\"");
        assertThatThrownBy(() -> ScenarioLoader.parse(path, "bad.json")).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("models[0].file");
        String inputs = text().replace("\"inputs\": \"images\"", "\"inputs\": \"video\"");
        assertThatThrownBy(() -> ScenarioLoader.parse(inputs, "bad.json")).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("inputs").hasMessageContaining("'video' (expected one of [images, prompts, sentences])");
    }
}
