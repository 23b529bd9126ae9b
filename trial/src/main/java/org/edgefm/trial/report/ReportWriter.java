package org.edgefm.trial.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.edgefm.api.EdgeFmException;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

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
            String name = String.format(Locale.ROOT, "%02d-%s", figures.size() + 1, slug(c));
            figures.add(new Figure(name, c));
            h.append("<figure>").append(img(c)).append("<figcaption><a href=\"figures/").append(name)
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
                Files.writeString(fig.resolve(f.name() + ".svg"), svg(f.chart()), StandardCharsets.UTF_8);
                Files.writeString(fig.resolve(f.name() + ".csv"), FigureData.csv(FigureData.of(f.chart())), StandardCharsets.UTF_8);
            }
        }
        return index;
    }

    /** The chart as an SVG document ({@link #CHART_WIDTH} × {@link #CHART_HEIGHT}, text as text). */
    public static String svg(JFreeChart chart) {
        org.jfree.svg.SVGGraphics2D g = new org.jfree.svg.SVGGraphics2D(CHART_WIDTH, CHART_HEIGHT);
        chart.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, CHART_WIDTH, CHART_HEIGHT));
        return g.getSVGDocument();
    }

    /** The chart's data as CSV (what {@link #write} puts next to its SVG). */
    public static String csv(JFreeChart chart) {
        return FigureData.csv(FigureData.of(chart));
    }

    private static String slug(JFreeChart c) {
        String t = c.getTitle() == null ? "chart" : c.getTitle().getText();
        String s = t.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 60) {
            s = s.substring(0, 60).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "chart" : s;
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
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        String alt = chart.getTitle() == null ? "chart" : chart.getTitle().getText();
        try {
            ChartUtils.writeChartAsPNG(png, chart, CHART_WIDTH, CHART_HEIGHT);
        } catch (IOException | RuntimeException | InternalError e) {
            // a JVM without any font fails here (headless still draws text)
            throw new EdgeFmException("drawing chart '" + alt + "' failed: " + e + " (charts need a font: install"
                    + " fontconfig and a font such as Debian's fonts-dejavu-core)", e);
        }
        return "<img alt=\"" + esc(alt) + "\" width=\"" + CHART_WIDTH + "\" height=\"" + CHART_HEIGHT
                + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"/>";
    }

    // ------------------------------------------------------------------ chart builders

    /**
     * Box plots of per-run values: one box (quartiles and median, whiskers to the extremes within
     * 1.5 IQR, outliers as points) per category.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per category (x axis, in map order), the values of its runs
     */
    public static JFreeChart boxPlot(String title, String yLabel, Map<String, double[]> values) {
        DefaultBoxAndWhiskerCategoryDataset ds = new DefaultBoxAndWhiskerCategoryDataset();
        org.jfree.data.statistics.DefaultMultiValueCategoryDataset points = new org.jfree.data.statistics.DefaultMultiValueCategoryDataset();
        List<Double> all = new ArrayList<>();
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            List<Double> list = new ArrayList<>();
            for (double d : e.getValue()) {
                if (!Double.isNaN(d)) {
                    list.add(d);
                }
            }
            all.addAll(list);
            ds.add(list, "runs", e.getKey());
            points.add(list, "run", e.getKey());
        }
        JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(title, null, yLabel, ds, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
        r.setFillBox(false);
        r.setMedianVisible(true);
        r.setSeriesPaint(0, PALETTE[0]);
        r.setSeriesOutlinePaint(0, PALETTE[0]);
        r.setMeanVisible(false);
        r.setMaximumBarWidth(0.12);
        r.setMaxOutlierVisible(false);
        r.setMinOutlierVisible(false);
        // every run as a point over its box (a box of 2 or 3 runs alone hides how few there are)
        org.jfree.chart.renderer.category.ScatterRenderer pr = new org.jfree.chart.renderer.category.ScatterRenderer();
        pr.setSeriesPaint(0, new Color(0, 0, 0, 170));
        pr.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6));
        pr.setUseSeriesOffset(false);
        plot.setDataset(1, points);
        plot.setRenderer(1, pr);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        honestAxis((NumberAxis) plot.getRangeAxis(), yLabel, all.stream().mapToDouble(Double::doubleValue).toArray());
        return FigureData.register(style(chart), perRun(yLabel, values));
    }

    /** The per-run values of a box or violin chart as a table: category, run index, value. */
    private static FigureData.Table perRun(String yLabel, Map<String, double[]> values) {
        List<List<String>> rows = new ArrayList<>();
        values.forEach((k, v) -> {
            for (int i = 0; i < v.length; i++) {
                rows.add(List.of(k, String.valueOf(i + 1), FigureData.num(v[i])));
            }
        });
        return new FigureData.Table(List.of("category", "run", yLabel), rows);
    }

    /**
     * Makes a value axis honest about where it starts: from zero when the data lie within a factor
     * of two of it (or cross it), else from near the data with "(axis does not start at 0)" appended
     * to its label; a margin above and below so that no value sits on the frame; plain numbers as
     * ticks (1,000, not 1E3).
     */
    static void honestAxis(NumberAxis axis, String label, double[] values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
        axis.setUpperMargin(0.1);
        axis.setLowerMargin(0.1);
        if (!(lo <= hi)) {
            axis.setAutoRangeIncludesZero(true);
            return;
        }
        boolean fromZero = lo <= 0 || lo <= 0.5 * hi;
        axis.setAutoRangeIncludesZero(fromZero);
        if (!fromZero && label != null) {
            axis.setLabel(label + " (axis does not start at 0)");
        }
    }

    /**
     * Violin plots of per-run values (paper 1's Fig. 3): per category, the outline of a Gaussian
     * kernel density estimate (Silverman's rule of thumb, 0.9·min(sd, IQR/1.34)·n^−1/5) of its values, clipped to their range and scaled
     * to the same width, with the median as a point.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per category (x axis, in map order), the values of its runs
     */
    public static JFreeChart violin(String title, String yLabel, Map<String, double[]> values) {
        XYSeriesCollection ds = new XYSeriesCollection();
        XYSeriesCollection medians = new XYSeriesCollection();
        XYSeries med = new XYSeries("median", false, true);
        String[] names = values.keySet().toArray(new String[0]);
        int i = 0;
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            double[] v = Arrays.stream(e.getValue()).filter(d -> !Double.isNaN(d)).sorted().toArray();
            XYSeries outline = new XYSeries(e.getKey(), false, true);
            if (v.length > 0) {
                med.add(i, v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
                double[] dens = violinOutline(v, 64);
                double lo = v[0];
                double hi = v[v.length - 1];
                int n = dens.length;
                for (int k = 0; k < n; k++) {
                    outline.add(i - 0.4 * dens[k], lo + (hi - lo) * k / Math.max(1, n - 1));
                }
                for (int k = n - 1; k >= 0; k--) {
                    outline.add(i + 0.4 * dens[k], lo + (hi - lo) * k / Math.max(1, n - 1));
                }
                outline.add(i - 0.4 * dens[0], lo);
            }
            ds.addSeries(outline);
            i++;
        }
        medians.addSeries(med);
        // every run as a point, spread sideways by a fixed pattern (the same figure on every run)
        XYSeries runs = new XYSeries("runs", false, true);
        List<Double> all = new ArrayList<>();
        int c = 0;
        for (double[] v : values.values()) {
            int k = 0;
            for (double d : v) {
                if (!Double.isNaN(d)) {
                    runs.add(c + 0.25 * (((k * 0.6180339887) % 1.0) - 0.5), d);
                    all.add(d);
                    k++;
                }
            }
            c++;
        }
        medians.addSeries(runs);
        org.jfree.chart.axis.SymbolAxis x = new org.jfree.chart.axis.SymbolAxis(null, names);
        x.setGridBandsVisible(false);
        NumberAxis y = new NumberAxis(yLabel);
        honestAxis(y, yLabel, all.stream().mapToDouble(Double::doubleValue).toArray());
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int k = 0; k < ds.getSeriesCount(); k++) {
            r.setSeriesPaint(k, PALETTE[k % PALETTE.length]);
            r.setSeriesStroke(k, new BasicStroke(1.5f));
        }
        XYPlot plot = new XYPlot(ds, x, y, r);
        XYLineAndShapeRenderer m = new XYLineAndShapeRenderer(false, true);
        m.setSeriesPaint(0, Color.BLACK);
        m.setSeriesShape(0, new java.awt.geom.Rectangle2D.Double(-4, -4, 8, 8));
        m.setSeriesPaint(1, new Color(0, 0, 0, 140));
        m.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
        plot.setDataset(1, medians);
        plot.setRenderer(1, m);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        return FigureData.register(style(chart), perRun(yLabel, values));
    }

    /**
     * The half-widths of a violin at {@code points} evenly spaced values from the smallest to the
     * largest of {@code sorted}, scaled so that the widest is 1 (all 1 when the values are equal).
     */
    static double[] violinOutline(double[] sorted, int points) {
        int n = sorted.length;
        double lo = sorted[0];
        double hi = sorted[n - 1];
        double[] out = new double[points];
        if (!(hi > lo)) {
            Arrays.fill(out, 1);
            return out;
        }
        double mean = Arrays.stream(sorted).average().orElse(0);
        double ss = 0;
        for (double d : sorted) {
            ss += (d - mean) * (d - mean);
        }
        double sd = Math.sqrt(ss / Math.max(1, n - 1));
        double iqr = sorted[(int) Math.floor(0.75 * (n - 1))] - sorted[(int) Math.floor(0.25 * (n - 1))];
        double spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
        double h = Math.max(0.9 * spread * Math.pow(n, -0.2), (hi - lo) / 50);
        double max = 0;
        for (int k = 0; k < points; k++) {
            double yv = lo + (hi - lo) * k / (points - 1);
            double d = 0;
            for (double v : sorted) {
                double z = (yv - v) / h;
                d += Math.exp(-0.5 * z * z);
            }
            out[k] = d;
            max = Math.max(max, d);
        }
        for (int k = 0; k < points; k++) {
            out[k] /= max;
        }
        return out;
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
        XYSeriesCollection ds = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            double[] x = e.getValue()[0];
            double[] y = e.getValue()[1];
            for (int i = 0; i < x.length; i++) {
                if (!Double.isNaN(y[i])) {
                    s.add(x[i], y[i]);
                }
            }
            ds.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, ds, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        honestAxis((NumberAxis) plot.getRangeAxis(), yLabel, series.values().stream().flatMapToDouble(v -> Arrays.stream(v[1])).toArray());
        ((NumberAxis) plot.getDomainAxis()).setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###",
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return style(chart);
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
        return cdf(title, xLabel, samples, Map.of());
    }

    /**
     * Empirical cumulative distribution functions with deadline markers: a dashed vertical line
     * per deadline, labelled with its name and value, and the x axis stretched to show it. The x
     * axis reads plain numbers (10, 100, 1,000 on a logarithmic axis, never powers like 10^1.4).
     *
     * @param title     chart title
     * @param xLabel    x axis label (the sampled quantity, with its unit)
     * @param samples   per series name, its samples (any order; NaN ignored); at most 2,000 points are
     *                  drawn per series (evenly spaced quantiles), every sample goes into the CSV
     * @param deadlines per name (a task type), its deadline in the unit of the x axis
     */
    public static JFreeChart cdf(String title, String xLabel, Map<String, double[]> samples, Map<String, Double> deadlines) {
        XYSeriesCollection ds = new XYSeriesCollection();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            double[] v = Arrays.stream(e.getValue()).filter(d -> !Double.isNaN(d)).sorted().toArray();
            XYSeries s = new XYSeries(e.getKey(), true, true);
            int points = Math.min(v.length, 2_000);
            for (int i = 0; i < points; i++) {
                int k = points == v.length ? i : (int) Math.round((double) i * (v.length - 1) / (points - 1));
                s.add(v[k], (k + 1.0) / v.length);
            }
            for (int k = 0; k < v.length; k++) {
                rows.add(List.of(e.getKey(), FigureData.num(v[k]), FigureData.num((k + 1.0) / v.length)));
            }
            ds.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "share of tasks", ds, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(new XYStepRenderer());
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            if (ds.getSeries(i).getItemCount() > 0) {
                lo = Math.min(lo, ds.getSeries(i).getMinX());
                hi = Math.max(hi, ds.getSeries(i).getMaxX());
            }
        }
        for (double d : deadlines.values()) {
            if (d > 0 && Double.isFinite(d)) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        java.text.DecimalFormat plain = new java.text.DecimalFormat("#,##0.###", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT));
        if (lo > 0 && hi / lo > 100) {
            LogAxis x = new LogAxis(xLabel + " (log scale)");
            x.setNumberFormatOverride(plain);
            x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0)); // one tick per decade: 1, 10, 100, 1,000
            x.setMinorTickCount(9);
            x.setMinorTickMarksVisible(true);
            x.setRange(lo / 1.25, hi * 1.25);
            plot.setDomainAxis(x);
        } else if (hi > 0) {
            NumberAxis x = (NumberAxis) plot.getDomainAxis();
            x.setNumberFormatOverride(plain);
            x.setRange(0, hi * 1.08); // latencies from zero: the gap to the first task is part of the picture
        }
        int k = 0;
        for (Map.Entry<String, Double> d : deadlines.entrySet()) {
            if (!(d.getValue() > 0) || !Double.isFinite(d.getValue())) {
                continue;
            }
            ValueMarker m = new ValueMarker(d.getValue(), new Color(0x444444), new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            m.setLabel("deadline " + (deadlines.size() > 1 ? d.getKey() + " " : "") + plain.format(d.getValue()));
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            m.setLabelAnchor(k % 2 == 0 ? RectangleAnchor.TOP_LEFT : RectangleAnchor.BOTTOM_LEFT);
            m.setLabelTextAnchor(k % 2 == 0 ? TextAnchor.TOP_RIGHT : TextAnchor.BOTTOM_RIGHT);
            plot.addDomainMarker(m);
            rows.add(List.of("deadline " + d.getKey(), FigureData.num(d.getValue()), ""));
            k++;
        }
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.0);
        return FigureData.register(style(chart), new FigureData.Table(List.of("series", xLabel, "share of tasks"), rows));
    }

    /**
     * Grouped bars: one group per category, one bar per series.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per series name, per category, the value
     */
    public static JFreeChart bars(String title, String yLabel, Map<String, Map<String, Double>> values) {
        return bars(title, yLabel, values, Map.of());
    }

    /**
     * Grouped bars with their values written above them and confidence intervals as error bars.
     * The value axis starts at zero (a bar's length is its value).
     *
     * @param title     chart title
     * @param yLabel    value axis label
     * @param values    per series name, per category, the value
     * @param intervals per series name, per category, the interval {low, high} (missing: none drawn)
     */
    public static JFreeChart bars(String title, String yLabel, Map<String, Map<String, Double>> values,
            Map<String, Map<String, double[]>> intervals) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        Map<String, double[]> ci = new java.util.HashMap<>();
        List<List<String>> rows = new ArrayList<>();
        double hi = 0;
        for (Map.Entry<String, Map<String, Double>> s : values.entrySet()) {
            for (Map.Entry<String, Double> c : s.getValue().entrySet()) {
                ds.addValue(c.getValue(), s.getKey(), c.getKey());
                double[] iv = intervals.getOrDefault(s.getKey(), Map.of()).get(c.getKey());
                if (iv != null) {
                    ci.put(ValueBarRenderer.key(s.getKey(), c.getKey()), iv.clone());
                    hi = Math.max(hi, iv[1]);
                }
                if (c.getValue() != null && Double.isFinite(c.getValue())) {
                    hi = Math.max(hi, c.getValue());
                }
                rows.add(List.of(s.getKey(), c.getKey(), c.getValue() == null ? "" : FigureData.num(c.getValue()),
                        iv == null ? "" : FigureData.num(iv[0]), iv == null ? "" : FigureData.num(iv[1])));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, yLabel, ds, PlotOrientation.VERTICAL,
                values.size() > 1, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        java.text.DecimalFormat f = new java.text.DecimalFormat(hi >= 100 || hi == 0 ? "#,##0" : hi >= 10 ? "#,##0.0" : "#,##0.00",
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT));
        plot.setRenderer(new ValueBarRenderer(ci, f));
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(true);
        y.setUpperMargin(0.15); // room for the value labels
        if (hi == 0) {
            y.setRange(0, 1); // all zero: a flat axis from 0 to 1, not a degenerate one
        }
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return FigureData.register(style(chart), new FigureData.Table(List.of("series", "category", yLabel, "ci low", "ci high"),
                rows));
    }

    /**
     * A timeline: two quantities over time, the first on the left axis and the second on the right,
     * with dashed vertical lines at chosen times and an optional shaded band (for instance the part
     * of a trial whose network was impaired).
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
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, leftLabel, series(leftLabel, x, left),
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        NumberAxis rightAxis = new NumberAxis(rightLabel);
        rightAxis.setAutoRangeIncludesZero(true);
        plot.setRangeAxis(1, rightAxis);
        plot.setDataset(1, series(rightLabel, x, right));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, PALETTE[1]);
        plot.setRenderer(1, r);
        for (double t : lines) {
            ValueMarker m = new ValueMarker(t, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                    10f, new float[] {4f, 4f}, 0f));
            plot.addDomainMarker(m);
        }
        if (band != null) {
            IntervalMarker m = new IntervalMarker(band[0], band[1], new Color(0xff, 0xc8, 0x00));
            m.setAlpha(0.25f);
            m.setLabel("impaired");
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            m.setLabelAnchor(RectangleAnchor.CENTER);
            m.setLabelTextAnchor(TextAnchor.CENTER);
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
        return style(chart);
    }

    private static XYSeriesCollection series(String name, double[] x, double[] y) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(y[i])) {
                s.add(x[i], y[i]);
            }
        }
        return new XYSeriesCollection(s);
    }

    /** Series colours (the "tab10" palette), readable on white. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot p) {
            for (int i = 0; i < p.getDataset().getSeriesCount(); i++) {
                p.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            }
        } else if (chart.getPlot() instanceof CategoryPlot p && !(p.getRenderer() instanceof BoxAndWhiskerRenderer)) {
            for (int i = 0; i < p.getDataset().getRowCount(); i++) {
                p.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            }
        }
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        }
        if (chart.getPlot() instanceof XYPlot p) {
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof CategoryPlot p) {
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        return chart;
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
