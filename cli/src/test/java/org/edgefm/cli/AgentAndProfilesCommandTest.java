package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentAndProfilesCommandTest extends CliTestBase {
    @Test
    void profiles_listsTheWholeCatalog() {
        assertThat(run("profiles")).isZero();
        assertThat(out.toString()).contains("jetson-orin-nano-8gb", "jetson-orin-nx-16gb", "jetson-agx-orin-64gb",
                "jetson-xavier-nx-8gb", "nvidia-t4", "nvidia-l4", "nvidia-a100-80gb", "nvidia-h100-80gb", "rtx-4090", "generic-cpu");
    }

    @Test
    void profilesDetect_printsTheProfileThenWhy() {
        assertThat(run("profiles", "detect")).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).matches("[a-z0-9-]+");
        assertThat(lines[1]).startsWith("why: ");
    }

    @Test
    void agentInstall_dryRun_printsTheFilesAndWritesNothing() throws Exception {
        Path cfg = Files.writeString(dir.resolve("a.json"), "{\"nodeId\": \"j1\", \"password\": \"top-secret\"}");
        assertThat(run("agent", "install", "--config", cfg.toString(), "--prefix", dir.resolve("root").toString(), "--dry-run")).isZero();
        assertThat(out.toString()).contains("would write " + dir.resolve("root/etc/systemd/system/edgefm-agent.service"))
                .contains("\"password\" : \"(hidden)\"").doesNotContain("top-secret");
        assertThat(dir.resolve("root")).doesNotExist();
    }

    @Test
    void agent_badConfig_isOneLineExit1_badFlagIsExit2() throws Exception {
        Path cfg = Files.writeString(dir.resolve("b.json"), "{\"brokr\": \"tcp://x:1\"}");
        assertThat(run("agent", "--config", cfg.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm agent: " + cfg + ": unknown key 'brokr'");
        assertThat(run("agent", "--http-port", "nope")).isEqualTo(2);
    }
}
