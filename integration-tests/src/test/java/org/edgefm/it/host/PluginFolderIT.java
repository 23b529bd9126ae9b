package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefm.wire.Directive;
import org.edgefm.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars built in the test and dropped into {@code plugins/}: listed by {@code edgefm plugins}
 * (a second jar taking a name already taken is skipped naming both), used by the host; a throwing one is named in the log and {@code /metrics} and its last good
 * decision stays in force.
 */
@Timeout(180)
class PluginFolderIT {
    @TempDir
    Path dir;

    @Test
    void droppedJar_isListedAndUsed() throws Exception {
        Path jar = PluginJars.build(dir, dir.resolve("plugins/it-three.jar"), "it.three.ItPlugin", "3.1.4",
                PluginJars.controllerPlugin("it.three", "it-three", "three-each", 3, -1));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new String[] {"plugins", "--json", "--plugins-dir", dir.resolve("plugins").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).as(err.toString()).isZero();
        JsonNode list = new ObjectMapper().readTree(out.toString());
        JsonNode entry = null;
        for (JsonNode n : list.get("plugins")) {
            if (n.get("name").asText().equals("three-each")) {
                entry = n;
            }
        }
        assertThat(entry).as(out.toString()).isNotNull();
        assertThat(entry.get("roles").get(0).asText()).isEqualTo("light-controller");
        assertThat(entry.get("version").asText()).isEqualTo("3.1.4");
        assertThat(entry.get("source").asText()).isEqualTo(jar.toString());

        try (HostHarness h = new HostHarness(dir)) {
            h.start("three-each", Map.of());
            try (FakeAgent agent = h.agent("agx-orin")) {
                agent.autoAck = true;
                agent.birth(0, 0);
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.directives.stream()
                        .anyMatch(d -> !d.desired().services().isEmpty()));
                Directive d = agent.directives.stream().filter(x -> !x.desired().services().isEmpty()).findFirst()
                        .orElseThrow();
                assertThat(d.desired().services()).allMatch(s -> s.instances() == 3);
            }
        }
    }

    @Test
    void duplicateNameInTwoJars_secondIsSkippedNamingBoth_theFirstWorks() throws Exception {
        Path a = PluginJars.build(dir, dir.resolve("plugins/a.jar"), "it.a.ItPlugin", "1",
                PluginJars.controllerPlugin("it.a", "dup", "ctl-a", 1, -1));
        Path b = PluginJars.build(dir, dir.resolve("plugins/b.jar"), "it.b.ItPlugin", "1",
                PluginJars.controllerPlugin("it.b", "dup", "ctl-b", 1, -1));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new String[] {"plugins", "--plugins-dir", dir.resolve("plugins").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ctl-a").contains(b + ": duplicate name dup, also in " + a);
        assertThat(err.toString().strip()).startsWith("edgefm plugins: warning: 1 plugin jar(s) skipped");
    }

    @Test
    void throwingPlugin_keepsLastDecision_andIsNamedInLogAndMetrics() throws Exception {
        PluginJars.build(dir, dir.resolve("plugins/it-flaky.jar"), "it.flaky.ItPlugin", "0.1",
                PluginJars.controllerPlugin("it.flaky", "it-flaky", "flaky-ctl", 1, 3));
        PrintStream oldErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(oldErr, captured), true, StandardCharsets.UTF_8));
        try (HostHarness h = new HostHarness(dir)) {
            h.start("flaky-ctl", Map.of());
            try (FakeAgent agent = h.agent("edge-l4")) {
                agent.autoAck = true;
                agent.birth(0, 0);
                // the controller throws from slot 3 on; until then each slot changes parallelism
                await().atMost(Duration.ofSeconds(30)).until(() -> h.metric("edgefm_plugin_failures_total",
                        "plugin=\"flaky-ctl\"") >= 5);
                long lastGood = h.host.loop().decision().slot();
                assertThat(lastGood).isLessThanOrEqualTo(2);
                assertThat(h.host.loop().slot()).isGreaterThan(lastGood + 4);
                Directive inForce = h.host.loop().directives().get("edge-l4");
                int received = agent.directives.size();
                Thread.sleep(1000); // five more slots of failures
                assertThat(h.host.loop().decision().slot()).isEqualTo(lastGood);
                assertThat(h.host.loop().directives().get("edge-l4")).isEqualTo(inForce);
                assertThat(agent.directives).hasSize(received);
                assertThat(h.get("/metrics")).contains("edgefm_plugin_failures_total{plugin=\"flaky-ctl\",reason=\"threw\",role=\"light-controller\"}");
            }
        } finally {
            System.setErr(oldErr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("planner 'flaky-ctl' (light-controller) threw")
                .contains("flaky-ctl fails on purpose").contains("keeping the last good decision");
    }

    /** Writes to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
