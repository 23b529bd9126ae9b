package org.edgefm.trial.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Grouped bars with their values written on them and confidence intervals as error bars
 * ({@link ValueBarRenderer}); the value axis starts at zero.
 */
final class BarCharts {
    private BarCharts() {
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
    static JFreeChart bars(String title, String yLabel, Map<String, Map<String, Double>> values,
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
        return FigureData.register(ChartStyle.style(chart), new FigureData.Table(List.of("series", "category", yLabel, "ci low", "ci high"),
                rows));
    }
}
