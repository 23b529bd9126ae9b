package org.edgefm.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent on a TLS-only Mosquitto listener whose certificate a test CA signed (made with
 * {@code openssl} here): with {@code tlsCaFile} it connects and its birth is read back with
 * {@code mosquitto_sub --cafile}; without it the handshake fails and the agent keeps retrying.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentTlsIT {
    private static final String FLEET = "tlsfleet";

    @TempDir
    Path dir;

    @Test
    void tlsWithTheBrokersCa_isBorn_withoutIt_theHandshakeFails() throws Exception {
        MosquittoBroker.assumeInstalled();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path sub = Path.of("/usr/bin/mosquitto_sub");
        Assumptions.assumeTrue(Files.isExecutable(sub), "mosquitto_sub not installed");
        Path pki = Files.createDirectories(dir.resolve("pki"));
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        run(pki, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=edgefm-test-ca", "-days", "1");
        run(pki, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        run(pki, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "1", "-extfile", "san.ext");
        // mosquitto started as root reads the key after dropping to its own user
        for (Path p : List.of(dir, pki, pki.resolve("server.key"), pki.resolve("server.crt"), pki.resolve("ca.crt"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        try (MosquittoBroker broker = MosquittoBroker.start(Files.createDirectories(dir.resolve("broker")), List.of(
                "allow_anonymous true", "certfile " + pki.resolve("server.crt"), "keyfile " + pki.resolve("server.key")))) {
            String url = "ssl://127.0.0.1:" + broker.port();
            Path good = Files.writeString(dir.resolve("good.json"), "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false,"
                    + " \"tlsCaFile\": \"" + pki.resolve("ca.crt") + "\"}");
            Path bad = Files.writeString(dir.resolve("bad.json"), "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false,"
                    + " \"reconnectMinMs\": 200, \"reconnectMaxMs\": 400}");
            try (AgentProcess ok = new AgentProcess("tls-ok", good, dir, url).start();
                 AgentProcess untrusted = new AgentProcess("tls-untrusted", bad, dir, url).start()) {
                Topics t = Topics.forFleet(FLEET);
                Process p = new ProcessBuilder(sub.toString(), "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                        "--cafile", pki.resolve("ca.crt").toString(), "-t", t.birth("tls-ok"), "-C", "1", "-W", "45").start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
                Birth b = new WireCodec().decode(t.birth("tls-ok"), out.strip().getBytes(StandardCharsets.UTF_8), Birth.class);
                assertThat(b.nodeId()).isEqualTo("tls-ok");
                assertThat(ok.log()).contains("connected to " + url);

                await().atMost(Duration.ofSeconds(45)).until(() -> untrusted.log().split("reconnecting in", -1).length > 3);
                assertThat(untrusted.log()).doesNotContain("connected to " + url).contains("connect to " + url + " failed");
                assertThat(untrusted.alive()).isTrue();
            }
        }
    }

    private static void run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
