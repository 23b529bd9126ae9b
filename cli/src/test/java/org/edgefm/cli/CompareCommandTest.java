package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.control.PluginJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class CompareCommandTest extends CliTestBase {
    @Test
    void twoPlanners_sameSeedsAndArrivals_tableAndJsonWithPairedDifferences() throws Exception {
        Path json = dir.resolve("out/compare.json");
        int rc = run("compare", "--planners", "reference,greedy", "--scenario", "../scenarios/jetson-lab.json",
                "--seeds", "3", "--slots", "30", "--threads", "2", "--json", json.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("jetson-lab, load 1: 3 seed(s)").contains("task arrivals identical for every planner")
                .contains("(reference)").contains("Fair by construction").contains("wrote " + json);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("reference").asText()).isEqualTo("reference");
        assertThat(root.get("conditions").get("lightShareOfSlot").asDouble()).isEqualTo(0.5);
        JsonNode c = root.get("cases").get(0);
        assertThat(c.get("sameArrivals").asBoolean()).isTrue();
        assertThat(c.get("seeds")).hasSize(3);
        JsonNode ref = c.get("rows").get(0);
        JsonNode greedy = c.get("rows").get(1);
        assertThat(ref.get("submitted")).isEqualTo(greedy.get("submitted"));
        assertThat(ref.has("deltaOnTime")).isFalse();
        // the paired difference's mean is the difference of the means (same seeds, in order)
        assertThat(greedy.get("deltaOnTime").get("mean").asDouble()).isCloseTo(
                greedy.get("onTime").get("mean").asDouble() - ref.get("onTime").get("mean").asDouble(), within(1e-9));
        assertThat(greedy.get("deltaCost").get("mean").asDouble()).isCloseTo(
                greedy.get("cost").get("mean").asDouble() - ref.get("cost").get("mean").asDouble(), within(1e-6));
        for (JsonNode r : c.get("rows")) {
            assertThat(r.get("failures").asLong()).isZero();
            assertThat(r.get("slots").asLong()).isEqualTo(3 * 30);
            assertThat(r.get("decisionMsMax").asDouble()).isGreaterThanOrEqualTo(r.get("decisionMsMean").asDouble()).isPositive();
            assertThat(r.get("onTime").get("perSeed")).hasSize(3);
        }
    }

    @Test
    void throwingPlugin_isComparedUnderTheSameFallback_andItsFailuresShow() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.plugin(plugins, "throws", "jar-throws", PluginJars.THROW);
        int rc = run("compare", "--planners", "reference,reference-core+jar-throws", "--scenario", "../scenarios/jetson-lab.json",
                "--seeds", "2", "--slots", "20", "--threads", "1", "--plugins-dir", plugins.toString(), "--json");
        assertThat(rc).as(err.toString()).isZero();
        JsonNode c = new ObjectMapper().readTree(out.toString()).get("cases").get(0);
        JsonNode bad = c.get("rows").get(1);
        assertThat(bad.get("planner").asText()).isEqualTo("reference-core+jar-throws");
        assertThat(bad.get("failuresByReason").get("threw").asLong()).isEqualTo(2 * 20);
        assertThat(bad.get("slotsOnFallback").asLong()).isEqualTo(2 * 20);
        assertThat(c.get("rows").get(0).get("slotsOnFallback").asLong()).isZero();
    }

    @Test
    void misuse_isAUsageError() {
        String s = "../scenarios/jetson-lab.json";
        assertThat(run("compare", "--planners", "reference", "--scenario", s)).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("compare", "--planners", "greedy,greedy", "--scenario", s)).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("compare", "--planners", "greedy,reference")).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("compare", "--planners", "greedy,reference", "--suite", "huge")).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("compare", "--planners", "greedy,reference", "--scenario", s, "--seeds", "0")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("two or more different planners").contains("--suite standard")
                .contains("expected: standard").contains("--seeds: 0");
        assertThat(run("compare", "--planners", "greedy,no-such", "--scenario", s)).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("no-such");
    }
}
