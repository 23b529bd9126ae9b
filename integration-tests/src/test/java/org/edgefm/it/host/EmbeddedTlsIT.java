package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.edgefm.agent.internal.PahoTransports;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.Figures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's embedded broker with its TLS listener, its server certificate signed by a test CA made
 * here with {@code openssl}: a real agent given the CA file and its password is born over TLS; an
 * agent that does not trust the CA never gets a session; a wrong password over TLS and plain MQTT on
 * the TLS port are refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedTlsIT {
    @TempDir
    Path dir;

    @Test
    void tlsListener_withATestCa_agentWithTheCaIsBorn_othersAreRefused() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path pki = Files.createDirectories(dir.resolve("pki"));
        String storePw = UUID.randomUUID().toString();
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        run(pki, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=edgefm-test-ca", "-days", "1");
        run(pki, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        run(pki, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "1", "-extfile", "san.ext");
        run(pki, "openssl", "pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-certfile", "ca.crt",
                "-name", "broker", "-out", "server.p12", "-passout", "pass:" + storePw);
        int tlsPort = MosquittoBroker.freePort();
        String tlsUrl = "ssl://127.0.0.1:" + tlsPort;
        try (HostHarness h = new HostHarness(dir)) {
            h.start(null, Map.of("tlsPort", tlsPort, "keystore", pki.resolve("server.p12").toString(),
                    "keystorePassword", storePw));
            Path good = Files.writeString(dir.resolve("nano.json"), "{\"fleet\": \"" + HostHarness.FLEET + "\", \"calibrate\": false,"
                    + " \"username\": \"orin-nano\", \"password\": \"" + h.passwords.get("orin-nano") + "\","
                    + " \"tlsCaFile\": \"" + pki.resolve("ca.crt") + "\"}");
            Path untrusting = Files.writeString(dir.resolve("nx.json"), "{\"fleet\": \"" + HostHarness.FLEET + "\", \"calibrate\": false,"
                    + " \"reconnectMinMs\": 200, \"reconnectMaxMs\": 400, \"username\": \"orin-nx\", \"password\": \""
                    + h.passwords.get("orin-nx") + "\"}");
            try (AgentProcess nano = new AgentProcess("orin-nano", good, dir, tlsUrl).start();
                 AgentProcess nx = new AgentProcess("orin-nx", untrusting, dir, tlsUrl).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> h.host.fleet().state().sessionAlive("orin-nano"));
                long born = System.nanoTime();
                assertThat(nano.log()).contains("connected to " + tlsUrl);

                // the CA's clients with a wrong password, and plain MQTT on the TLS port, get no session
                assertThatThrownBy(() -> connect(tlsUrl, pki.resolve("ca.crt"), "orin-nx", "wrong-password"))
                        .isInstanceOf(MqttException.class);
                assertThatThrownBy(() -> connect("tcp://127.0.0.1:" + tlsPort, null, "orin-nx", h.passwords.get("orin-nx")))
                        .isInstanceOf(MqttException.class);

                await().atMost(Duration.ofSeconds(45)).until(() -> nx.log().split("reconnecting in", -1).length > 3);
                assertThat(nx.log()).doesNotContain("connected to " + tlsUrl).contains("connect to " + tlsUrl + " failed")
                        .contains("unknown CA").doesNotContain("Untranslated MqttException");
                assertThat(h.host.fleet().state().sessionAlive("orin-nx")).isFalse();
                assertThat(nx.alive()).isTrue();
                assertThat(nano.log() + nx.log()).doesNotContain(h.passwords.get("orin-nano"))
                        .doesNotContain(h.passwords.get("orin-nx"));
                Figures.of("EmbeddedTlsIT").seconds("startToBirthOverTls", nano.startedNanos(), born)
                        .put("untrustedAttempts", nx.log().split("reconnecting in", -1).length - 1)
                        .put("untrustedSessions", 0).print();
            }
        }
    }

    private static void connect(String url, Path ca, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(url, "tls-probe-" + System.nanoTime(), new MemoryPersistence());
        try {
            MqttConnectionOptions o = new MqttConnectionOptions();
            if (ca != null) {
                o.setSocketFactory(PahoTransports.trusting(ca));
            }
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
            o.setConnectionTimeout(5);
            c.connect(o);
            c.disconnect();
        } finally {
            c.close();
        }
    }

    private static void run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
