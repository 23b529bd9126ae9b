package org.edgefm.trial.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Empirical cumulative distribution functions (latency), one step line per series, in plain
 * milliseconds (a logarithmic axis over more than two decades), with each task type's deadline as a
 * dashed line; every sample goes into the CSV.
 */
final class CdfCharts {
    private CdfCharts() {
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
    static JFreeChart cdf(String title, String xLabel, Map<String, double[]> samples, Map<String, Double> deadlines) {
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
        return FigureData.register(ChartStyle.style(chart), new FigureData.Table(List.of("series", xLabel, "share of tasks"), rows));
    }
}
