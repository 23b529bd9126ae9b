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
 * Runs the real {@code edgefm trial} in-process (embedded broker and planner host) with two real
 * agent processes for 20 s, and checks the JSON summary and that no agent process is left.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TrialIT {
    @TempDir
    Path dir;

    @Test
    void twoAgentTrialCompletesTasksAndStopsItsAgents() throws Exception {
        Path json = dir.resolve("trial.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new String[] {"trial", "--agents", "2", "--duration", "20s", "--json", json.toString(),
                "--report", dir.resolve("report").toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.println(out);
        assertThat(rc).as(err.toString()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(json));
        for (String f : new String[] {"onTimeRate", "latencyMs", "cost", "directives", "tasks", "agents", "results"}) {
            assertThat(j.has(f)).as(f).isTrue();
        }
        for (String f : new String[] {"p50", "p95", "p99"}) {
            assertThat(j.path("latencyMs").has(f)).as(f).isTrue();
        }
        assertThat(j.path("tasks").path("submitted").asLong()).isPositive();
        assertThat(j.path("tasks").path("completed").asLong()).isPositive();
        assertThat(j.path("tasks").has("onTime")).isTrue();
        assertThat(j.path("directives").path("acked").asLong()).isPositive();
        assertThat(j.path("directives").has("sent")).isTrue();
        assertThat(j.path("directives").has("resent")).isTrue();
        assertThat(j.path("agents").size()).isEqualTo(2);
        j.path("agents").forEach(a -> {
            assertThat(a.path("profile").asText()).isNotEmpty();
            assertThat(a.has("uptimeS")).isTrue();
        });
        // the declared link between the two agents is in the link matrix, next to what they measured (if anything)
        assertThat(j.path("impairment").asText()).isEqualTo("none");
        assertThat(j.path("links").path(0).path("declaredMbps").asDouble()).isEqualTo(100.0);
        assertThat(Files.exists(dir.resolve("report").resolve("index.html"))).isTrue();
        // Every agent process started by the trial has exited: this JVM has no java child left (a
        // command line is cut at 4 KiB in /proc, class path first, so the command is what is checked).
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("/java")).count()).isZero();
    }
}
