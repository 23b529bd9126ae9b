package org.edgefm.planner.latency;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;

/**
 * Mean-value analysis of one task stream (paper 1, Sec. III-A): for every stage of an in-tree and
 * every candidate node of that stage, the earliest mean time its inputs can be there
 * ({@code d^pr}), its mean completion, and the best mean time from its completion to the sink.
 *
 * <p>It generalises the shortest path {@code P_{j,v}} (link weight {@code b/w + W/l}, node weight
 * {@code a/f̄}) from chains to in-trees by dynamic programming: a stage's inputs are ready when its
 * slowest parent's output arrives (eq. (4) with means), each parent placed where that is earliest.
 * Assumption: the backward pass (completion to sink) follows one chain and ignores waiting for
 * sibling branches. Cost {@code O(Σ_s |C_parent(s)|·|C_s|)} delay look-ups per stream.
 */
public final class MeanValueRouting {
    private final List<Stage> order;
    private final Map<String, Integer> position = new HashMap<>();
    private final int[][] candidates;
    private final double[][] arrival;
    private final double[][] forward;
    private final double[][] backward;
    /** What the analysis read, for {@link #unchangedUnder}: the origin, the leaf input and each stage's output size. */
    private int origin;
    private double leafMb;
    private final double[] outMb;
    private final int[][] parents;
    private final int[] next;

