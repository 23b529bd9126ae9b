package org.edgefm.planner.latency;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.ChannelModel;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;

/**
 * Paper 1's end-to-end latency of a task on an in-tree DAG, eqs. (1)–(5), for one realisation of
 * the random quantities ({@link #completionTimes}) or with mean values ({@link #meanCompletionTimes},
 * the {@code T̄} of Sec. III-A).
 *
 * <p>Reconstructions (papers.md 1.2): every leaf receives the task input; a leaf running away from
 * the user's device also pays the network delay of the input from that device; co-located stages
 * pay no transfer; the logarithm of eq. (1) is base 2.
 */
public final class LatencyModel {
    /** How the mean uplink rate of eq. (1) is formed in the mean-value variant. */
    public enum MeanChannel {
        /** {@code log2(1 + E[γ])} (assumption; the default, closed form). */
        LOG_OF_MEAN,
        /** {@code E[log2(1 + γ)]}, estimated from 4096 seeded channel draws. */
        MEAN_OF_LOG
    }

    /** How the input payload {@code A_n} reaches the leaves of an in-tree with several leaves. */
    public enum LeafInput {
        /** Each leaf receives the full {@code A_n} (assumption; the default). */
        FULL,
        /** The leaves share {@code A_n} equally (one modality each). */
        SPLIT
    }

    private final SystemModel model;
    private final NetworkPaths paths;
    private final Map<String, ServiceSpec> services;
    private final MeanChannel meanChannel;
    private final LeafInput leafInput;
    private final Map<String, Double> meanSpectralEfficiency = new HashMap<>();

    /**
     * @param model       the system
     * @param paths       network delays
     * @param meanChannel how {@code T̄} averages the channel
     * @param leafInput   how leaves share the input payload
     */
    public LatencyModel(SystemModel model, NetworkPaths paths, MeanChannel meanChannel, LeafInput leafInput) {
        this.model = model;
        this.paths = paths;
        this.services = model.servicesById();
        this.meanChannel = meanChannel;
        this.leafInput = leafInput;
    }

    /** The model with default choices: {@code log2(1+E[γ])}, full input at each leaf. */
    public LatencyModel(SystemModel model, NetworkPaths paths) {
        this(model, paths, MeanChannel.LOG_OF_MEAN, LeafInput.FULL);
    }

    /** A catalog service by id. */
    public ServiceSpec service(String id) {
        ServiceSpec s = services.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no service '" + id + "' in the catalog");
        }
        return s;
    }

    /** The system model. */
    public SystemModel model() {
        return model;
    }

    /** The network paths this model uses. */
    public NetworkPaths paths() {
        return paths;
    }

    /** Eq. (1): uplink time {@code A_n / (b_u log2(1 + γ_u))} in ms ({@link Latency#uplinkMs}). */
    public static double uplinkMs(double inputMb, double bandwidthMbPerMs, double snr) {
        return Latency.uplinkMs(inputMb, bandwidthMbPerMs, snr);
    }

    /** Eq. (2), transfer part: {@code b / w} in ms ({@link Latency#transferMs}). */
    public static double transferMs(double outputMb, double bandwidthMbPerMs) {
        return Latency.transferMs(outputMb, bandwidthMbPerMs);
    }

    /** Eq. (2), propagation part: {@code W / l} in ms ({@link Latency#propagationMs}). */
    public static double propagationMs(double lengthKm, double kmPerMs) {
        return Latency.propagationMs(lengthKm, kmPerMs);
    }

    /** Eq. (3): processing time {@code a / f} in ms ({@link Latency#processingMs}). */
    public static double processingMs(double workloadMb, double rateMbPerMs) {
        return Latency.processingMs(workloadMb, rateMbPerMs);
    }

    /** The input each leaf receives. */
    public double leafInputMb(TaskType type) {
        return leafInput == LeafInput.FULL ? type.inputMb() : type.inputMb() / type.leaves().size();
    }

    /** Eq. (1) for one task of a user at one channel realisation {@code snr} (the per-leaf input of this model). */
    public double uplinkMs(UserSpec user, TaskType type, double snr) {
        return uplinkMs(leafInputMb(type), user.uplinkBandwidthMbPerMs(), snr);
    }

    /** Mean uplink time of a user for a task type, per the configured {@link MeanChannel}. */
    public double meanUplinkMs(UserSpec user, TaskType type) {
        double se = meanSpectralEfficiency.computeIfAbsent(user.id(), k -> spectralEfficiency(user.channel()));
        return leafInputMb(type) / (user.uplinkBandwidthMbPerMs() * se);
    }

    private double spectralEfficiency(ChannelModel channel) {
        if (meanChannel == MeanChannel.LOG_OF_MEAN) {
            return Latency.spectralEfficiency(channel.meanSnr());
        }
        SplittableRandom r = new SplittableRandom(0x5eed);
        double s = 0;
        int n = 4096;
        for (int i = 0; i < n; i++) {
            s += Latency.spectralEfficiency(channel.sampleSnr(r));
        }
        return s / n;
    }

    /** Mean processing time of a service at a node: {@code a_m / (E[f_m] · speed_v)}, the node weight {@code a/f̄}. */
    public static double meanProcessingMs(ServiceSpec service, NodeSpec node) {
        return service.meanProcessingMs(node.speedFactor());
    }

    /**
     * Eqs. (4)–(5): completion time of every stage for one task.
     *
     * @param type       the task type
     * @param origin     the device the user is attached to
     * @param placement  node id per stage id
     * @param uplinkMs   the uplink time of eq. (1) for this task
     * @param stageRates processing rate {@code f} per stage id in MB/ms, already including the node's
     *                   speed factor
     * @return completion time per stage id in ms, in topological order; the sink's is {@code T^E2E}
     */
    public Map<String, Double> completionTimes(TaskType type, String origin, Map<String, String> placement,
            double uplinkMs, Map<String, Double> stageRates) {
        // eqs. (4)-(5), written once in Latency
        return Latency.completionTimesMs(type, s -> paths.indexOf(placement.get(s.id())), paths.indexOf(origin), uplinkMs,
                leafInputMb(type), s -> services.get(s.service()).outputMb(),
                s -> processingMs(services.get(s.service()).workloadMb(), stageRates.get(s.id())),
                (from, to, mb) -> from < 0 || to < 0 ? Double.POSITIVE_INFINITY : paths.delayMs(from, to, mb));
    }

    /** Eq. (5): the end-to-end latency, the sink's completion time. */
    public double endToEndMs(TaskType type, String origin, Map<String, String> placement, double uplinkMs,
            Map<String, Double> stageRates) {
        return completionTimes(type, origin, placement, uplinkMs, stageRates).get(type.sink().id());
    }

    /**
     * {@code T̄}: eqs. (4)–(5) with every random quantity replaced by its mean (rates {@code E[f]},
     * channel per {@link MeanChannel}).
     */
    public Map<String, Double> meanCompletionTimes(TaskType type, UserSpec user, Map<String, String> placement) {
        Map<String, Double> rates = new HashMap<>();
        Map<String, NodeSpec> nodes = model.topology().nodesById();
        for (Stage s : type.stages()) {
            rates.put(s.id(), services.get(s.service()).rate().mean() * nodes.get(placement.get(s.id())).speedFactor());
        }
        return completionTimes(type, user.node(), placement, meanUplinkMs(user, type), rates);
    }
}
