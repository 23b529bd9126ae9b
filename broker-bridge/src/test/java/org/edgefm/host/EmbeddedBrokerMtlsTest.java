package org.edgefm.host;

import org.edgefm.host.broker.FleetProvisioner;
import org.edgefm.host.broker.ClientCertificates;
import org.edgefm.host.broker.EmbeddedBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.edgefm.wire.Topics;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device certificates from {@code ./edgefm fleet provision} on a TLS-only embedded broker: a node's
 * certificate (CN = node id) is its identity, bound to its client id and topics; another CA's
 * certificate, a missing one, and weak protocols or suites get no session; the suite actually
 * negotiated is one of the forward-secret AEAD suites.
 */
@Timeout(300)
class EmbeddedBrokerMtlsTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static int port;
    static final Topics T = Topics.forFleet("lab");

    @BeforeAll
    static void start() throws Exception {
        new FleetProvisioner(new FleetProvisioner.Request("lab", List.of("n1", "n2"), dir.resolve("lab"), null,
                List.of("localhost", "127.0.0.1"), "ssl://127.0.0.1:8883", dir.resolve("dev"), 30)).run();
        // a certificate for n1 that the fleet CA did not sign (self-signed, made with keytool as an attacker would)
        Path rogue = Files.createDirectories(dir.resolve("rogue"));
        Files.writeString(FleetProvisioner.password(rogue.resolve("n1.p12")), "rogue-pass-123");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "n1", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=n1", "-validity", "2", "-storetype",
                "PKCS12", "-keystore", rogue.resolve("n1.p12").toString(), "-storepass", "rogue-pass-123", "-keypass",
                "rogue-pass-123").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0)
                .as(new String(p.getInputStream().readAllBytes())).isTrue();
        port = TestClients.freePort();
        Path ks = dir.resolve("lab/broker/broker.p12");
        char[] pw = Files.readString(FleetProvisioner.password(ks)).strip().toCharArray();
        broker = new EmbeddedBroker(new EmbeddedBroker.Settings("127.0.0.1", 0, port, ks, pw, null, "edgefm-host",
                dir.resolve("broker"), "lab", dir.resolve("lab/ca/ca.pem"), null));
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static SSLContext tls(Path clientP12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ClientCertificates.readCertificates(dir.resolve("lab/ca/ca.pem")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientP12 != null) {
            char[] pw = Files.readString(FleetProvisioner.password(clientP12)).strip().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12)) {
                ks.load(in, pw);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
        }
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    static MqttClient connect(Path clientP12, String clientId) throws Exception {
        MqttClient c = new MqttClient("ssl://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setSocketFactory(tls(clientP12).getSocketFactory());
        o.setConnectionTimeout(10);
        try {
            c.connect(o);
        } catch (MqttException e) {
            c.close(true);
            throw e;
        }
        return c;
    }

    @Test
    void nodeCertificate_isTheIdentity_boundToClientIdAndTopics() throws Exception {
        Path n1 = dir.resolve("lab/nodes/n1/n1.p12");
        MqttClient c = connect(n1, T.agentClientId("n1"));
        try {
            MqttMessage m = new MqttMessage("{}".getBytes());
            m.setQos(1);
            var ok = c.getTopic(T.telemetry("n1")).publish(m);
            ok.waitForCompletion(10_000);
            assertThat(ok.getReasonCodes()[0]).isLessThan(0x80);
            boolean refused;
            try {
                var other = c.getTopic(T.telemetry("n2")).publish(m);
                other.waitForCompletion(10_000);
                refused = other.getReasonCodes()[0] >= 0x80;
            } catch (MqttException disconnected) {
                refused = true; // HiveMQ may answer an unauthorised publish by disconnecting the client
            }
            assertThat(refused).as("publish to another node's topic").isTrue();
        } finally {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        // n1's certificate with n2's client id: refused, no takeover
        assertThatThrownBy(() -> connect(n1, T.agentClientId("n2")).close()).isInstanceOf(MqttException.class);
        assertThat(broker.refusals()).containsKey("client-id");
    }

    @Test
    void otherCa_orNoCertificate_getNoSession() {
        assertThatThrownBy(() -> connect(dir.resolve("rogue/n1.p12"), T.agentClientId("n1")).close())
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect(null, T.agentClientId("n1")).close()).isInstanceOf(MqttException.class);
    }

    @Test
    void negotiatedSuite_isForwardSecretAead_weakOnesAreRefused() throws Exception {
        SSLSocketFactory f = tls(dir.resolve("lab/nodes/n1/n1.p12")).getSocketFactory();
        try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", port)) {
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(EmbeddedBroker.TLS_CIPHER_SUITES).contains(s.getSession().getCipherSuite());
            System.out.println("negotiated " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite());
        }
        try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", port)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
            s.startHandshake();
            assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
        // CBC and non-forward-secret suites, and TLS 1.1, find nothing in common
        for (String[] weak : new String[][] {{"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
            {"TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA"}, {"TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"}}) {
            try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", port)) {
                s.setEnabledProtocols(new String[] {weak[0]});
                s.setEnabledCipherSuites(new String[] {weak[1]});
                assertThatThrownBy(s::startHandshake).as(weak[1]).isInstanceOf(javax.net.ssl.SSLException.class);
            }
        }
    }

    @Test
    void provisionedFiles_keepKeysOwnerOnly_andTheConfigHoldsNoSecret() throws Exception {
        for (String f : List.of("lab/ca/ca.p12", "lab/ca/ca.p12.password", "lab/nodes/n1/n1.p12", "lab/nodes/n1/n1.p12.password",
            "lab/broker/broker.p12.password")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
                    .as(f).isEqualTo("rw-------");
        }
        String pw = Files.readString(dir.resolve("lab/broker/broker.p12.password")).strip();
        assertThat(Files.readString(dir.resolve("broker/conf/config.xml"))).doesNotContain(pw).contains("TLSv1.3")
                .doesNotContain("TLSv1.1");
        assertThat(Files.readString(dir.resolve("lab/nodes/n1/agent.json"))).contains("\"nodeId\": \"n1\"")
                .contains("tlsKeystore").doesNotContain(Files.readString(dir.resolve("lab/nodes/n1/n1.p12.password")).strip());
    }
}
