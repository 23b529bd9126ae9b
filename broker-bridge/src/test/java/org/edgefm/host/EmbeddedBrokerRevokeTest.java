package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.edgefm.api.EdgeFmException;
import org.edgefm.host.broker.ClientCertificates;
import org.edgefm.host.broker.Credentials;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.host.broker.FleetProvisioner;
import org.edgefm.host.broker.Revocations;
import org.edgefm.host.internal.RevocationWatcher;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation on the embedded broker with real Paho clients: removing a node's account or putting its
 * certificate on the fleet CA's revocation list cuts its live session (its Will goes out), refuses its
 * next connect, and leaves every other node connected and publishing.
 */
@Timeout(300)
class EmbeddedBrokerRevokeTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static RevocationWatcher watcher;
    static int plain;
    static int tls;
    static Path accounts;
    static final Topics T = Topics.forFleet("lab");
    static final Map<String, String> PW = Map.of("a", "a-password-1", "c", "c-password-3", "edgefm-host", "host-password-0");

    @BeforeAll
    static void start() throws Exception {
        new FleetProvisioner(new FleetProvisioner.Request("lab", List.of("b", "d", "e"), dir.resolve("lab"), null,
                List.of("localhost", "127.0.0.1"), "ssl://127.0.0.1:8883", dir.resolve("dev"), 30)).run();
        accounts = dir.resolve("accounts");
        Credentials.write(accounts, Map.of("a", PW.get("a").toCharArray(), "c", PW.get("c").toCharArray()));
        plain = TestClients.freePort();
        tls = TestClients.freePort();
        Path ks = dir.resolve("lab/broker/broker.p12");
        char[] pw = Files.readString(FleetProvisioner.password(ks)).strip().toCharArray();
        // the host's account is not in the file (a host makes its own per run) and must survive every reload
        Credentials creds = Credentials.load(accounts).with("edgefm-host", PW.get("edgefm-host").toCharArray());
        broker = new EmbeddedBroker(new EmbeddedBroker.Settings("127.0.0.1", plain, tls, ks, pw, creds, "edgefm-host",
                dir.resolve("broker"), "lab", dir.resolve("lab/ca/ca.pem"), null));
        broker.start();
        watcher = new RevocationWatcher(broker, accounts, "edgefm-host");
    }

    @AfterAll
    static void stop() {
        watcher.close();
        broker.close();
    }

    /** A node over its password, with its death as Will. */
    static MqttClient passwordNode(String node) throws MqttException {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + plain, T.agentClientId(node), new MemoryPersistence());
        MqttConnectionOptions o = options(node);
        o.setUserName(node);
        o.setPassword(PW.get(node).getBytes(StandardCharsets.UTF_8));
        connect(c, o);
        return c;
    }

    /** A node over its client certificate, with its death as Will. */
    static MqttClient certNode(String node) throws Exception {
        MqttClient c = new MqttClient("ssl://127.0.0.1:" + tls, T.agentClientId(node), new MemoryPersistence());
        MqttConnectionOptions o = options(node);
        o.setSocketFactory(tls(dir.resolve("lab/nodes/" + node + "/" + node + ".p12")).getSocketFactory());
        connect(c, o);
        return c;
    }

    private static javax.net.ssl.SSLContext tls(Path clientP12) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ClientCertificates.readCertificates(dir.resolve("lab/ca/ca.pem")).get(0));
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        char[] pw = Files.readString(FleetProvisioner.password(clientP12)).strip().toCharArray();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(clientP12)) {
            ks.load(in, pw);
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    private static MqttConnectionOptions options(String node) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout(10);
        o.setWill(T.node(node, MessageType.DEATH), new MqttMessage(("gone " + node).getBytes(StandardCharsets.UTF_8)));
        return o;
    }

    private static void connect(MqttClient c, MqttConnectionOptions o) throws MqttException {
        try {
            c.connect(o);
        } catch (MqttException e) {
            c.close(true);
            throw e;
        }
    }

    private static int publishTelemetry(MqttClient c, String node) throws MqttException {
        MqttMessage m = new MqttMessage("{}".getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        var t = c.getTopic(T.node(node, MessageType.TELEMETRY)).publish(m);
        t.waitForCompletion(10_000);
        return t.getReasonCodes() == null || t.getReasonCodes().length == 0 ? 0 : t.getReasonCodes()[0];
    }

    @Test
    void removedAccount_andRevokedCertificate_areCut_refusedOnReconnect_othersUnaffected() throws Exception {
        try (TestClients.Client host = new TestClients.Client("tcp://127.0.0.1:" + plain, "edgefm-host-1", "edgefm-host",
                PW.get("edgefm-host"))) {
            host.mqtt.subscribe(broker.policy().fleetFilter(), 1);
            MqttClient a = passwordNode("a");
            MqttClient c = passwordNode("c");
            MqttClient b = certNode("b");
            MqttClient d = certNode("d");
            long revokedBefore = broker.refusals().getOrDefault("revoked", 0L);

            // 1. the account of a leaves the credentials file (what fleet revoke --credentials does)
            assertThat(Credentials.removeAccount(accounts, "a")).isTrue();
            assertThat(Credentials.removeAccount(accounts, "a")).as("once").isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.isConnected());
            await().atMost(Duration.ofSeconds(10)).until(() -> host.got(T.node("a", MessageType.DEATH)));
            assertThatThrownBy(() -> passwordNode("a").close()).isInstanceOf(MqttException.class);
            assertThat(publishTelemetry(c, "c")).as("c publishes").isZero();
            assertThat(c.isConnected() && b.isConnected() && d.isConnected() && host.mqtt.isConnected()).isTrue();

            // 2. the certificate of b goes on the CA's revocation list (fleet revoke --ca)
            X509Certificate bCert = ClientCertificates.readCertificates(dir.resolve("lab/nodes/b/b.pem")).get(0);
            assertThat(Revocations.revoke(dir.resolve("lab/ca"), bCert, Duration.ofDays(30))).isTrue();
            assertThat(Revocations.revoke(dir.resolve("lab/ca"), bCert, Duration.ofDays(30))).as("once").isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !b.isConnected());
            assertThatThrownBy(() -> certNode("b").close()).isInstanceOf(MqttException.class);
            assertThat(publishTelemetry(d, "d")).as("d publishes").isZero();
            assertThat(c.isConnected() && d.isConnected() && host.mqtt.isConnected()).isTrue();
            MqttClient e = certNode("e"); // a node of the same CA that was not revoked connects
            e.disconnect();
            e.close();
            assertThat(broker.refusals().get("revoked") - revokedBefore).as("2 cuts + the revoked certificate's connect").isEqualTo(3);
            assertThat(broker.refusals().get("login")).as("a's password no longer logs in").isPositive();
            assertThat(Revocations.serials(Revocations.load(dir.resolve("lab/ca/crl.pem"),
                    ClientCertificates.readCertificates(dir.resolve("lab/ca/ca.pem"))))).containsExactly(bCert.getSerialNumber());

            // 3. a damaged list is reported and changes nothing in force
            byte[] good = Files.readAllBytes(dir.resolve("lab/ca/crl.pem"));
            Files.writeString(dir.resolve("lab/ca/crl.pem"), "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
            assertThat(watcher.check()).isEmpty();
            assertThat(d.isConnected()).isTrue();
            assertThatThrownBy(() -> certNode("b").close()).as("still revoked").isInstanceOf(MqttException.class);
            Files.write(dir.resolve("lab/ca/crl.pem"), good);
            for (MqttClient m : List.of(c, d)) {
                m.disconnect();
                m.close();
            }
        }
    }

    @Test
    void aListSignedByAnotherCa_isRefusedWithItsFileNamed() throws Exception {
        Path other = dir.resolve("other");
        new FleetProvisioner(new FleetProvisioner.Request("other", List.of("b"), other, null, List.of("localhost"),
                "ssl://127.0.0.1:8883", dir.resolve("dev2"), 30)).run();
        X509Certificate b = ClientCertificates.readCertificates(other.resolve("nodes/b/b.pem")).get(0);
        assertThatThrownBy(() -> Revocations.revoke(dir.resolve("lab/ca"), b, Duration.ofDays(1)))
                .isInstanceOf(EdgeFmException.class).hasMessageContaining("was not issued by the CA in");
        Revocations.revoke(other.resolve("ca"), b, Duration.ofDays(1));
        assertThatThrownBy(() -> Revocations.load(other.resolve("ca/crl.pem"),
                ClientCertificates.readCertificates(dir.resolve("lab/ca/ca.pem"))))
                .isInstanceOf(EdgeFmException.class).hasMessageContaining("crl.pem: not signed by the client CA");
    }
}
