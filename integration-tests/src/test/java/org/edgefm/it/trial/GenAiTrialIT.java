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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code edgefm trial --scenario genai-trial --planner genai-ga} in-process with three real
 * agent processes (access point, edge server, cloud) for 30 s and checks from the JSON summary that
 * the plugin's per-slot decisions loaded a model on the edge server (its weights read from a
 * {@code .npy} file the trial wrote, with a measured preload) and unloaded one there, as the edge
 * agent's acks reported them, while requests were served.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GenAiTrialIT {
    @TempDir
    Path dir;

    @Test
    void genaiGaSwitchesModelsOnRealAgentsAndTasksComplete() throws Exception {
        Path json = dir.resolve("trial.json");
        Path scenario = Path.of("..", "scenarios", "genai-trial.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new String[] {"trial", "--scenario", scenario.toString(), "--planner", "genai-ga",
                "--agents", "3", "--duration", "30s", "--json", json.toString(), "--out", dir.resolve("run").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.println(out);
        assertThat(rc).as(err.toString()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(json));
        assertThat(j.path("planner").asText()).isEqualTo("genai-ga");
        assertThat(j.path("tasks").path("completed").asLong()).isPositive();
        assertThat(j.path("directives").path("acked").asLong()).isGreaterThanOrEqualTo(4);
        // at least two placement changes: the edge starts empty, so one change loads a model and a
        // later one changes the set again (a load followed by a further change includes an unload
        // or another load; the scenario's GPU budget forces unloads when popularity moves)
        assertThat(j.path("placementChanges").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(j.path("agents").size()).isEqualTo(3);
        // the edge agent's acks: a model loaded from its .npy file (preload measured) and one unloaded
        JsonNode edge = j.path("modelSwitches").path("nodes").path("edge-gpu");
        assertThat(edge.path("loads")).as(j.path("modelSwitches").toString())
                .anySatisfy(l -> {
                    assertThat(l.path("weights").asText()).startsWith("npy ").endsWith(".npy");
                    assertThat(l.path("preloadMs").asDouble()).isPositive();
                });
        assertThat(edge.path("unloads")).as(j.path("modelSwitches").toString()).isNotEmpty();
        assertThat(j.path("modelSwitches").path("loads").asLong()).isGreaterThanOrEqualTo(edge.path("loads").size());
    }
}
