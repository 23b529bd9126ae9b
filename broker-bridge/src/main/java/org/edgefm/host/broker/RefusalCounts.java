package org.edgefm.host.broker;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The embedded broker's refused connections and publishes, counted by kind ({@link #KINDS}). */
final class RefusalCounts {
    /** Every kind counted: a refused login, client id, publish rate or retained size, and a revoked identity. */
    static final List<String> KINDS = List.of("login", "client-id", "rate", "retained-size", "revoked");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one refusal of this kind. */
    void count(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** The counts so far, by kind (only kinds counted at least once). */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
