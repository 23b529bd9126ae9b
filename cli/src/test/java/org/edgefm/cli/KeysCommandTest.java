package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.api.spi.KeyOrigin;
import org.edgefm.control.KeyCatalog;
import org.edgefm.control.PluginRegistry;
import org.edgefm.sim.SimKeys;
import org.junit.jupiter.api.Test;

/**
 * {@code edgefm keys}, and {@code docs/keys.md} generated from the same declarations: the committed
 * table fails this test when a declaration changed without it. Regenerate it with
 * {@code ./edgefm keys --markdown > docs/keys.md} (or run this test with {@code -Dedgefm.keys.write=true}).
 */
class KeysCommandTest extends CliTestBase {
    private static final Path DOC = Path.of("..", "docs", "keys.md");

    @Test
    void keysDoc_isTheGeneratedTable() throws Exception {
        String generated = KeyCatalog.of(PluginRegistry.load(KeysCommandTest.class.getClassLoader(), null), SimKeys.DECLARED)
                .markdown();
        if (Boolean.getBoolean("edgefm.keys.write")) {
            Files.writeString(DOC, generated);
        }
        assertThat(Files.readString(DOC)).as("docs/keys.md is stale: run ./edgefm keys --markdown > docs/keys.md")
                .isEqualTo(generated);
    }

    @Test
    void keys_json_givesEveryKeyAnOriginAndABasis() throws Exception {
        assertThat(run("keys", "--json")).as(err.toString()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("planner").size()).isGreaterThan(80);
        assertThat(j.get("simulator").size()).isEqualTo(SimKeys.DECLARED.size());
        for (JsonNode k : j.get("planner")) {
            assertThat(KeyOrigin.ofLabel(k.get("origin").asText())).as(k.get("name").asText()).isNotNull();
            assertThat(k.get("basis").asText()).as(k.get("name").asText()).isNotBlank();
            assertThat(k.get("readBy").size()).as(k.get("name").asText()).isPositive();
        }
        JsonNode xi = j.get("planner").findParents("name").stream().filter(n -> n.get("name").asText().equals("sparse-ip.xi"))
                .findFirst().orElseThrow();
        assertThat(xi.get("origin").asText()).isEqualTo("paper");
        assertThat(xi.get("basis").asText()).contains("eq. (14)");
        assertThat(xi.get("readBy").toString()).contains("sparse-ip").contains("greedy-core");
    }

    @Test
    void keys_table_listsOriginsOfPlannerAndSimulatorKeys() {
        assertThat(run("keys")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("light.admission").contains("guard").contains("sim.parallelism-exponent")
                .contains("paper-ambiguity");
    }

    @Test
    void keys_jsonAndMarkdownTogether_isAUsageError() {
        assertThat(run("keys", "--json", "--markdown")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("--json and --markdown: choose one");
    }
}
