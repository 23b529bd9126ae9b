package org.edgefm.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.wire.PeerMetrics;

/**
 * What the agents measured on the link between two nodes: the mean of both directions' figures
 * (the trial's link table and its calibration read links this one way).
 *
 * @param a        one end
 * @param b        the other end
 * @param rttMs    mean measured round trip in ms, or null when none was measured
 * @param mbPerMs  mean measured throughput in MB/ms, or null
 * @param samples  the samples behind the figures, both directions
 */
public record MeasuredLink(String a, String b, Double rttMs, Double mbPerMs, long samples) {

    /** Both directions of {@code a}–{@code b} in {@code peers} (node → peer → its measurement), folded. */
    public static MeasuredLink fold(Map<String, Map<String, PeerMetrics>> peers, String a, String b) {
        List<PeerMetrics> measured = new ArrayList<>();
        for (String[] dir : List.of(new String[] {a, b}, new String[] {b, a})) {
            PeerMetrics m = peers.getOrDefault(dir[0], Map.of()).get(dir[1]);
            if (m != null) {
                measured.add(m);
            }
        }
        return new MeasuredLink(a, b, mean(measured.stream().map(PeerMetrics::rttMs).toList()),
                mean(measured.stream().map(PeerMetrics::throughputMbPerMs).toList()),
                measured.stream().mapToLong(m -> m.samples() == null ? 0 : m.samples()).sum());
    }

    /** The key of an unordered pair of nodes. */
    public static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private static Double mean(List<Double> xs) {
        double sum = 0;
        int n = 0;
        for (Double x : xs) {
            if (x != null) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }
}
