package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.control.PluginJars;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code edgefm plugins} over a folder of real jars, good and broken, built by the test. */
class PluginsCommandTest extends CliTestBase {
    Path plugins;

    @BeforeEach
    void jars() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.plugin(plugins, "a-mine", "mine", PluginJars.DECIDE);
        PluginJars.notAJar(plugins, "b-notes");
        PluginJars.missingClass(plugins, "c-gone", "com.example.Gone");
        PluginJars.notAPlugin(plugins, "d-thing");
        PluginJars.plugin(plugins, "e-again", "mine", PluginJars.DECIDE);
    }

    @Test
    void plugins_brokenJars_listedWithReasons_builtInsAndGoodJarWork_exitZeroWithWarning() {
        assertThat(run("plugins", "--plugins-dir", plugins.toString())).as(err.toString()).isZero();
        String o = out.toString();
        assertThat(o).contains("two-tier").contains("mine").contains("SKIPPED")
                .contains(plugins.resolve("b-notes.jar") + ": not a jar")
                .contains(plugins.resolve("c-gone.jar") + ": missing class com.example.Gone")
                .contains(plugins.resolve("d-thing.jar") + ": jar.notplugin.Thing is not a PlannerPlugin")
                .contains(plugins.resolve("e-again.jar") + ": duplicate name mine, also in " + plugins.resolve("a-mine.jar"))
                .contains("time budgets: light controller 50% of a slot per call (250 ms at a 500 ms slot)");
        assertThat(err.toString().strip()).isEqualTo(
                "edgefm plugins: warning: 4 plugin jar(s) skipped; the other plugins work (--strict makes this fail)");
    }

    @Test
    void plugins_strict_failsWhenAJarWasSkipped() {
        assertThat(run("plugins", "--strict", "--plugins-dir", plugins.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("4 plugin jar(s) skipped (--strict: failing)");
    }

    @Test
    void plugins_json_listsPluginsSkippedAndBudgets() throws Exception {
        assertThat(run("plugins", "--json", "--plugins-dir", plugins.toString())).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("budgets").get("lightShareOfSlot").asDouble()).isEqualTo(0.5);
        assertThat(j.get("budgets").get("coreMs").asLong()).isEqualTo(10_000);
        assertThat(j.get("folder").get("origin").asText()).isEqualTo("--plugins-dir");
        assertThat(j.get("plugins").findValuesAsText("name")).contains("mine", "two-tier");
        assertThat(j.get("skipped")).hasSize(4);
        assertThat(j.get("skipped").get(1).get("reason").asText()).isEqualTo("missing class com.example.Gone");
    }

    @Test
    void plugins_missingFolderGivenByFlag_failsWithOneLine() {
        Path missing = dir.resolve("nope");
        assertThat(run("plugins", "--plugins-dir", missing.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip()).isEqualTo("edgefm plugins: plugins folder " + missing + " (from --plugins-dir): does not exist");
    }

    @Test
    void simulate_withBrokenJarsInTheFolder_runsTheBuiltInsAndTheGoodJar() {
        assertThat(run("simulate", "--scenario", "example", "--planners", "two-tier,mine", "--seeds", "1", "--slots", "20",
                "--plugins-dir", plugins.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("two-tier").contains("mine");
    }
}
