package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
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
                "--report", report.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("jetson-lab, load 1 (2 seeds)").contains("jetson-lab, load 2 (2 seeds)")
                .contains("reference").contains("greedy");
        assertThat(err.toString()).contains("4/8 trials").contains("8/8 trials");

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("scenario").asText()).isEqualTo("jetson-lab");
        assertThat(root.get("results")).hasSize(4);
        JsonNode r = root.get("results").get(0);
        assertThat(r.fieldNames()).toIterable().containsExactly("planner", "load", "seeds", "onTimeRate", "cost", "latencyMs", "delayMs");
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
        assertThat(err.toString()).contains("unknown key 'ec-lyapunov.nope'").contains("two-tier, greedy");
        assertThat(err.toString().strip().lines().filter(l -> l.contains("ec-lyapunov.nope")).count()).isEqualTo(1);

        err.getBuffer().setLength(0);
        rc = run("simulate", "--scenario", "../scenarios/jetson-lab.json", "--planners", "two-tier", "--seeds", "1",
                "--slots", "2", "--set", "ec-lyapunov.epsilon=2");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("ec-lyapunov.epsilon: 2.0 (expected: in (0, 1))");
    }
}
