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
    void profilesValidate_shippedTable_printsEveryRowAndMeetsTheGoalOnHeldOutRows() throws Exception {
        Path json = dir.resolve("v.json");
        assertThat(run("profiles", "validate", "--json", json.toString(), "--check")).isZero();
        assertThat(out.toString()).contains("PREDICTED").contains("MEASURED").contains("test (held out)")
                .contains("jetson-orin-nano-8gb@MAXN_SUPER").doesNotContain("MISSES");
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertThat(root.get("rows").size()).isGreaterThanOrEqualTo(40);
        assertThat(root.get("test").get("meetsGoal").asBoolean()).isTrue();
        assertThat(root.get("rows").get(0).get("source").asText()).startsWith("https://");
    }

    @Test
    void profilesValidate_otherTable_andItsErrors() throws Exception {
        Path good = Files.writeString(dir.resolve("t.csv"), "model,precision,batch,device,metric,value,source\n"
                + "resnet50,int8,1,nvidia-l4,latency_ms,0.3555,https://example.org/l4\n");
        assertThat(run("profiles", "validate", "--table", good.toString())).isZero();
        assertThat(out.toString()).contains("nvidia-l4").contains("all ").contains("1 rows");
        Path bad = Files.writeString(dir.resolve("bad.csv"), "model,precision,batch,device,metric,value,source\n"
                + "resnet50,int8,1,nvidia-l5,latency_ms,0.3555,https://example.org/l4\n");
        assertThat(run("profiles", "validate", "--table", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("bad.csv: row at line 2: unknown device profile 'nvidia-l5'");
        assertThat(run("profiles", "validate", "--tabel", "x")).isEqualTo(2);
    }

    @Test
    void profilesCost_jetsonLab_timesEveryKernelServiceOnEveryProfiledNode() {
        assertThat(run("profiles", "cost", "--scenario", "../scenarios/jetson-lab.json")).isZero();
        assertThat(out.toString()).contains("orin-nano").contains("llm-7b-int4").contains("clip-vit-l14").contains("compute model: profiles");
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
