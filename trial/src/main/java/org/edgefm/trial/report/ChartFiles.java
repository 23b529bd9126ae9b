package org.edgefm.trial.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import org.edgefm.api.EdgeFmException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * A chart's three renderings: a base64 PNG {@code img} element for the page, an SVG document (JFreeSVG,
 * text as text) and its data as CSV ({@link FigureData}), and the file name made from its title.
 */
final class ChartFiles {
    private ChartFiles() {
    }

    /** The chart as an SVG document ({@link ReportWriter#CHART_WIDTH} × {@link ReportWriter#CHART_HEIGHT}, text as text). */
    static String svg(JFreeChart chart) {
        org.jfree.svg.SVGGraphics2D g = new org.jfree.svg.SVGGraphics2D(ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT);
        chart.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT));
        return g.getSVGDocument();
    }

    /** The chart's data as CSV (what {@link ReportWriter#write} puts next to its SVG). */
    static String csv(JFreeChart chart) {
        return FigureData.csv(FigureData.of(chart));
    }

    static String slug(JFreeChart c) {
        String t = c.getTitle() == null ? "chart" : c.getTitle().getText();
        String s = t.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 60) {
            s = s.substring(0, 60).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "chart" : s;
    }

    /**
     * An {@code img} element holding the chart as a base64 PNG.
     *
     * @throws EdgeFmException naming the chart when it cannot be drawn (for instance without fonts)
     */
    static String img(JFreeChart chart) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        String alt = chart.getTitle() == null ? "chart" : chart.getTitle().getText();
        try {
            ChartUtils.writeChartAsPNG(png, chart, ReportWriter.CHART_WIDTH, ReportWriter.CHART_HEIGHT);
        } catch (IOException | RuntimeException | InternalError e) {
            // a JVM without any font fails here (headless still draws text)
            throw new EdgeFmException("drawing chart '" + alt + "' failed: " + e + " (charts need a font: install"
                    + " fontconfig and a font such as Debian's fonts-dejavu-core)", e);
        }
        return "<img alt=\"" + ReportWriter.esc(alt) + "\" width=\"" + ReportWriter.CHART_WIDTH + "\" height=\"" + ReportWriter.CHART_HEIGHT
                + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"/>";
    }
}
