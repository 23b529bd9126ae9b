package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostCommandTest extends CliTestBase {
    @Test
    void host_brokerAndBrokerPort_isUsageError() {
        assertThat(run("host", "--broker", "tcp://127.0.0.1:1", "--broker-port", "1884")).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgefm host: --broker and --broker-port exclude each other");
    }

    @Test
    void host_withoutCredentialsOrClientCa_isUsageError_namingTheWaysOut() {
        assertThat(run("host", "--http-port", "-1", "--data-dir", dir.resolve("d").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--credentials FILE").contains("--client-ca").contains("--insecure");
    }

    @Test
    void fleetMosquitto_writesTheAclForTheFleet() throws Exception {
        assertThat(run("fleet", "mosquitto", "--fleet", "lab", "--out", dir.resolve("m").toString())).isZero();
        assertThat(Files.readString(dir.resolve("m/edgefm.acl"))).contains("pattern write edgefm/v1/lab/node/%u/birth")
                .doesNotContain("@FLEET@").doesNotContain("edgefm/v1/+/");
        assertThat(Files.readString(dir.resolve("m/edgefm.conf"))).contains("use_username_as_clientid true");
        assertThat(run("fleet", "mosquitto", "--fleet", "a/b", "--out", dir.resolve("x").toString())).isEqualTo(2);
    }

    @Test
    void host_badConfigKey_failsWithOneLineNamingKey() throws Exception {
        Path cfg = dir.resolve("host.json");
        Files.writeString(cfg, "{\"brokerPrt\": 1883}");
        assertThat(run("host", "--config", cfg.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip()).startsWith("edgefm host: config " + cfg + ": unknown key 'brokerPrt'")
                .doesNotContain("\n");
    }

    @Test
    void host_unknownPlanner_failsWithOneLine() throws Exception {
        Files.createDirectories(dir.resolve("p"));
        assertThat(run("host", "--planner", "no-such-planner", "--scenario", "example", "--http-port", "-1",
                "--broker", "tcp://127.0.0.1:1", "--data-dir", dir.resolve("d").toString(),
                "--plugins-dir", dir.resolve("p").toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip()).contains("no-such-planner").doesNotContain("\n");
    }


    @Test
    void addAccount_writesHashedLine() throws Exception {
        Path creds = dir.resolve("credentials");
        java.io.InputStream oldIn = System.in;
        System.setIn(new java.io.ByteArrayInputStream("pw-123456\n".getBytes()));
        try {
            assertThat(run("host", "--credentials", creds.toString(), "--add-account", "orin-nano")).isZero();
        } finally {
            System.setIn(oldIn);
        }
        String file = Files.readString(creds);
        assertThat(file).contains("orin-nano:pbkdf2-sha256$").doesNotContain("pw-123456");
    }
}
