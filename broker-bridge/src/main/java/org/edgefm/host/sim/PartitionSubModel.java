package org.edgefm.host.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.spi.UserAllocation;

/**
 * The simulator's model of cooperative DNN inference split at a partition point (seed paper 3,
 * LyMDO; papers.md 4.2, every choice ours [I] and a {@code sim.partition.*} key). Active with
 * {@code sim.partition = serial}; it then runs every stream whose task type is a chain and whose
 * user's device is not the edge target.
 *
 * <p>A task's cut {@code l} is read from the routes of its origin device when it arrives: the
 * leading stages routed to the device itself run there, the rest at the node the first remaining
 * stage is routed to (the edge server). The task then passes three FIFO single-server queues in
 * series (papers.md 4.2): the device's local compute (the front part, at the device's speed × the
 * user's {@code localComputeShare} φ), the user's radio uplink (the data crossing the cut, at
 * {@code β · B · log2(1 + ψ γ)} with the user's {@code bandwidthShare} β of the pool B, its
 * {@code txPowerShare} ψ and the channel's SNR γ, then the wired hop to the edge), and the user's
 * share of the edge server (the back part, at the edge's speed × {@code edgeComputeShare} η).
 * Shares come from the planner's {@link UserAllocation}s; without one: φ = ψ = 1, β = the user's own
 * uplink bandwidth over the pool, η = 1 / the number of users.
 *
 * <p>Energy per user and slot: {@code P^L φ³ · local busy time + P^T ψ · airtime} (the cubic
 * frequency law, papers.md 4.2), compared with the budget {@code Ē} × slot. Node failures are not
 * modelled for these streams.
 */
final class PartitionSubModel {
    /** Event phases. */
    static final int LOCAL_DONE = 0;
    static final int TX_DONE = 1;
    static final int AT_EDGE = 2;
    static final int EDGE_DONE = 3;

    /** What the sub-model needs from the fleet. */
    interface Host {
        /** Schedules phase event {@code phase} of {@code task} {@code afterMs} from now. */
        void push(double afterMs, int phase, int task);

        /** One processing time of service {@code s} at {@code node} at full speed, in ms (drawn). */
        double processingMs(int s, int node);

        /** Network delay of {@code mb} from node {@code from} to {@code to}. */
        double networkDelay(int from, int to, double mb);

        /** The virtual time now, in ms. */
        double nowMs();

        /** The SNR user {@code u}'s channel gives a transmission starting now. */
        double snr(int u);

        /** The task's sink finished now. */
        void finish(int task);
    }

    private final Host host;
    private final double localPowerW;
    private final double txPowerW;
    private final double pool;
    private final double tolerance;
    private final int users;
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final double[] ownBandwidth;
    private final double[] budgetW;

    private final double[] phi;
    private final double[] psi;
    private final double[] beta;
    private final double[] eta;

    private final Fifo[] local;
    private final Fifo[] uplink;
    private final Fifo[] edge;

    private final double[] slotEnergy;
    private final double[] totalEnergy;
    private long slots;

    private int[] tUser = new int[1024];
    private int[] tOrigin = new int[1024];
    private int[] tEdge = new int[1024];
    private int[] tCut = new int[1024];
    private int[][] tChain = new int[1024][];
    private double[] tUpMb = new double[1024];

