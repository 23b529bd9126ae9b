package org.edgefm.trial;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.control.ShadowPlanner;
import org.edgefm.trial.report.ReportWriter;

/**
 * The {@code shadow} section of a trial run with {@code --shadow PLANNER}: how often the shadow planner's
 * decisions agreed with the live ones, per window of the workload's time (the slots before the workload
 * in a row of their own), with the mean number of differing core placements, light allocations and
 * routes per compared slot, and the newest differences. One rendering for the console, {@code summary.json}
 * and the report.
 */
public final class ShadowSection {
    /** {@code summary.json}'s key. */
    public static final String KEY = "shadow";

    /**
     * One window's comparisons.
     *
     * @param tS             window start, seconds after the workload started, or null for the slots before it
     * @param slots          compared slots
     * @param outcomes       slots by outcome ({@link ShadowPlanner#OUTCOMES})
     * @param coreDiffs      mean differing (node, core service) pairs per compared slot
     * @param allocationDiffs mean differing light allocations per compared slot
     * @param routeDiffs     mean differing routes per compared slot
     * @param liveInstances  mean light instances of the live decision
     * @param shadowInstances mean light instances of the shadow's decision
     */
    public record Window(Double tS, long slots, Map<String, Long> outcomes, double coreDiffs, double allocationDiffs,
            double routeDiffs, double liveInstances, double shadowInstances) {
        /** Share of compared slots that agreed (NaN without any). */
        public double agreement() {
            return slots == 0 ? Double.NaN : (double) outcomes.getOrDefault(ShadowPlanner.AGREE, 0L) / slots;
        }
    }

    private final ShadowPlanner.Report report;
    private final List<Window> windows;

    private ShadowSection(ShadowPlanner.Report report, List<Window> windows) {
        this.report = report;
        this.windows = List.copyOf(windows);
    }

    /**
     * Groups the report's compared slots into windows of the workload's time.
     *
     * @param report          the shadow's report
     * @param workloadStartMs when the workload started (wall clock), or -1 when it never did
     * @param windowMs        window width
     */
    public static ShadowSection of(ShadowPlanner.Report report, long workloadStartMs, long windowMs) {
        Map<Long, List<ShadowPlanner.Slot>> by = new TreeMap<>();
        for (ShadowPlanner.Slot s : report.recent()) {
            long w = workloadStartMs < 0 || s.atMs() < workloadStartMs ? -1 : (s.atMs() - workloadStartMs) / windowMs;
            by.computeIfAbsent(w, k -> new ArrayList<>()).add(s);
        }
        List<Window> out = new ArrayList<>();
        by.forEach((w, slots) -> {
            Map<String, Long> o = new java.util.LinkedHashMap<>();
            ShadowPlanner.OUTCOMES.forEach(k -> o.put(k, 0L));
            double core = 0;
            double alloc = 0;
            double routes = 0;
            double live = 0;
            double shadow = 0;
            for (ShadowPlanner.Slot s : slots) {
                o.merge(s.outcome(), 1L, Long::sum);
                core += s.coreDiffs();
                alloc += s.allocationDiffs();
                routes += s.routeDiffs();
                live += s.liveInstances();
                shadow += s.shadowInstances();
            }
            int n = slots.size();
            out.add(new Window(w < 0 ? null : w * windowMs / 1000.0, n, o, core / n, alloc / n, routes / n, live / n,
                    shadow / n));
        });
        return new ShadowSection(report, out);
    }

    /** The windows, the slots before the workload first. */
    public List<Window> windows() {
        return windows;
    }

