package org.edgefm.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyTest {
    // a fusion in-tree: two leaves a and b feed f, f feeds the sink s
    private static final TaskType FUSION = new TaskType("t", 2.0, 100,
            List.of(new Stage("s", "svc", null), new Stage("f", "svc", "s"), new Stage("a", "svc", "f"),
                    new Stage("b", "svc", "f")));

    /** Three nodes on a line 0 - 1 - 2: 1 MB/ms between 0 and 1, 0.5 MB/ms between 1 and 2, 1 ms per hop fixed. */
    private static double delay(int from, int to, double mb) {
        if (from == to) {
            return 0;
        }
        double[] invBw = {1, 2};
        double t = 0;
        for (int h = Math.min(from, to); h < Math.max(from, to); h++) {
            t += mb * invBw[h] + 1;
        }
        return t;
    }

    @Test
    void uplink_eq1_isInputOverBandwidthTimesLog2OnePlusSnr() {
        // log2(1 + 3) = 2 bit/s/Hz: 4 MB over 0.5 MB/ms · 2 = 4 ms
        assertThat(Latency.uplinkMs(4, 0.5, 3)).isCloseTo(4.0, within(1e-12));
        assertThat(Latency.spectralEfficiency(1)).isCloseTo(1.0, within(1e-12));
        assertThat(Latency.uplinkMs(1, 1, 0)).isInfinite();
    }

    @Test
    void linkDelay_eq2_isTransferPlusPropagationPlusExtra() {
        LinkSpec l = new LinkSpec("x", "y", 2.0, 100.0, 0.25);
        // 3 MB / 2 MB/ms = 1.5 ms; 100 km / 200 km/ms = 0.5 ms; + 0.25 ms
        assertThat(Latency.linkDelayMs(l, 3, Latency.DEFAULT_KM_PER_MS)).isCloseTo(2.25, within(1e-12));
        assertThat(Latency.roundTripMs(l, Latency.DEFAULT_KM_PER_MS)).isCloseTo(1.5, within(1e-12));
        assertThat(Latency.processingMs(6, 3)).isEqualTo(2.0);
    }

    @Test
    void completionTimes_eq4_waitsForTheSlowestParentAndPaysEachTransfer() {
        Map<String, Integer> node = Map.of("a", 0, "b", 2, "f", 1, "s", 1);
        Map<String, Double> t = Latency.completionTimesMs(FUSION, st -> node.get(st.id()), 0, 5.0, 2.0,
                st -> 1.0, st -> 10.0, LatencyTest::delay);
        // a at the origin: 5 + 0 + 10 = 15; b two hops away: 5 + (2·1+1) + (2·2+1) + 10 = 23
        assertThat(t.get("a")).isEqualTo(15.0);
        assertThat(t.get("b")).isEqualTo(23.0);
        // f waits for b's output (1 MB over 1 -> 2 hop: 1·2 + 1 = 3): 26, versus a's 15 + 2 = 17
        assertThat(t.get("f")).isEqualTo(36.0);
        assertThat(t.get("s")).isEqualTo(46.0);
        assertThat(List.copyOf(t.keySet()).get(t.size() - 1)).isEqualTo("s");
    }

    @Test
    void earliestCompletion_equalsTheBestOfEveryPlacement() {
        double[][] proc = new double[4][3];
        List<Stage> order = FUSION.topologicalOrder();
        for (int i = 0; i < 4; i++) {
            for (int v = 0; v < 3; v++) {
                // node 2 is fast, node 0 cannot run the fusion stage
                proc[i][v] = order.get(i).id().equals("f") && v == 0 ? Double.POSITIVE_INFINITY : (v == 2 ? 2 : 8);
            }
        }
        double[][] best = Latency.earliestCompletionMs(FUSION, 3, 0, 1.0, 2.0, st -> 0.5, (i, v) -> proc[i][v],
                LatencyTest::delay);
        double brute = Double.POSITIVE_INFINITY;
        int[] p = new int[4];
        for (int code = 0; code < 81; code++) {
            int c = code;
            for (int i = 0; i < 4; i++) {
                p[i] = c % 3;
                c /= 3;
            }
            Map<String, Integer> at = Map.of(order.get(0).id(), p[0], order.get(1).id(), p[1], order.get(2).id(), p[2],
                    order.get(3).id(), p[3]);
            Map<String, Integer> pos = Map.of(order.get(0).id(), 0, order.get(1).id(), 1, order.get(2).id(), 2,
                    order.get(3).id(), 3);
            double sink = Latency.completionTimesMs(FUSION, st -> at.get(st.id()), 0, 1.0, 2.0, st -> 0.5,
                    st -> proc[pos.get(st.id())][at.get(st.id())], LatencyTest::delay).get("s");
            brute = Math.min(brute, sink);
        }
        double bound = Math.min(best[3][0], Math.min(best[3][1], best[3][2]));
        assertThat(bound).isEqualTo(brute);
        assertThat(best[order.indexOf(FUSION.stage("f"))][0]).isInfinite();
    }
}
