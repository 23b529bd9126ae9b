package org.edgefm.api.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Paper 1's latency equations, written once: the uplink of eq. (1), the link delay of eq. (2), the
 * processing time of eq. (3) and the completion-time recursion of eqs. (4)–(5) on an in-tree task DAG.
 * Planners, the simulator, the bounds and the trial's link figures all call these functions, so a
 * latency means the same thing wherever it is computed. Every method is a pure function.
 *
 * <p>Reconstructions ({@code papers.md} 1.2, [I]): the logarithm of eq. (1) is base 2; the
 * propagation speed {@code l} is not given by the paper ({@link #DEFAULT_KM_PER_MS}); co-located
 * stages pay no transfer; a leaf running away from the user's device also pays the input's trip
 * from that device.
 */
public final class Latency {
    /**
     * Propagation speed {@code l} of eq. (2) in fibre, 2·10^8 m/s = 200 km/ms. Assumption ([I]):
     * paper 1 does not give {@code l}; planners read it from {@code latency.propagation-km-per-ms}
     * and the host from {@code links.kmPerMs}, both defaulting to this value.
     */
    public static final double DEFAULT_KM_PER_MS = 200.0;

    private Latency() {
    }

    /**
     * Spectral efficiency {@code log2(1 + γ)} of a channel.
     *
     * @param snr signal-to-noise ratio {@code γ} (linear, not dB)
     * @return bit/s/Hz
     */
    public static double spectralEfficiency(double snr) {
        return Math.log1p(snr) / Math.log(2);
    }

    /**
     * Eq. (1): uplink time {@code A_n / (b_u log2(1 + γ_u))} in ms; infinite when the channel carries
     * nothing ({@code γ <= 0}).
     *
     * @param inputMb          {@code A_n}, the payload sent
     * @param bandwidthMbPerMs {@code b_u}, the user's uplink bandwidth
     * @param snr              {@code γ_u}, one realisation of the channel
     * @return the uplink time in ms
     */
    public static double uplinkMs(double inputMb, double bandwidthMbPerMs, double snr) {
        double se = spectralEfficiency(snr);
        return se <= 0 ? Double.POSITIVE_INFINITY : inputMb / (bandwidthMbPerMs * se);
    }

    /**
     * Eq. (2), transfer part: {@code b / w}.
     *
     * @param mb               {@code b}, the payload in MB
     * @param bandwidthMbPerMs {@code w}, the link's bandwidth in MB/ms
     * @return the transfer time in ms
     */
    public static double transferMs(double mb, double bandwidthMbPerMs) {
        return mb / bandwidthMbPerMs;
    }

    /**
     * Eq. (2), propagation part: {@code W / l}.
     *
     * @param lengthKm {@code W}, the link's length in km
     * @param kmPerMs  {@code l}, the propagation speed in km/ms
     * @return the propagation time in ms
     */
    public static double propagationMs(double lengthKm, double kmPerMs) {
        return lengthKm / kmPerMs;
    }

    /**
     * Eq. (2) for one link: transfer {@code b/w} plus propagation {@code W/l} plus the link's fixed
     * extra latency.
     *
     * @param link    the link
     * @param mb      the payload in MB
     * @param kmPerMs the propagation speed in km/ms
     * @return the delay in ms
     */
    public static double linkDelayMs(LinkSpec link, double mb, double kmPerMs) {
        return transferMs(mb, link.bandwidthMbPerMs()) + fixedDelayMs(link, kmPerMs);
    }

    /**
     * The part of eq. (2) that does not depend on the payload: propagation plus the fixed extra latency.
     *
     * @param link    the link
     * @param kmPerMs the propagation speed in km/ms
     * @return the delay in ms
     */
    public static double fixedDelayMs(LinkSpec link, double kmPerMs) {
        return propagationMs(link.lengthKm(), kmPerMs) + link.extraLatencyMs();
    }

    /**
     * The round trip of a declared link: twice its payload-free one-way delay.
     *
     * @param link    the link
     * @param kmPerMs the propagation speed in km/ms
     * @return the round trip in ms
     */
    public static double roundTripMs(LinkSpec link, double kmPerMs) {
        return 2 * fixedDelayMs(link, kmPerMs);
    }

    /**
     * Eq. (3): processing time {@code a / f}.
     *
     * @param workloadMb  {@code a}, the workload in MB
     * @param rateMbPerMs {@code f}, the processing rate in MB/ms
     * @return the processing time in ms
     */
    public static double processingMs(double workloadMb, double rateMbPerMs) {
        return workloadMb / rateMbPerMs;
    }

    /** Network delay in ms of {@code mb} MB from node index {@code from} to {@code to} (0 when they are equal). */
    @FunctionalInterface
    public interface Delays {
        /**
         * The delay; infinite when there is no path.
         *
         * @param from node index the data leaves
         * @param to   node index it reaches
         * @param mb   the payload in MB
         * @return the delay in ms
         */
        double ms(int from, int to, double mb);
    }

    /**
     * Eqs. (4)–(5) on one placement: the completion time of every stage of a task, in topological order;
     * the sink's is {@code T^E2E}. A leaf is ready after the uplink plus the input's trip from the
     * user's device; any other stage when its slowest parent's output has arrived (eq. 4).
     *
     * @param type        the task type
     * @param node        node index of each stage (negative: not placed, its delays infinite)
     * @param origin      node index of the user's device
     * @param uplinkMs    eq. (1) for this task
     * @param leafInputMb the input each leaf receives
     * @param outputMb    output size of each stage's service
     * @param processing  processing time of each stage at its node (eq. 3)
     * @param delays      network delays (eq. 2 over paths)
     * @return completion time per stage id in ms, in topological order
     */
    public static Map<String, Double> completionTimesMs(TaskType type, ToIntFunction<Stage> node, int origin,
            double uplinkMs, double leafInputMb, ToDoubleFunction<Stage> outputMb, ToDoubleFunction<Stage> processing,
            Delays delays) {
        Map<String, Double> t = new LinkedHashMap<>();
        for (Stage s : type.topologicalOrder()) {
            int v = node.applyAsInt(s);
            List<Stage> parents = type.parents(s.id());
            double ready;
            if (parents.isEmpty()) {
                ready = uplinkMs + delays.ms(origin, v, leafInputMb);
            } else {
                ready = 0;
                for (Stage p : parents) {
                    ready = Math.max(ready, t.get(p.id()) + delays.ms(node.applyAsInt(p), v, outputMb.applyAsDouble(p)));
                }
            }
            t.put(s.id(), ready + processing.applyAsDouble(s));
        }
        return t;
    }

    /** Processing time in ms of a stage (by its position in topological order) at a node index. */
    @FunctionalInterface
    public interface StageProcessing {
        /**
         * The time; infinite when the node cannot run the stage.
         *
         * @param stage the stage's position in topological order
         * @param node  the node index
         * @return the processing time in ms
         */
        double ms(int stage, int node);
    }

    /**
     * Eq. (4) minimised over the node of every stage: for each stage (in topological order) and each of
     * {@code nodes} node indices, the earliest time the stage can complete there when every stage
     * before it runs on the node that makes that earliest. The sink's minimum is the best
     * {@code T^E2E} of the task with no queueing (the zero-contention bound).
     *
     * @param type        the task type
     * @param nodes       number of nodes (indices 0..nodes-1)
     * @param origin      node index of the user's device
     * @param uplinkMs    eq. (1) for this task
     * @param leafInputMb the input each leaf receives
     * @param outputMb    output size of each stage's service
     * @param processing  processing time per (stage position, node)
     * @param delays      network delays
     * @return per stage position in {@link TaskType#topologicalOrder()}, per node, the earliest completion in ms
     */
    public static double[][] earliestCompletionMs(TaskType type, int nodes, int origin, double uplinkMs,
            double leafInputMb, ToDoubleFunction<Stage> outputMb, StageProcessing processing, Delays delays) {
        List<Stage> order = type.topologicalOrder();
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i).id(), i);
        }
        double[][] finish = new double[order.size()][];
        for (int i = 0; i < order.size(); i++) {
            Stage st = order.get(i);
            List<Stage> parents = type.parents(st.id());
            double[] f = new double[nodes];
            for (int v = 0; v < nodes; v++) {
                double proc = processing.ms(i, v);
                if (proc == Double.POSITIVE_INFINITY) {
                    f[v] = proc;
                    continue;
                }
                double ready;
                if (parents.isEmpty()) {
                    ready = uplinkMs + delays.ms(origin, v, leafInputMb);
                } else {
                    ready = 0;
                    for (Stage p : parents) {
                        double[] fp = finish[position.get(p.id())];
                        double mb = outputMb.applyAsDouble(p);
                        double best = Double.POSITIVE_INFINITY;
                        for (int w = 0; w < nodes; w++) {
                            best = Math.min(best, fp[w] + delays.ms(w, v, mb));
                        }
                        ready = Math.max(ready, best);
                    }
                }
                f[v] = ready + proc;
            }
            finish[i] = f;
        }
        return finish;
    }
}
