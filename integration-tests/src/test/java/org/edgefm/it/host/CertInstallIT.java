package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.agent.AgentInstallCommand;
import org.edgefm.host.broker.FleetProvisioner;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgefm-agent install --cert} with a node bundle of {@code edgefm fleet provision}, staged
 * under a root folder, then a real agent run with the staged configuration against the host's
 * embedded broker that accepts client certificates of the fleet CA (mutual TLS, no password): the
 * agent is born. The staged configuration names the device's {@code /etc/edgefm/...}; this test
 * points those paths into the root folder (the only change), as a chroot would.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CertInstallIT {
    @TempDir
    Path dir;

    @Test
    void bundleInstalledWithCert_agentIsBornOverMutualTls() throws Exception {
        int tlsPort = MosquittoBroker.freePort();
        String tlsUrl = "ssl://127.0.0.1:" + tlsPort;
        Path fleet = dir.resolve("fleet-it");
        new FleetProvisioner(new FleetProvisioner.Request(HostHarness.FLEET, List.of("orin-nano"), fleet, null,
                List.of("127.0.0.1"), tlsUrl, Path.of("/etc/edgefm"), 2)).run();

        Path root = dir.resolve("image");
        Path jar = Files.writeString(Files.createDirectories(dir.resolve("release/lib")).resolve("edgefm-agent.jar"), "jar");
        Path base = Files.writeString(dir.resolve("base.json"), "{\"calibrate\": false}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = AgentInstallCommand.run(List.of("--cert", fleet.resolve("nodes/orin-nano").toString(), "--root",
                root.toString(), "--jar", jar.toString(), "--advertise", "127.0.0.1", "--bind", "127.0.0.1", "--config",
                base.toString(), "--profile", "generic-cpu"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        assertThat(rc).as(err.toString()).isZero();
        String staged = Files.readString(root.resolve("etc/edgefm/agent.json"));
        AgentConfig c = AgentConfig.load(root.resolve("etc/edgefm/agent.json"));
        assertThat(c.nodeId()).isEqualTo("orin-nano");
        assertThat(c.fleet()).isEqualTo(HostHarness.FLEET);
        assertThat(c.broker()).isEqualTo(tlsUrl);
        assertThat(c.password()).as("mutual TLS alone authenticates").isNull();
        assertThat(staged).doesNotContain(root.toString()).contains("\"/etc/edgefm/agent.p12\"");
        Path config = Files.writeString(dir.resolve("agent.json"), staged.replace("\"/etc/edgefm/", "\"" + root + "/etc/edgefm/"));

        try (HostHarness h = new HostHarness(dir)) {
            h.start(null, Map.of("tlsPort", tlsPort, "keystore", fleet.resolve("broker/broker.p12").toString(),
                    "clientCa", fleet.resolve("ca/ca.pem").toString()));
            try (AgentProcess nano = new AgentProcess("orin-nano", config, dir, tlsUrl).start()) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !nano.alive() || h.host.fleet().state().sessionAlive("orin-nano"));
                long born = System.nanoTime();
                assertThat(nano.alive()).as(nano.log()).isTrue();
                assertThat(h.host.fleet().state().sessionAlive("orin-nano")).isTrue();
                assertThat(nano.log()).contains("connected to " + tlsUrl);
                Figures.of("CertInstallIT").seconds("startToBirthOverMutualTls", nano.startedNanos(), born).print();
            }
        }
    }
}
