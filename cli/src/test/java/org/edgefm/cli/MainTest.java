package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MainTest extends CliTestBase {
    @Test
    void help_exitsZeroAndListsCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: edgefm").contains("scenario");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void version_printsProjectVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("edgefm ").doesNotContain("${project.version}");
    }

    @Test
    void unknownCommand_printsOneLineErrorThenUsage_exit2() {
        assertThat(run("frobnicate")).isEqualTo(2);
        String[] lines = err.toString().split("\n");
        // picocli may append a suggestion such as "(did you mean: simulate?)".
        assertThat(lines[0]).startsWith("edgefm: unknown command 'frobnicate'");
        assertThat(lines[1]).startsWith("Usage: edgefm");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void unknownFlag_exit2() {
        assertThat(run("--frobnicate")).isEqualTo(2);
        assertThat(err.toString().split("\n")[0]).isEqualTo("edgefm: Unknown option: '--frobnicate'");
    }

    @Test
    void scenarioValidate_builtInExample_ok() {
        assertThat(run("scenario", "validate", "example")).isZero();
        assertThat(out.toString()).startsWith("example: ok: 4 nodes, 4 links, 6 services (2 core, 4 light)");
    }

    @Test
    void scenarioValidate_brokenCopy_namesBadField_exit1() throws Exception {
        String good = new String(Main.class.getClassLoader().getResourceAsStream("scenarios/example.json").readAllBytes());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, good.replace("\"inputMb\": 0.5", "\"inputMb\": 0"));
        assertThat(run("scenario", "validate", bad.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo(bad + ": taskTypes[1].inputMb: 0.0 (expected: > 0)");
    }

    @Test
    void scenarioValidate_scenarioWithoutNodes_okAndSaysItIsForALiveHost(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String good = org.edgefm.scenario.ScenarioLoader.toJson(org.edgefm.scenario.ScenarioLoader.resolve("example"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(good);
        tree.remove("topology");
        tree.remove("failures");
        java.nio.file.Path f = dir.resolve("no-nodes.json");
        java.nio.file.Files.writeString(f, json.writeValueAsString(tree));
        assertThat(run("scenario", "validate", f.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains(": ok: no nodes (a workload for a live host")
                .contains("origins a live host binds to the agent that joins with that id or label");
    }

    @Test
    void simulate_userWhoseOriginIsNotPinned_oneLineErrorNamingIt_exit1(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String good = org.edgefm.scenario.ScenarioLoader.toJson(org.edgefm.scenario.ScenarioLoader.resolve("example"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(good);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("users").get(0)).put("node", "camera");
        java.nio.file.Path f = dir.resolve("label.json");
        java.nio.file.Files.writeString(f, json.writeValueAsString(tree));
        assertThat(run("scenario", "validate", f.toString())).isZero();
        assertThat(out.toString()).contains("(camera)").contains("the simulator needs them pinned");
        assertThat(run("simulate", "--scenario", f.toString(), "--slots", "5")).isEqualTo(1);
        assertThat(err.toString()).contains("users[0].node: 'camera' is not a node in 'topology.nodes'")
                .doesNotContain("internal error").doesNotContain("\tat ");
    }

    @Test
    void scenarioValidate_noArgument_isUsageError() {
        assertThat(run("scenario", "validate")).isEqualTo(2);
        assertThat(err.toString().split("\n")[0]).isEqualTo("edgefm scenario validate: Missing required parameter: 'FILE|NAME'");
    }

    @Test
    void scenarioShow_missingFile_oneLineFailure_exit1() {
        assertThat(run("scenario", "show", "nope.json")).isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo("edgefm scenario show: nope.json: (file): no such file, and no built-in scenario of that name");
    }

    @Test
    void scenarioGenerate_reproducesTheShippedDrawsAndWritesOthers() throws Exception {
        // the default seed gives the shipped files byte for byte
        assertThat(run("scenario", "generate")).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo(Files.readString(Path.of("../scenarios/paper-table1-contended.json")));
        out.getBuffer().setLength(0);
        assertThat(run("scenario", "generate", "--from", "paper-table1")).isZero();
        assertThat(out.toString()).isEqualTo(Files.readString(Path.of("../scenarios/paper-table1.json")));
        // another seed and fleet: a valid scenario of its own name and size, a different draw
        Path f = dir.resolve("s7.json");
        assertThat(run("scenario", "generate", "--seed", "7", "--users", "52", "-o", f.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("wrote " + f).contains("52 users");
        assertThat(run("scenario", "validate", f.toString())).isZero();
        Path named = dir.resolve("named.json");
        assertThat(run("scenario", "generate", "--ess", "2", "--name", "two-servers", "-o", named.toString())).isZero();
        assertThat(Files.readString(named)).contains("\"name\": \"two-servers\"");
        String drawn = Files.readString(f);
        assertThat(drawn).contains("\"name\": \"paper-table1-contended-s7\"")
                .isNotEqualTo(Files.readString(Path.of("../scenarios/paper-table1-contended.json")));
        // misuse: one line, exit 2
        assertThat(run("scenario", "generate", "--ess", "0")).isEqualTo(2);
        assertThat(err.toString().split("\n")[0]).isEqualTo("edgefm scenario generate: --ess: 0 (expected: >= 1)");
        err.getBuffer().setLength(0);
        assertThat(run("scenario", "generate", "--from", "jetson-lab")).isEqualTo(2);
        assertThat(err.toString().split("\n")[0])
                .isEqualTo("edgefm scenario generate: --from: 'jetson-lab' (expected: paper-table1 or paper-table1-contended)");
    }

    @Test
    void scenarioList_includesExample() throws Exception {
        assertThat(ScenarioCommand.builtInNames()).contains("example");
    }

    @Test
    void trialImpair_malformedProfile_oneLineError_exit2() {
        assertThat(run("trial", "--impair", "jitter=5ms")).isEqualTo(2);
        assertThat(err.toString()).contains("--impair: impairment 'jitter=5ms': unknown part 'jitter=5ms'")
                .doesNotContain("Exception");
    }
}
