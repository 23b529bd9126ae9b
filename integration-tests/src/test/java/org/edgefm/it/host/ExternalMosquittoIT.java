package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
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
        try (InputStream in = PlannerHost.class.getResourceAsStream("mosquitto/edgefm.acl")) {
            assertThat(in).as("shipped ACL file").isNotNull();
            Files.copy(in, acl);
        }
        // Mosquitto started as root drops to its own user: let it traverse and read the test's files.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(passwd, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(acl, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path brokerDir = Files.createDirectories(dir.resolve("mosquitto"));
        try (MosquittoBroker broker = MosquittoBroker.start(brokerDir, List.of("allow_anonymous false",
                "password_file " + passwd, "acl_file " + acl))) {
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
                    nano.birth(0, 0);
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
