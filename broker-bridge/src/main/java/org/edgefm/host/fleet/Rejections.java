package org.edgefm.host.fleet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.edgefm.host.HostMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports {@link ReportValidator} rejected: counted per node and reason (here and in the host's
 * meters), logged once per node and reason, and a node with {@code flagAfter} rejections within a
 * minute flagged. A reason that a joining fleet gives every node at once ({@code undeclared-link}: a
 * link to a peer that has not joined yet) is logged once for the fleet, then summed up in one line
 * (rejections, nodes, the last one) at most once per {@value #SUMMARY_EVERY_MS} ms while more come.
 * Thread-safe.
 */
final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(ReportValidator.class);

    private final int flagAfter;
    private final LongSupplier clock;
    private final HostMeters meters;
    private final Map<String, Map<ReportValidator.Reason, Long>> rejected = new TreeMap<>();
    private final Map<String, Deque<Long>> recent = new LinkedHashMap<>();
    private final Set<String> flagged = ConcurrentHashMap.newKeySet();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    /** Reasons logged once for the whole fleet, then summed up. */
    private static final Set<ReportValidator.Reason> FLEET_WIDE = java.util.EnumSet.of(ReportValidator.Reason.UNDECLARED_LINK);
    /** At most one summary line per fleet-wide reason in this many ms. */
    static final long SUMMARY_EVERY_MS = 60_000;
    private final Map<ReportValidator.Reason, Summary> summaries = new java.util.EnumMap<>(ReportValidator.Reason.class);
    private long linesLogged;

    /** What a fleet-wide reason's next summary line says. */
    private static final class Summary {
        long sinceMs;
        long count;
        final Set<String> nodes = new java.util.HashSet<>();
        String last;
    }

    Rejections(int flagAfter, LongSupplier clock, HostMeters meters) {
        this.flagAfter = flagAfter;
        this.clock = clock;
        this.meters = meters;
    }

    /** Counts one rejection of {@code what} from {@code node}. */
    void reject(String node, ReportValidator.Reason reason, String what) {
        meters.reportRejected(node, reason.label());
        boolean flag;
        synchronized (this) {
            rejected.computeIfAbsent(node, k -> new TreeMap<>()).merge(reason, 1L, Long::sum);
            Deque<Long> times = recent.computeIfAbsent(node, k -> new ArrayDeque<>());
            long now = clock.getAsLong();
            times.addLast(now);
            while (!times.isEmpty() && (times.peekFirst() < now - 60_000 || times.size() > flagAfter)) {
                times.removeFirst();
            }
            flag = times.size() >= flagAfter && flagged.add(node);
        }
        if (FLEET_WIDE.contains(reason)) {
            logFleetWide(node, reason, what);
        } else if (logged.add(node + "|" + reason)) {
            LOG.warn("rejected report of node {} ({}): {} (further rejections of this kind are counted, not logged)",
                    node, reason.label(), what);
            lines();
        }
        if (flag) {
            meters.nodeFlagged(node);
            LOG.warn("node {} flagged: {} of its reports rejected within a minute; check the device and its credentials",
                    node, flagAfter);
        }
    }

    private void logFleetWide(String node, ReportValidator.Reason reason, String what) {
        long now = clock.getAsLong();
        String line = null;
        synchronized (summaries) {
            Summary s = summaries.get(reason);
            if (s == null) {
                s = new Summary();
                s.sinceMs = now;
                summaries.put(reason, s);
                line = String.format(java.util.Locale.ROOT, "rejected report of node %s (%s): %s (further rejections of"
                        + " this kind, from any node, are counted and summed up in one line at most once a minute)", node,
                        reason.label(), what);
            } else {
                s.count++;
                if (s.nodes.size() < 100_000) {
                    s.nodes.add(node);
                }
                s.last = node + ": " + what;
                if (now - s.sinceMs >= SUMMARY_EVERY_MS) {
                    line = String.format(java.util.Locale.ROOT, "%d more report(s) of %d node(s) rejected (%s) in the last"
                            + " %d s; last: node %s", s.count, s.nodes.size(), reason.label(), (now - s.sinceMs) / 1000, s.last);
                    s.sinceMs = now;
                    s.count = 0;
                    s.nodes.clear();
                }
            }
        }
        if (line != null) {
            LOG.warn(line);
            lines();
        }
    }

    private synchronized void lines() {
        linesLogged++;
    }

    /** Log lines written about rejections so far (tests). */
    synchronized long linesLogged() {
        return linesLogged;
    }

    /** Rejections per node and reason, and which nodes are flagged. */
    synchronized List<ReportValidator.NodeRejections> byNode() {
        List<ReportValidator.NodeRejections> out = new ArrayList<>();
        rejected.forEach((n, m) -> {
            Map<String, Long> by = new TreeMap<>();
            m.forEach((r, c) -> by.put(r.label(), c));
            out.add(new ReportValidator.NodeRejections(n, by, m.values().stream().mapToLong(Long::longValue).sum(), flagged.contains(n)));
        });
        return out;
    }

    /** True when {@code node} is flagged. */
    boolean flagged(String node) {
        return flagged.contains(node);
    }

    /** Rejections of {@code node} for {@code reason} so far. */
    synchronized long count(String node, ReportValidator.Reason reason) {
        return rejected.getOrDefault(node, Map.of()).getOrDefault(reason, 0L);
    }
}
