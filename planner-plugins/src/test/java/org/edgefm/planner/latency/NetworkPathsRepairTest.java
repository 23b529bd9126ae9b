package org.edgefm.planner.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.Topology;
import org.junit.jupiter.api.Test;

/** {@link NetworkPaths#withExcluded}: repaired delays equal a fresh computation, and {@code changed} names exactly the ones that moved. */
class NetworkPathsRepairTest {
    private static final double[] SIZES = {0.0, 0.15, 2.5};

    /** A sparse random network: a random tree (so most nodes are cut points) plus a few extra links, some of length 0. */
    private static Topology network(SplittableRandom r, int n) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new NodeSpec("n" + i, NodeKind.DEVICE, ResourceVector.of(1, 1, 0, 0)));
        }
        List<LinkSpec> links = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < n; i++) {
            int j = r.nextInt(i);
            links.add(link(r, i, j));
            seen.add(j + "-" + i);
        }
        for (int e = 0; e < n / 3; e++) {
            int a = r.nextInt(n);
            int b = r.nextInt(n);
            if (a != b && seen.add(Math.min(a, b) + "-" + Math.max(a, b))) {
                links.add(link(r, a, b));
            }
        }
        return new Topology(nodes, links);
    }

    private static LinkSpec link(SplittableRandom r, int a, int b) {
        // a few equal weights, so that shortest paths tie
        double bw = r.nextInt(4) == 0 ? 1.0 : 0.5 + r.nextDouble() * 100;
        double km = r.nextInt(5) == 0 ? 0 : r.nextInt(3) * 10.0;
        return new LinkSpec("n" + a, "n" + b, bw, km, r.nextInt(3) == 0 ? 0.5 : 0);
    }

    @Test
    void withExcluded_onRandomChanges_equalsFreshPathsAndNamesEveryChangedDelay() {
        SplittableRandom r = new SplittableRandom(42);
        int checked = 0;
        int changedSeen = 0;
        List<String> wrong = new ArrayList<>();
        for (int net = 0; net < 12; net++) {
            int n = 20 + r.nextInt(60);
            Topology t = network(r, n);
            Set<String> excluded = new HashSet<>();
            NetworkPaths paths = new NetworkPaths(t, NetworkPaths.DEFAULT_KM_PER_MS, excluded);
            for (int step = 0; step < 25; step++) {
                // what the instance has computed before the change
                double[][][] before = new double[SIZES.length][n][];
                for (int k = 0; k < SIZES.length; k++) {
                    for (int s = 0; s < n; s++) {
                        if (r.nextInt(3) > 0) {
                            before[k][s] = paths.distances(s, SIZES[k]).clone();
                        }
                    }
                }
                // one to four nodes leave or come back, sometimes none
                for (int f = r.nextInt(5); f > 0; f--) {
                    String id = "n" + r.nextInt(n);
                    if (!excluded.remove(id)) {
                        excluded.add(id);
                    }
                }
                NetworkPaths next = paths.withExcluded(Set.copyOf(excluded));
                NetworkPaths fresh = new NetworkPaths(t, NetworkPaths.DEFAULT_KM_PER_MS, Set.copyOf(excluded));
                for (int k = 0; k < SIZES.length; k++) {
                    for (int s = 0; s < n; s++) {
                        double[] got = next.distances(s, SIZES[k]);
                        double[] want = fresh.distances(s, SIZES[k]);
                        for (int v = 0; v < n; v++) {
                            if (Double.compare(got[v], want[v]) != 0) {
                                wrong.add(String.format("net %d step %d size %s: n%d -> n%d is %s, fresh %s", net, step,
                                        SIZES[k], s, v, got[v], want[v]));
                            }
                            if (before[k][s] == null) {
                                continue; // not read this round (carried from an earlier one, or never computed)
                            }
                            boolean moved = Double.compare(before[k][s][v], got[v]) != 0;
                            if (next.changed(s, SIZES[k], v) != moved) {
                                wrong.add(String.format("net %d step %d size %s: n%d -> n%d changed is %s, moved %s", net,
                                        step, SIZES[k], s, v, !moved, moved));
                            }
                            changedSeen += moved ? 1 : 0;
                            checked++;
                        }
                    }
                }
                // the next round repairs the repaired instance again
                paths = next;
                for (int s = 0; s < n; s++) {
                    for (int v = 0; v < n; v++) {
                        if (paths.reachable(s, v) != fresh.reachable(s, v)) {
                            wrong.add("net " + net + " step " + step + ": reachable n" + s + " -> n" + v);
                        }
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).isGreaterThan(10_000);
        assertThat(changedSeen).as("changes that moved a delay").isGreaterThan(1_000);
    }

    @Test
    void changed_onAFreshInstance_isTrueEverywhere() {
        NetworkPaths p = new NetworkPaths(network(new SplittableRandom(1), 10));
        p.distances(0, 0.15);
        assertThat(p.changed(0, 0.15, 3)).isTrue();
        assertThat(p.changed(1, 0.15, 3)).isTrue();
    }

    @Test
    void withExcluded_leavesTheOldInstancesDistancesAsTheyWere() {
        Topology t = network(new SplittableRandom(7), 30);
        NetworkPaths a = new NetworkPaths(t);
        double[] before = a.distances(0, 0.15).clone();
        a.withExcluded(Set.of("n5", "n9"));
        assertThat(a.distances(0, 0.15)).containsExactly(before);
    }
}