    /**
     * @param planner     the scenario's planner section ({@code sim.partition.*} keys)
     * @param userIds     user ids
     * @param bandwidth   each user's uplink bandwidth {@code b_u}, MB/ms per bit/s/Hz
     * @param devicePower each user's device {@code power} capacity in W
     * @param nodeCount   nodes
     * @param host        the fleet
     */
    PartitionSubModel(Map<String, ?> planner, String[] userIds, double[] bandwidth, double[] devicePower, int nodeCount,
            Host host) {
        this.host = host;
        localPowerW = SimSettings.nonNegative(planner, "sim.partition.local-power-w", 5);
        txPowerW = SimSettings.nonNegative(planner, "sim.partition.tx-power-w", 0.2);
        double p = SimSettings.nonNegative(planner, "sim.partition.bandwidth-pool-mb-per-ms", 0);
        double budget = SimSettings.nonNegative(planner, "sim.partition.energy-budget-w", 0);
        tolerance = SimSettings.nonNegative(planner, "sim.partition.energy-tolerance", 0.05);
        users = userIds.length;
        ownBandwidth = bandwidth.clone();
        pool = p > 0 ? p : Arrays.stream(bandwidth).sum();
        budgetW = new double[users];
        phi = new double[users];
        psi = new double[users];
        beta = new double[users];
        eta = new double[users];
        for (int u = 0; u < users; u++) {
            userIndex.put(userIds[u], u);
            budgetW[u] = budget > 0 ? budget : devicePower[u];
        }
        setAllocations(List.of());
        local = new Fifo[nodeCount];
        uplink = new Fifo[users];
        edge = new Fifo[users];
        for (int n = 0; n < nodeCount; n++) {
            local[n] = new Fifo();
        }
        for (int u = 0; u < users; u++) {
            uplink[u] = new Fifo();
            edge[u] = new Fifo();
        }
        slotEnergy = new double[users];
        totalEnergy = new double[users];
    }

    /** Applies the planner's per-user shares; users not listed get the defaults. */
    void setAllocations(List<UserAllocation> allocations) {
        for (int u = 0; u < users; u++) {
            phi[u] = 1;
            psi[u] = 1;
            beta[u] = pool > 0 ? ownBandwidth[u] / pool : 0;
            eta[u] = 1.0 / Math.max(1, users);
        }
        for (UserAllocation a : allocations) {
            Integer u = userIndex.get(a.user());
            if (u == null) {
                continue;
            }
            if (a.localComputeShare() != null) {
                phi[u] = a.localComputeShare();
            }
            if (a.txPowerShare() != null) {
                psi[u] = a.txPowerShare();
            }
            if (a.bandwidthShare() != null) {
                beta[u] = a.bandwidthShare();
            }
            if (a.edgeComputeShare() != null) {
                eta[u] = a.edgeComputeShare();
            }
        }
    }

    /**
     * A task enters: {@code chain} its stages' services in order, {@code cut} stages at
     * {@code origin}, the rest at {@code edgeNode}; {@code upMb} crosses the uplink.
     */
    void arrive(int task, int u, int origin, int edgeNode, int[] chain, int cut, double upMb) {
        if (task >= tUser.length) {
            int n = Math.max(task + 1, tUser.length * 2);
            tUser = Arrays.copyOf(tUser, n);
            tOrigin = Arrays.copyOf(tOrigin, n);
            tEdge = Arrays.copyOf(tEdge, n);
            tCut = Arrays.copyOf(tCut, n);
            tChain = Arrays.copyOf(tChain, n);
            tUpMb = Arrays.copyOf(tUpMb, n);
        }
        tUser[task] = u;
        tOrigin[task] = origin;
        tEdge[task] = edgeNode;
        tCut[task] = cut;
        tChain[task] = chain;
        tUpMb[task] = upMb;
        if (cut > 0) {
            offer(local[origin], task, LOCAL_DONE);
        } else {
            offer(uplink[u], task, TX_DONE);
        }
    }

    /** Handles phase event {@code phase} of {@code task} (the fleet checked it is still live). */
    void onEvent(int task, int phase) {
        int u = tUser[task];
        switch (phase) {
            case LOCAL_DONE -> {
                next(local[tOrigin[task]], LOCAL_DONE);
                if (tCut[task] == tChain[task].length) {
                    host.finish(task);
                } else {
                    offer(uplink[u], task, TX_DONE);
                }
            }
            case TX_DONE -> {
                next(uplink[u], TX_DONE);
                host.push(host.networkDelay(tOrigin[task], tEdge[task], tUpMb[task]), AT_EDGE, task);
            }
            case AT_EDGE -> offer(edge[u], task, EDGE_DONE);
            case EDGE_DONE -> {
                next(edge[u], EDGE_DONE);
                host.finish(task);
            }
            default -> throw new AssertionError("phase " + phase);
        }
    }

