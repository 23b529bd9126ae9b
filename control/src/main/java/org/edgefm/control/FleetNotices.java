package org.edgefm.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What does not match between the fleet that joined and what the host was told to expect: each
 * notice is logged once (a warning, or an info line for what is only news), counted per kind, and
 * listed for the HTTP API and the dashboard until it is resolved (the awaited node joined, the
 * stream's origin came). Bounded: at most {@value #MAX_NOTICES} open notices; further ones are only
 * counted, each once while it stays unresolved (up to {@value #MAX_OVERFLOW} of them remembered), and
 * the first of them logs that the list is full. Thread-safe.
 */
public final class FleetNotices {
    private static final Logger LOG = LoggerFactory.getLogger(FleetNotices.class);
    /** Open notices kept; more are counted, not listed. */
    public static final int MAX_NOTICES = 500;
    /** Notices raised while the list was full that are remembered, so a repeated raise is not counted again. */
    public static final int MAX_OVERFLOW = 10 * MAX_NOTICES;

    /** The kinds of mismatch; each is a fixed metric label. */
    public enum Kind {
        /** A node joined that the scenario's node list does not name (it is planned for from its birth). */
        UNEXPECTED_NODE(true),
        /** A node the scenario pins has not joined (nothing is planned on it until it does). */
        AWAITED_NODE(false),
        /**
         * A stream's origin node or label has not joined: the stream is left out of the plan, not re-routed
         * (logged at info: while a fleet starts, most streams wait for their origin).
         */
        ORIGIN_MISSING(false),
        /** A directive was issued for a node that never joined this host (it waits in the outbox). */
        DIRECTIVE_FOR_ABSENT_NODE(true);

        final boolean warn;

        Kind(boolean warn) {
            this.warn = warn;
        }

        /** The label: {@code unexpected-node}, {@code awaited-node}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One open notice.
     *
     * @param kind      what does not match
     * @param subject   the node or stream concerned
     * @param reason    one line
     * @param sinceMs   wall clock when first seen, ms since the epoch
     */
    public record Notice(Kind kind, String subject, String reason, long sinceMs) {
        /** The notice as the log and the dashboard show it. */
        public String line() {
            return kind.label() + " " + subject + ": " + reason;
        }
    }

    private final Map<String, Notice> open = new LinkedHashMap<>();
    private final Map<String, Boolean> overflow = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_OVERFLOW;
        }
    };
    private boolean fullLogged;
    private final Map<Kind, Counter> counters = new EnumMap<>(Kind.class);
    private final Map<Kind, Long> totals = new EnumMap<>(Kind.class);

    /** Notices without meters. */
    public FleetNotices() {
        this(null);
    }

    /** Notices counted in {@code registry} as {@code edgefm_fleet_mismatches_total{kind}} (null: not counted). */
    public FleetNotices(MeterRegistry registry) {
        for (Kind k : Kind.values()) {
            totals.put(k, 0L);
            if (registry != null) {
                counters.put(k, Counter.builder("edgefm.fleet.mismatches").tag("kind", k.label())
                        .description("Mismatches between the fleet that joined and what the host expected, by kind")
                        .register(registry));
            }
        }
    }

    /**
     * Raises a notice; logged and counted only the first time (until it is resolved).
     *
     * @return true when it is new
     */
    public synchronized boolean raise(Kind kind, String subject, String reason) {
        String key = kind + "|" + subject;
        if (open.containsKey(key) || overflow.containsKey(key)) {
            return false;
        }
        totals.merge(kind, 1L, Long::sum);
        Counter c = counters.get(kind);
        if (c != null) {
            c.increment();
        }
        if (open.size() >= MAX_NOTICES) {
            overflow.put(key, Boolean.TRUE);
            if (!fullLogged) {
                fullLogged = true;
                LOG.warn("{} fleet notices are open; further ones ({} {}: {}) are counted once each, not listed or logged",
                        MAX_NOTICES, kind.label(), subject, reason);
            }
            return false;
        }
        Notice n = new Notice(kind, subject, reason, System.currentTimeMillis());
        open.put(key, n);
        if (kind.warn) {
            LOG.warn("{}", n.line());
        } else {
            LOG.info("{}", n.line());
        }
        return true;
    }

    /** Resolves a notice (the node joined, the origin came); logged when it was open. */
    public synchronized void resolve(Kind kind, String subject, String how) {
        overflow.remove(kind + "|" + subject);
        Notice n = open.remove(kind + "|" + subject);
        if (n != null) {
            LOG.info("resolved {} {}: {}", kind.label(), subject, how);
        }
    }

    /** True while a notice of this kind and subject is open. */
    public synchronized boolean isOpen(Kind kind, String subject) {
        return open.containsKey(kind + "|" + subject);
    }

    /** The open notices, oldest first. */
    public synchronized List<Notice> open() {
        return new ArrayList<>(open.values());
    }

    /** Notices raised per kind since the host started (resolved ones included). */
    public synchronized Map<String, Long> totals() {
        Map<String, Long> m = new LinkedHashMap<>();
        totals.forEach((k, v) -> m.put(k.label(), v));
        return m;
    }
}
