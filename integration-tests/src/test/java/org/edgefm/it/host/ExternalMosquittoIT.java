package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.wire.Topics;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import org.edgefm.it.MosquittoBroker;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host on an external broker ({@code --broker URL}): Debian's Mosquitto with a password file and
 * the ACL file shipped with the host ({@code org/edgefm/host/mosquitto/edgefm.acl}).
 */
@Timeout(180)
class ExternalMosquittoIT {
    @TempDir
    Path dir;

    @Test
    void externalMosquitto_withShippedAcl_enforcesTheSameRules() throws Exception {
        MosquittoBroker.assumeInstalled();
        Map<String, String> pw = new LinkedHashMap<>();
        pw.put("edgefm-host", "host-" + System.nanoTime());
        pw.put("orin-nano", "nano-" + System.nanoTime());
        pw.put("orin-nx", "nx-" + System.nanoTime());
        Path passwd = dir.resolve("passwd");
        Files.createFile(passwd);
        for (Map.Entry<String, String> e : pw.entrySet()) {
            Process p = new ProcessBuilder("mosquitto_passwd", "-b", passwd.toString(), e.getKey(), e.getValue())
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        }
        Path acl = dir.resolve("edgefm.acl");
        Files.writeString(acl, org.edgefm.host.broker.MosquittoFiles.acl(HostHarness.FLEET));
        // Mosquitto started as root drops to its own user: let it traverse and read the test's files.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(passwd, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(acl, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path brokerDir = Files.createDirectories(dir.resolve("mosquitto"));
        try (MosquittoBroker broker = MosquittoBroker.start(brokerDir, List.of(
                org.edgefm.host.broker.MosquittoFiles.conf(passwd, acl).split("\n")))) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("fleet", HostHarness.FLEET);
            o.put("brokerUrl", broker.url());
            o.put("hostUser", "edgefm-host");
            o.put("hostPassword", pw.get("edgefm-host"));
            o.put("httpPort", -1);
            o.put("dataDir", dir.resolve("data").toString());
            o.put("pluginsDir", dir.resolve("plugins").toString());
            try (PlannerHost host = new PlannerHost(HostConfig.defaults().with(o), getClass().getClassLoader()).start()) {
                Topics t = Topics.forFleet(HostHarness.FLEET);
                assertThatThrownBy(() -> new FakeAgent(broker.url(), HostHarness.FLEET, "orin-nano", "wrong").close())
                        .isInstanceOf(MqttException.class);
                try (FakeAgent nano = new FakeAgent(broker.url(), HostHarness.FLEET, "orin-nano", pw.get("orin-nano"));
                     FakeAgent nx = new FakeAgent(broker.url(), HostHarness.FLEET, "orin-nx", pw.get("orin-nx"))) {
                    // forbidden for orin-nano: another node's birth and any directive (Mosquitto drops them)
                    List<Object> ignored = new ArrayList<>();
                    try {
                        nano.raw(t.birth("orin-nx"), "{\"schema\":1}".getBytes());
                        nano.raw(t.directive("orin-nx"), "{\"schema\":1}".getBytes());
                    } catch (MqttException refused) {
                        ignored.add(refused);
                    }
                    // orin-nano's account with orin-nx's client id: Mosquitto replaces the id by the username
                    // (use_username_as_clientid), so it cannot take over orin-nx's session
                    org.eclipse.paho.mqttv5.client.MqttClient thief = new org.eclipse.paho.mqttv5.client.MqttClient(
                            broker.url(), t.agentClientId("orin-nx"), new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
                    org.eclipse.paho.mqttv5.client.MqttConnectionOptions o2 = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
                    o2.setUserName("orin-nano");
                    o2.setPassword(pw.get("orin-nano").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    thief.connect(o2);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !nano.mqtt.isConnected());
                    assertThat(nx.mqtt.isConnected()).as("orin-nx keeps its session").isTrue();
                    thief.disconnect();
                    thief.close();
                    nano.reconnect(broker.url(), pw.get("orin-nano"), 0, 0);
                    await().atMost(Duration.ofSeconds(15)).until(() -> host.fleet().state().sessionAlive("orin-nano"));
                    assertThat(host.meters().badTotal()).as("the forged birth never reached the host").isZero();
                    assertThat(host.fleet().state().sessionAlive("orin-nx")).isFalse();
                    assertThat(nx.directives).isEmpty();
                    // the host may direct any node
                    host.fleet().apply(new org.edgefm.wire.Directive(1, "orin-nx", host.plannerEpoch(), 1,
                            System.currentTimeMillis(), org.edgefm.wire.DesiredState.EMPTY));
                    nx.birth(0, 0);
                    await().atMost(Duration.ofSeconds(15)).until(() -> !nx.directives.isEmpty());
                    assertThat(nx.directives.get(0).plannerEpoch()).isEqualTo(host.plannerEpoch());
                }
            }
        }
    }
}
