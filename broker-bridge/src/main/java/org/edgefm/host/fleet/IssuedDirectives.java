package org.edgefm.host.fleet;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;

/**
 * What the host sent each node, as {@link ReportValidator} checks reports against it: the newest
 * {@value #KEPT} directives per node, the first directive of this host run, and the services the
 * previous host run's directives named (from its journal: a restarted host has sent nothing yet).
 * Thread-safe.
 */
final class IssuedDirectives {
    /** Directives kept per node. */
    static final int KEPT = 32;

    /** What the host sent one node: its directives (newest last, bounded). */
    private static final class Issued {
        final Deque<Directive> directives = new ArrayDeque<>();

        Directive find(long epoch, long version) {
            for (Directive d : directives) {
                if (d.plannerEpoch() == epoch && d.version() == version) {
                    return d;
                }
            }
            return null;
        }
    }

    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    /** Per node, the first directive this host run sent it ({epoch, version}). */
    private final Map<String, long[]> firstIssued = new ConcurrentHashMap<>();
    /** Services the previous host run's directives named, per node. */
    private final Map<String, Set<String>> previousRun = new ConcurrentHashMap<>();

    /** Records a directive the host sent. */
    void add(Directive d) {
        firstIssued.putIfAbsent(d.nodeId(), new long[] {d.plannerEpoch(), d.version()});
        Issued i = issued.computeIfAbsent(d.nodeId(), k -> new Issued());
        synchronized (i) {
            if (i.find(d.plannerEpoch(), d.version()) == null) {
                i.directives.addLast(d);
                while (i.directives.size() > KEPT) {
                    i.directives.removeFirst();
                }
            }
        }
    }

    /** The services the previous host run's directives named, per node. */
    void previousRun(Map<String, Set<String>> servicesByNode) {
        servicesByNode.forEach((n, s) -> previousRun.put(n, Set.copyOf(s)));
    }

    /** The services the previous host run's directives named for {@code node} (empty if none). */
    Set<String> previousRun(String node) {
        return previousRun.getOrDefault(node, Set.of());
    }

    /** True when the previous host run's journal names {@code node}. */
    boolean inPreviousRun(String node) {
        return previousRun.containsKey(node);
    }

    /** True when this host run sent {@code node} a directive. */
    boolean sentTo(String node) {
        return issued.containsKey(node);
    }

    /** The first directive this host run sent the node, as {epoch, version}; null if none. */
    long[] first(String node) {
        return firstIssued.get(node);
    }

    /** The directive kept for the node with this epoch and version; null if none. */
    Directive find(String node, long epoch, long version) {
        Issued i = issued.get(node);
        if (i == null) {
            return null;
        }
        synchronized (i) {
            return i.find(epoch, version);
        }
    }

    /** The peers of every directive kept for the node (a re-plan may drop a peer whose report is on its way). */
    Set<String> recentPeers(String node) {
        Issued i = issued.get(node);
        if (i == null) {
            return Set.of();
        }
        Set<String> s = new HashSet<>();
        synchronized (i) {
            i.directives.forEach(d -> s.addAll(d.desired().peers().keySet()));
        }
        return s;
    }

    /** True when a directive kept for the node names the service. */
    boolean knownService(String node, String service) {
        Issued i = issued.get(node);
        if (i == null) {
            return false;
        }
        synchronized (i) {
            return i.directives.stream().anyMatch(d -> services(d).contains(service));
        }
    }

    /**
     * The services of every directive kept for the node (the newest {@value #KEPT}) and of the
     * previous run's: reports and completions of work started under an earlier directive arrive after
     * a re-plan or failover moved it (telemetry lags a directive by a period, in-flight tasks finish
     * where they ran).
     */
    Set<String> recentServices(String node) {
        Issued i = issued.get(node);
        if (i == null) {
            return previousRun(node);
        }
        Set<String> s = new HashSet<>(previousRun(node));
        synchronized (i) {
            i.directives.forEach(d -> s.addAll(services(d)));
        }
        return s;
    }

    /** The services a directive names. */
    static Set<String> services(Directive d) {
        Set<String> s = new HashSet<>();
        for (DesiredService x : d.desired().services()) {
            s.add(x.service());
        }
        return s;
    }

}
