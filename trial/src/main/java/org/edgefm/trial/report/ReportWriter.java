package org.edgefm.trial.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.edgefm.api.EdgeFmException;
import org.jfree.chart.JFreeChart;

/**
 * The HTML report of {@code edgefm simulate --report} and {@code edgefm trial --report}: one
 * self-contained {@code index.html} (no external files) made of titled sections, in order. A
 * section is HTML text, a table, or a chart; charts are drawn with JFreeChart in headless mode
 * ({@code java.awt.headless=true}, set when this class loads unless the JVM already fixed it) and
 * inlined as base64 PNG images, so the report opens anywhere and needs no display to be written.
 * The page is also well-formed XML (void elements self-closed), so tools can parse it.
 *
 * <p>{@link #write} also writes every chart as a vector image ({@code figures/NN-title.svg}, drawn
 * by JFreeSVG) and its data as CSV ({@code figures/NN-title.csv}: the per-run or per-task values the
 * chart was built from, with intervals where it draws them); the page links both under each chart.
 * Charts follow a few rules: value axes start at zero unless the data would be flattened, and then
 * say so in their label; latency axes are in plain milliseconds; bars carry their values (and
 * intervals where given); violins and boxes show every run as a point.
 *
 * <p>Writers of a report add sections in reading order; a later feature adds its own section to
 * the same writer (for instance a trial's measured link matrix as a {@link #table table}).
 * Not thread-safe.
 *
 * <p>This class is the page (sections, tables, chart sections, {@code index.html} and {@code figures/});
 * the charts are drawn by one class per family ({@link DistributionCharts}, {@link LineCharts},
 * {@link CdfCharts}, {@link BarCharts}, styled by {@link ChartStyle}) and rendered to PNG, SVG and CSV by
 * {@link ChartFiles}; the static builders here are their public entry points.
 */
public final class ReportWriter {
    /** Pixel size of every chart image. */
    public static final int CHART_WIDTH = 640;
    /** Pixel height of every chart image. */
    public static final int CHART_HEIGHT = 400;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * One titled part of the report.
     *
     * @param title the heading ({@code h2}), or null for none
     * @param html  the body, already HTML
     */
    public record Section(String title, String html) {
        /** Checks the body. */
        public Section {
            Objects.requireNonNull(html, "html is null");
        }
    }

    private final String title;
    private final List<Section> sections = new ArrayList<>();
    private final List<Figure> figures = new ArrayList<>();

    /** A chart of the report and the base name of its files under {@code figures/}. */
    private record Figure(String name, JFreeChart chart) {
    }

    /**
     * A report with a page title (also the {@code h1} heading).
     *
     * @param title the title, plain text
     */
    public ReportWriter(String title) {
        this.title = Objects.requireNonNull(title, "title is null");
    }

    /** The sections added so far, in order (unmodifiable). */
    public List<Section> sections() {
        return List.copyOf(sections);
    }

    /** Adds a section of HTML. */
    public ReportWriter section(String heading, String html) {
        sections.add(new Section(heading, html));
        return this;
    }

    /** Adds a paragraph of plain text (escaped). */
    public ReportWriter paragraph(String text) {
        return section(null, "<p>" + esc(text) + "</p>");
    }

