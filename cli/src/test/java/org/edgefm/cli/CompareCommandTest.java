package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertThat(c.get("pluginFailures").toString()).contains("reference-core+jar-throws: jar-throws (light-controller) failed"
                + " threw 40 of 40 calls").contains("reference-core+jar-throws: 40 of 40 slots were decided by the fallback"
                + " (greedy-light)");
    }

    @Test
    void quickSuite_runsEveryCaseEndToEnd_writesOneReportWithATableAndChartsPerCase() throws Exception {
        Path report = dir.resolve("report");
        int rc = run("compare", "--planners", "reference,greedy", "--suite", "quick", "--slots", "15", "--seeds", "2",
                "--threads", "2", "--out", report.toString(), "--json", dir.resolve("c.json").toString());
        assertThat(rc).as(err.toString()).isZero();
        JsonNode root = new ObjectMapper().readTree(report.resolve("compare.json").toFile());
        assertThat(root).isEqualTo(new ObjectMapper().readTree(dir.resolve("c.json").toFile()));
        List<String> cases = new ArrayList<>();
        root.get("cases").forEach(c -> cases.add(c.get("scenario").asText() + "@" + c.get("load").asDouble()));
        assertThat(cases).containsExactly("paper-table1@1.0", "paper-table1@3.0", "paper-table1-contended@1.0", "jetson-lab@1.0",
                "jetson-lab-node-failure@1.0", "jetson-lab-impaired@1.0", "genai-edge@1.0", "lymdo-video@1.0");
        for (JsonNode c : root.get("cases")) {
            assertThat(c.get("slots").asInt()).isEqualTo(15);
            assertThat(c.get("sameArrivals").asBoolean()).as(c.get("scenario").asText()).isTrue();
            for (JsonNode r : c.get("rows")) {
                if (!r.has("notApplicable")) {
                    assertThat(r.get("onTime").get("perSeed")).hasSize(2);
                    assertThat(r.get("slots").asLong()).isEqualTo(2 * 15);
                }
            }
        }
        JsonNode failure = root.get("cases").get(4);
        int labFailures = root.get("cases").get(3).get("nodeFailures").asInt();
        assertThat(failure.get("nodeFailures").asInt()).isEqualTo(labFailures + 1);
        assertThat(failure.get("linkImpairments").asInt()).isZero();
        JsonNode impaired = root.get("cases").get(5);
        assertThat(impaired.get("nodeFailures").asInt()).isEqualTo(labFailures);
        // every declared link of the fastest edge node (edge-a100 in jetson-lab: 4 boards, the L4, the CPU box, the cloud)
        assertThat(impaired.get("linkImpairments").asInt()).isEqualTo(7);
        // the events change the runs: the same seeds and arrivals as the plain lab, other results
        JsonNode plain = root.get("cases").get(3);
        assertThat(differs(plain, failure)).as("node failure changes a result").isTrue();
        assertThat(differs(plain, impaired)).as("link impairment changes a result").isTrue();

        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).contains("<h2>Overview</h2>").contains("jetson-lab-node-failure: ").contains("jetson-lab-impaired: ")
                .contains("fallback slots / slots").contains("Fair by construction");
        // seven cases (paper-table1's two loads are one case), four charts each, as SVG and CSV
        try (var files = Files.list(report.resolve("figures"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertThat(names.stream().filter(n -> n.endsWith(".svg"))).hasSize(7 * 4);
            assertThat(names.stream().filter(n -> n.endsWith(".csv"))).hasSize(7 * 4);
            assertThat(names).anyMatch(n -> n.contains("jetson-lab-impaired-plugin-failures-and-fallback"))
                    .anyMatch(n -> n.contains("jetson-lab-node-failure-decision-time"));
        }
        assertThat(out.toString()).contains("jetson-lab-node-failure, load 1: 2 seed(s)").contains("wrote " + report.resolve("index.html"));
    }

    /** True when some planner's on-time, cost, p95 latency or lost tasks differ between two cases. */
    private static boolean differs(JsonNode a, JsonNode b) {
        for (int i = 0; i < a.get("rows").size(); i++) {
            JsonNode x = a.get("rows").get(i);
            JsonNode y = b.get("rows").get(i);
            for (String f : List.of("onTime", "cost")) {
                if (!x.get(f).get("perSeed").equals(y.get(f).get("perSeed"))) {
                    return true;
                }
            }
            if (!x.get("p95Ms").equals(y.get("p95Ms")) || !x.get("tasksFailed").equals(y.get("tasksFailed"))) {
                return true;
            }
        }
        return false;
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
                .contains("expected: standard or quick").contains("--seeds: 0");
        assertThat(run("compare", "--planners", "greedy,no-such", "--scenario", s)).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("no-such");
    }
}
