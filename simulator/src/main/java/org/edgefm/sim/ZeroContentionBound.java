package org.edgefm.sim;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;

/**
 * An upper bound on the on-time completion rate that no planner can beat: every task runs alone
 * (no queueing, unlimited instances) with every stage on the node that minimises eq. (4), its light
 * rates at parallelism 1, no failures. A task whose best latency under these conditions exceeds its
 * deadline is late under any deployment. Tasks are sampled (stream chosen in proportion to its rate,
 * the uplink SNR and light rates drawn from their distributions), so the result is an estimate with
 * a standard error; it bounds the expected on-time rate of every planner on the same scenario.
 *
 * <p>Only nodes whose capacity can hold one instance of a stage's service are candidates for it.
 */
public final class ZeroContentionBound {
    private ZeroContentionBound() {
    }

    /**
     * The estimate.
     *
     * @param onTimeRate the bound's estimate
     * @param stdError   its standard error
     * @param samples    tasks sampled
     */
    public record Estimate(double onTimeRate, double stdError, int samples) {
    }

    /**
     * Estimates the bound with {@code samples} tasks.
     *
     * @param model   the (load-scaled; the bound does not depend on load) model
     * @param samples tasks to sample, at least 1
     * @param seed    the random seed
     */
    public static Estimate estimate(SystemModel model, int samples, long seed) {
        return estimate(model, samples, seed, SimSettings.DEFAULTS.compute());
    }

    /**
     * Estimates the bound with {@code samples} tasks, processing rates as the simulator computes them.
     *
     * @param model   the model (the bound does not depend on load)
     * @param samples tasks to sample, at least 1
     * @param seed    the random seed
     * @param compute the compute-rate settings ({@code sim.compute-*})
     */
    public static Estimate estimate(SystemModel model, int samples, long seed, SimSettings.Compute compute) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples: " + samples + " (expected: >= 1)");
        }
        List<NodeSpec> nodes = model.topology().nodes();
        int n = nodes.size();
        Map<String, Integer> index = Network.nodeIndex(nodes);
        Network net = new Network(n, model.topology().links(), index);
        double[] factor = ComputeRates.factors(model, compute);
        List<Demand> streams = model.workload();
        double[] cumulative = new double[streams.size()];
        double total = 0;
        for (int i = 0; i < streams.size(); i++) {
            total += streams.get(i).arrivals().meanRatePerMs();
            cumulative[i] = total;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int onTime = 0;
        for (int k = 0; k < samples; k++) {
            double u = rnd.nextDouble() * total;
            int s = 0;
            while (s < cumulative.length - 1 && cumulative[s] <= u) {
                s++;
            }
            Demand d = streams.get(s);
            UserSpec user = model.user(d.user());
            TaskType type = model.taskType(d.taskType());
            int origin = index.get(user.node());
            double snr = user.channel().sampleSnr(rnd);
            double uplink = Latency.uplinkMs(type.inputMb(), user.uplinkBandwidthMbPerMs(), snr);
            if (bestLatency(model, type, nodes, net, factor, origin, uplink, rnd) <= type.deadlineMs()) {
                onTime++;
            }
        }
        double p = (double) onTime / samples;
        return new Estimate(p, Math.sqrt(p * (1 - p) / samples), samples);
    }

    /** Eq. (4) minimised over the node of every stage ({@link Latency#earliestCompletionMs}): the sink's best. */
    private static double bestLatency(SystemModel model, TaskType type, List<NodeSpec> nodes, Network net,
            double[] factor, int origin, double uplink, SplittableRandom rnd) {
        int services = model.services().size();
        int n = nodes.size();
        List<Stage> order = type.topologicalOrder();
        // eq. (3) per stage and node; light rates drawn once per stage, in topological order
        double[][] proc = new double[order.size()][n];
        for (int i = 0; i < order.size(); i++) {
            ServiceSpec spec = model.service(order.get(i).service());
            int si = model.services().indexOf(spec);
            double base = spec.kind() == ServiceKind.CORE ? spec.rate().mean() : spec.rate().sample(rnd);
            for (int v = 0; v < n; v++) {
                proc[i][v] = spec.demand().fitsIn(nodes.get(v).capacity())
                        ? Latency.processingMs(spec.workloadMb(), base * factor[v * services + si]) : Double.POSITIVE_INFINITY;
            }
        }
        double[][] finish = Latency.earliestCompletionMs(type, n, origin, uplink, type.inputMb(),
                st -> model.service(st.service()).outputMb(), (i, v) -> proc[i][v], net::delay);
        double best = Double.POSITIVE_INFINITY;
        for (double x : finish[order.size() - 1]) {
            best = Math.min(best, x);
        }
        return best;
    }
}