    private MeanValueRouting(List<Stage> order, int[][] candidates) {
        this.order = order;
        this.candidates = candidates;
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i).id(), i);
        }
        arrival = new double[order.size()][];
        forward = new double[order.size()][];
        backward = new double[order.size()][];
        outMb = new double[order.size()];
        parents = new int[order.size()][];
        next = new int[order.size()];
    }

    /**
     * Runs the analysis.
     *
     * @param latency    the latency model
     * @param type       the task type
     * @param origin     node index of the user's device
     * @param uplinkMs   mean uplink time of eq. (1)
     * @param candidates node indices allowed to run each stage (empty: the stage cannot run)
     */
    public static MeanValueRouting analyse(LatencyModel latency, TaskType type, int origin, double uplinkMs,
            Function<Stage, int[]> candidates) {
        List<Stage> order = type.topologicalOrder();
        int[][] cand = new int[order.size()][];
        for (int i = 0; i < order.size(); i++) {
            cand[i] = candidates.apply(order.get(i));
        }
        MeanValueRouting r = new MeanValueRouting(order, cand);
        r.run(latency, type, origin, uplinkMs);
        return r;
    }

    private void run(LatencyModel latency, TaskType type, int origin, double uplinkMs) {
        NetworkPaths paths = latency.paths();
        this.origin = origin;
        this.leafMb = latency.leafInputMb(type);
        for (int si = 0; si < order.size(); si++) {
            Stage s = order.get(si);
            outMb[si] = outputMb(latency, s);
            next[si] = s.isSink() ? -1 : position.get(s.next());
            parents[si] = type.parents(s.id()).stream().mapToInt(p -> position.get(p.id())).toArray();
        }
        for (int si = 0; si < order.size(); si++) {
            Stage s = order.get(si);
            int[] cs = candidates[si];
            double[] arr = new double[cs.length];
            List<Stage> parents = type.parents(s.id());
            if (parents.isEmpty()) {
                double[] fromOrigin = paths.distances(origin, leafMb);
                for (int j = 0; j < cs.length; j++) {
                    arr[j] = uplinkMs + (cs[j] == origin ? 0 : fromOrigin[cs[j]]);
                }
            } else {
                for (Stage p : parents) {
                    int pi = position.get(p.id());
                    double size = outputMb(latency, p);
                    double[] best = new double[cs.length];
                    Arrays.fill(best, Double.POSITIVE_INFINITY);
                    int[] cp = candidates[pi];
                    for (int i = 0; i < cp.length; i++) {
                        double f = forward[pi][i];
                        if (f == Double.POSITIVE_INFINITY) {
                            continue;
                        }
                        double[] d = paths.distances(cp[i], size);
                        for (int j = 0; j < cs.length; j++) {
                            double v = f + (cs[j] == cp[i] ? 0 : d[cs[j]]);
                            if (v < best[j]) {
                                best[j] = v;
                            }
                        }
                    }
                    for (int j = 0; j < cs.length; j++) {
                        arr[j] = Math.max(arr[j], best[j]);
                    }
                }
            }
            arrival[si] = arr;
            double[] fw = new double[cs.length];
            for (int j = 0; j < cs.length; j++) {
                fw[j] = arr[j] + processingMs(latency, s, cs[j]);
            }
            forward[si] = fw;
        }
        for (int si = order.size() - 1; si >= 0; si--) {
            Stage s = order.get(si);
            int[] cs = candidates[si];
            double[] bw = new double[cs.length];
            if (!s.isSink()) {
                int ni = position.get(s.next());
                Stage next = order.get(ni);
                int[] cn = candidates[ni];
                double size = outputMb(latency, s);
                Arrays.fill(bw, Double.POSITIVE_INFINITY);
                double[] tail = new double[cn.length];
                for (int i = 0; i < cn.length; i++) {
                    tail[i] = processingMs(latency, next, cn[i]) + backward[ni][i];
                }
                for (int j = 0; j < cs.length; j++) {
                    double[] d = paths.distances(cs[j], size);
                    for (int i = 0; i < cn.length; i++) {
                        double v = (cs[j] == cn[i] ? 0 : d[cn[i]]) + tail[i];
                        if (v < bw[j]) {
                            bw[j] = v;
                        }
                    }
                }
            }
            backward[si] = bw;
        }
    }

    private static double outputMb(LatencyModel latency, Stage s) {
        return latency.service(s.service()).outputMb();
    }

    private static double processingMs(LatencyModel latency, Stage s, int node) {
        return LatencyModel.meanProcessingMs(latency.service(s.service()), latency.paths().node(node));
    }

    /**
     * True when every delay this analysis read is the same in {@code paths} ({@link NetworkPaths#changed}
     * is false for each), so running it again on {@code paths} with the same candidates, task type, origin
     * and uplink gives this analysis again. It reads a delay for each (leaf candidate, from the origin),
     * (parent candidate, stage candidate) and (stage candidate, next stage candidate) pair.
     */
    public boolean unchangedUnder(NetworkPaths paths) {
        for (int si = 0; si < order.size(); si++) {
            int[] cs = candidates[si];
            if (parents[si].length == 0 && !unchanged(paths, new int[] {origin}, null, cs, leafMb)) {
                return false;
            }
            for (int pi : parents[si]) {
                // a parent candidate its inputs never reach was not read from (see run)
                if (!unchanged(paths, candidates[pi], forward[pi], cs, outMb[pi])) {
                    return false;
                }
            }
            if (next[si] >= 0 && !unchanged(paths, cs, null, candidates[next[si]], outMb[si])) {
                return false;
            }
        }
        return true;
    }

    private static boolean unchanged(NetworkPaths paths, int[] from, double[] reached, int[] to, double sizeMb) {
        for (int i = 0; i < from.length; i++) {
            if (reached != null && reached[i] == Double.POSITIVE_INFINITY) {
                continue;
            }
            java.util.BitSet c = paths.changedFrom(from[i], sizeMb);
            if (c == null) {
                return false;
            }
            if (c.isEmpty()) {
                continue;
            }
            for (int b : to) {
                if (b != from[i] && c.get(b)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The stages in topological order (leaves first, sink last). */
    public List<Stage> stages() {
        return order;
    }

    /** The candidate node indices of a stage. */
    public int[] candidates(String stage) {
        return candidates[position.get(stage)];
    }

    /** {@code d^pr}: the mean time the stage's inputs are all at its j-th candidate, in ms from task creation. */
    public double preceding(String stage, int j) {
        return arrival[position.get(stage)][j];
    }

    /** Mean completion of the stage at its j-th candidate ({@code T̄} of eq. (4)). */
    public double completion(String stage, int j) {
        return forward[position.get(stage)][j];
    }

    /** Best mean time from the stage's completion at its j-th candidate to the sink's completion. */
    public double toSink(String stage, int j) {
        return backward[position.get(stage)][j];
    }

    /** Mean end-to-end latency of the best route through the stage's j-th candidate. */
    public double through(String stage, int j) {
        int p = position.get(stage);
        return forward[p][j] + backward[p][j];
    }

    /** The best mean end-to-end latency of the stream ({@code min T̄} at the sink). */
    public double bestEndToEnd() {
        double[] f = forward[order.size() - 1];
        double b = Double.POSITIVE_INFINITY;
        for (double x : f) {
            b = Math.min(b, x);
        }
        return b;
    }

    /** Candidate positions of a stage sorted by {@link #through}, best first, unreachable ones left out. */
    public int[] ranked(String stage) {
        int p = position.get(stage);
        int n = candidates[p].length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        double[] tot = new double[n];
        for (int i = 0; i < n; i++) {
            tot[i] = forward[p][i] + backward[p][i];
        }
        Arrays.sort(idx, (a, b) -> Double.compare(tot[a], tot[b]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).filter(i -> tot[i] < Double.POSITIVE_INFINITY).toArray();
    }
}
