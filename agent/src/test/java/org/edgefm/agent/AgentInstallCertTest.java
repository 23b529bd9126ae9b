package org.edgefm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.edgefm.agent.internal.PahoTransports;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgefm-agent install --cert}: a client certificate and key, given as a PEM pair (the three
 * key encodings OpenSSL writes), a PKCS#12 file or a node folder laid out as
 * {@code edgefm fleet provision} writes it, installed owner-only as {@code /etc/edgefm/agent.p12}
 * with the configuration pointing at it; the staged files then complete a real mutual-TLS handshake
 * with a server that requires a client certificate of the test CA. Certificates are made with
 * {@code openssl} (skipped where it is missing).
 */
class AgentInstallCertTest {
    @TempDir
    Path dir;
    Path jar;
    Path root;
    Path pki;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl (Debian: apt-get install openssl)").isTrue();
        Path home = dir.resolve("edgefm-agent-1.0");
        jar = Files.createDirectories(home.resolve("lib")).resolve("edgefm-agent.jar");
        Files.writeString(jar, "jar");
        root = dir.resolve("image");
        pki = Files.createDirectories(dir.resolve("pki"));
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-subj", "/CN=test fleet CA", "-days", "2");
        Files.writeString(pki.resolve("client.ext"), "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n");
        Files.writeString(pki.resolve("server.ext"), "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n");
    }

    /** A key (made by {@code keyCommand}, written to NAME.key) and a certificate NAME.pem for CN, signed by the CA. */
    private Path leaf(String name, String cn, String ext, String... keyCommand) throws Exception {
        List<String> k = new ArrayList<>(List.of(keyCommand));
        k.addAll(1, List.of("-out", name + ".key"));
        openssl(k.toArray(String[]::new));
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                name + ".pem", "-days", "2", "-extfile", ext);
        return pki.resolve(name + ".pem");
    }

    private Path ecLeaf(String name, String cn) throws Exception {
        return leaf(name, cn, "client.ext", "ecparam", "-genkey", "-name", "prime256v1"); // SEC1 "EC PRIVATE KEY"
    }

    private int install(String... args) {
        out.reset();
        err.reset();
        List<String> a = new ArrayList<>(List.of("--jar", jar.toString(), "--root", root.toString(), "--advertise", "10.0.0.4"));
        a.addAll(List.of(args));
        return AgentInstallCommand.run(a, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
    }

    private Path staged(String devicePath) {
        return root.resolve(devicePath.substring(1));
    }

    @Test
    void pemCertificateAndKey_installOwnerOnly_andTheStagedFilesDoMutualTls() throws Exception {
        Path cert = ecLeaf("n1", "n1");
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        assertThat(install("--broker", "ssl://planner:8883", "--cert", cert.toString(), "--key", pki.resolve("n1.key").toString(),
                "--ca", pki.resolve("ca.pem").toString(), "--password-file", pw.toString())).as(err.toString()).isZero();

        AgentConfig c = AgentConfig.load(staged(AgentInstaller.CONFIG));
        assertThat(c.nodeId()).as("the node id is the certificate's CN").isEqualTo("n1");
        assertThat(c.tlsKeystore()).isEqualTo("/etc/edgefm/agent.p12");
        assertThat(c.tlsCaFile()).isEqualTo("/etc/edgefm/agent-ca.pem");
        Path ks = staged("/etc/edgefm/agent.p12");
        Path ksPw = staged("/etc/edgefm/agent.p12.password");
        assertThat(Files.getPosixFilePermissions(ks)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(ksPw)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(staged("/etc/edgefm/agent-ca.pem")).hasSameTextualContentAs(pki.resolve("ca.pem"));
        assertThat(staged("/etc/tmpfiles.d/edgefm-agent.conf")).content().contains(
                "z /etc/edgefm/agent.p12 0600 edgefm edgefm -", "z /etc/edgefm/agent.p12.password 0600 edgefm edgefm -");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, Files.readString(ksPw).strip().toCharArray());
        }
        String alias = Collections.list(store.aliases()).get(0);
        assertThat(((X509Certificate) store.getCertificate(alias)).getSubjectX500Principal().getName()).isEqualTo("CN=n1");
        assertThat(out.toString()).doesNotContain(Files.readString(ksPw).strip()).doesNotContain("s3cret");

        // the agent's own TLS code on the staged files, against a server that requires a client certificate
        assertThat(mutualTlsPeer(PahoTransports.tls(staged("/etc/edgefm/agent-ca.pem"), ks))).isEqualTo("CN=n1");

        // an upgrade without --cert keeps the keystore and its owner rules
        assertThat(install("--http-port", "7001")).as(err.toString()).isZero();
        assertThat(AgentConfig.load(staged(AgentInstaller.CONFIG)).tlsKeystore()).isEqualTo("/etc/edgefm/agent.p12");
        assertThat(staged("/etc/tmpfiles.d/edgefm-agent.conf")).content().contains("z /etc/edgefm/agent.p12 0600");
    }

    @Test
    void rsaAndPkcs8Keys_areRead() throws Exception {
        Path rsa = leaf("r1", "r1", "client.ext", "genrsa", "-traditional", "2048");
        assertThat(Files.readString(pki.resolve("r1.key"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(install("--broker", "ssl://planner:8883", "--node-id", "r1", "--cert", rsa.toString(), "--key",
                pki.resolve("r1.key").toString(), "--ca", pki.resolve("ca.pem").toString())).as(err.toString()).isZero();
        Path p8 = leaf("p1", "p1", "client.ext", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        assertThat(Files.readString(pki.resolve("p1.key"))).contains("BEGIN PRIVATE KEY");
        openssl("x509", "-in", "p1.pem", "-outform", "DER", "-out", "p1.der"); // a DER certificate works as well
        root = dir.resolve("image2");
        assertThat(install("--broker", "ssl://planner:8883", "--cert", pki.resolve("p1.der").toString(), "--key",
                pki.resolve("p1.key").toString(), "--ca", pki.resolve("ca.pem").toString())).as(err.toString()).isZero();
        assertThat(install("--broker", "ssl://planner:8883", "--cert", p8.toString(), "--key", pki.resolve("p1.key").toString(),
                "--ca", pki.resolve("ca.pem").toString())).as(err.toString()).isZero();
        assertThat(mutualTlsPeer(PahoTransports.tls(staged("/etc/edgefm/agent-ca.pem"), staged("/etc/edgefm/agent.p12"))))
                .isEqualTo("CN=p1");
    }

    @Test
    void provisionBundleFolder_givesNodeFleetAndBroker() throws Exception {
        // the layout of 'edgefm fleet provision': nodes/NODE/{NODE.p12, NODE.p12.password, ca.pem, agent.json}
        ecLeaf("cam-1", "cam-1");
        Path bundle = Files.createDirectories(dir.resolve("fleet-lab/nodes/cam-1"));
        openssl("pkcs12", "-export", "-in", "cam-1.pem", "-inkey", "cam-1.key", "-certfile", "ca.pem", "-name", "cam-1",
                "-out", bundle.resolve("cam-1.p12").toString(), "-passout", "pass:bundle-pass");
        Files.writeString(bundle.resolve("cam-1.p12.password"), "bundle-pass\n");
        Files.copy(pki.resolve("ca.pem"), bundle.resolve("ca.pem"));
        Files.writeString(bundle.resolve("agent.json"), "{\n  \"fleet\": \"lab\",\n  \"nodeId\": \"cam-1\",\n  \"broker\":"
                + " \"ssl://planner.lab:8883\",\n  \"tlsCaFile\": \"/etc/edgefm/ca.pem\",\n  \"tlsKeystore\":"
                + " \"/etc/edgefm/cam-1.p12\"\n}\n");

        assertThat(install("--cert", bundle.toString())).as(err.toString()).isZero();
        AgentConfig c = AgentConfig.load(staged(AgentInstaller.CONFIG));
        assertThat(c.fleet()).isEqualTo("lab");
        assertThat(c.nodeId()).isEqualTo("cam-1");
        assertThat(c.broker()).isEqualTo("ssl://planner.lab:8883");
        assertThat(c.tlsKeystore()).isEqualTo("/etc/edgefm/agent.p12");
        assertThat(c.tlsCaFile()).isEqualTo("/etc/edgefm/agent-ca.pem");
        assertThat(staged("/etc/edgefm/agent.p12")).hasSameBinaryContentAs(bundle.resolve("cam-1.p12"));
        assertThat(staged("/etc/edgefm/agent.p12.password")).hasContent("bundle-pass");
        assertThat(mutualTlsPeer(PahoTransports.tls(staged("/etc/edgefm/agent-ca.pem"), staged("/etc/edgefm/agent.p12"))))
                .isEqualTo("CN=cam-1");

        // the .p12 file itself works too (its password and ca.pem next to it); a dry run shows no secret
        root = dir.resolve("image2");
        assertThat(install("--cert", bundle.resolve("cam-1.p12").toString(), "--broker", "ssl://10.0.0.1:8883", "--dry-run"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("would write " + staged("/etc/edgefm/agent.p12") + " (",
                "bytes, secret, mode rw-------, owner edgefm)", "\"tlsKeystore\" : \"/etc/edgefm/agent.p12\"",
                "\"nodeId\" : \"cam-1\"").doesNotContain("bundle-pass");
        assertThat(root).doesNotExist();
    }

    @Test
    void mistakes_nameWhatIsMissing() throws Exception {
        Path cert = ecLeaf("n1", "n1");
        String key = pki.resolve("n1.key").toString();
        String ca = pki.resolve("ca.pem").toString();
        assertThat(install("--broker", "ssl://h:8883", "--cert", cert.toString(), "--ca", ca)).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm-agent install: --cert " + cert
                + ": a PEM certificate needs its private key (give --key FILE)");
        assertThat(install("--broker", "ssl://h:8883", "--cert", dir.resolve("nope").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("--cert " + dir.resolve("nope") + ": no such file or folder");
        assertThat(install("--broker", "ssl://h:8883", "--node-id", "n2", "--cert", cert.toString(), "--key", key, "--ca", ca))
                .isEqualTo(1);
        assertThat(err.toString()).contains("the certificate is for CN 'n1', not node 'n2'");
        assertThat(install("--broker", "tcp://h:1883", "--cert", cert.toString(), "--key", key, "--ca", ca)).isEqualTo(1);
        assertThat(err.toString()).contains("--cert: the broker tcp://h:1883 is not TLS");
        assertThat(install("--broker", "ssl://h:8883", "--cert", cert.toString(), "--key", key)).isEqualTo(1);
        assertThat(err.toString()).contains("no CA certificate for the broker (give --ca FILE");
        ecLeaf("other", "n1");
        assertThat(install("--broker", "ssl://h:8883", "--cert", cert.toString(), "--key", pki.resolve("other.key").toString(),
                "--ca", ca)).isEqualTo(1);
        assertThat(err.toString()).contains("the private key does not belong to the certificate (CN n1");
        Path server = leaf("srv", "n1", "server.ext", "ecparam", "-genkey", "-name", "prime256v1");
        assertThat(install("--broker", "ssl://h:8883", "--cert", server.toString(), "--key", pki.resolve("srv.key").toString(),
                "--ca", ca)).isEqualTo(1);
        assertThat(err.toString()).contains("not for client authentication");
        openssl("pkey", "-in", "n1.key", "-aes256", "-passout", "pass:x", "-out", "enc.key");
        assertThat(install("--broker", "ssl://h:8883", "--cert", cert.toString(), "--key", pki.resolve("enc.key").toString(),
                "--ca", ca)).isEqualTo(1);
        assertThat(err.toString()).contains("the key is encrypted");
        Path p12 = pki.resolve("n1.p12");
        openssl("pkcs12", "-export", "-in", "n1.pem", "-inkey", "n1.key", "-out", "n1.p12", "-passout", "pass:right");
        assertThat(install("--broker", "ssl://h:8883", "--cert", p12.toString(), "--ca", ca)).isEqualTo(1);
        assertThat(err.toString()).contains("no password file " + p12 + ".password next to it");
        Files.writeString(Path.of(p12 + ".password"), "wrong\n");
        assertThat(install("--broker", "ssl://h:8883", "--cert", p12.toString(), "--ca", ca)).isEqualTo(1);
        assertThat(err.toString()).contains("cannot open it with the password in " + p12 + ".password");
        Path emptyBundle = Files.createDirectories(dir.resolve("empty"));
        assertThat(install("--broker", "ssl://h:8883", "--cert", emptyBundle.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no NODE.p12 in the folder");
        for (String e : err.toString().split("\n")) {
            assertThat(e).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(root.resolve("etc")).doesNotExist();
    }

    /** Accepts one connection that must present a client certificate of the test CA; returns the client's subject. */
    private String mutualTlsPeer(javax.net.ssl.SSLSocketFactory client) throws Exception {
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "srv2.key",
                "-out", "srv2.csr", "-subj", "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", "srv2.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv2.pem",
                "-days", "2", "-extfile", "server.ext");
        openssl("pkcs12", "-export", "-in", "srv2.pem", "-inkey", "srv2.key", "-out", "srv2.p12", "-passout", "pass:srv");
        KeyStore sks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pki.resolve("srv2.p12"))) {
            sks.load(in, "srv".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(sks, "srv".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pki.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(true);
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    String subject = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                    return subject;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket c = (SSLSocket) client.createSocket("127.0.0.1", ss.getLocalPort())) {
                c.setSoTimeout(10_000);
                c.startHandshake();
                OutputStream o = c.getOutputStream();
                o.flush();
                assertThat(c.getInputStream().read()).isEqualTo(1);
            }
            return peer.get(20, TimeUnit.SECONDS);
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + o).isZero();
    }
}
