package org.edgefm.planner.latency;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.edgefm.api.model.Topology;

/**
 * The shortest delays of one network with one set of excluded nodes, per payload size and source, each
 * computed once and shared by every {@link NetworkPaths} made for that network and set, on any thread:
 * the core planner's estimates, the light controller's analyses and their preparation ask for the same
 * (source, size) pairs of the same topology, and compute them once between them.
 *
 * <p>A row (one source's delays and predecessors for one size) is complete before it is published and
 * never written after (an {@link AtomicReferenceArray} publishes it), so a reader on another thread sees
 * either nothing or the whole row; {@link NetworkPaths#withExcluded} copies a row before it repairs it
 * ({@link DistanceRepair}). Two threads that miss the same row at once may both compute it; the first to
 * publish wins and both return its arrays (the values are the same either way).
 *
 * <p>Memory: a row is {@code 12·n} bytes ({@code n} doubles and {@code n} ints); a store holds at most one
 * row per (source, size). {@link #of} keeps the newest store it handed out strongly and the others only
 * while some {@code NetworkPaths} uses them (weak references), so what the registry adds to what live
 * instances hold is one store at most.
 */
final class PathStore {
    /** One source's shortest delays and each node's predecessor on one shortest path (-1: none); never modified. */
    record Row(double[] dist, int[] pred) {
    }

    private record Key(Topology topology, double kmPerMs, Set<String> excluded) {
    }

    /** Stores handed out by {@link #of}, while something uses them. */
    private static final List<Entry> REGISTRY = new ArrayList<>();
    /** The newest store handed out by {@link #of}, kept even when no instance uses it (the next planner call may). */
    private static PathStore newest;

    private record Entry(Key key, int hash, WeakReference<PathStore> store) {
    }

    final PathGraph graph;
    /** The excluded nodes' mask: read only. */
    final boolean[] excluded;
    /** Per payload size: per source, the published row or null. */
    private final Map<Double, AtomicReferenceArray<Row>> rows = new ConcurrentHashMap<>();

    PathStore(PathGraph graph, boolean[] excluded) {
        this.graph = graph;
        this.excluded = excluded;
    }

    /**
     * The shared store of a network and a set of excluded nodes: the one already handed out for an equal
     * topology, speed and set while it is in use (or the newest), else a new one.
     */
    static PathStore of(Topology topology, double kmPerMs, Set<String> excluded) {
        Key key = new Key(topology, kmPerMs, Set.copyOf(excluded));
        int hash = key.hashCode();
        synchronized (REGISTRY) {
            for (Iterator<Entry> it = REGISTRY.iterator(); it.hasNext();) {
                Entry e = it.next();
                PathStore s = e.store().get();
                if (s == null) {
                    it.remove();
                } else if (e.hash() == hash && sameKey(e.key(), key)) {
                    newest = s;
                    return s;
                }
            }
        }
        // the graph is built outside the lock; a racing thread may register an equal store first (then both exist,
        // each correct; the later one is found from then on)
        PathGraph graph = new PathGraph(topology, kmPerMs);
        PathStore s = new PathStore(graph, graph.mask(excluded));
        synchronized (REGISTRY) {
            REGISTRY.add(0, new Entry(key, hash, new WeakReference<>(s)));
            newest = s;
        }
        return s;
    }

    private static boolean sameKey(Key a, Key b) {
        return (a.topology() == b.topology() || a.topology().equals(b.topology())) && a.kmPerMs() == b.kmPerMs()
                && a.excluded().equals(b.excluded());
    }

    /** Stores of the registry that are still in use (tests). */
    static int registered() {
        synchronized (REGISTRY) {
            REGISTRY.removeIf(e -> e.store().get() == null);
            return REGISTRY.size();
        }
    }

    /** The rows of one payload size (created empty on first use). */
    AtomicReferenceArray<Row> rows(double sizeMb) {
        return rows.computeIfAbsent(sizeMb, k -> new AtomicReferenceArray<>(graph.size()));
    }

    /** The payload sizes with rows, and their rows (a snapshot of the keys; rows may be added meanwhile). */
    Map<Double, AtomicReferenceArray<Row>> allRows() {
        return rows;
    }

    /** The row of {@code from} for {@code sizeMb}, computed (Dijkstra) and published on first use. */
    Row row(AtomicReferenceArray<Row> sized, int from, double sizeMb) {
        Row r = sized.get(from);
        if (r == null) {
            int[] p = new int[graph.size()];
            double[] d = ShortestPaths.dijkstra(graph, excluded, from, sizeMb, p);
            Row mine = new Row(d, p);
            r = sized.compareAndExchange(from, null, mine);
            if (r == null) {
                r = mine;
            }
        }
        return r;
    }

    /** Publishes a row computed elsewhere (a repaired one) where none is yet; returns the row that is there. */
    Row put(AtomicReferenceArray<Row> sized, int from, Row row) {
        Row r = sized.compareAndExchange(from, null, row);
        return r == null ? row : r;
    }
}
