package org.edgefm.sim;

import java.util.Map;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ServiceSpec;

/**
 * The simulator's model of generative-model deployment with switching delay (seed paper 2,
 * papers.md 3.2 and 3.3; every choice is ours [I] and a {@code sim.genai.*} key). Active when some
 * service of the scenario has a {@code switching} profile.
 *
 * <ul>
 *   <li>A model (a service with a switching profile) whose instances at a non-cloud node go from 0
 *       to more is <em>switched in</em>: it is transferred from the nearest cloud node
 *       ({@code transferMb} over the network path: transfer, propagation and extra latency) and then
 *       preloaded ({@code preloadMs}); until then its station accepts requests but serves none, so
 *       the first requests pay transfer + preload + inference. With {@code sim.genai.keep-on-disk}
 *       a model evicted earlier is still stored and skips the transfer.</li>
 *   <li>A model evicted (instances to 0) forwards its queued requests by the node's new routes
 *       (normally to the cloud).</li>
 *   <li>With {@code sim.genai.cloud-library} (default true) every cloud node serves every model
 *       without a directive and without a server limit (the cloud keeps the full library,
 *       papers.md 3.2); each request served there is charged {@code sim.genai.cloud-request-price}.</li>
 *   <li>Paper 2's cost (papers.md 3.3): {@code w_d · Σ request delays + Σ_slots Σ_resident
 *       (α_s s_i + α_g g_i) + cloud price · cloud requests}, with the measured end-to-end delay of
 *       every completed request; energy per slot {@code Σ_resident P_i Δt + Σ_switched preloadEnergyJ}
 *       against the node's {@code power} capacity × Δt.</li>
 * </ul>
 */
final class GenAiSubModel {
    /** Servers a cloud node gives a model from its library: no limit in practice. */
    static final int CLOUD_SERVERS = 1 << 20;

    /** What the sub-model needs from the fleet when a directive changes a node's models. */
    interface Host {
        /** The virtual time now, in ms. */
        double nowMs();

        /** Network delay of {@code mb} from node {@code from} to {@code to} (infinite without a path). */
        double networkDelay(int from, int to, double mb);

        /** Station {@code st} can serve from {@code atMs} on: its queue drains then. */
        void readyAt(double atMs, int st);

        /** The requests waiting at station {@code st} of {@code node} go where the node's routes say now. */
        void forwardQueued(int node, int st);
    }

    private final boolean cloudLibrary;
    private final boolean keepOnDisk;
    private final double delayWeight;
    private final double storagePrice;
    private final double gpuPrice;
    private final double cloudPrice;
    private final int serviceCount;
    private final ServiceSpec[] services;
    private final boolean[] cloudNode;
    /** The cloud node models are transferred from, or -1 when the topology has none (then no transfer). */
    private final int firstCloud;
    private final NodeSpec[] nodes;
    private final double slotMs;

    private final double[] readyAt;
    private final boolean[] stored;
    private final double[] preloadEnergyThisSlot;

    private double resourceCost;
    private double energyJ;
    private long slotsOverEnergyBudget;
    private long switches;
    private long cloudRequests;
    private double switchWaitMs;

    private GenAiSubModel(Map<String, ?> planner, NodeSpec[] nodes, ServiceSpec[] services, double slotMs) {
        this.cloudLibrary = SimSettings.bool(planner, "sim.genai.cloud-library", true);
        this.keepOnDisk = SimSettings.bool(planner, "sim.genai.keep-on-disk", false);
        this.delayWeight = SimSettings.nonNegative(planner, "sim.genai.delay-weight", 0.001);
        this.storagePrice = SimSettings.nonNegative(planner, "sim.genai.storage-price", 0.002);
        this.gpuPrice = SimSettings.nonNegative(planner, "sim.genai.gpu-price", 0.02);
        this.cloudPrice = SimSettings.nonNegative(planner, "sim.genai.cloud-request-price", 0);
        this.nodes = nodes;
        this.services = services;
        this.serviceCount = services.length;
        this.slotMs = slotMs;
        cloudNode = new boolean[nodes.length];
        int first = -1;
        for (int n = 0; n < nodes.length; n++) {
            cloudNode[n] = nodes[n].kind() == NodeKind.CLOUD;
            if (cloudNode[n] && first < 0) {
                first = n;
            }
        }
        firstCloud = first;
        readyAt = new double[nodes.length * serviceCount];
        stored = new boolean[nodes.length * serviceCount];
        preloadEnergyThisSlot = new double[nodes.length];
    }

    /** The sub-model for a scenario, or null when no service has a switching profile. */
    static GenAiSubModel create(Map<String, ?> planner, NodeSpec[] nodes, ServiceSpec[] services, double slotMs) {
        for (ServiceSpec s : services) {
            if (s.switching() != null) {
                return new GenAiSubModel(planner, nodes, services, slotMs);
            }
        }
        return null;
    }

