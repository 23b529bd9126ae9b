package org.edgefm.trial.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Charts of quantities against a continuous x: lines with markers (on-time against load, Fig. 4; on-time
 * against cost) and the trial's two-axis timeline with event lines and an impaired band.
 */
final class LineCharts {
    private LineCharts() {
    }

    /**
     * Lines with markers, one series per name: y against x.
     *
     * @param title  chart title
     * @param xLabel x axis label
     * @param yLabel y axis label
     * @param series per series name, its points as {x values, y values}
     */
    static JFreeChart lines(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
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
        ChartStyle.honestAxis((NumberAxis) plot.getRangeAxis(), yLabel, series.values().stream().flatMapToDouble(v -> Arrays.stream(v[1])).toArray());
        ((NumberAxis) plot.getDomainAxis()).setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###",
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return ChartStyle.style(chart);
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
    static JFreeChart timeline(String title, String xLabel, double[] x, String leftLabel, double[] left,
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
        r.setSeriesPaint(0, ChartStyle.PALETTE[1]);
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
        return ChartStyle.style(chart);
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
}
