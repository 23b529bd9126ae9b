package org.edgefm.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.control.ShadowPlanner.Difference;
import org.edgefm.control.ShadowPlanner.Report;
import org.edgefm.control.ShadowPlanner.Slot;

/**
 * The shadow's bounded record ({@link ShadowPlanner}): slots observed and skipped, compared slots by
 * outcome, the last {@value ShadowPlanner#RECENT} comparisons and the newest slot's differences. Written
 * by the live loop's thread (observations) and the shadow's worker (comparisons), read from any thread.
 */
final class ShadowTally {
    private long observed;
    private long skipped;
    private final Map<String, Long> outcomes = new LinkedHashMap<>();
    private final ArrayDeque<Slot> recent = new ArrayDeque<>();
    private List<Difference> differences = List.of();
    private long latestSlot = -1;

    /** One slot handed to the shadow; {@code replaced} when it took the place of one not yet decided. */
    synchronized void observed(boolean replaced) {
        observed++;
        if (replaced) {
            skipped++;
        }
    }

    /** One compared slot and its differences (the first {@value ShadowPlanner#MAX_DIFFERENCES} are kept). */
    synchronized void compared(Slot s, List<Difference> diffs) {
        outcomes.merge(s.outcome(), 1L, Long::sum);
        recent.addLast(s);
        while (recent.size() > ShadowPlanner.RECENT) {
            recent.removeFirst();
        }
        latestSlot = s.slot();
        differences = diffs.size() > ShadowPlanner.MAX_DIFFERENCES
                ? List.copyOf(diffs.subList(0, ShadowPlanner.MAX_DIFFERENCES)) : List.copyOf(diffs);
    }

    synchronized Report report(String planner, String core, String controller, PluginHealth health,
            CorePlacement placement) {
        Map<String, Long> o = new LinkedHashMap<>();
        ShadowPlanner.OUTCOMES.forEach(k -> o.put(k, outcomes.getOrDefault(k, 0L)));
        return new Report(planner, core, controller, observed, skipped, o, health, new ArrayList<>(recent), latestSlot,
                differences, placement);
    }

    synchronized long count(String outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }

    synchronized long skipped() {
        return skipped;
    }

    synchronized Slot latest() {
        return recent.peekLast();
    }
}
