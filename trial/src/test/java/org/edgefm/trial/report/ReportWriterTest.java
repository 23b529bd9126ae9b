package org.edgefm.trial.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ReportWriterTest {
    private static final Pattern PNG = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    @Test
    void report_chartsAreDecodablePngsInAWellFormedPage_headless(@TempDir Path dir) throws Exception {
        Map<String, double[]> perPlanner = new LinkedHashMap<>();
        perPlanner.put("two-tier", new double[] {99.1, 99.4, 98.7, 99.9});
        perPlanner.put("greedy <b>", new double[] {60.2, 63.5, 61.0, Double.NaN});
        Map<String, double[][]> sweep = Map.of("two-tier", new double[][] {{0.5, 1, 2}, {99, 98, 97}});
        Path index = new ReportWriter("A & B")
                .paragraph("text with <tags> & \"quotes\"")
                .table("Load 1", List.of("planner", "on-time"), List.of(List.of("two-tier", "99.0%"), List.of("x<y", "1%")))
                .charts("Charts", ReportWriter.boxPlot("box", "on-time %", perPlanner),
                        ReportWriter.lines("lines", "load", "on-time %", sweep),
                        ReportWriter.cdf("cdf", "latency ms", Map.of("two-tier", new double[] {3, 1, 2, Double.NaN})),
                        ReportWriter.bars("bars", "on-time %", Map.of("p", Map.of("vqa", 50.0, "det", 90.0))))
                .section("Extra", "<p>added later</p>")
                .write(dir.resolve("out"));

        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
        String html = Files.readString(index, StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h2>Extra</h2>").doesNotContain("<tags>");

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(index.toFile());
        NodeList imgs = doc.getElementsByTagName("img");
        assertThat(imgs.getLength()).isEqualTo(4);
        assertThat(doc.getElementsByTagName("table").getLength()).isEqualTo(1);
        assertThat(doc.getElementsByTagName("h2").getLength()).isEqualTo(3);

        List<BufferedImage> images = new ArrayList<>();
        Matcher m = PNG.matcher(html);
        while (m.find()) {
            images.add(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
        }
        assertThat(images).hasSize(4).allSatisfy(img -> {
            assertThat(img.getWidth()).isEqualTo(ReportWriter.CHART_WIDTH);
            assertThat(img.getHeight()).isEqualTo(ReportWriter.CHART_HEIGHT);
        });
    }

    @Test
    void table_rowOfWrongWidth_namesTheTable() {
        assertThatThrownBy(() -> new ReportWriter("t").table("Agents", List.of("a", "b"), List.of(List.of("1"))))
                .hasMessageContaining("'Agents'").hasMessageContaining("1 cells");
    }

    @Test
    void violin_widestWhereTheValuesCluster_andAChartForEveryCategory() throws Exception {
        // values crowded near 10 with one at 20: the outline is widest at the low end and narrow at the top
        double[] v = {9.8, 9.9, 10, 10, 10.1, 10.2, 20};
        double[] w = DistributionCharts.violinOutline(v, 50);
        assertThat(java.util.Arrays.stream(w).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
        assertThat(java.util.Arrays.stream(w).max().orElseThrow()).isEqualTo(1.0);
        assertThat(java.util.stream.IntStream.range(0, 50).reduce((a, b) -> w[b] > w[a] ? b : a).orElseThrow()).isLessThan(3);
        assertThat(w[25]).isLessThan(0.05);
        assertThat(w[49]).isGreaterThan(w[40]); // the single high value still shows
        assertThat(DistributionCharts.violinOutline(new double[] {5, 5, 5}, 10)).containsOnly(1.0);
        Map<String, double[]> values = new LinkedHashMap<>();
        values.put("a", v);
        values.put("b", new double[] {1, 2, 3});
        org.jfree.chart.JFreeChart chart = ReportWriter.violin("t", "y", values);
        assertThat(chart.getXYPlot().getDataset(0).getSeriesCount()).isEqualTo(2);
        assertThat(chart.getXYPlot().getDataset(1).getItemCount(0)).isEqualTo(2); // one median per category
        assertThat(ReportWriter.img(chart)).startsWith("<img");
    }

    @Test
    void write_everyChartAlsoAsSvgAndCsv_linkedFromThePage(@TempDir Path dir) throws Exception {
        Map<String, double[]> seeds = new LinkedHashMap<>();
        seeds.put("two-tier", new double[] {199_000, 201_500, 205_500});
        seeds.put("greedy", new double[] {200_000, 204_000});
        org.jfree.chart.JFreeChart violin = ReportWriter.violin("Fig. 3: cost per seed", "total cost (price units)", seeds);
        org.jfree.chart.JFreeChart box = ReportWriter.boxPlot("Cost per seed", "total cost (price units)", seeds);
        Path index = new ReportWriter("figures").charts(null, violin, box).write(dir);
        // the axes say they do not start at zero (3 % differences must not look huge unannounced)
        assertThat(violin.getXYPlot().getRangeAxis().getLabel()).isEqualTo("total cost (price units) (axis does not start at 0)");
        assertThat(box.getCategoryPlot().getRangeAxis().getLabel()).endsWith("(axis does not start at 0)");
        String html = Files.readString(index);
        assertThat(html).contains("href=\"figures/01-fig-3-cost-per-seed.svg\"").contains("href=\"figures/02-cost-per-seed.csv\"");
        Path fig = dir.resolve("figures");
        for (String name : List.of("01-fig-3-cost-per-seed", "02-cost-per-seed")) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // no network
            Document svg = f.newDocumentBuilder().parse(fig.resolve(name + ".svg").toFile());
            assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
            assertThat(Files.readString(fig.resolve(name + ".svg"))).contains("ost per seed</text>");
            // every seed is in the data file, one row per run
            List<String> csv = Files.readAllLines(fig.resolve(name + ".csv"));
            assertThat(csv.get(0)).isEqualTo("category,run,total cost (price units)");
            assertThat(csv).contains("two-tier,1,199000", "two-tier,3,205500", "greedy,2,204000").hasSize(6);
        }
        // a value range near zero starts at zero, and says nothing
        org.jfree.chart.JFreeChart near = ReportWriter.boxPlot("share", "on-time share", Map.of("a", new double[] {0.2, 0.9}));
        assertThat(near.getCategoryPlot().getRangeAxis().getLabel()).isEqualTo("on-time share");
        assertThat(near.getCategoryPlot().getRangeAxis().getLowerBound()).isEqualTo(0.0);
        // per-seed points are drawn over the boxes: a second dataset holds every run
        assertThat(near.getCategoryPlot().getDataset(1)).isNotNull();
    }


    @Test
    void writeFigures_onlyTheTitledFigures_namedByTitleWithoutNumber(@TempDir Path dir) throws Exception {
        Map<String, double[]> seeds = new LinkedHashMap<>();
        seeds.put("two-tier", new double[] {0.31, 0.33, 0.35});
        seeds.put("prop-avg", new double[] {0.32, 0.34});
        ReportWriter w = new ReportWriter("figures").charts(null, ReportWriter.boxPlot("Cost per seed", "cost", seeds),
                ReportWriter.violin("Fig. 3: on-time completion per seed, load 4", "on-time %", seeds));
        List<Path> written = w.writeFigures(dir.resolve("paper"), "Fig. ");
        Path svg = dir.resolve("paper").resolve("fig-3-on-time-completion-per-seed-load-4.svg");
        assertThat(written).containsExactly(svg);
        assertThat(Files.readString(svg)).contains("load 4</text>");
        assertThat(Files.readAllLines(dir.resolve("paper").resolve("fig-3-on-time-completion-per-seed-load-4.csv")))
                .contains("two-tier,3,0.35", "prop-avg,2,0.34").hasSize(6);
        try (var files = Files.list(dir.resolve("paper"))) {
            assertThat(files).hasSize(2); // the box plot is not a paper figure: not written
        }
        // the same charts written again replace the same files
        assertThat(w.writeFigures(dir.resolve("paper"), "Fig. ")).containsExactly(svg);
        // two paper figures with one title would overwrite each other: refused, naming the file
        ReportWriter twice = new ReportWriter("twice").charts(null, ReportWriter.violin("Fig. 3: x", "v", seeds),
                ReportWriter.violin("Fig. 3: x", "v", seeds));
        assertThatThrownBy(() -> twice.writeFigures(dir.resolve("twice"), "Fig. ")).hasMessageContaining("fig-3-x.svg");
    }
    @Test
    void latencyCdf_readsPlainMilliseconds_andMarksEachDeadline() throws Exception {
        double[] lat = new double[200];
        for (int i = 0; i < lat.length; i++) {
            lat[i] = 5 * Math.pow(1000, i / 199.0); // 5 ms to 5 s: a logarithmic axis
        }
        Map<String, Double> deadlines = new LinkedHashMap<>();
        deadlines.put("vqa", 300.0);
        deadlines.put("det", 8_000.0);
        org.jfree.chart.JFreeChart c = ReportWriter.cdf("latency", "latency ms", Map.of("p", lat), deadlines);
        String svg = ReportWriter.svg(c);
        // ticks one per decade, as plain numbers (JFreeSVG draws a log axis's tick labels as outlines)
        org.jfree.chart.axis.LogAxis x = (org.jfree.chart.axis.LogAxis) c.getXYPlot().getDomainAxis();
        assertThat(x.getTickUnit().getSize()).isEqualTo(1.0);
        assertThat(x.getNumberFormatOverride().format(1000)).isEqualTo("1,000");
        assertThat(x.getLabel()).isEqualTo("latency ms (log scale)");
        assertThat(svg).contains("deadline vqa 300").contains("deadline det 8,000");
        assertThat(c.getXYPlot().getDomainAxis().getUpperBound()).isGreaterThan(8_000); // the later deadline is on the chart
        assertThat(ReportWriter.csv(c)).contains("deadline vqa,300,").startsWith("series,latency ms,share of tasks\r\n");
    }

    @Test
    void bars_carryTheirValuesAndIntervals_fromZero() throws Exception {
        org.jfree.chart.JFreeChart c = ReportWriter.bars("on time", "on-time %", Map.of("p", Map.of("vqa", 49.0)),
                Map.of("p", Map.of("vqa", new double[] {45.5, 52.5})));
        String svg = ReportWriter.svg(c);
        assertThat(svg).contains(">49.0<");
        assertThat(c.getCategoryPlot().getRangeAxis().getLowerBound()).isEqualTo(0.0);
        assertThat(c.getCategoryPlot().getRangeAxis().getUpperBound()).isGreaterThan(52.5);
        assertThat(ReportWriter.csv(c)).contains("p,vqa,49,45.5,52.5");
    }
}
