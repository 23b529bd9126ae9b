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
 * agent processes for 20 s, and checks the JSON summary, the run folder (summary with its timeline,
 * report, host and agent logs), a console without HiveMQ's logging, that no agent process is left, and
 * parity: the run folder's calibration file and the replay of the trial's arrivals through the simulator
 * calibrated by it, side by side with the live figures.
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
        Path run = dir.resolve("run");
        int rc = Main.run(new String[] {"trial", "--agents", "2", "--duration", "20s", "--json", json.toString(),
                "--report", dir.resolve("report").toString(), "--out", run.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        System.out.println(out);
        System.out.println(err);
        assertThat(rc).as(err.toString()).isZero();
        // the run folder: the summary (with its timeline), the report, the host's log and one log per agent
        JsonNode summary = new ObjectMapper().readTree(Files.readString(run.resolve("summary.json")));
        assertThat(summary.path("timeline").size()).isEqualTo(4); // 20 s in 5 s windows
        assertThat(summary.path("timeline").path(1).has("onTimeRate")).isTrue();
        assertThat(summary.path("timeline").path(1).path("impaired").asBoolean()).isFalse();
        long submitted = 0;
        for (JsonNode w : summary.path("timeline")) {
            submitted += w.path("submitted").asLong();
        }
        assertThat(submitted).isEqualTo(summary.path("tasks").path("submitted").asLong());
        assertThat(run.resolve("report").resolve("index.html")).isNotEmptyFile();
        assertThat(Files.readString(run.resolve("report").resolve("index.html"))).contains("<h2>Timeline</h2>");
        // HiveMQ's logging went to host.log, and none of it to the console
        String hostLog = Files.readString(run.resolve("host.log"));
        assertThat(hostLog).contains("com.hivemq", "org.edgefm.host.PlannerHost - planner host up");
        assertThat(err.toString() + out).doesNotContainIgnoringCase("hivemq");
        // a normal end stops planning before the agents: no failover
        assertThat(hostLog).doesNotContain("failover applied");
        assertThat(run.resolve("agents").resolve("agx-orin.log")).isNotEmptyFile();
        assertThat(run.resolve("agents").resolve("orin-nx.log")).isNotEmptyFile();
        assertThat(out.toString()).contains("report:  " + run.resolve("report").resolve("index.html"),
                "summary: " + run.resolve("summary.json"));
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
        // parity: the calibration holds the trial's task log and measured stations; the replay ran the same arrivals
        org.edgefm.sim.calibration.Calibration cal = org.edgefm.sim.calibration.Calibration.read(run);
        assertThat(cal.taskLog()).hasSize((int) submitted);
        assertThat(cal.stations()).isNotEmpty().allSatisfy(st -> assertThat(st.serviceMs().n()).isPositive());
        assertThat(cal.overheads().ingressMs().n()).isPositive();
        JsonNode parity = summary.path("parity");
        assertThat(parity.path("status").asText()).as(parity.toString()).isEqualTo("ok");
        assertThat(parity.path("live").path("submitted").asLong()).isEqualTo(submitted);
        assertThat(parity.path("simulated").path("submitted").asLong()).isEqualTo(submitted);
        for (String side : new String[] {"live", "simulated"}) {
            assertThat(parity.path(side).path("onTimeRate").asDouble()).isBetween(0.0, 1.0);
            assertThat(parity.path(side).path("p50Ms").asDouble()).isPositive();
            assertThat(parity.path(side).path("cost").asDouble()).isPositive();
        }
        assertThat(parity.path("gap").has("onTimePp")).isTrue();
        assertThat(parity.path("windows").size()).isEqualTo(4);
        assertThat(parity.path("perType").size()).isEqualTo(2);
        assertThat(Files.readString(run.resolve("report").resolve("index.html"))).contains("Parity with the simulator");
        assertThat(out.toString()).contains("parity: the trial's");
        // Every agent process started by the trial has exited: this JVM has no java child left (a
        // command line is cut at 4 KiB in /proc, class path first, so the command is what is checked).
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("/java")).count()).isZero();
    }
}
