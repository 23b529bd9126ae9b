package org.edgefm.host.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.edgefm.api.EdgeFmException;
import org.edgefm.host.HostMeters;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's broker connection over TLS names the cause of a failed handshake in one line: a TLS
 * server on loopback presents, in turn, a certificate of a CA the host does not trust, one of the
 * trusted CA for another name, and an expired one of the trusted CA (all made by the JDK's keytool
 * here). The agent uses the same classifier ({@code TlsFailures}).
 */
@Timeout(180)
class TlsFailureMessagesTest {
    @TempDir
    static Path dir;
    static final List<SSLServerSocket> servers = new ArrayList<>();

    private static final String PW = "changeit-test";

    @BeforeAll
    static void certificates() throws Exception {
        // independent steps run side by side: each keytool call is a JVM
        parallel(
                keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=test-fleet-ca",
                        "-ext", "bc:c", "-validity", "30", "-keystore", "ca.p12"),
                keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                        "-ext", "san=ip:127.0.0.1", "-validity", "30", "-keystore", "unknown.p12"),
                keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                        "CN=wrong.example", "-validity", "30", "-keystore", "wrongname.p12"),
                keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                        "-validity", "30", "-keystore", "expired.p12"));
        parallel(
                keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem"),
                keytool("-certreq", "-alias", "srv", "-keystore", "wrongname.p12", "-file", "wrongname.csr"),
                keytool("-certreq", "-alias", "srv", "-keystore", "expired.p12", "-file", "expired.csr"));
        parallel(
                keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "wrongname.csr", "-outfile",
                        "wrongname.crt", "-rfc", "-ext", "san=dns:wrong.example", "-validity", "30"),
                keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "expired.csr", "-outfile",
                        "expired.crt", "-rfc", "-ext", "san=ip:127.0.0.1", "-startdate", "-10d", "-validity", "2"));
        for (String n : List.of("wrongname", "expired")) {
            Files.writeString(dir.resolve(n + ".chain"), Files.readString(dir.resolve(n + ".crt"))
                    + Files.readString(dir.resolve("ca.pem")));
        }
        parallel(
                keytool("-importcert", "-noprompt", "-alias", "srv", "-keystore", "wrongname.p12", "-file", "wrongname.chain"),
                keytool("-importcert", "-noprompt", "-alias", "srv", "-keystore", "expired.p12", "-file", "expired.chain"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (SSLServerSocket s : servers) {
            s.close();
        }
    }

    private static ProcessBuilder keytool(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PW));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PW));
        }
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    }

    private static void parallel(ProcessBuilder... steps) throws Exception {
        List<Process> ps = new ArrayList<>();
        for (ProcessBuilder b : steps) {
            ps.add(b.start());
        }
        for (int i = 0; i < ps.size(); i++) {
            String out = new String(ps.get(i).getInputStream().readAllBytes());
            assertThat(ps.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(ps.get(i).exitValue()).as(steps[i].command() + ": " + out).isZero();
        }
    }

    /** A TLS server on loopback presenting {@code keystore}'s certificate; it only handshakes. */
    private static int server(String keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(keystore))) {
            ks.load(in, PW.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PW.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(s);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (SSLSocket c = (SSLSocket) s.accept()) {
                    c.setSoTimeout(5_000);
                    c.startHandshake();
                } catch (Exception ignored) {
                    // the client refuses the certificate: that is the test
                }
            }
        }, "tls-test-server");
        t.setDaemon(true);
        t.start();
        return s.getLocalPort();
    }

    /** The host's connect to {@code ssl://HOST:port}, trusting only the test CA; its one-line error. */
    private static String hostConnect(String host, int port) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        Path data = Files.createTempDirectory(dir, "host");
        try (DirectiveOutbox outbox = new DirectiveOutbox(data.resolve("outbox.db"), 1_000, 30_000);
                MqttFleet fleet = new MqttFleet(new MqttFleet.Options("ssl://" + host + ":" + port, "t", "h", null, null,
                        ctx.getSocketFactory(), 10_000), List.of(), outbox, new HostMeters())) {
            Throwable[] thrown = new Throwable[1];
            assertThatThrownBy(() -> fleet.connect(1)).isInstanceOf(EdgeFmException.class).satisfies(e -> thrown[0] = e);
            String m = thrown[0].getMessage();
            assertThat(m).doesNotContain("\n").doesNotContain("Untranslated");
            return m;
        }
    }

    @Test
    void unknownCa_isNamed() throws Exception {
        assertThat(hostConnect("127.0.0.1", server("unknown.p12"))).contains("unknown CA");
    }

    @Test
    void nameMismatch_isNamed() throws Exception {
        assertThat(hostConnect("127.0.0.1", server("wrongname.p12"))).contains("name mismatch");
    }

    @Test
    void expiredCertificate_isNamed() throws Exception {
        assertThat(hostConnect("127.0.0.1", server("expired.p12"))).contains("has expired");
    }
}