    private void offer(Fifo q, int task, int phase) {
        if (q.busy) {
            q.add(task);
        } else {
            begin(q, task, phase);
        }
    }

    private void next(Fifo q, int phase) {
        settle(q, q.end);
        q.busy = false;
        if (q.size > 0) {
            begin(q, q.poll(), phase);
        }
    }

    /** Starts serving {@code task} in queue {@code q} (phase says which kind) and schedules its end. */
    private void begin(Fifo q, int task, int phase) {
        q.busy = true;
        int u = tUser[task];
        int[] chain = tChain[task];
        int cut = tCut[task];
        double ms;
        if (phase == LOCAL_DONE) {
            double full = 0;
            for (int k = 0; k < cut; k++) {
                full += host.processingMs(chain[k], tOrigin[task]);
            }
            double f = Math.max(phi[u], 1e-6);
            ms = full / f;
            // papers.md 4.2: compute power cubic in the frequency share
            q.powerW = localPowerW * f * f * f;
        } else if (phase == TX_DONE) {
            double p = Math.max(psi[u], 1e-6);
            double rate = Math.max(beta[u], 1e-6) * pool * (Math.log1p(p * host.snr(u)) / Math.log(2));
            ms = tUpMb[task] / rate;
            q.powerW = txPowerW * p;
        } else {
            double full = 0;
            for (int k = cut; k < chain.length; k++) {
                full += host.processingMs(chain[k], tEdge[task]);
            }
            ms = full / Math.max(eta[u], 1e-6);
            q.powerW = 0;
        }
        q.user = u;
        q.charged = host.nowMs();
        q.end = q.charged + ms;
        host.push(ms, phase, task);
    }

    /** Charges a busy queue's power from where it was charged up to {@code t} (at most its service end). */
    private void settle(Fifo q, double t) {
        if (!q.busy) {
            return;
        }
        double upTo = Math.min(t, q.end);
        if (upTo > q.charged) {
            slotEnergy[q.user] += q.powerW * (upTo - q.charged) / 1000.0;
            q.charged = upTo;
        }
    }

    /** Closes one slot's energy account at its end {@code slotEndMs} (power × busy time within the slot). */
    void chargeSlot(double slotEndMs) {
        for (Fifo q : local) {
            settle(q, slotEndMs);
        }
        for (Fifo q : uplink) {
            settle(q, slotEndMs);
        }
        slots++;
        for (int u = 0; u < users; u++) {
            totalEnergy[u] += slotEnergy[u];
            slotEnergy[u] = 0;
        }
    }

    /** The run's energy statistics over the slots charged so far. */
    SimStats.Partition stats(double slotMs) {
        double worstRatio = 0;
        int worst = 0;
        for (int u = 0; u < users; u++) {
            double avg = slots == 0 ? 0 : totalEnergy[u] / (slots * slotMs / 1000.0);
            double ratio = budgetW[u] > 0 ? avg / budgetW[u] : 0;
            if (ratio >= worstRatio) {
                worstRatio = ratio;
                worst = u;
            }
        }
        double worstAvg = slots == 0 ? 0 : totalEnergy[worst] / (slots * slotMs / 1000.0);
        return new SimStats.Partition(budgetW.length == 0 ? 0 : budgetW[worst], worstAvg, worstRatio,
                worstRatio <= 1 + tolerance);
    }

    /** A FIFO of task indices with a busy flag (one server). */
    private static final class Fifo {
        int[] items = new int[16];
        int head;
        int size;
        boolean busy;
        int user;
        double powerW;
        double charged;
        double end;

        void add(int task) {
            if (size == items.length) {
                int[] g = new int[items.length * 2];
                for (int i = 0; i < size; i++) {
                    g[i] = items[(head + i) % items.length];
                }
                items = g;
                head = 0;
            }
            items[(head + size) % items.length] = task;
            size++;
        }

        int poll() {
            int t = items[head];
            head = (head + 1) % items.length;
            size--;
            return t;
        }
    }
}
