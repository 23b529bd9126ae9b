package org.edgefm.host.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.control.ShadowPlanner;

/**
 * {@code GET /api/shadow}: the shadow planner's books (slots compared by outcome, skipped slots, its plugin
 * calls and failures), its core placement and newest light decision, the newest compared slot's
 * differences from the live decision (at most {@value ShadowPlanner#MAX_DIFFERENCES} rows) and the last
 * {@value #RECENT_SLOTS} compared slots. Without a shadow planner: {@code {"shadow": null, "hint": ...}}.
 */
public final class ShadowApi {
    /** Compared slots listed in the answer. */
    public static final int RECENT_SLOTS = 60;

    private ShadowApi() {
    }

    /** The answer's body. */
    public static Map<String, Object> body(ShadowPlanner shadow) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (shadow == null) {
            m.put("shadow", null);
            m.put("hint", "no shadow planner: start the host with --shadow PLANNER (or shadowPlanner in its configuration)");
            return m;
        }
        ShadowPlanner.Report r = shadow.report();
        m.put("planner", r.planner());
        m.put("core", r.core());
        m.put("controller", r.controller());
        m.put("applied", false);
        m.put("observed", r.observed());
        m.put("skipped", r.skipped());
        m.put("compared", r.compared());
        m.put("outcomes", r.outcomes());
        m.put("plugins", r.health().toMap());
        m.put("latestSlot", r.latestSlot());
        m.put("differences", r.differences());
        m.put("placement", r.placement());
        m.put("decision", shadow.decision());
        List<ShadowPlanner.Slot> recent = r.recent();
        m.put("recent", recent.subList(Math.max(0, recent.size() - RECENT_SLOTS), recent.size()));
        return m;
    }
}
