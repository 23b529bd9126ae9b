package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.Workload;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SimulateCommandTest extends CliTestBase {
    @Test
    void simulate_twoLoads_writesTableJsonInIssueFormatAndHtmlReport() throws Exception {
        Path json = dir.resolve("r.json");
        Path report = dir.resolve("report");
        int rc = run("simulate", "--scenario", "../scenarios/jetson-lab.json", "--planners", "reference,greedy",
                "--seeds", "2", "--slots", "30", "--load", "1,2", "--threads", "1", "--json", json.toString(),
                "--report", report.toString(), "--figures", dir.resolve("paper").toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("jetson-lab, load 1 (2 seeds)").contains("jetson-lab, load 2 (2 seeds)")
                .contains("reference").contains("greedy")
                .containsPattern("\\(reference − greedy\\) +[+-][0-9.]+ ± +[0-9.]+ points, paired by seed \\(2 seeds\\)");
        // --figures: paper 1's Fig. 3 per load (on-time, cost) and Fig. 4, each as SVG and CSV, named by title
        try (var paper = Files.list(dir.resolve("paper"))) {
            assertThat(paper.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(
                    "fig-3-on-time-completion-per-seed-load-1.svg", "fig-3-on-time-completion-per-seed-load-1.csv",
                    "fig-3-total-cost-per-seed-load-1.svg", "fig-3-total-cost-per-seed-load-1.csv",
                    "fig-3-on-time-completion-per-seed-load-2.svg", "fig-3-on-time-completion-per-seed-load-2.csv",
                    "fig-3-total-cost-per-seed-load-2.svg", "fig-3-total-cost-per-seed-load-2.csv",
                    "fig-4-mean-on-time-completion-against-load.svg", "fig-4-mean-on-time-completion-against-load.csv");
        }
        // built without the page, each figure is the page's chart of that title (figures/NN-slug), byte for byte
        // but for JFreeSVG's clip-path id prefix, which it draws from the clock for every document
        try (var paper = Files.list(dir.resolve("paper")); var page = Files.list(report.resolve("figures"))) {
            List<Path> pageFiles = page.toList();
            for (Path f : paper.toList()) {
                String name = f.getFileName().toString();
                List<Path> same = pageFiles.stream().filter(p -> p.getFileName().toString().matches("[0-9]{2}-" + Pattern.quote(name)))
                        .toList();
                assertThat(same).as(name).hasSize(1);
                assertThat(clipIdsOff(Files.readString(f))).as(name).isEqualTo(clipIdsOff(Files.readString(same.get(0))));
            }
        }
        assertThat(err.toString()).contains("4/8 trials").contains("8/8 trials");

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("scenario").asText()).isEqualTo("jetson-lab");
        assertThat(root.get("results")).hasSize(4);
        JsonNode r = root.get("results").get(0);
        assertThat(r.fieldNames()).toIterable().containsExactly("planner", "perSeed", "load", "seeds", "onTimeRate", "cost", "latencyMs",
                "outcomes", "delayMs");
        assertThat(r.get("perSeed")).hasSize(2);
        assertThat(r.get("perSeed").get(1).get("seed").asLong()).isEqualTo(r.get("perSeed").get(0).get("seed").asLong() + 1);
        // every bound, per load, never the LP above the zero-contention bound
        assertThat(root.get("bounds")).hasSize(4);
        for (int i = 0; i < 4; i += 2) {
            JsonNode zc = root.get("bounds").get(i);
            JsonNode lp = root.get("bounds").get(i + 1);
            assertThat(zc.get("name").asText()).isEqualTo("zero-contention");
            assertThat(lp.get("name").asText()).isEqualTo("lp");
            assertThat(lp.get("load").asDouble()).isEqualTo(zc.get("load").asDouble()).isEqualTo(i == 0 ? 1.0 : 2.0);
            assertThat(lp.get("onTimeRate").asDouble()).isLessThanOrEqualTo(zc.get("onTimeRate").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(r.get("onTimeRate").fieldNames()).toIterable().containsExactly("mean", "ci95");
        assertThat(r.get("onTimeRate").get("mean").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.get("seeds").asInt()).isEqualTo(2);
        assertThat(r.get("latencyMs").get("p95").asDouble()).isGreaterThanOrEqualTo(r.get("latencyMs").get("p50").asDouble());

        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).doesNotContain("<svg").contains("Against load").contains("greedy").contains("Upper bound");
        // Well-formed; per load: on-time and cost box plots and the latency CDF; then two charts against load.
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.resolve("index.html").toFile());
        NodeList imgs = doc.getElementsByTagName("img");
        assertThat(imgs.getLength()).isEqualTo(2 * 3 + 2);
        for (int i = 0; i < imgs.getLength(); i++) {
            assertThat(((Element) imgs.item(i)).getAttribute("src")).startsWith("data:image/png;base64,iVBOR");
        }
        assertThat(((Element) imgs.item(0)).getAttribute("alt")).contains("load 1");
        // the latency CDFs mark each task type's deadline (in the chart and its CSV)
        try (var figures = Files.list(report.resolve("figures"))) {
            assertThat(figures.filter(f -> f.getFileName().toString().endsWith(".csv") && f.toString().contains("latency"))
                    .map(f -> {
                        try {
                            return Files.readString(f);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })).isNotEmpty().allMatch(csv -> csv.contains("\r\ndeadline "));
        }
        assertThat(((Element) imgs.item(3)).getAttribute("alt")).contains("load 2");
        assertThat(out.toString()).contains("upper bound on on-time completion").containsPattern("simulator events \\([0-9.]+ M/s\\)");
        assertThat(err.toString()).doesNotContain("\r"); // not a terminal: plain progress lines
    }

    @Test
    void simulate_unknownPlanner_oneLineErrorNamingIt() {
        int rc = run("simulate", "--scenario", "../scenarios/jetson-lab.json", "--planners", "nope", "--seeds", "1",
                "--slots", "2");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("'nope'");
    }

    @Test
    void simulate_setOverridesAPlannerSettingAndChangesTheResult() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier", "--seeds", "1",
                "--slots", "20", "--threads", "1", "--json", a.toString())).as(err.toString()).isZero();
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier", "--seeds", "1",
                "--slots", "20", "--threads", "1", "--set", "ec-lyapunov.max-instances=1", "--set", "ec-lyapunov.max-parallelism=1",
                "--json", b.toString())).as(err.toString()).isZero();
        double costA = new ObjectMapper().readTree(a.toFile()).get("results").get(0).get("cost").get("mean").asDouble();
        double costB = new ObjectMapper().readTree(b.toFile()).get("results").get(0).get("cost").get("mean").asDouble();
        assertThat(costB).isNotEqualTo(costA);
    }

    @Test
    void simulate_setUnknownKeyOrBadValue_oneLineError() {
        int rc = run("simulate", "--scenario", "../scenarios/jetson-lab.json", "--planners", "two-tier,greedy", "--seeds", "1",
                "--slots", "2", "--set", "ec-lyapunov.nope=3");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("no chosen planner (two-tier, greedy) reads 'ec-lyapunov.nope'")
                .contains("no installed planner reads it");
        assertThat(err.toString().strip().lines().filter(l -> l.contains("ec-lyapunov.nope")).count()).isEqualTo(1);

        err.getBuffer().setLength(0);
        rc = run("simulate", "--scenario", "../scenarios/jetson-lab.json", "--planners", "two-tier", "--seeds", "1",
                "--slots", "2", "--set", "ec-lyapunov.epsilon=2");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("ec-lyapunov.epsilon: 2.0 (expected: in (0, 1))");
    }

    @Test
    void simulate_setAKeyTheChosenPlannersDoNotRead_errorNamingWhoReadsIt() {
        int rc = run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier", "--seeds", "1",
                "--slots", "2", "--set", "light.headroom=3");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("no chosen planner (two-tier) reads 'light.headroom'").contains("read by: prop-avg");

        err.getBuffer().setLength(0);
        rc = run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier,prop-avg", "--seeds", "1",
                "--slots", "2", "--set", "two-tier:light.headroom=3");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("two-tier does not read 'light.headroom'").contains("prop-avg");

        err.getBuffer().setLength(0);
        rc = run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier", "--seeds", "1",
                "--slots", "2", "--set", "greedy:light.headroom=3");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("'greedy' is not one of the chosen planners (two-tier)");
    }

    @Test
    void simulate_setForOnePlanner_changesThatPlannerAlone() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier,prop-avg",
                "--seeds", "1", "--slots", "20", "--threads", "1", "--json", a.toString())).as(err.toString()).isZero();
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier,prop-avg",
                "--seeds", "1", "--slots", "20", "--threads", "1", "--set", "prop-avg:ec-lyapunov.max-parallelism=1",
                "--set", "prop-avg:ec-lyapunov.max-instances=1", "--json", b.toString())).as(err.toString()).isZero();
        JsonNode ra = new ObjectMapper().readTree(a.toFile()).get("results");
        JsonNode rb = new ObjectMapper().readTree(b.toFile()).get("results");
        assertThat(rb.get(0).get("cost").get("mean").asDouble()).isEqualTo(ra.get(0).get("cost").get("mean").asDouble());
        assertThat(rb.get(1).get("cost").get("mean").asDouble()).isNotEqualTo(ra.get(1).get("cost").get("mean").asDouble());
    }

    @Test
    void simulate_simKeysFromTheCommandLine_changeTheFleetAndUnknownOnesAreRefused() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--seeds", "1",
                "--slots", "20", "--threads", "1", "--json", a.toString())).as(err.toString()).isZero();
        // a declared key and a deprecated camel-case spelling (still read); greedy runs y = 1, so only the cost form can
        // change its cost
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--seeds", "1",
                "--slots", "20", "--threads", "1", "--set", "sim.parallelism-cost=x", "--set", "sim.chargeInitialLightDeploy=true",
                "--json", b.toString())).as(err.toString()).isZero();
        double costA = new ObjectMapper().readTree(a.toFile()).get("results").get(0).get("cost").get("mean").asDouble();
        double costB = new ObjectMapper().readTree(b.toFile()).get("results").get(0).get("cost").get("mean").asDouble();
        assertThat(costB).isGreaterThan(costA); // light instantiation in slot 0 is charged

        err.getBuffer().setLength(0);
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--seeds", "1",
                "--slots", "2", "--set", "sim.nope=1")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown simulator key 'sim.nope'").contains("sim.parallelism-exponent");
        err.getBuffer().setLength(0);
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--seeds", "1",
                "--slots", "2", "--set", "sim.parallelism-exponent=3")).isEqualTo(1);
        assertThat(err.toString()).contains("sim.parallelism-exponent: 3.0 (expected: 0 to 1)");
    }

    @Test
    void simulate_seedOffset_runsTheLaterSeeds() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--seeds", "2",
                "--slots", "20", "--threads", "1", "--json", a.toString())).as(err.toString()).isZero();
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--seeds", "1",
                "--seed-offset", "1", "--slots", "20", "--threads", "1", "--json", b.toString())).as(err.toString()).isZero();
        JsonNode second = new ObjectMapper().readTree(a.toFile()).get("results").get(0).get("perSeed").get(1);
        JsonNode offset = new ObjectMapper().readTree(b.toFile()).get("results").get(0).get("perSeed").get(0);
        assertThat(offset.get("seed").asLong()).isEqualTo(second.get("seed").asLong());
        assertThat(offset.get("onTimeRate").asDouble()).isEqualTo(second.get("onTimeRate").asDouble());
        assertThat(offset.get("cost").asDouble()).isEqualTo(second.get("cost").asDouble());
        assertThat(new ObjectMapper().readTree(b.toFile()).get("firstSeed").asLong()).isEqualTo(second.get("seed").asLong());
    }

    @Test
    void simulate_deploymentAt_recordsEachRunsDeploymentAtTheSlotsAsked() throws Exception {
        Path a = dir.resolve("a.json");
        int rc = run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier,greedy", "--seeds", "2",
                "--slots", "20", "--threads", "1", "--deployment-at", "0,12", "--json", a.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("deployments at slots 0, 12 of every run");
        JsonNode deployments = new ObjectMapper().readTree(a.toFile()).get("deployments");
        // two planners x two seeds x two slots, in the order asked for
        assertThat(deployments).hasSize(8);
        assertThat(deployments).extracting(d -> d.get("planner").asText() + "/" + d.get("seed").asLong() + "/" + d.get("slot").asInt())
                .containsExactly("two-tier/1/0", "two-tier/1/12", "two-tier/2/0", "two-tier/2/12", "greedy/1/0", "greedy/1/12",
                        "greedy/2/0", "greedy/2/12");
        for (JsonNode d : deployments) {
            int core = 0;
            int light = 0;
            for (JsonNode n : d.get("nodes")) {
                for (JsonNode sv : n.get("services")) {
                    assertThat(sv.get("parallelism").asInt()).isPositive();
                    if (sv.get("kind").asText().equals("core")) {
                        core += sv.get("instances").asInt();
                    } else {
                        assertThat(sv.get("kind").asText()).isEqualTo("light");
                        light += sv.get("instances").asInt();
                    }
                }
            }
            // the core tier is placed in slot 0 and every run has light instances by slot 12
            assertThat(core).as(d.toString()).isPositive();
            if (d.get("slot").asInt() == 12) {
                assertThat(light).as(d.toString()).isPositive();
            }
        }

        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--slots", "20",
                "--deployment-at", "20", "--json", a.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--deployment-at: slot 20 (expected: 0 to 19");
        assertThat(run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "greedy", "--slots", "20",
                "--deployment-at", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--deployment-at records deployments in the results document: it needs --json FILE");
    }

    @Test
    void simulate_sweep_runsEveryReaderPerValueAndReportsTheFrontier() throws Exception {
        Path a = dir.resolve("a.json");
        int rc = run("simulate", "--scenario", "../scenarios/paper-table1.json", "--planners", "two-tier,prop-avg,greedy",
                "--seeds", "1", "--slots", "20", "--threads", "1", "--sweep", "light.headroom=0.5,2", "--json", a.toString());
        assertThat(rc).as(err.toString()).isZero();
        JsonNode root = new ObjectMapper().readTree(a.toFile());
        assertThat(root.get("results")).extracting(r -> r.get("planner").asText()).containsExactly("two-tier",
                "prop-avg[headroom=0.5]", "prop-avg[headroom=2]", "greedy[headroom=0.5]", "greedy[headroom=2]");
        JsonNode f = root.get("frontier").get(0);
        assertThat(f.get("reference").asText()).isEqualTo("two-tier");
        assertThat(f.get("planners").get("prop-avg").get("points")).hasSize(2);
        // the points are ordered by cost and the cheapest is never dominated
        JsonNode pts = f.get("planners").get("greedy").get("points");
        assertThat(pts.get(0).get("cost").asDouble()).isLessThanOrEqualTo(pts.get(1).get("cost").asDouble());
        assertThat(pts.get(0).get("efficient").asBoolean()).isTrue();
        assertThat(out.toString()).contains("frontier, load 1").contains("matched cost, load 1, against two-tier");
    }

    @Test
    void replayTaskLog_feedsExactlyTheTrialsArrivals_andNeedsACalibration() throws Exception {
        java.util.List<org.edgefm.sim.calibration.Task> log = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            log.add(new org.edgefm.sim.calibration.Task(250 + 900.0 * i, "cam-1", "vqa", "agx-orin"));
        }
        org.edgefm.sim.calibration.Calibration c = new org.edgefm.sim.calibration.Calibration(
                org.edgefm.sim.calibration.Calibration.SCHEMA, "trial-lab", "greedy",
                new org.edgefm.sim.calibration.Workload(7_000, 5_000, java.util.List.of("agx-orin", "orin-nx",
                        "edge-l4"), java.util.Map.of("cam-1", "agx-orin", "cam-2", "orin-nx", "cam-3", "agx-orin")),
                java.util.List.of(), java.util.List.of(), java.util.List.of(),
                new org.edgefm.sim.calibration.Overheads(null, null, null, null), null, log);
        Path file = dir.resolve("calibration.json");
        c.write(file);
        Path json = dir.resolve("r.json");
        int rc = run("simulate", "--scenario", "../scenarios/trial-lab.json", "--planners", "greedy", "--seeds", "1",
                "--threads", "1", "--calibrate-from", file.toString(), "--replay-task-log", "--json", json.toString());
        assertThat(rc).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(json.toFile()).get("results").get(0);
        assertThat(r.get("outcomes").get("submitted").asLong()).isEqualTo(7);

        assertThat(run("simulate", "--scenario", "../scenarios/trial-lab.json", "--replay-task-log")).isEqualTo(2);
        assertThat(err.toString()).contains("--replay-task-log replays a trial's task log: it needs --calibrate-from");
        assertThat(run("simulate", "--scenario", "../scenarios/trial-lab.json", "--calibrate-from", file.toString(),
                "--replay-task-log", "--load", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--load does not apply");
    }

    /** The SVG with JFreeSVG's per-document clip-path id prefix ({@code _<digits>clip-}) taken out. */
    private static String clipIdsOff(String svg) {
        return svg.replaceAll("_[0-9]+clip-", "clip-");
    }
}
