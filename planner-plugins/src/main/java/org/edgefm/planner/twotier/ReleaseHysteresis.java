package org.edgefm.planner.twotier;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Ski rental on release (the engine's {@code releaseHysteresis} guard): per pair ({@code node|service}) the
 * instance counts the sizer wanted in the most recent slots, newest first, so a surplus instance is released
 * only once it has gone unwanted for {@link Sizer#releaseAfterSlots} slots (keeping it costs c^mt per slot,
 * re-deploying it c^dp).
 */
final class ReleaseHysteresis {
    private final Map<String, ArrayDeque<Integer>> wantedX = new HashMap<>();

    /** The most instances the sizer wanted for the pair over the slots remembered. */
    int held(String pair) {
        ArrayDeque<Integer> q = wantedX.get(pair);
        int h = 0;
        if (q != null) {
            for (int w : q) {
                h = Math.max(h, w);
            }
        }
        return h;
    }

    /** Remembers this slot's wanted count for the pair, keeping the newest {@code slots}. */
    void remember(String pair, int wanted, int slots) {
        if (slots <= 0) {
            wantedX.remove(pair);
            return;
        }
        ArrayDeque<Integer> q = wantedX.computeIfAbsent(pair, k -> new ArrayDeque<>());
        q.addFirst(wanted);
        while (q.size() > slots) {
            q.removeLast();
        }
    }

    /** Forgets the pairs not decided this slot. */
    void retain(Set<String> decided) {
        wantedX.keySet().removeIf(k -> !decided.contains(k));
    }
}
