package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.edgefm.cli.Main;
import org.edgefm.it.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./edgefm fleet revoke} against a running host, with real Paho clients as the fleet's nodes:
 * on the embedded broker the revoked node's live session is cut within seconds and its password no
 * longer logs in; on Debian's Mosquitto with the shipped files the same follows the broker's reload
 * (SIGHUP); every other node stays connected and keeps publishing. Misuse exits 2, a node with no
 * account exits 1, each with one line.
 */
@Timeout(180)
class FleetRevokeIT {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void onTheEmbeddedBroker_aRevokedNodeIsCutAndRefused_othersKeepPublishing() throws Exception {
        try (HostHarness h = new HostHarness(dir)) {
            h.start(null, Map.of());
            String victim = HostHarness.NODES[0];
            String other = HostHarness.NODES[1];
            try (FakeAgent v = h.agent(victim); FakeAgent o = h.agent(other)) {
                v.birth(0, 0);
                o.birth(0, 0);

                Run r = cli("fleet", "revoke", victim, "--credentials", h.credentials.toString());
                assertThat(r.code()).as(r.err()).isZero();
                assertThat(r.out()).contains("removed the account of " + victim);
                await().atMost(Duration.ofSeconds(15)).until(() -> !v.mqtt.isConnected());
                assertThatThrownBy(() -> v.connect(h.passwords.get(victim))).isInstanceOf(MqttException.class);
                o.telemetry(0); // QoS 1: waits for the broker's acknowledgement
                assertThat(o.mqtt.isConnected()).isTrue();
                assertThat(h.metric("edgefm_broker_refusals_total", "reason=\"revoked\"")).isEqualTo(1);
                assertThat(Files.readString(h.credentials)).doesNotContain(victim + ":").contains(other + ":");

                // misuse and failures: one line each, exit 2 and 1
                Run again = cli("fleet", "revoke", victim, "--credentials", h.credentials.toString());
                assertThat(again.code()).isEqualTo(1);
                assertThat(again.err()).contains("no account '" + victim + "' in " + h.credentials);
                assertThat(cli("fleet", "revoke", victim).code()).as("no file named").isEqualTo(2);
                Run hostAccount = cli("fleet", "revoke", "edgefm-host", "--credentials", h.credentials.toString());
                assertThat(hostAccount.code()).isEqualTo(2);
                assertThat(hostAccount.err()).contains("is the host's account");
                assertThat(cli("fleet", "revoke", "a/#", "--credentials", h.credentials.toString()).code()).isEqualTo(2);
                assertThat(cli("fleet", "revoke", other, "--credentials", dir.resolve("missing").toString()).code())
                        .isEqualTo(1);
                Run noCert = cli("fleet", "revoke", other, "--ca", dir.resolve("no-ca").toString());
                assertThat(noCert.code()).isEqualTo(1);
                assertThat(noCert.err()).contains("expected ca.p12, ca.p12.password and ca.pem");
                assertThat(o.mqtt.isConnected()).isTrue();
            }
        }
    }

    @Test
    void onMosquitto_aRevokedNodeIsCutAtTheReload_othersKeepPublishing() throws Exception {
        MosquittoBroker.assumeInstalled();
        try (HostHarness h = new HostHarness(dir)) {
            h.startOnMosquitto(null, Map.of());
            String victim = HostHarness.NODES[2];
            String other = HostHarness.NODES[3];
            try (FakeAgent v = h.agent(victim); FakeAgent o = h.agent(other)) {
                v.birth(0, 0);
                o.birth(0, 0);
                Path passwd = dir.resolve("passwd");
                String mode = Files.getPosixFilePermissions(passwd).toString();
                Run r = cli("fleet", "revoke", victim, "--mosquitto-passwd", passwd.toString());
                assertThat(r.code()).as(r.err()).isZero();
                assertThat(r.out()).contains("reload it");
                assertThat(Files.getPosixFilePermissions(passwd).toString()).as("Mosquitto must still read it").isEqualTo(mode);
                ProcessHandle mosquitto = ProcessHandle.current().descendants()
                        .filter(p -> p.info().commandLine().orElse("").contains(h.mosquitto.dir().toString()))
                        .findFirst().orElseThrow();
                Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(mosquitto.pid())).start();
                assertThat(hup.waitFor()).isZero();
                await().atMost(Duration.ofSeconds(15)).until(() -> !v.mqtt.isConnected());
                assertThatThrownBy(() -> v.connect(h.passwords.get(victim))).isInstanceOf(MqttException.class);
                o.telemetry(0);
                assertThat(o.mqtt.isConnected()).isTrue();
            }
        }
    }
}
