package org.edgefm.trial.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;

/**
 * The data behind a chart as a CSV table: what the chart's builder registered (the raw per-run or
 * per-task values, intervals), else what its datasets hold. Every figure of a report is written
 * next to its SVG as {@code NN-title.csv}, so a reader can re-plot or check it.
 */
final class FigureData {
    private FigureData() {
    }

    /** A table: column names and rows of cells. */
    record Table(List<String> header, List<List<String>> rows) {
        Table {
            header = List.copyOf(header);
            rows = List.copyOf(rows);
        }
    }

    /**
     * The key under which a chart carries its data table: in the chart's own rendering hints, so the
     * table lives exactly as long as the chart (charts compare by content, so a map keyed by chart
     * would mix up equal-looking charts and lose one whose content changes when drawn).
     */
    private static final java.awt.RenderingHints.Key DATA = new java.awt.RenderingHints.Key(0x45464d) {
        @Override
        public boolean isCompatibleValue(Object val) {
            return val instanceof Table;
        }
    };

    /** Registers the data of a chart (its builder calls this with the values it drew). */
    static JFreeChart register(JFreeChart chart, Table table) {
        chart.getRenderingHints().put(DATA, table);
        return chart;
    }

    /** The chart's data table. */
    static Table of(JFreeChart chart) {
        Table t = chart.getRenderingHints().get(DATA) instanceof Table x ? x : null;
        if (t != null) {
            return t;
        }
        List<List<String>> rows = new ArrayList<>();
        if (chart.getPlot() instanceof XYPlot p) {
            String x = p.getDomainAxis() == null || p.getDomainAxis().getLabel() == null ? "x" : p.getDomainAxis().getLabel();
            String y = p.getRangeAxis() == null || p.getRangeAxis().getLabel() == null ? "y" : p.getRangeAxis().getLabel();
            for (int d = 0; d < p.getDatasetCount(); d++) {
                XYDataset ds = p.getDataset(d);
                if (ds == null) {
                    continue;
                }
                for (int s = 0; s < ds.getSeriesCount(); s++) {
                    for (int i = 0; i < ds.getItemCount(s); i++) {
                        rows.add(List.of(String.valueOf(ds.getSeriesKey(s)), num(ds.getXValue(s, i)), num(ds.getYValue(s, i))));
                    }
                }
            }
            return new Table(List.of("series", x, y), rows);
        }
        if (chart.getPlot() instanceof CategoryPlot p) {
            String y = p.getRangeAxis() == null || p.getRangeAxis().getLabel() == null ? "value" : p.getRangeAxis().getLabel();
            CategoryDataset ds = p.getDataset();
            for (int r = 0; r < ds.getRowCount(); r++) {
                for (int c = 0; c < ds.getColumnCount(); c++) {
                    Number v = ds.getValue(r, c);
                    rows.add(List.of(String.valueOf(ds.getRowKey(r)), String.valueOf(ds.getColumnKey(c)),
                            v == null ? "" : num(v.doubleValue())));
                }
            }
            return new Table(List.of("series", "category", y), rows);
        }
        return new Table(List.of("note"), List.of(List.of("no data table for this kind of chart")));
    }

    /** A number as CSV text: plain decimal, empty for NaN. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    /** RFC 4180 CSV (CRLF line ends), quoting cells with commas, quotes or line breaks. */
    static String csv(Table t) {
        StringBuilder b = new StringBuilder();
        line(b, t.header());
        for (List<String> r : t.rows()) {
            line(b, r);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i) == null ? "" : cells.get(i);
            if (i > 0) {
                b.append(',');
            }
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        b.append("\r\n");
    }
}