    /**
     * Adds a table of plain-text cells (escaped); the first column is left-aligned, the others
     * right-aligned.
     *
     * @param heading the section heading, or null
     * @param header  the column names
     * @param rows    the rows, each as long as {@code header}
     */
    public ReportWriter table(String heading, List<String> header, List<List<String>> rows) {
        StringBuilder h = new StringBuilder("<table><tr>");
        for (String c : header) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr>");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table '" + heading + "': a row has " + row.size() + " cells, the header "
                        + header.size());
            }
            h.append("<tr>");
            for (String c : row) {
                h.append("<td>").append(esc(c)).append("</td>");
            }
            h.append("</tr>");
        }
        return section(heading, h.append("</table>").toString());
    }

    /** Adds preformatted text (escaped), such as a JSON document. */
    public ReportWriter preformatted(String heading, String text) {
        return section(heading, "<pre>" + esc(text) + "</pre>");
    }

    /**
     * Adds charts side by side as inline PNG images under one heading.
     *
     * @param heading the section heading, or null
     * @param charts  the charts, each drawn at {@link #CHART_WIDTH} × {@link #CHART_HEIGHT}
     */
    public ReportWriter charts(String heading, JFreeChart... charts) {
        StringBuilder h = new StringBuilder("<div class=\"charts\">");
        for (JFreeChart c : charts) {
            String name = String.format(Locale.ROOT, "%02d-%s", figures.size() + 1, ChartFiles.slug(c));
            figures.add(new Figure(name, c));
            h.append("<figure>").append(ChartFiles.img(c)).append("<figcaption><a href=\"figures/").append(name)
                    .append(".svg\">SVG</a> | <a href=\"figures/").append(name).append(".csv\">data (CSV)</a></figcaption></figure>");
        }
        return section(heading, h.append("</div>").toString());
    }

    /** The whole page. */
    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>").append(esc(title))
                .append("</title><style>body{font-family:sans-serif;max-width:1320px;margin:2em auto}"
                        + "table{border-collapse:collapse;margin:0.5em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;"
                        + "text-align:right}th:first-child,td:first-child{text-align:left}"
                        + ".charts{display:flex;flex-wrap:wrap}.charts figure{margin:8px 16px 8px 0}"
                        + "figcaption{font-size:small}pre{background:#f6f6f6;padding:8px;overflow:auto}"
                        + "</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        for (Section s : sections) {
            if (s.title() != null) {
                h.append("<h2>").append(esc(s.title())).append("</h2>\n");
            }
            h.append(s.html()).append('\n');
        }
        return h.append("</body></html>\n").toString();
    }

    /**
     * Writes {@code index.html} under {@code dir} (created when missing), and each chart as
     * {@code figures/NN-title.svg} and {@code figures/NN-title.csv}; returns the page's path.
     */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path index = dir.resolve("index.html");
        Files.writeString(index, html(), StandardCharsets.UTF_8);
        if (!figures.isEmpty()) {
            Path fig = Files.createDirectories(dir.resolve("figures"));
            for (Figure f : figures) {
                Files.writeString(fig.resolve(f.name() + ".svg"), ChartFiles.svg(f.chart()), StandardCharsets.UTF_8);
                Files.writeString(fig.resolve(f.name() + ".csv"), ChartFiles.csv(f.chart()), StandardCharsets.UTF_8);
            }
        }
        return index;
    }

    /**
     * Writes the charts whose title starts with {@code titlePrefix} as {@code slug.svg} and
     * {@code slug.csv} under {@code dir} (created when missing), named by the title alone (no running
     * number), so that the same command run again replaces the same files; returns the SVG files.
     *
     * @throws IllegalStateException when two such charts have the same name
     */
    public List<Path> writeFigures(Path dir, String titlePrefix) throws IOException {
        Objects.requireNonNull(titlePrefix, "titlePrefix is null");
        List<JFreeChart> charts = new ArrayList<>();
        for (Figure f : figures) {
            String t = f.chart().getTitle() == null ? "" : f.chart().getTitle().getText();
            if (t.startsWith(titlePrefix)) {
                charts.add(f.chart());
            }
        }
        return writeFigures(dir, charts);
    }

    /**
     * Writes each chart as {@code slug.svg} and {@code slug.csv} under {@code dir} (created when
     * missing), named by its title alone, as {@link #writeFigures(Path, String)} does, for charts
     * built without a page; returns the SVG files.
     *
     * @throws IllegalStateException when two charts have the same name
     */
    public static List<Path> writeFigures(Path dir, List<JFreeChart> charts) throws IOException {
        Objects.requireNonNull(charts, "charts is null");
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (JFreeChart c : charts) {
            String slug = ChartFiles.slug(c);
            Path svg = dir.resolve(slug + ".svg");
            if (out.contains(svg)) {
                String t = c.getTitle() == null ? "" : c.getTitle().getText();
                throw new IllegalStateException("two figures are named " + svg.getFileName() + " ('" + t + "')");
            }
            Files.writeString(svg, ChartFiles.svg(c), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(slug + ".csv"), ChartFiles.csv(c), StandardCharsets.UTF_8);
            out.add(svg);
        }
        return out;
    }

    /** The chart as an SVG document ({@link #CHART_WIDTH} × {@link #CHART_HEIGHT}, text as text). */
    public static String svg(JFreeChart chart) {
        return ChartFiles.svg(chart);
    }

    /** The chart's data as CSV (what {@link #write} puts next to its SVG). */
    public static String csv(JFreeChart chart) {
        return ChartFiles.csv(chart);
    }

    /**
     * Draws one small chart and throws it away, so that Java2D's fonts and image pipeline are
     * loaded now. Call it at start when a report may be written while the JVM shuts down (Ctrl-C):
     * loading them then registers shutdown hooks, which a JVM that is already shutting down refuses.
     *
     * @throws EdgeFmException when charts cannot be drawn here (see {@link #img})
     */
    public static void prepare() {
        img(bars("warm-up", "value", Map.of("a", Map.of("b", 1.0))));
    }

    /**
     * An {@code img} element holding the chart as a base64 PNG.
     *
     * @throws EdgeFmException naming the chart when it cannot be drawn (for instance without fonts)
     */
    public static String img(JFreeChart chart) {
        return ChartFiles.img(chart);
    }

    // ------------------------------------------------------------------ chart builders, by family:
    // DistributionCharts (box, violin), LineCharts (lines, timeline), CdfCharts, BarCharts

    /**
     * Box plots of per-run values: one box (quartiles and median, whiskers to the extremes within
     * 1.5 IQR, outliers as points) per category, every run as a point.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per category (x axis, in map order), the values of its runs
     */
    public static JFreeChart boxPlot(String title, String yLabel, Map<String, double[]> values) {
        return DistributionCharts.boxPlot(title, yLabel, values);
    }

    /**
     * Violin plots of per-run values (paper 1's Fig. 3): per category, the outline of a Gaussian kernel
     * density estimate of its values, clipped to their range, with the median and every run as points.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per category (x axis, in map order), the values of its runs
     */
    public static JFreeChart violin(String title, String yLabel, Map<String, double[]> values) {
        return DistributionCharts.violin(title, yLabel, values);
    }

    /**
     * Lines with markers, one series per name: y against x.
     *
     * @param title  chart title
     * @param xLabel x axis label
     * @param yLabel y axis label
     * @param series per series name, its points as {x values, y values}
     */
    public static JFreeChart lines(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        return LineCharts.lines(title, xLabel, yLabel, series);
    }

    /**
     * Empirical cumulative distribution functions, one step line per name.
     *
     * @param title   chart title
     * @param xLabel  x axis label (the sampled quantity)
     * @param samples per series name, its samples (any order; NaN ignored); at most 2,000 points
     *                are drawn per series (evenly spaced quantiles). The x axis is logarithmic when
     *                every sample is positive and they span more than two decades
     */
    public static JFreeChart cdf(String title, String xLabel, Map<String, double[]> samples) {
        return CdfCharts.cdf(title, xLabel, samples, Map.of());
    }

    /**
     * Empirical cumulative distribution functions with deadline markers: a dashed vertical line
     * per deadline, labelled with its name and value, and the x axis stretched to show it.
     *
     * @param title     chart title
     * @param xLabel    x axis label (the sampled quantity, with its unit)
     * @param samples   per series name, its samples (any order; NaN ignored)
     * @param deadlines per name (a task type), its deadline in the unit of the x axis
     */
    public static JFreeChart cdf(String title, String xLabel, Map<String, double[]> samples, Map<String, Double> deadlines) {
        return CdfCharts.cdf(title, xLabel, samples, deadlines);
    }

    /**
     * Grouped bars: one group per category, one bar per series.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per series name, per category, the value
     */
    public static JFreeChart bars(String title, String yLabel, Map<String, Map<String, Double>> values) {
        return BarCharts.bars(title, yLabel, values, Map.of());
    }

    /**
     * Grouped bars with their values written above them and confidence intervals as error bars.
     *
     * @param title     chart title
     * @param yLabel    value axis label
     * @param values    per series name, per category, the value
     * @param intervals per series name, per category, the interval {low, high} (missing: none drawn)
     */
    public static JFreeChart bars(String title, String yLabel, Map<String, Map<String, Double>> values,
            Map<String, Map<String, double[]>> intervals) {
        return BarCharts.bars(title, yLabel, values, intervals);
    }

    /**
     * A timeline: two quantities over time, the first on the left axis and the second on the right,
     * with dashed vertical lines at chosen times and an optional shaded band.
     *
     * @param title      chart title
     * @param xLabel     time axis label
     * @param x          the times of the points
     * @param leftLabel  name and axis label of the first quantity
     * @param left       its values (NaN: no point)
     * @param rightLabel name and axis label of the second quantity
     * @param right      its values (NaN: no point)
     * @param lines      times of the vertical lines
     * @param band       {from, to} of the shaded band, or null
     */
    public static JFreeChart timeline(String title, String xLabel, double[] x, String leftLabel, double[] left,
            String rightLabel, double[] right, double[] lines, double[] band) {
        return LineCharts.timeline(title, xLabel, x, leftLabel, left, rightLabel, right, lines, band);
    }

    /** Formats a number with {@link Locale#ROOT}. */
    public static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Escapes text for HTML element content and attribute values; null gives the empty string. */
    public static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
