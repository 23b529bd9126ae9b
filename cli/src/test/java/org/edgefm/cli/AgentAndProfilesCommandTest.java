package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentAndProfilesCommandTest extends CliTestBase {
    @Test
    void profiles_listsTheWholeCatalog() {
        assertThat(run("profiles")).isZero();
        assertThat(out.toString()).contains("jetson-orin-nano-8gb", "jetson-orin-nano-4gb", "jetson-orin-nx-16gb", "jetson-agx-orin-64gb",
                "jetson-xavier-nx-8gb", "nvidia-t4", "nvidia-l4", "nvidia-a100-80gb", "nvidia-h100-80gb", "rtx-4090", "rtx-3090-ti", "generic-cpu");
        // MAXN_SUPER is marked uncapped, not assumed; the 25W mode is capped
        assertThat(out.toString()).contains("15W 7W 25W MAXN_SUPER(u)").contains("(u): no power cap")
                .doesNotContain("MAXN_SUPER(a)").doesNotContain("25W(u)");
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
        // per model kind: CNNs, transformer encoders (BERT-Large) and decoder LLMs each within x2 at worst
        for (String kind : java.util.List.of("cnn", "encoder", "decoder-decode")) {
            assertThat(root.get("byKind").get(kind).get("rows").asInt()).isPositive();
            assertThat(root.get("byKind").get(kind).get("worstAbsLogRatio").asDouble()).isLessThanOrEqualTo(Math.log(2));
        }
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
    void agentInstall_sameFlagsAsTheRelease_dryRunWritesNothing() throws Exception {
        Path jar = Files.writeString(dir.resolve("edgefm-agent.jar"), "jar");
        Path pw = Files.writeString(dir.resolve("pw"), "top-secret\n");
        assertThat(run("agent", "install", "--jar", jar.toString(), "--broker", "tcp://10.0.0.1:1883", "--node-id", "j1",
                "--password-file", pw.toString(), "--advertise", "10.0.0.2", "--root", dir.resolve("root").toString(), "--dry-run"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("would write " + dir.resolve("root/etc/systemd/system/edgefm-agent.service"))
                .contains("\"password\" : \"(hidden)\"").doesNotContain("top-secret");
        assertThat(dir.resolve("root")).doesNotExist();
    }

    @Test
    void agentInstall_withoutABuiltJar_failsAndSaysWhatToDo() {
        assertThat(run("agent", "install", "--jar", dir.resolve("none.jar").toString(), "--broker", "tcp://h:1883",
                "--node-id", "j1", "--advertise", "a", "--root", dir.resolve("root").toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm-agent install: agent jar " + dir.resolve("none.jar") + ": no such file");
        assertThat(run("agent", "install", "--prefix", "/x")).isEqualTo(2);
    }

    @Test
    void hostInstall_passesItsFlagsToTheInstaller_exit2ForABadFlag_exit1ForAFailure() throws Exception {
        // what the install writes is HostInstallerTest's (broker-bridge); here: flags in, exit codes out
        Path home = dir.resolve("edgefm-1.0");
        Files.writeString(Files.createDirectories(home.resolve("lib")).resolve("edgefm-cli.jar"), "jar");
        Path creds = Files.writeString(dir.resolve("accounts"), "host:hash\n");
        Path root = dir.resolve("image");
        Path lib = home.resolve("lib");
        assertThat(run("host", "install", "--lib", lib.toString(), "--root", root.toString(), "--fleet", "lab",
                "--credentials", creds.toString(), "--java", "/usr/bin/java", "--heap", "2g", "--planner", "two-tier",
                "--scenario", "trial-lab", "--broker-port", "883", "--http-bind", "127.0.0.1", "--http-port", "9090"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("systemctl --root=" + root.toAbsolutePath() + " enable edgefm-host.service");
        assertThat(Files.readString(root.resolve("etc/systemd/system/edgefm-host.service")))
                .contains("ExecStart=/usr/bin/java -Xmx2g", "AmbientCapabilities=CAP_NET_BIND_SERVICE");
        assertThat(Files.readString(root.resolve("etc/edgefm/host.json"))).contains("\"fleet\" : \"lab\"",
                "\"planner\" : \"two-tier\"", "\"scenario\" : \"trial-lab\"", "\"brokerPort\" : 883",
                "\"httpBind\" : \"127.0.0.1\"", "\"httpPort\" : 9090", "\"credentialsFile\" : \"/etc/edgefm/host-credentials\"");

        Path dry = dir.resolve("dry");
        assertThat(run("host", "install", "--lib", lib.toString(), "--root", dry.toString(), "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("would write " + dry.resolve("etc/systemd/system/edgefm-host.service"));
        assertThat(dry).doesNotExist();

        assertThat(run("host", "install", "--lib", lib.toString(), "--root", root.toString(), "--heap", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--heap: 'lots' (expected: a size such as 1g)");
        assertThat(run("host", "install", "--root", root.toString(), "--lib", dir.resolve("nolib").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no release lib folder at " + dir.resolve("nolib"));
    }

    @Test
    void agent_badConfig_isOneLineExit1_badFlagIsExit2() throws Exception {
        Path cfg = Files.writeString(dir.resolve("b.json"), "{\"brokr\": \"tcp://x:1\"}");
        assertThat(run("agent", "--config", cfg.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm agent: " + cfg + ": unknown key 'brokr'");
        assertThat(run("agent", "--http-port", "nope")).isEqualTo(2);
    }
}
