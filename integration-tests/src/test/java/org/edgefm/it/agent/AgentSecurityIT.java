package org.edgefm.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Death;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.MqttCallbacks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents against a Mosquitto that requires a password and enforces per-node topic ACLs: an agent
 * with its credentials, speaking MQTT 3.1.1, publishes its birth and its will works; an agent with a
 * wrong password gets no session, keeps retrying, and never writes the password to its log.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentSecurityIT {
    private static final String FLEET = "secfleet";

    @TempDir
    Path dir;

    @Test
    void credentialsAndAcl_mqtt311Agent_isBorn_wrongPasswordIsRefusedAndNeverLogged() throws Exception {
        MosquittoBroker.assumeInstalled();
        Path passwd = Path.of("/usr/bin/mosquitto_passwd");
        Assumptions.assumeTrue(Files.isExecutable(passwd), "mosquitto_passwd not installed");
        Path pw = dir.resolve("passwd");
        run(passwd.toString(), "-b", "-c", pw.toString(), "agent-c", "c-secret-123");
        run(passwd.toString(), "-b", pw.toString(), "agent-d", "d-secret-456");
        run(passwd.toString(), "-b", pw.toString(), "host", "host-pw");
        Path acl = dir.resolve("acl");
        Files.writeString(acl, String.join("\n",
                "user host", "topic readwrite edgefm/v1/#",
                "pattern readwrite edgefm/v1/" + FLEET + "/node/%u/#", ""));
        // mosquitto started as root reads these after dropping to its own user: let it
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (MosquittoBroker broker = MosquittoBroker.start(Files.createDirectories(dir.resolve("broker")),
                List.of("allow_anonymous false", "password_file " + pw, "acl_file " + acl))) {
            List<String[]> inbox = new CopyOnWriteArrayList<>();
            MqttClient host = new MqttClient(broker.url(), "sec-host", new MemoryPersistence());
            host.setCallback(MqttCallbacks.onMessage(
                    (topic, m) -> inbox.add(new String[] {topic, new String(m.getPayload(), StandardCharsets.UTF_8)})));
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName("host");
            o.setPassword("host-pw".getBytes(StandardCharsets.UTF_8));
            host.connect(o);
            host.subscribe(Topics.ALL_FLEETS_FILTER, 1);

            Path good = dir.resolve("c.json");
            Files.writeString(good, "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false, \"mqttVersion\": \"3.1.1\","
                    + " \"username\": \"agent-c\", \"password\": \"c-secret-123\"}");
            Path bad = dir.resolve("d.json");
            Files.writeString(bad, "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false, \"reconnectMinMs\": 200,"
                    + " \"reconnectMaxMs\": 400, \"username\": \"agent-d\", \"password\": \"wrong-pw-789\"}");
            try (AgentProcess c = new AgentProcess("agent-c", good, dir, broker.url()).start();
                 AgentProcess d = new AgentProcess("agent-d", bad, dir, broker.url()).start()) {
                Topics t = Topics.forFleet(FLEET);
                WireCodec codec = new WireCodec();
                await().atMost(Duration.ofSeconds(45)).until(() -> inbox.stream().anyMatch(m -> m[0].equals(t.birth("agent-c"))));
                Birth birth = inbox.stream().filter(m -> m[0].equals(t.birth("agent-c")))
                        .map(m -> codec.decode(m[0], m[1].getBytes(StandardCharsets.UTF_8), Birth.class)).findFirst().orElseThrow();
                assertThat(c.log()).contains("(MQTT 3.1.1)");

                await().atMost(Duration.ofSeconds(45)).until(() -> d.log().split("reconnecting in", -1).length > 3);
                assertThat(inbox).noneMatch(m -> m[0].contains("/agent-d/"));
                assertThat(d.log()).contains("MQTT 5 connect to " + broker.url() + " failed");
                assertThat(d.log() + c.log()).doesNotContain("wrong-pw-789").doesNotContain("c-secret-123");

                c.kill9();
                await().atMost(Duration.ofSeconds(30)).until(() -> inbox.stream().filter(m -> m[0].equals(t.death("agent-c")))
                        .map(m -> codec.decode(m[0], m[1].getBytes(StandardCharsets.UTF_8), Death.class))
                        .anyMatch(x -> x.sessionEpoch() == birth.sessionEpoch()));
            } finally {
                host.disconnect();
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
