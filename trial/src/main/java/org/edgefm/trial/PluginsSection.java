package org.edgefm.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.control.PluginHealth;
import org.edgefm.trial.report.ReportWriter;

/**
 * The {@code plugins} section of a trial's and a simulation's results: per planner its calls, usable
 * results, failures by reason and slowest call, and the slots run on the fallback controller. One
 * rendering for the console, the JSON document and the HTML report.
 */
public final class PluginsSection {
    /** The section's title. */
    public static final String TITLE = "Planner plugins";

    private PluginsSection() {
    }

    /**
     * Console lines: a heading, then per run label its planners and slots.
     *
     * @param byLabel the books per run label (a trial: one; a simulation: one per planner)
     */
    public static List<String> lines(Map<String, PluginHealth> byLabel) {
        List<String> out = new ArrayList<>();
        out.add("plugins (calls; failures: threw, overran, infeasible, empty; slots on the fallback controller):");
        byLabel.forEach((label, h) -> {
            if (byLabel.size() > 1) {
                out.add(" " + label + ":");
            }
            out.addAll(h.lines());
        });
        return out;
    }

    /** The JSON value of one run's books. */
    public static Map<String, Object> json(PluginHealth h) {
        return h.toMap();
    }

    /** The JSON value of several runs' books, by label. */
    public static Map<String, Object> json(Map<String, PluginHealth> byLabel) {
        Map<String, Object> m = new LinkedHashMap<>();
        byLabel.forEach((k, v) -> m.put(k, v.toMap()));
        return m;
    }

    /** Adds the section's table to a report. */
    public static void addTo(ReportWriter w, Map<String, PluginHealth> byLabel) {
        List<List<String>> rows = new ArrayList<>();
        byLabel.forEach((label, h) -> {
            for (PluginHealth.Planner p : h.planners()) {
                List<String> row = new ArrayList<>();
                row.add(label);
                row.add(p.name());
                row.add(p.role());
                row.add(String.valueOf(p.calls()));
                row.add(String.valueOf(p.usable()));
                for (String r : PluginHealth.REASONS) {
                    row.add(String.valueOf(p.failures().getOrDefault(r, 0L)));
                }
                row.add(String.format(Locale.ROOT, "%.1f", p.slowestMs()));
                row.add(h.slotsOnFallback() + " of " + h.slots());
                rows.add(row);
            }
        });
        List<String> header = new ArrayList<>(List.of("run", "planner", "role", "calls", "usable"));
        header.addAll(PluginHealth.REASONS);
        header.add("slowest ms");
        header.add("slots on fallback");
        w.table(TITLE, header, rows);
        w.paragraph("Failures by reason: threw (an exception), overran (past the time budget; a late result is discarded),"
                + " infeasible (no plan and no best effort), empty (nothing run or routed while nodes were online). While a"
                + " controller has never produced a usable decision, the fallback controller decides.");
    }
}
