package org.edgefm.trial.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.text.NumberFormat;
import java.util.Map;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.CategoryDataset;

/**
 * Bars with their value written above them and, where given, a confidence interval drawn as an
 * error bar (whiskers with caps; the value label then sits above the upper cap).
 */
final class ValueBarRenderer extends BarRenderer {
    private static final long serialVersionUID = 1L;

    /** Per (series, category) key {@code series + '\u0000' + category}: {low, high}. */
    private final Map<String, double[]> intervals;
    private final NumberFormat format;

    ValueBarRenderer(Map<String, double[]> intervals, NumberFormat format) {
        this.intervals = intervals;
        this.format = format;
        setBarPainter(new StandardBarPainter());
        setShadowVisible(false);
        setDrawBarOutline(false);
        setItemMargin(0.05);
        setMaximumBarWidth(0.18);
    }

    static String key(Object series, Object category) {
        return series + "\u0000" + category;
    }

    @Override
    public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
            CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset, int row, int column, int pass) {
        super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
        if (pass != getPassCount() - 1) {
            return;
        }
        Number value = dataset.getValue(row, column);
        int visibleRow = state.getVisibleSeriesIndex(row);
        if (value == null || visibleRow < 0 || Double.isNaN(value.doubleValue())) {
            return;
        }
        double x0 = calculateBarW0(plot, plot.getOrientation(), dataArea, domainAxis, state, visibleRow, column);
        double x = x0 + state.getBarWidth() / 2;
        double top = value.doubleValue();
        double[] ci = intervals.get(key(dataset.getRowKey(row), dataset.getColumnKey(column)));
        g2.setPaint(Color.BLACK);
        if (ci != null && !Double.isNaN(ci[0]) && !Double.isNaN(ci[1])) {
            double ylo = rangeAxis.valueToJava2D(ci[0], dataArea, plot.getRangeAxisEdge());
            double yhi = rangeAxis.valueToJava2D(ci[1], dataArea, plot.getRangeAxisEdge());
            double cap = Math.min(6, state.getBarWidth() / 4);
            g2.setStroke(new BasicStroke(1.2f));
            g2.draw(new Line2D.Double(x, ylo, x, yhi));
            g2.draw(new Line2D.Double(x - cap, ylo, x + cap, ylo));
            g2.draw(new Line2D.Double(x - cap, yhi, x + cap, yhi));
            top = Math.max(top, ci[1]);
        }
        double y = rangeAxis.valueToJava2D(top, dataArea, plot.getRangeAxisEdge());
        g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        String text = format.format(value.doubleValue());
        int w = g2.getFontMetrics().stringWidth(text);
        g2.drawString(text, (float) (x - w / 2.0), (float) (y - 4));
    }
}
