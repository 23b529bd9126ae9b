package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Generator;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.models.manifest.SequenceCache;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The trial's generation loop with the three parts of the tiny Llama run in this process as the
 * agents would run them (each step through {@link PartRunner#decode} of every part, its answer
 * handed back as a completion): the generated tokens equal the whole model's; when the last part
 * loses its caches mid-sequence (a fresh instance, as after a failover), the step fails with a miss,
 * is replayed from token 0 once, and the text is still the whole model's; every step's answer agrees.
 */
class GenerationsTest {
    @Test
    void generation_stepByStepThroughTheParts_equalsTheWholeModel_alsoAfterAMissAndReplay(@TempDir Path tmp) throws Exception {
        Llama llama = Llama.split(tmp);
        Scenario s = llama.scenario();
        Path models = llama.models();
        ScenarioModels prepared = llama.prepared();
        Agreement agreement = new Agreement();
        agreement.taskType("next-token", "llama");
        StringWriter said = new StringWriter();
        Generations g = Generations.prepare(s, models, prepared, agreement, Generations.Settings.DEFAULT,
                new PrintWriter(said, true));
        assertThat(g).isNotNull();
        assertThat(g.serves("next-token")).isTrue();
        assertThat(said.toString()).contains("generation for next-token: 4 prompts x 8 tokens");
        ModelManifest m = ModelManifest.load(models.resolve(s.models().get(0).file()).normalize());
        List<PartRunner> parts = new ArrayList<>();
        for (ModelManifest.PartSpec p : m.parts()) {
            parts.add(PartRunner.load(m, p.id()));
        }
        AtomicInteger calls = new AtomicInteger();
        Generations.Submitter agents = (taskId, query, body) -> {
            Map<String, String> q = new java.util.HashMap<>();
            for (String kv : query.substring(1).split("&")) {
                q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            if (calls.incrementAndGet() == 4) {
                parts.set(2, PartRunner.load(m, m.parts().get(2).id())); // the last part failed over: its caches are gone
            }
            long now = System.currentTimeMillis();
            TaskCompletion c;
            try {
                INDArray x = Tensors.read(body, 0, body.length);
                for (PartRunner r : parts) {
                    x = r.decode(q.get("sequence"), Integer.parseInt(q.get("start")), x);
                }
                c = new TaskCompletion(taskId, "next-token", "node-1", now, now, 5000, true, null, List.of(), parts.get(parts.size() - 1)
                        .answer(x));
            } catch (SequenceCache.Miss e) {
                c = new TaskCompletion(taskId, "next-token", "node-1", now, now, 5000, false, e.getMessage(), List.of());
            }
            agreement.observe(c);
            g.onCompletion(c);
            return true;
        };
        g.start("next-token", 0, "t1-user-1-x", agents);
        g.finish(60_000);
        parts.forEach(PartRunner::close);
        assertThat(g.finished()).isEqualTo(1);
        assertThat(g.equal()).isEqualTo(1);
        ObjectNode json = new ObjectMapper().createObjectNode();
        g.addTo(json);
        assertThat(json.path("generation").path("replays").asLong()).as(json.toString()).isEqualTo(1);
        assertThat(json.path("generation").path("steps").asLong()).isEqualTo(8);
        assertThat(json.path("generation").path("tokens").asLong()).isEqualTo(8);
        assertThat(json.path("generation").path("splitTokensPerSecond").asDouble()).isPositive();
        assertThat(agreement.answered()).isEqualTo(8);
        assertThat(agreement.agreed()).isEqualTo(8);
        StringWriter printed = new StringWriter();
        g.print(new PrintWriter(printed, true));
        assertThat(printed.toString()).contains("1 finished, 1 equal to the whole model's text, 0 failed")
                .contains("1 replayed from token 0");
        agreement.wholeModelMs("next-token", 3.0);
        StringWriter speed = new StringWriter();
        agreement.print(new PrintWriter(speed, true));
        assertThat(speed.toString()).contains("one decoding step across agents").contains("per prompt pass without a cache")
                .doesNotContain("per answer");
    }

    @Test
    void settings_newTokensAndStopAtEos_reachTheReferenceAndTheSummary(@TempDir Path tmp) throws Exception {
        Llama llama = Llama.split(tmp);
        Scenario s = llama.scenario();
        Path models = llama.models();
        ScenarioModels prepared = llama.prepared();
        StringWriter said = new StringWriter();
        Generations g = Generations.prepare(s, models, prepared, new Agreement(), new Generations.Settings(3, true),
                new PrintWriter(said, true));
        // the tiny Llama's config.json names eos_token_id 277
        assertThat(said.toString()).contains("4 prompts x 3 tokens (or up to end-of-sequence token 277)");
        ObjectNode json = new ObjectMapper().createObjectNode();
        g.addTo(json);
        assertThat(json.path("generation").path("newTokens").asInt()).isEqualTo(3);
        assertThat(json.path("generation").path("stopAtEos").asBoolean()).isTrue();
        g.finish(0);
        for (int bad : new int[] {0, Generations.MAX_NEW_TOKENS + 1}) {
            assertThatThrownBy(() -> new Generations.Settings(bad, false)).isInstanceOf(EdgeFmException.class)
                    .hasMessage("--new-tokens: " + bad + " (expected: 1 to " + Generations.MAX_NEW_TOKENS + ")");
        }
    }

    @Test
    void topK_travelsInEachStepsQuery_theHeadPartDrawsTheReferencesTokens_andTheSummarySaysHow(@TempDir Path tmp) throws Exception {
        Llama llama = Llama.split(tmp);
        Scenario s = llama.scenario();
        Path models = llama.models();
        Agreement agreement = new Agreement();
        agreement.taskType("next-token", "llama");
        Generations.Settings settings = Generations.Settings.of(6, false, 5, 40.0, 9L);
        StringWriter said = new StringWriter();
        Generations g = Generations.prepare(s, models, llama.prepared(), agreement, settings, new PrintWriter(said, true));
        assertThat(said.toString()).contains("4 prompts x 6 tokens, top-k 5, temperature 40.0, seed 9,");
        ModelManifest m = ModelManifest.load(models.resolve(s.models().get(0).file()).normalize());
        List<PartRunner> parts = new ArrayList<>();
        for (ModelManifest.PartSpec p : m.parts()) {
            parts.add(PartRunner.load(m, p.id()));
        }
        List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();
        Generations.Submitter agents = (taskId, query, body) -> {
            queries.add(query);
            Map<String, String> q = new java.util.HashMap<>();
            for (String kv : query.substring(1).split("&")) {
                q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            Generator.Sampling sampling = new Generator.Sampling(Integer.parseInt(q.get("topK")), Double.parseDouble(q.get("temperature")),
                    Long.parseLong(q.get("seed")));
            int start = Integer.parseInt(q.get("start"));
            INDArray x = Tensors.read(body, 0, body.length);
            for (PartRunner r : parts) {
                x = r.decode(q.get("sequence"), start, x);
            }
            long now = System.currentTimeMillis();
            TaskCompletion c = new TaskCompletion(taskId, "next-token", "node-1", now, now, 5000, true, null, List.of(),
                    parts.get(parts.size() - 1).answer(x, sampling, start + (int) x.rows()));
            agreement.observe(c);
            g.onCompletion(c);
            return true;
        };
        g.start("next-token", 1, "t1-user-1-y", agents);
        g.finish(60_000);
        parts.forEach(PartRunner::close);
        assertThat(g.finished()).isEqualTo(1);
        assertThat(g.equal()).as(said.toString()).isEqualTo(1);
        assertThat(agreement.agreed()).isEqualTo(6);
        // the second prompt's generation draws with the run's seed mixed with its index
        assertThat(queries).hasSize(6).allSatisfy(q -> assertThat(q)
                .endsWith("&topK=5&temperature=40.0&seed=" + settings.sampling().forStream(1).seed()));
        ObjectNode json = new ObjectMapper().createObjectNode();
        g.addTo(json);
        assertThat(json.path("generation").path("sampling").toString())
                .isEqualTo("{\"decoding\":\"top-k\",\"topK\":5,\"temperature\":40.0,\"seed\":9}");
        assertThat(Generations.Settings.DEFAULT.describeSampling()).isEqualTo("greedy");
        assertThat(Generations.Settings.of(null, false, 1, null, null)).isEqualTo(Generations.Settings.DEFAULT);
        assertThatThrownBy(() -> Generations.Settings.of(null, false, 0, null, null)).hasMessage("--top-k: 0 (expected: >= 1; 1 is greedy)");
        assertThatThrownBy(() -> Generations.Settings.of(null, false, 3, Double.POSITIVE_INFINITY, null))
                .hasMessage("--temperature: Infinity (expected: > 0)");
        assertThatThrownBy(() -> Generations.Settings.of(null, false, null, null, 4L))
                .hasMessage("--sample-seed: given with greedy decoding (expected: --top-k K with K > 1 too)");
    }

    /** The tiny Llama fixture cut into 3 parts (0:1, 1:3), its scenario and the agents' prepared models. */
    private record Llama(Scenario scenario, Path models, ScenarioModels prepared) {
        static Llama split(Path tmp) throws Exception {
            Path file = ModelDirTrial.scenario(Path.of("../models/src/test/resources/hf/llama"), "0:1,1:3", 3, tmp.resolve("gen"),
                    new PrintWriter(new StringWriter()));
            Scenario s = ScenarioLoader.load(file);
            Path models = tmp.resolve("agents-models");
            return new Llama(s, models, ScenarioModels.prepare(s, file.getParent(), models, 5));
        }
    }
}
