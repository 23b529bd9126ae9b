package org.edgefm.trial.parity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The directives replay next to a trial's parity table: the live host's directives applied to the
 * twin as published ({@link ParityReplay#simulateDirectives}), so the gap to the live side is the
 * twin's service model's alone, and the gap of the planner-in-the-loop replay beyond it is the
 * planning's.
 *
 * @param side    the directives replay's side, or null
 * @param refused directives the twin refused (0 when it ran them all)
 * @param failure why there is none (one line), or null
 */
public record DirectivesParity(ParitySide side, int refused, String failure) {

    /** A replay that ran. */
    public static DirectivesParity of(ParityReplay.Directives d) {
        return new DirectivesParity(d.side(), d.outcome().refused().size(), null);
    }

    /** A replay that could not run. */
    public static DirectivesParity failed(String why) {
        return new DirectivesParity(null, 0, why);
    }

    /** The console's line, against the live side. */
    public String line(ParitySide live) {
        if (side == null) {
            return "directives replay (the live directives, no planner): none: " + failure;
        }
        return String.format(Locale.ROOT, "directives replay (the live directives, no planner; the twin's service model"
                + " alone): on time %s (%s), p50 %.1f ms (%s), p95 %.1f ms (%s), directives %d (live %d), placement changes"
                + " %d (live %d)%s", pct(side.onTimeRate()), pp(live.onTimeRate(), side.onTimeRate()), side.p50Ms(),
                rel(live.p50Ms(), side.p50Ms()), side.p95Ms(), rel(live.p95Ms(), side.p95Ms()), side.directives(),
                live.directives(), side.placementChanges(), live.placementChanges(),
                refused == 0 ? "" : ", " + refused + " refused by the twin");
    }

    /** Adds {@code directivesReplay} to the parity section's JSON. */
    public void addTo(ObjectNode parity, ParitySide live) {
        ObjectNode o = parity.putObject("directivesReplay");
        if (side == null) {
            o.put("status", "failed");
            o.put("reason", failure);
            return;
        }
        o.put("status", "ok");
        num(o, "onTimeRate", side.onTimeRate());
        num(o, "p50Ms", side.p50Ms());
        num(o, "p95Ms", side.p95Ms());
        num(o, "p99Ms", side.p99Ms());
        num(o, "cost", side.cost());
        o.put("directives", side.directives());
        o.put("placementChanges", side.placementChanges());
        o.put("refused", refused);
        ObjectNode g = o.putObject("gap");
        num(g, "onTimePp", ParitySection.gapPp(live.onTimeRate(), side.onTimeRate()));
        num(g, "p50Pct", ParitySection.gapPct(live.p50Ms(), side.p50Ms()));
        num(g, "p95Pct", ParitySection.gapPct(live.p95Ms(), side.p95Ms()));
        ObjectNode w = o.putObject("afterWarmup");
        num(w, "onTimeRate", side.afterWarmup().onTimeRate());
        num(w, "p50Ms", side.afterWarmup().p50Ms());
        num(w, "p95Ms", side.afterWarmup().p95Ms());
    }

    private static void num(ObjectNode o, String k, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(k);
        } else {
            o.put(k, Math.round(v * 1000) / 1000.0);
        }
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String pp(double live, double sim) {
        double g = ParitySection.gapPp(live, sim);
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%+.1f pp", g);
    }

    private static String rel(double live, double sim) {
        double g = ParitySection.gapPct(live, sim);
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%+.1f%%", g);
    }
}
