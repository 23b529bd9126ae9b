package org.edgefm.trial.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Charts of per-run values: box plots and violins (paper 1's Fig. 3), each run drawn as a point, with
 * the values as their CSV (category, run, value).
 */
final class DistributionCharts {
    private DistributionCharts() {
    }

    /**
     * Box plots of per-run values: one box (quartiles and median, whiskers to the extremes within
     * 1.5 IQR, outliers as points) per category.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per category (x axis, in map order), the values of its runs
     */
    static JFreeChart boxPlot(String title, String yLabel, Map<String, double[]> values) {
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
        r.setSeriesPaint(0, ChartStyle.PALETTE[0]);
        r.setSeriesOutlinePaint(0, ChartStyle.PALETTE[0]);
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
        ChartStyle.honestAxis((NumberAxis) plot.getRangeAxis(), yLabel, all.stream().mapToDouble(Double::doubleValue).toArray());
        return FigureData.register(ChartStyle.style(chart), perRun(yLabel, values));
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
     * Violin plots of per-run values (paper 1's Fig. 3): per category, the outline of a Gaussian
     * kernel density estimate (Silverman's rule of thumb, 0.9·min(sd, IQR/1.34)·n^−1/5) of its values, clipped to their range and scaled
     * to the same width, with the median as a point.
     *
     * @param title  chart title
     * @param yLabel value axis label
     * @param values per category (x axis, in map order), the values of its runs
     */
    static JFreeChart violin(String title, String yLabel, Map<String, double[]> values) {
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
        ChartStyle.honestAxis(y, yLabel, all.stream().mapToDouble(Double::doubleValue).toArray());
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int k = 0; k < ds.getSeriesCount(); k++) {
            r.setSeriesPaint(k, ChartStyle.PALETTE[k % ChartStyle.PALETTE.length]);
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
        return FigureData.register(ChartStyle.style(chart), perRun(yLabel, values));
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
}
