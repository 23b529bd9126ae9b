package org.edgefm.host.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialSummaryTest {
    @TempDir
    Path dir;

    private static TrialSummary summary(List<TrialSummary.Link> links) {
        return new TrialSummary("trial-lab", "d", "two-tier", "embedded", 30, 10, 0, 8, 7, 2, 0,
                new double[] {50, 60, 70}, 12.5, 4, 4, 0, Map.of("vqa", new long[] {10, 8, 7, 2}),
                Map.of("edge-l4", new TrialSummary.Agent("nvidia-l4", 30, 1)), "delay=40ms (in-process shaper)", 3, links);
    }

    @Test
    void links_declaredNextToMeasured_inJsonTableAndReport() throws Exception {
        TrialSummary s = summary(List.of(new TrialSummary.Link("agx-orin", "edge-l4", 1000.0, 1.001, 250.5, 81.2, 14),
                new TrialSummary.Link("edge-l4", "orin-nx", null, null, 300.0, 1.5, 6)));
        JsonNode json = s.toJson();
        assertThat(json.get("impairment").asText()).isEqualTo("delay=40ms (in-process shaper)");
        assertThat(json.get("placementChanges").asLong()).isEqualTo(3);
        JsonNode l0 = json.get("links").get(0);
        assertThat(l0.get("from").asText()).isEqualTo("agx-orin");
        assertThat(l0.get("declaredMbps").asDouble()).isEqualTo(1000.0);
        assertThat(l0.get("measuredRttMs").asDouble()).isEqualTo(81.2);
        assertThat(json.get("links").get(1).get("declaredMbps").isNull()).isTrue();

        StringWriter text = new StringWriter();
        s.print(new PrintWriter(text));
        assertThat(text.toString()).contains("impairment: delay=40ms (in-process shaper)")
                .containsPattern("agx-orin - edge-l4 +1000\\.00 +250\\.50 +1\\.00 +81\\.20 +14")
                .containsPattern("edge-l4 - orin-nx +- +300\\.00 +- +1\\.50 +6");

        String html = Files.readString(s.writeReport(dir));
        assertThat(html).contains("<h2>Network</h2>", "<td>agx-orin - edge-l4</td><td>1000.00</td><td>250.50</td>");
    }

    @Test
    void noLinks_saySo() {
        assertThat(summary(List.of()).linksTableHtml()).contains("No link between the trial's agents");
    }
}
