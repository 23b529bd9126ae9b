package org.edgefm.trial.report;

import java.awt.Color;
import java.awt.Font;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;

/**
 * What every chart of a report shares: the series colours, white backgrounds and light grid lines, the
 * title font, and value axes that say when they do not start at zero.
 */
final class ChartStyle {
    private ChartStyle() {
    }

    /** Series colours (the "tab10" palette), readable on white. */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    static JFreeChart style(JFreeChart chart) {
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
}
