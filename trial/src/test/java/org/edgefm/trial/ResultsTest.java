package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    private static Results.Result simulated() {
        return new Results.Result("two-tier", 0.5, 2, new Results.Interval(0.9, 0.05), Results.Cost.of(new double[] {120, 4}),
                new Results.LatencyMs(80, 300, Double.NaN),
                new Results.Outcomes(100, 90, 5, null, null, 1L, 2L, 0L, 0L, 0L, 2L),
                List.of(new Results.SeedRun(1, 0.88, 118), new Results.SeedRun(2, 0.92, 122)),
                new Results.Interval(95, 7), null, null);
    }

    @Test
    void document_roundTripsThroughJackson_withItsSections(@TempDir Path dir) throws Exception {
        ObjectNode sections = Results.MAPPER.createObjectNode();
        sections.put("firstSeed", 1);
        sections.putArray("bounds").addObject().put("name", "lp");
        Results doc = Results.of("simulate", "paper-table1", List.of(simulated()), sections);
        Path f = dir.resolve("r.json");
        doc.write(f);
        String text = Files.readString(f);
        assertThat(text).contains("\"schema\" : \"edgefm-results/1\"", "\"p99\" : \"NaN\"", "\"firstSeed\" : 1")
                .doesNotContain("\"sections\"", "\"genai\"", "\"failed\"");
        Results back = Results.read(f);
        assertThat(back.results()).hasSize(1);
        Results.Result r = back.results().get(0);
        assertThat(r.planner()).isEqualTo("two-tier");
        assertThat(r.cost()).isEqualTo(new Results.Cost(120, 4, null, null, null, null));
        assertThat(r.latencyMs().p99()).isNaN();
        assertThat(r.outcomes()).isEqualTo(simulated().outcomes());
        assertThat(r.perSeed()).isEqualTo(simulated().perSeed());
        assertThat(back.sections().path("bounds").get(0).path("name").asText()).isEqualTo("lp");
        assertThat(back.toJson()).isEqualTo(doc.toJson());
    }

    @Test
    void read_otherSchemaOrNotJson_failsNamingTheFile(@TempDir Path dir) throws Exception {
        Path old = dir.resolve("old.json");
        Files.writeString(old, "{\"scenario\": \"x\", \"results\": []}");
        assertThatThrownBy(() -> Results.read(old)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(old + ": schema missing (expected: 'edgefm-results/1')");
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "{not json");
        assertThatThrownBy(() -> Results.read(junk)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(junk + ": not a JSON document");
    }

    @Test
    void sections_mayNotShadowTheHeader() {
        ObjectNode sections = Results.MAPPER.createObjectNode().put("mode", "x");
        assertThatThrownBy(() -> Results.of("trial", "s", List.of(), sections))
                .hasMessage("sections: 'mode' is a field of the header");
    }
}
