package org.edgefm.planner.latency;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
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
 * ({@link DistanceRepair}). A row is computed once: the first thread to miss it claims it, and a thread
 * that asks for it meanwhile waits for that one's result.
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
    /** Per payload size: per source, the row. */
    private final Map<Double, Sized> rows = new ConcurrentHashMap<>();
    private final LongAdder computed = new LongAdder();

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
    Sized rows(double sizeMb) {
        return rows.computeIfAbsent(sizeMb, k -> new Sized(k));
    }

    /** The payload sizes with rows, and their rows (rows may be added meanwhile). */
    Map<Double, Sized> allRows() {
        return rows;
    }

    /** Rows computed by Dijkstra in this store so far (tests: each at most once). */
    long computedRows() {
        return computed.sum();
    }

    /**
     * One payload size's rows, per source: null, a row being computed (the future the computing thread
     * completes), or the published row.
     */
    final class Sized {
        private final double sizeMb;
        private final AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(graph.size());

        private Sized(double sizeMb) {
            this.sizeMb = sizeMb;
        }

        /** The published row of {@code from}, or null (none yet, or one still being computed). */
        Row published(int from) {
            return slots.get(from) instanceof Row r ? r : null;
        }

        /**
         * The row of {@code from}, computed (Dijkstra) and published on first use; a thread that asks for a row
         * another thread is computing waits for it instead of computing it again (both need it; at the join
         * the core planner and the light controller ask for the same rows at the same time).
         */
        @SuppressWarnings("unchecked")
        Row row(int from) {
            while (true) {
                Object o = slots.get(from);
                if (o instanceof Row r) {
                    return r;
                }
                if (o == null) {
                    CompletableFuture<Row> mine = new CompletableFuture<>();
                    if (slots.compareAndSet(from, null, mine)) {
                        return compute(from, mine);
                    }
                    continue;
                }
                try {
                    return ((CompletableFuture<Row>) o).join();
                } catch (CompletionException | CancellationException e) {
                    // the computing thread failed and cleared the slot: the next round computes it here
                }
            }
        }

        private Row compute(int from, CompletableFuture<Row> mine) {
            try {
                int[] p = new int[graph.size()];
                Row r = new Row(ShortestPaths.dijkstra(graph, excluded, from, sizeMb, p), p);
                computed.increment();
                slots.set(from, r);
                mine.complete(r);
                return r;
            } catch (RuntimeException | Error e) {
                slots.compareAndSet(from, mine, null);
                mine.completeExceptionally(e);
                throw e;
            }
        }

        /** Publishes a row computed elsewhere (a repaired one) where none is yet. */
        void put(int from, Row row) {
            slots.compareAndSet(from, null, row);
        }
    }
}
