package org.edgefm.host.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each task id counted once, for {@link ReportValidator}: the ids counted (the newest {@code window}
 * of them, with their submit time and a fingerprint of who reported what). The same report again (an
 * agent re-sends what the broker did not acknowledge, also to a restarted host) is a repeat, dropped
 * without counting it as an attack; the same id with other figures, or submitted before the window
 * (its id may have left it), is a replay. Thread-safe.
 */
final class OnceOnly {
    /** {@link #count}'s answer for the same report again. */
    static final String REPEATED = "repeated";

    /** What was counted of a task: its submit time and a fingerprint of who reported what. */
    private record Counted(long submittedAtMs, int fingerprint) {
    }

    /** The fingerprint of ids the previous host run counted (its figures are not known). */
    private static final int PREVIOUS_RUN = Integer.MIN_VALUE;

    private final int window;
    /** Task ids counted, oldest first (bounded). */
    private final LinkedHashMap<String, Counted> counted = new LinkedHashMap<>();
    private final AtomicLong repeated = new AtomicLong();
    /** Completions submitted before this are refused: their ids may have left {@link #counted}. */
    private long floorMs;

    OnceOnly(int window) {
        this.window = window;
    }

    /** The ids the previous host run counted: a report of one of them again is a repeat. */
    synchronized void previousRun(List<String> countedIds) {
        for (String id : countedIds) {
            remember(id, 0, PREVIOUS_RUN);
        }
    }

    /**
     * Counts a completion's id.
     *
     * @param taskId        the task id
     * @param submittedAtMs its submit time
     * @param fingerprint   who reported what
     * @return null when counted now; {@link #REPEATED} for the same report again (compare with
     *         {@code ==}); else why it is a replay
     */
    synchronized String count(String taskId, long submittedAtMs, int fingerprint) {
        Counted before = counted.get(taskId);
        if (before != null && (before.fingerprint() == fingerprint || before.fingerprint() == PREVIOUS_RUN)) {
            repeated.incrementAndGet();
            return REPEATED;
        }
        if (before != null) {
            return "already counted (reported again, by this node or another, with other figures)";
        }
        if (submittedAtMs < floorMs) {
            return "submitted at " + submittedAtMs + ", before the once-only window (" + floorMs + ")";
        }
        remember(taskId, submittedAtMs, fingerprint);
        return null;
    }

    /** Reports dropped as repeats so far. */
    long repeated() {
        return repeated.get();
    }

    /** Holding the lock: remembers an id, forgetting the oldest beyond the window. */
    private void remember(String taskId, long submittedAtMs, int fingerprint) {
        counted.put(taskId, new Counted(submittedAtMs, fingerprint));
        while (counted.size() > window) {
            var it = counted.entrySet().iterator();
            floorMs = Math.max(floorMs, it.next().getValue().submittedAtMs());
            it.remove();
        }
    }
}
