package org.edgefm.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;

/**
 * Transfer and propagation delays between every pair of nodes (paper 1, eq. 2): sending {@code b}
 * MB from u to v takes {@code b·Σ 1/w + Σ (W/l + extra)} over the links of the path, 0 when
 * {@code u = v}. Nodes without a direct link use a multi-hop store-and-forward path (assumption: the
 * path fastest for 1 MB, fixed for the run); links are not contended.
 */
final class Network {
    /** Propagation speed l in km/ms: {@link Latency#DEFAULT_KM_PER_MS}, the planners' and host's default. */
    static final double KM_PER_MS = Latency.DEFAULT_KM_PER_MS;

    private final int n;
    private final double[] invBw;
    private final double[] prop;

    /** Node id → its position in {@code nodes}, the numbering a {@code Network} is built on. */
    static Map<String, Integer> nodeIndex(List<NodeSpec> nodes) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).id(), i);
        }
        return index;
    }

    Network(int n, List<LinkSpec> links, Map<String, Integer> index) {
        this.n = n;
        invBw = new double[n * n];
        prop = new double[n * n];
        double[] cost = new double[n * n];
        Arrays.fill(invBw, Double.POSITIVE_INFINITY);
        Arrays.fill(prop, Double.POSITIVE_INFINITY);
        Arrays.fill(cost, Double.POSITIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            invBw[i * n + i] = 0;
            prop[i * n + i] = 0;
            cost[i * n + i] = 0;
        }
        for (LinkSpec l : links) {
            int a = index.get(l.a());
            int b = index.get(l.b());
            // eq. (2) per link (Latency): b/w per MB and the payload-free part W/l + extra
            double ib = Latency.transferMs(1.0, l.bandwidthMbPerMs());
            double p = Latency.fixedDelayMs(l, KM_PER_MS);
            for (int[] e : new int[][] {{a, b}, {b, a}}) {
                int k = e[0] * n + e[1];
                if (ib + p < cost[k]) {
                    invBw[k] = ib;
                    prop[k] = p;
                    cost[k] = ib + p;
                }
            }
        }
        // Floyd–Warshall on the cost of 1 MB; the path's invBw and prop sums ride along.
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double ik = cost[i * n + k];
                if (ik == Double.POSITIVE_INFINITY) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double c = ik + cost[k * n + j];
                    if (c < cost[i * n + j]) {
                        cost[i * n + j] = c;
                        invBw[i * n + j] = invBw[i * n + k] + invBw[k * n + j];
                        prop[i * n + j] = prop[i * n + k] + prop[k * n + j];
                    }
                }
            }
        }
    }

    /** Delay of {@code mb} MB from u to v in ms; infinite when no path exists. */
    double delay(int u, int v, double mb) {
        if (u == v) {
            return 0;
        }
        int k = u * n + v;
        return mb * invBw[k] + prop[k];
    }

    boolean reachable(int u, int v) {
        return prop[u * n + v] != Double.POSITIVE_INFINITY;
    }
}
