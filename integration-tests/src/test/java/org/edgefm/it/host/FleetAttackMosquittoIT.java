package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.it.support.Figures;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The security suite of {@link FleetAttackIT} against Debian's Mosquitto with the configuration the
 * project ships ({@code MosquittoFiles}: {@code use_username_as_clientid}, the fleet's ACL,
 * {@code max_packet_size}) and a password file, the host on it with {@code brokerUrl}: the forged
 * reports, the seeded fuzzer and the anonymous client as there; the takeover and the Debian client
 * attacks with Mosquitto's answers (a connect with another node's client id gets the thief's own
 * account as its id; a publish the ACL forbids is dropped; an oversized packet ends the session).
 * Skipped where {@code mosquitto} is not installed.
 */
@Timeout(180)
class FleetAttackMosquittoIT extends FleetAttackIT {
    /**
     * The same host, on Mosquitto, in a folder of its own (JUnit may also run the embedded-broker
     * start of {@link FleetAttackIT} first: that host is closed here).
     */
    @BeforeAll
    static void startOnMosquitto() throws Exception {
        if (h != null) {
            h.close();
        }
        // Mosquitto started as root drops to its own user: it must traverse the test's folder
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        h = new HostHarness(Files.createDirectories(dir.resolve("on-mosquitto")));
        h.startOnMosquitto(null, Map.of());
    }

    @Override
    void takeover_withAnotherNodesClientId_isRefused_victimStaysConnected() {
        // the embedded broker's answer; Mosquitto's is takeover_withAnotherNodesClientId_landsOnTheThiefsOwnSession
    }

    @Override
    void debianMosquittoClients_cannotTakeOverNorPublishHugeRetained() {
        // the embedded broker's answer; Mosquitto's is below
    }

    @Override
    void realAgent_kickedBacksOff_ignoresFutureEpochs_andRefusesWeightsOutsideItsFolder() {
        // runs once, in FleetAttackIT, on its own open broker
    }

    @Test
    void takeover_withAnotherNodesClientId_landsOnTheThiefsOwnSession_victimStaysConnected() throws Exception {
        try (FakeAgent victim = h.agent("edge-l4")) {
            victim.birth(0, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.host.fleet().state().sessionAlive("edge-l4"));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                MqttClient thief = new MqttClient(h.url(), T.agentClientId("edge-l4"), new MemoryPersistence());
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setUserName("agx-orin");
                o.setPassword(h.passwords.get("agx-orin").getBytes(StandardCharsets.UTF_8));
                o.setConnectionTimeout(5);
                try {
                    var token = thief.connectWithResult(o);
                    // Mosquitto assigns the account name as the client id (use_username_as_clientid)
                    String assigned = token.getResponseProperties() == null ? null
                            : token.getResponseProperties().getAssignedClientIdentifier();
                    ids.add(assigned == null ? "(not announced)" : assigned);
                    thief.disconnect();
                } finally {
                    thief.close(true);
                }
            }
            assertThat(victim.mqtt.isConnected()).as("victim never kicked").isTrue();
            assertThat(h.host.fleet().state().sessionAlive("edge-l4")).as("no Will fired, no failover").isTrue();
            assertThat(ids).doesNotContain(T.agentClientId("edge-l4"));
            Figures.of("FleetAttackMosquittoIT.takeover").put("attempts", 20).put("assignedIds", ids.get(0))
                    .put("victimKicked", 0).print();
        }
    }

    @Test
    void debianMosquittoClients_cannotPublishAsAnotherNode_norOversizedPackets() throws Exception {
        Path pub = Path.of("/usr/bin/mosquitto_pub");
        Assumptions.assumeTrue(Files.isExecutable(pub), "mosquitto-clients not installed");
        String port = String.valueOf(h.mosquitto.port());
        double bad0 = h.metric("edgefm_messages_bad_total");
        // agx-orin's account with edge-l4's client id, on edge-l4's birth topic: the ACL drops it (were it
        // delivered, the host would count it as a bad message, as it counts the marker below)
        String forged = "{}";
        run(pub.toString(), "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-q", "1", "-i", T.agentClientId("edge-l4"),
                "-u", "agx-orin", "-P", h.passwords.get("agx-orin"), "-t", T.birth("edge-l4"), "-m", forged);
        // a 300 KB packet (above max_packet_size): Mosquitto ends the session, nothing is delivered
        Path big = Files.write(dir.resolve("big-mosquitto"), new byte[300 * 1024]);
        run(pub.toString(), "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-q", "1",
                "-u", "agx-orin", "-P", h.passwords.get("agx-orin"), "-t", T.birth("agx-orin"), "-f", big.toString());
        // a marker on its own topic (not a birth: counted as a bad message) arrives after both
        run(pub.toString(), "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-q", "1",
                "-u", "agx-orin", "-P", h.passwords.get("agx-orin"), "-t", T.birth("agx-orin"), "-m", "marker");
        await().atMost(Duration.ofSeconds(20)).until(() -> h.metric("edgefm_messages_bad_total") > bad0);
        assertThat(h.metric("edgefm_messages_bad_total")).as("only the marker reached the host, not the forged or oversized").isEqualTo(bad0 + 1);
        Figures.of("FleetAttackMosquittoIT.debianClients").put("forgedBirthDelivered", false)
                .put("oversizedDelivered", false).print();
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
}
