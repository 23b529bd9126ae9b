package org.edgefm.it.host;

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
 * A live trial (real broker, host and two agents) whose light controller, a jar built in the test and
 * dropped into the plugins folder, throws on every slot: the fallback controller decides, tasks
 * complete, the summary's {@code plugins} section counts the failures and the slots on the fallback,
 * and the trial ends with a one-line verdict and exit code 1.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PluginFailureTrialIT {
    @TempDir
    Path dir;

    @Test
    void throwingController_fallbackDecides_summaryCountsIt_verdictAndExit1() throws Exception {
        PluginJars.build(dir, dir.resolve("plugins/it-broken.jar"), "it.broken.ItPlugin", "0.1",
                PluginJars.controllerPlugin("it.broken", "it-broken", "broken-ctl", 1, 0));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path run = dir.resolve("run");
        int rc = Main.run(new String[] {"trial", "--agents", "2", "--duration", "10s", "--planner", "sparse-ip+broken-ctl",
                "--plugins-dir", dir.resolve("plugins").toString(), "--out", run.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        System.out.println(out);
        assertThat(rc).as(err.toString()).isEqualTo(Main.EXIT_FAILED);
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("FAILED: ").contains("slots ran on the fallback greedy-light")
                .contains("broken-ctl").contains("failures threw ");
        JsonNode plugins = new ObjectMapper().readTree(Files.readString(run.resolve("summary.json"))).path("plugins");
        assertThat(plugins.path("fallback").asText()).isEqualTo("greedy-light");
        // every slot ran on the fallback, or without any decision while the fallback itself had nothing usable
        // yet (the first slots, before the agents' births reach the host)
        assertThat(plugins.path("slotsOnFallback").asLong()).isPositive();
        assertThat(plugins.path("slotsOnFallback").asLong() + plugins.path("slotsWithoutDecision").asLong())
                .isEqualTo(plugins.path("slots").asLong());
        JsonNode ctl = plugins.path("planners").findParents("role").stream()
                .filter(p -> p.path("role").asText().equals("light-controller")).findFirst().orElseThrow();
        assertThat(ctl.path("name").asText()).isEqualTo("broken-ctl");
        assertThat(ctl.path("failures").path("threw").asLong()).isEqualTo(ctl.path("calls").asLong()).isPositive();
        assertThat(Files.readString(run.resolve("report").resolve("index.html"))).contains("Planner plugins");
        // the fallback's decisions ran the fleet
        assertThat(new ObjectMapper().readTree(Files.readString(run.resolve("summary.json"))).path("tasks")
                .path("completed").asLong()).isPositive();
        // one line per planner and reason, then a count every 100 slots: not one line per failing slot (the parity
        // replay runs the same plugin through the simulator after the trial; its lines name their own thread)
        String hostLog = Files.readString(run.resolve("host.log"));
        assertThat(hostLog.lines().filter(l -> l.contains("planner 'broken-ctl' (light-controller) threw")
                && !l.contains("[" + org.edgefm.trial.parity.ParityReplay.THREAD + "]")).count())
                .isLessThanOrEqualTo(1 + ctl.path("calls").asLong() / 100);
        assertThat(hostLog).contains("the fallback controller 'greedy-light' decides");
    }
}
