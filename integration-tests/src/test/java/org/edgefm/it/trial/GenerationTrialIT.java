package org.edgefm.it.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.edgefm.cli.Main;
import org.edgefm.trial.ModelDirTrial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny PyTorch-made Llama (hub layout, its own tokenizer.json) as {@code --model-dir} makes it:
 * tokenizer, blocks [0,1), blocks [1,3) + lm head, on three real agent processes. Each arrival of the
 * trial's workload is a greedy generation of 8 tokens, one task per token through the three agents
 * with the sequence id and its start, each part continuing its key/value cache: every generation
 * that finishes gives exactly the text the whole model gives in the trial's process, and every step
 * answers the whole model's token for that step (agreement 100 %); the summary reports tokens per
 * second, split and whole.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GenerationTrialIT {
    @TempDir
    Path dir;

    @Test
    void decoderTrial_generatesTokenByTokenAcrossThreeAgents_likeTheWholeModel() throws Exception {
        StringWriter made = new StringWriter();
        Path scenario = ModelDirTrial.scenario(Path.of("../models/src/test/resources/hf/llama"), "0:1,1:3", 3, dir.resolve("models"),
                new PrintWriter(made, true));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path run = dir.resolve("run");
        int rc = Main.run(new String[] {"trial", "--scenario", scenario.toString(), "--agents", "3", "--duration", "12s", "--out",
            run.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.println(out);
        System.out.println(err);
        assertThat(rc).as(err.toString()).isZero();
        JsonNode summary = new ObjectMapper().readTree(Files.readString(run.resolve("summary.json")));
        JsonNode g = summary.path("generation");
        assertThat(g.path("newTokens").asInt()).isEqualTo(8);
        long finished = g.path("finished").asLong();
        assertThat(finished).as(g.toString()).isGreaterThanOrEqualTo(3);
        assertThat(g.path("equalToWholeModel").asLong()).as(g.toString()).isEqualTo(finished);
        assertThat(g.path("tokens").asLong()).isEqualTo(8 * finished);
        assertThat(g.path("steps").asLong()).isGreaterThanOrEqualTo(8 * finished);
        assertThat(g.path("splitTokensPerSecond").asDouble()).isPositive();
        assertThat(g.path("wholeModelTokensPerSecond").asDouble()).isPositive();
        assertThat(g.path("differences").size()).as(g.toString()).isEqualTo(g.path("failed").asInt());
        // each step's answer is the whole model's token for that step
        JsonNode a = summary.path("agreement");
        assertThat(a.path("answered").asLong()).as(a.toString()).isGreaterThanOrEqualTo(8 * finished);
        assertThat(a.path("agreed").asLong()).as(a.toString()).isEqualTo(a.path("answered").asLong());
        assertThat(out.toString()).contains("generation (").contains("tokens/s: split");
    }

    /**
     * The same with {@code --top-k 5 --temperature 3 --sample-seed 7}: the agent holding the lm head
     * draws each token with the step's sampling, and every generation still equals the whole model's
     * in the trial's process drawing with the same settings, step by step.
     */
    @Test
    void decoderTrial_withSeededTopK_drawsOnTheAgents_theTokensOfTheWholeModel() throws Exception {
        StringWriter made = new StringWriter();
        Path scenario = ModelDirTrial.scenario(Path.of("../models/src/test/resources/hf/llama"), "0:1,1:3", 3, dir.resolve("models"),
                new PrintWriter(made, true));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path run = dir.resolve("run-top-k");
        int rc = Main.run(new String[] {"trial", "--scenario", scenario.toString(), "--agents", "3", "--duration", "12s", "--out",
            run.toString(), "--new-tokens", "6", "--top-k", "5", "--temperature", "3", "--sample-seed", "7"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.println(out);
        System.out.println(err);
        assertThat(rc).as(err.toString()).isZero();
        JsonNode summary = new ObjectMapper().readTree(Files.readString(run.resolve("summary.json")));
        JsonNode g = summary.path("generation");
        assertThat(g.path("sampling").toString()).isEqualTo("{\"decoding\":\"top-k\",\"topK\":5,\"temperature\":3.0,\"seed\":7}");
        long finished = g.path("finished").asLong();
        assertThat(finished).as(g.toString()).isGreaterThanOrEqualTo(3);
        assertThat(g.path("equalToWholeModel").asLong()).as(g.toString()).isEqualTo(finished);
        assertThat(g.path("tokens").asLong()).isEqualTo(6 * finished);
        JsonNode a = summary.path("agreement");
        assertThat(a.path("answered").asLong()).as(a.toString()).isGreaterThanOrEqualTo(6 * finished);
        assertThat(a.path("agreed").asLong()).as(a.toString()).isEqualTo(a.path("answered").asLong());
        assertThat(out.toString()).contains("top-k 5, temperature 3.0, seed 7");
    }
}
