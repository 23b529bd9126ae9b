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
 * minute flagged. Thread-safe.
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
        if (logged.add(node + "|" + reason)) {
            LOG.warn("rejected report of node {} ({}): {} (further rejections of this kind are counted, not logged)",
                    node, reason.label(), what);
        }
        if (flag) {
            meters.nodeFlagged(node);
            LOG.warn("node {} flagged: {} of its reports rejected within a minute; check the device and its credentials",
                    node, flagAfter);
        }
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
