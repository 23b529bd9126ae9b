package org.edgefm.planner.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PathStore}: distances shared by the instances of an equal network, never changed by a repair, correct under threads. */
class PathStoreTest {
    private static final double[] SIZES = {0.001, 0.15, 2.5};

    /** A ring of {@code n} nodes with chords (so that leaving nodes moves many shortest paths). */
    private static Topology ring(int n, double km) {
        List<NodeSpec> nodes = new ArrayList<>();
        List<LinkSpec> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new NodeSpec("n" + i, NodeKind.DEVICE, ResourceVector.of(1, 1, 0, 0)));
        }
        for (int i = 0; i < n; i++) {
            links.add(new LinkSpec("n" + i, "n" + (i + 1) % n, 1 + i % 7, km + i % 3, 0));
            if (i % 5 == 0) {
                links.add(new LinkSpec("n" + i, "n" + (i + n / 3) % n, 0.5, 3 * km, 0.25));
            }
        }
        return new Topology(nodes, links);
    }

    /** Dijkstra alone, with no store: the reference. */
    private static double[] reference(Topology t, double km, Set<String> excluded, int from, double size) {
        PathGraph g = new PathGraph(t, km);
        return ShortestPaths.dijkstra(g, g.mask(excluded), from, size, new int[g.size()]);
    }

    @Test
    void distances_onEqualTopologies_areComputedOnceAndShared() {
        // equal, not the same object: the host hands its planners one model, a simulation builds its own
        NetworkPaths a = new NetworkPaths(ring(40, 10.5), 200, Set.of("n3"));
        NetworkPaths b = new NetworkPaths(ring(40, 10.5), 200, Set.of("n3"));
        NetworkPaths otherSet = new NetworkPaths(ring(40, 10.5), 200, Set.of());
        assertThat(b.distances(7, 0.15)).isSameAs(a.distances(7, 0.15));
        assertThat(otherSet.distances(7, 0.15)).isNotSameAs(a.distances(7, 0.15));
        assertThat(a.distances(7, 0.15)).containsExactly(reference(ring(40, 10.5), 200, Set.of("n3"), 7, 0.15));
    }

    @Test
    void withExcluded_onSharedDistances_leavesEveryOtherInstancesDistancesAsTheyWere() {
        Topology t = ring(60, 11.25);
        NetworkPaths reader = new NetworkPaths(t);
        NetworkPaths repaired = new NetworkPaths(t);
        double[][][] before = new double[SIZES.length][60][];
        for (int k = 0; k < SIZES.length; k++) {
            for (int s = 0; s < 60; s++) {
                before[k][s] = reader.distances(s, SIZES[k]).clone();
            }
        }
        // nodes leave, then come back: every repair touches rows the reader holds
        repaired = repaired.withExcluded(Set.of("n0", "n20", "n41")).withExcluded(Set.of("n20")).withExcluded(Set.of());
        NetworkPaths again = new NetworkPaths(t).withExcluded(Set.of("n5", "n6"));
        for (int k = 0; k < SIZES.length; k++) {
            for (int s = 0; s < 60; s++) {
                assertThat(reader.distances(s, SIZES[k])).as("size %s from n%d", SIZES[k], s).containsExactly(before[k][s]);
                assertThat(again.distances(s, SIZES[k])).containsExactly(reference(t, 200, Set.of("n5", "n6"), s, SIZES[k]));
                assertThat(repaired.distances(s, SIZES[k])).containsExactly(before[k][s]);
            }
        }
        assertThat(again.changed(0, 0.15, 7)).isTrue();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threads_readingComputingAndRepairingTheSameStore_seeOnlyCorrectDistances() throws Exception {
        Topology t = ring(90, 12.75);
        int n = 90;
        List<Set<String>> sets = List.of(Set.of(), Set.of("n0"), Set.of("n10", "n11", "n45"), Set.of("n30", "n60"));
        double[][][][] want = new double[sets.size()][SIZES.length][n][];
        for (int x = 0; x < sets.size(); x++) {
            for (int k = 0; k < SIZES.length; k++) {
                for (int s = 0; s < n; s++) {
                    want[x][k][s] = reference(t, 200, sets.get(x), s, SIZES[k]);
                }
            }
        }
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int seed = th;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    start.await();
                    int checked = 0;
                    for (int round = 0; round < 40; round++) {
                        // every thread starts from the shared store of the whole network, then repairs for another set
                        NetworkPaths shared = new NetworkPaths(t);
                        int x = 1 + r.nextInt(sets.size() - 1);
                        for (int i = 0; i < 3 * n; i++) {
                            int s = r.nextInt(n);
                            int k = r.nextInt(SIZES.length);
                            if (!java.util.Arrays.equals(shared.distances(s, SIZES[k]), want[0][k][s])) {
                                wrong.add("thread " + seed + " round " + round + ": shared row n" + s + " size " + SIZES[k]);
                            }
                            checked++;
                        }
                        NetworkPaths mine = shared.withExcluded(sets.get(x));
                        for (int s = 0; s < n; s += 7) {
                            int k = r.nextInt(SIZES.length);
                            if (!java.util.Arrays.equals(mine.distances(s, SIZES[k]), want[x][k][s])) {
                                wrong.add("thread " + seed + " round " + round + ": repaired row n" + s + " size " + SIZES[k]);
                            }
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            int checked = 0;
            for (Future<Integer> f : done) {
                checked += f.get(50, TimeUnit.SECONDS);
            }
            assertThat(wrong).isEmpty();
            assertThat(checked).isGreaterThan(threads * 40 * 3 * n);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threads_askingForTheSameRowsAtOnce_computeEachRowOnce() throws Exception {
        // as at the join: the core planner's estimates and the light controller walk the same sources together
        Topology t = ring(1500, 13.5);
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<NetworkPaths> views = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            views.add(new NetworkPaths(t, 200, Set.of("n7")));
        }
        try {
            List<Future<double[]>> done = new ArrayList<>();
            for (NetworkPaths v : views) {
                done.add(pool.submit(() -> {
                    start.await();
                    double[] last = null;
                    for (int s = 0; s < 300; s++) {
                        last = v.distances(s, 0.15);
                    }
                    return last;
                }));
            }
            for (Future<double[]> f : done) {
                assertThat(f.get(50, TimeUnit.SECONDS)).isSameAs(done.get(0).get());
            }
        } finally {
            pool.shutdownNow();
        }
        PathStore store = PathStore.of(t, 200, Set.of("n7"));
        assertThat(store.computedRows()).isEqualTo(300);
        assertThat(views.get(0).distances(299, 0.15)).containsExactly(reference(t, 200, Set.of("n7"), 299, 0.15));
    }
}