    /** Console lines. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "shadow planner %s (never applied): %d slot(s) compared: %d agree, %d differ, %d"
                + " failed, %d without a shadow decision; %d skipped while it was busy", report.planner(), report.compared(),
                report.count(ShadowPlanner.AGREE), report.count(ShadowPlanner.DIFFER), report.count(ShadowPlanner.FAILED),
                report.count(ShadowPlanner.NO_DECISION), report.skipped()));
        out.add("  window     slots  agree  mean differences per slot: core / allocations / routes; light instances live / shadow");
        for (Window w : windows) {
            out.add(String.format(Locale.ROOT, "  %-9s %6d %5s %8.1f / %.1f / %.1f; %.1f / %.1f", label(w), w.slots(),
                    pct(w.agreement()), w.coreDiffs(), w.allocationDiffs(), w.routeDiffs(), w.liveInstances(),
                    w.shadowInstances()));
        }
        report.health().planners().forEach(p -> {
            long failed = p.failures().values().stream().mapToLong(Long::longValue).sum();
            if (failed > 0) {
                out.add(String.format(Locale.ROOT, "  %s (%s): %d of %d calls failed %s; the live fleet was not affected",
                        p.name(), p.role(), failed, p.calls(), p.failures()));
            }
        });
        return out;
    }

    private static String label(Window w) {
        return w.tS() == null ? "before" : String.format(Locale.ROOT, "%.0f s", w.tS());
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    /** Adds {@code shadow} to a summary's JSON. */
    public void addTo(ObjectNode j) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode s = j.putObject(KEY);
        s.put("planner", report.planner());
        s.put("core", report.core());
        s.put("controller", report.controller());
        s.put("applied", false);
        s.put("observed", report.observed());
        s.put("skipped", report.skipped());
        s.set("outcomes", om.valueToTree(report.outcomes()));
        s.set("plugins", om.valueToTree(report.health().toMap()));
        s.put("slotsKept", ShadowPlanner.RECENT);
        ArrayNode ws = s.putArray("windows");
        for (Window w : windows) {
            ObjectNode o = ws.addObject();
            if (w.tS() == null) {
                o.putNull("tS");
            } else {
                o.put("tS", w.tS());
            }
            o.put("slots", w.slots());
            o.set("outcomes", om.valueToTree(w.outcomes()));
            o.put("meanCoreDiffs", round(w.coreDiffs()));
            o.put("meanAllocationDiffs", round(w.allocationDiffs()));
            o.put("meanRouteDiffs", round(w.routeDiffs()));
            o.put("meanLiveInstances", round(w.liveInstances()));
            o.put("meanShadowInstances", round(w.shadowInstances()));
        }
        s.set("latestDifferences", om.valueToTree(report.differences()));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Adds the report's "Shadow planner" section. */
    public void addTo(ReportWriter w) {
        List<List<String>> rows = new ArrayList<>();
        for (Window x : windows) {
            rows.add(List.of(x.tS() == null ? "before the workload" : String.format(Locale.ROOT, "%.0f", x.tS()),
                    String.valueOf(x.slots()), pct(x.agreement()),
                    String.valueOf(x.outcomes().getOrDefault(ShadowPlanner.FAILED, 0L)),
                    String.format(Locale.ROOT, "%.1f", x.coreDiffs()), String.format(Locale.ROOT, "%.1f", x.allocationDiffs()),
                    String.format(Locale.ROOT, "%.1f", x.routeDiffs()),
                    String.format(Locale.ROOT, "%.1f / %.1f", x.liveInstances(), x.shadowInstances())));
        }
        w.table("Shadow planner " + report.planner(), List.of("window start s", "slots", "agree", "failed",
                "core diffs", "allocation diffs", "route diffs", "light instances live / shadow"), rows);
        w.paragraph(String.format(Locale.ROOT, "The shadow planner %s (core %s, controller %s) decided on the live"
                + " observations on its own thread; its decisions were compared with the live ones and never applied."
                + " %d slots compared, %d skipped while it was busy. Differences are counted per slot: (node, core service)"
                + " pairs with other instances, (node, light service) pairs with other instances or parallelism, and routes"
                + " (task type, stage, origin) with other targets or weights (beyond %.2f).", report.planner(), report.core(),
                report.controller(), report.compared(), report.skipped(), ShadowPlanner.WEIGHT_TOLERANCE));
        if (!report.differences().isEmpty()) {
            List<List<String>> d = new ArrayList<>();
            report.differences().forEach(x -> d.add(List.of(x.kind(), x.key(), x.live(), x.shadow())));
            w.table("Shadow planner: differences in slot " + report.latestSlot(), List.of("kind", "what", "live", "shadow"), d);
        }
    }
}
