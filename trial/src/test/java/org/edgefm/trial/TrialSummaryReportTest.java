package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TrialSummaryReportTest {
    @Test
    void report_sameFormatAsSimulate_onTimePerTypeAndLatencyChartsAndAddableSections(@TempDir Path dir) throws Exception {
        Map<String, long[]> perType = new LinkedHashMap<>();
        perType.put("vqa", new long[] {10, 9, 8, 1});
        perType.put("detect", new long[] {20, 20, 20, 0});
        TrialSummary s = new TrialSummary("lab", "a <lab>", "two-tier", "embedded", 20.0, 30, 0, 29, 28, 1, 0,
                new double[] {5, 7, 9, 12, 40}, 120.5, 4, 4, 0, perType,
                Map.of("n1", new TrialSummary.Agent("nvidia-l4", 19.5, 1)), "none", 0, java.util.List.of());

        Path index = s.report().table("Links", java.util.List.of("from", "to", "ms"),
                java.util.List.of(java.util.List.of("n1", "n2", "0.4"))).write(dir);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(index.toFile());
        NodeList imgs = doc.getElementsByTagName("img");
        assertThat(imgs.getLength()).isEqualTo(2);
        assertThat(((Element) imgs.item(0)).getAttribute("alt")).isEqualTo("On-time completion per task type (95% Wilson interval)");
        assertThat(((Element) imgs.item(1)).getAttribute("alt")).contains("End-to-end latency (5 completed tasks)");
        NodeList h2 = doc.getElementsByTagName("h2");
        assertThat(h2.item(h2.getLength() - 1).getTextContent()).isEqualTo("Links");
        assertThat(doc.getElementsByTagName("h1").item(0).getTextContent()).isEqualTo("EdgeFM trial: lab");
        assertThat(doc.getDocumentElement().getTextContent()).contains("a <lab>").contains("93.3%");
        assertThat(s.writeReport(dir.resolve("r"))).exists();
        // each chart also as SVG and CSV beside the page
        assertThat(dir.resolve("r").resolve("figures").resolve("01-on-time-completion-per-task-type-95-wilson-interval.svg")).exists();
        assertThat(java.nio.file.Files.readString(dir.resolve("r").resolve("figures")
                .resolve("01-on-time-completion-per-task-type-95-wilson-interval.csv"))).startsWith("series,category,");
    }
}
