package org.edgefm.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ServiceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioLoaderTest {
    @TempDir
    Path dir;

    static String example() {
        try (InputStream in = ScenarioLoaderTest.class.getClassLoader().getResourceAsStream("scenarios/example.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void resolve_shippedExampleByName_loadsEverySection() {
        Scenario s = ScenarioLoader.resolve("example");
        assertThat(s.name()).isEqualTo("example");
        assertThat(s.topology().nodes()).hasSize(4);
        assertThat(s.topology().node("edge-l4").orElseThrow().kind()).isEqualTo(NodeKind.EDGE_SERVER);
        assertThat(s.topology().node("agx-orin").orElseThrow().capacity().get(Resource.VRAM)).isEqualTo(32);
        assertThat(s.topology().node("agx-orin").orElseThrow().capacity().get(Resource.STORAGE)).isZero();
        assertThat(s.model().services(ServiceKind.CORE)).extracting(x -> x.id()).containsExactly("clip-vit-l14", "llm-7b-int4");
        assertThat(s.model().service("projector").rate()).isEqualTo(new RateModel.Gamma(2.0, 0.3));
        assertThat(s.model().taskType("vqa").leaves()).extracting(x -> x.id()).containsExactly("pre", "tok");
        assertThat(s.model().taskType("vqa").parents("llm")).extracting(x -> x.id()).containsExactly("proj", "tok");
        assertThat(s.run().slotMs()).isEqualTo(100.0);
        assertThat(s.failures()).hasSize(1);
    }

    @Test
    void load_file_roundTripsThroughToJson() throws IOException {
        Path f = dir.resolve("copy.json");
        Files.writeString(f, example());
        Scenario s = ScenarioLoader.load(f);
        Scenario again = ScenarioLoader.parse(ScenarioLoader.toJson(s), "again.json");
        assertThat(again).isEqualTo(s);
    }

    @Test
    void parse_runSectionAbsent_usesDefaults() {
        String json = example().replaceAll("\"run\": \\{[^}]*},", "");
        Scenario s = ScenarioLoader.parse(json, "x.json");
        assertThat(s.run()).isEqualTo(new RunSettings(100.0, 1000, 0.0, 1L));
    }

    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                Arguments.of("\"rate\": {\"type\": \"gamma\", \"shape\": 2.0, \"scale\": 0.3}",
                        "\"rate\": {\"type\": \"gamma\", \"shape\": -2.0, \"scale\": 0.3}",
                        "services[2].rate.shape: -2.0 (expected: > 0)"),
                Arguments.of("{\"id\": \"proj\",  \"service\": \"projector\"",
                        "{\"id\": \"proj\",  \"service\": \"projectr\"",
                        "taskTypes[0].stages[2].service: 'projectr' is not a service in 'services'"),
                Arguments.of("\"deadlineMs\": 250", "\"deadlineMs\": \"soon\"",
                        "taskTypes[0].deadlineMs: wrong type: string \"soon\" (expected: a number)"),
                Arguments.of("\"kind\": \"edge-server\"", "\"kind\": \"server\"",
                        "topology.nodes[3].kind: 'server' (expected: one of: device, edge-server, cloud)"),
                Arguments.of("\"profile\": \"nvidia-l4\"", "\"profil\": \"nvidia-l4\"",
                        "topology.nodes[3].profil: unknown property (expected one of: capacity, id, kind, profile, speedFactor)"),
                Arguments.of("\"workloadMb\": 0.68, \"outputMb\": 1.18", "\"workloadMb\": 0.68, \"outptMb\": 1.18",
                        "services[1].outputMb: missing or null (expected: a number)"),
                Arguments.of("{\"id\": \"detok\", \"service\": \"detokenizer\"}",
                        "{\"id\": \"detok\", \"service\": \"detokenizer\", \"next\": \"pre\"}",
                        "taskTypes[0].stages: 0 stages without 'next' (expected: exactly one sink)"),
                Arguments.of("{\"node\": \"orin-nx\", \"atMs\"", "{\"node\": \"orin-nz\", \"atMs\"",
                        "failures[0].node: 'orin-nz' is not a node in 'topology.nodes'"),
                Arguments.of("\"node\": \"orin-nano\", \"uplink", "\"node\": \"orin/nano\", \"uplink",
                        "users[0].node: 'orin/nano' contains an MQTT separator or wildcard"),
                Arguments.of("{\"a\": \"orin-nx\",   \"b\": \"edge-l4\"", "{\"a\": \"orin-nx\",   \"b\": \"edge-l5\"",
                        "topology.links[1].b: 'edge-l5' is not a node in 'nodes'"),
                Arguments.of("\"rate\": {\"type\": \"deterministic\", \"rate\": 0.034}",
                        "\"rate\": {\"type\": \"gamma\", \"shape\": 1, \"scale\": 0.034}",
                        "services[1].rate: a core service needs a deterministic rate"),
                Arguments.of("{\"type\": \"poisson\", \"ratePerMs\": 0.004}", "{\"type\": \"poison\", \"ratePerMs\": 0.004}",
                        "workload[0].arrivals.type: unknown type 'poison' (expected one of: "),
                Arguments.of("{\"type\": \"poisson\", \"ratePerMs\": 0.004}",
                        "{\"type\": \"poisson\", \"ratePerMs\": 0.004, \"schedule\": {\"steps\": [{\"fromMs\": 5, \"factor\": 1}]}}",
                        "workload[0].arrivals.schedule.steps: the first step starts at 5.0 ms (expected: 0)"),
                Arguments.of("{\"type\": \"poisson\", \"ratePerMs\": 0.004}",
                        "{\"type\": \"poisson\", \"ratePerMs\": 0.004, \"schedule\": {\"repeatMs\": 100, "
                                + "\"steps\": [{\"fromMs\": 0, \"factor\": 1}, {\"fromMs\": 100, \"factor\": 2}]}}",
                        "workload[0].arrivals.schedule.repeatMs: 100.0 (expected: > the last step's fromMs 100.0)"),
                Arguments.of("{\"type\": \"poisson\", \"ratePerMs\": 0.004}",
                        "{\"type\": \"poisson\", \"ratePerMs\": 0.004, \"schedule\": {\"steps\": [{\"fromMs\": 0, \"factor\": -1}]}}",
                        "workload[0].arrivals.schedule.steps[0].factor: -1.0 (expected: >= 0)"),
                Arguments.of("\"schema\": 1,", "\"schema\": 2,", "schema: 2 (expected: 1)"),
                Arguments.of("\"name\": \"example\",", "", "name: missing"),
                Arguments.of("\"capacity\": {\"cpu\": 6,", "\"capacity\": {\"cpu\": -6,", "topology.nodes[0].capacity.cpu: -6.0 (expected: >= 0)"),
                Arguments.of("{\"id\": \"cam-2\", \"node\": \"orin-nx\"", "{\"id\": \"cam-1\", \"node\": \"orin-nx\"",
                        "users[1].id: 'cam-1' is declared twice"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("brokenCopies")
    void parse_brokenCopy_namesFileFieldAndExpectation(String original, String broken, String expected) {
        String json = example();
        assertThat(json).contains(original);
        String bad = json.replace(original, broken);
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "broken.json"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("broken.json: " + expected);
    }

    @Test
    void parse_malformedJson_reportsLineAndColumn() {
        String bad = "{\n  \"schema\": 1,\n  \"name\" \"x\"\n}";
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "m.json"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("m.json: line 3, column 10: malformed JSON");
    }

    @Test
    void load_missingFile_saysSo() {
        Path f = dir.resolve("nope.json");
        assertThatThrownBy(() -> ScenarioLoader.load(f)).hasMessage(f + ": (file): no such file");
        assertThatThrownBy(() -> ScenarioLoader.resolve("no-such-scenario"))
                .hasMessage("no-such-scenario: (file): no such file, and no built-in scenario of that name");
    }

    @Test
    void parse_plannerSettingThatIsAnObject_isRefused() {
        String bad = example().replace("\"planner\": {}", "\"planner\": {\"two-tier.xi\": {\"x\": 1}}");
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "p.json"))
                .hasMessage("p.json: planner.two-tier.xi: an object (expected: a number, true/false or a string)");
    }

    @Test
    void parse_trialImpairment_keptAndRoundTripped() {
        Scenario s = ScenarioLoader.resolve("trial-lab-slow-link");
        assertThat(s.trial().impair()).isEqualTo("orin-nx:delay=500ms");
        assertThat(s.trial().impairedNode()).isEqualTo("orin-nx");
        assertThat(ScenarioLoader.parse(ScenarioLoader.toJson(s), "again.json")).isEqualTo(s);
        Scenario plain = ScenarioLoader.resolve("example");
        assertThat(plain.trial()).isEqualTo(TrialSettings.NONE);
        assertThat(ScenarioLoader.toJson(plain)).doesNotContain("impair\"");
        assertThat(new TrialSettings("delay=40ms").impairedNode()).isNull();
        assertThat(new TrialSettings("  ").impair()).isNull();
    }

    @Test
    void parse_trialImpairmentOfAnUnpinnedNode_isRefused() {
        String bad = example().replace("\"planner\": {}", "\"planner\": {}, \"trial\": {\"impair\": \"ghost:delay=5ms\"}");
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, "t.json"))
                .hasMessage("t.json: trial.impair: 'ghost' is not a node in 'topology.nodes' (expected: NODE:PROFILE with a"
                        + " pinned node, as orin-nx:delay=500ms)");
    }

    @Test
    void withLoad_scalesEveryArrivalRate() {
        Scenario s = ScenarioLoader.resolve("example");
        double base = s.model().workload().stream().mapToDouble(d -> d.arrivals().meanRatePerMs()).sum();
        double doubled = s.model().withLoad(2).workload().stream().mapToDouble(d -> d.arrivals().meanRatePerMs()).sum();
        assertThat(doubled).isCloseTo(2 * base, org.assertj.core.data.Offset.offset(1e-12));
    }
}