    /** True for a model (a service with a switching profile). */
    boolean isModel(int s) {
        return services[s].switching() != null;
    }

    /** The servers of station {@code (node, s)} given those its directive sets. */
    int servers(int node, int s, int fromDirective) {
        return cloudLibrary && cloudNode[node] && isModel(s) ? CLOUD_SERVERS : fromDirective;
    }

    /** False while the station's model is still being transferred or preloaded. */
    boolean ready(int st, double now) {
        return readyAt[st] <= now;
    }

    /**
     * Model {@code s}'s instances at {@code node} (a {@link #switchable} one) change from {@code before}
     * to {@code after}: from none to some it is switched in (transferred from the cloud unless still
     * stored, then preloaded) and its station serves once it is ready; to none it is evicted.
     */
    void instancesChange(int node, int s, int before, int after, Host host) {
        if (before == 0 && after > 0) {
            double transfer = firstCloud < 0 ? 0 : host.networkDelay(firstCloud, node, services[s].switching().transferMb());
            double readyAt = switchIn(node, s, host.nowMs(), transfer == Double.POSITIVE_INFINITY ? 0 : transfer);
            host.readyAt(readyAt, node * serviceCount + s);
        } else if (before > 0 && after == 0) {
            evict(node, s);
        }
    }

    /**
     * After a directive at {@code node}: the requests queued for a model the node no longer serves
     * (no servers left) go where its new routes say (normally to the cloud).
     *
     * @param servers   per station its servers now
     * @param queueSize per station the requests waiting
     */
    void forwardEvicted(int node, int[] servers, int[] queueSize, Host host) {
        for (int s = 0; s < serviceCount; s++) {
            int st = node * serviceCount + s;
            if (servers[st] == 0 && queueSize[st] > 0 && isModel(s)) {
                host.forwardQueued(node, st);
            }
        }
    }

    /**
     * Starts a switch-in of model {@code s} at {@code node} at time {@code now} and returns when it
     * is ready to serve; {@code transferMs} is the network delay of its weights from the cloud.
     */
    private double switchIn(int node, int s, double now, double transferMs) {
        int st = node * serviceCount + s;
        double transfer = stored[st] ? 0 : transferMs;
        double ready = now + transfer + services[s].switching().preloadMs();
        readyAt[st] = ready;
        stored[st] = true;
        preloadEnergyThisSlot[node] += services[s].switching().preloadEnergyJ();
        switches++;
        switchWaitMs += ready - now;
        return ready;
    }

    /** Evicts model {@code s} at {@code node}: no longer loaded; deleted unless keep-on-disk. */
    private void evict(int node, int s) {
        int st = node * serviceCount + s;
        readyAt[st] = 0;
        stored[st] = keepOnDisk;
    }

    /** True when a switch-in of a model at {@code node} is transferred from a cloud node. */
    boolean switchable(int node, int s) {
        return isModel(s) && !cloudNode[node];
    }

    /** Counts a request served at {@code node} (charged when it is a cloud node). */
    void onServed(int node, int s) {
        if (cloudNode[node] && isModel(s)) {
            cloudRequests++;
        }
    }

    /** Charges one slot's resource cost and energy, given the instances in force per station. */
    void chargeSlot(int[] instances, boolean[] online) {
        double slotS = slotMs / 1000.0;
        for (int n = 0; n < nodes.length; n++) {
            if (cloudNode[n]) {
                continue;
            }
            double energy = preloadEnergyThisSlot[n];
            preloadEnergyThisSlot[n] = 0;
            for (int s = 0; s < serviceCount; s++) {
                int st = n * serviceCount + s;
                if (!isModel(s)) {
                    continue;
                }
                boolean resident = online[n] && instances[st] > 0;
                if (resident) {
                    resourceCost += gpuPrice * services[s].demand().get(Resource.VRAM);
                    energy += services[s].demand().get(Resource.POWER) * slotS;
                }
                if (resident || stored[st]) {
                    resourceCost += storagePrice * services[s].demand().get(Resource.STORAGE);
                }
            }
            energyJ += energy;
            double budget = nodes[n].capacity().get(Resource.POWER) * slotS;
            if (budget > 0 && energy > budget + 1e-9) {
                slotsOverEnergyBudget++;
            }
        }
    }

    /** The run's statistics so far, given the sum of completed requests' delays in ms. */
    SimStats.GenAi stats(double delaySumMs, long requests) {
        double delayCost = delayWeight * delaySumMs;
        return new SimStats.GenAi(delayCost + resourceCost + cloudPrice * cloudRequests, delayCost, resourceCost,
                cloudPrice * cloudRequests, requests == 0 ? Double.NaN : delaySumMs / requests, cloudRequests,
                switches, switches == 0 ? 0 : switchWaitMs / switches, energyJ, slotsOverEnergyBudget);
    }
}
