package org.edgefm.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Latency;
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
 * <p>When the shares change ({@code sim.partition.share-changes}, [I]): with {@code follow} (the
 * default) a task in service continues at the new shares from the moment they change (its
 * remaining work, MB or ms at full speed, is re-rated; under {@code sim.channel-coherence = slot} a
 * transmission also follows each new slot's channel). A share of 0 means the planner sends that
 * stage no new work (its cut skips it); the tasks the stage still holds are finished at the last
 * positive share the user had there (a radio or CPU does not drop work in flight), so the pools may
 * be oversubscribed for that short while. With {@code at-start} a task keeps the shares in force
 * when its service began and a share of 0 counts as 1e-6 (the behaviour before the key existed: a
 * transmission started under a near-zero share keeps the radio busy at its power for a very long
 * time and never finishes in a run, energy the planner's model does not see).
 *
 * <p>Each slot's energy per user is reported to the planner ({@link #lastSlotEnergyJ}, the
 * {@code energyJ} of its {@code UserObservation}).
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
    /** The bits of an epoch an event carries. */
    static final int EPOCH_MASK = 0xFFFFF;

    /** What the sub-model needs from the fleet. */
    interface Host {
        /**
         * Schedules phase event {@code phase} of {@code task} {@code afterMs} from now; the event
         * comes back to {@link #onEvent} with {@code epoch} (its low 20 bits).
         */
        void push(double afterMs, int phase, int task, int epoch);

        /** One processing time of service {@code s} at {@code node} at full speed, in ms (drawn). */
        double processingMs(int s, int node);

        /** Network delay of {@code mb} from node {@code from} to {@code to}. */
        double networkDelay(int from, int to, double mb);

        /** The virtual time now, in ms. */
        double nowMs();

        /** The SNR user {@code u}'s channel gives a transmission starting now. */
        double snr(int u);

        /** Whether channels are drawn once per user and slot ({@code sim.channel-coherence = slot}). */
        boolean slotChannels();

        /** The task's sink finished now. */
        void finish(int task);
    }

    private final Host host;
    private final double localPowerW;
    private final double txPowerW;
    private final double pool;
    private final double tolerance;
    private final boolean follow;
    private final int users;
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final double[] ownBandwidth;
    private final double[] budgetW;

    private final double[] phi;
    private final double[] psi;
    private final double[] beta;
    private final double[] eta;
    /** The last positive share per user (φ, ψ, β, η): what held work finishes at under a share of 0. */
    private final double[] lastPhi;
    private final double[] lastPsi;
    private final double[] lastBeta;
    private final double[] lastEta;

    private final Fifo[] local;
    private final Fifo[] uplink;
    private final Fifo[] edge;

    private final double[] slotEnergy;
    private final double[] totalEnergy;
    private final double[] lastSlotEnergy;
    private long slots;

    private int[] tUser = new int[1024];
    private int[] tOrigin = new int[1024];
    private int[] tEdge = new int[1024];
    private int[] tCut = new int[1024];
    private int[][] tChain = new int[1024][];
    private double[] tUpMb = new double[1024];
    private int[] tEpoch = new int[1024];

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
        // assumption (sim.partition.share-changes): radios and CPUs follow a new allocation at once
        follow = SimSettings.oneOf(planner, "sim.partition.share-changes", "follow", "follow", "at-start")
                .equals("follow");
        users = userIds.length;
        ownBandwidth = bandwidth.clone();
        pool = p > 0 ? p : Arrays.stream(bandwidth).sum();
        budgetW = new double[users];
        phi = new double[users];
        psi = new double[users];
        beta = new double[users];
        eta = new double[users];
        lastPhi = new double[users];
        lastPsi = new double[users];
        lastBeta = new double[users];
        lastEta = new double[users];
        for (int u = 0; u < users; u++) {
            userIndex.put(userIds[u], u);
            budgetW[u] = budget > 0 ? budget : devicePower[u];
        }
        applyShares(List.of());
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
        lastSlotEnergy = new double[users];
    }

    /**
     * Applies the planner's per-user shares; users not listed get the defaults. With
     * {@code share-changes = follow} the tasks in service continue at the new shares from now.
     */
    void setAllocations(List<UserAllocation> allocations) {
        applyShares(allocations);
        if (follow && local != null) {
            for (Fifo q : local) {
                rerate(q);
            }
            for (int u = 0; u < users; u++) {
                rerate(uplink[u]);
                rerate(edge[u]);
            }
        }
    }

    private void applyShares(List<UserAllocation> allocations) {
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
        for (int u = 0; u < users; u++) {
            lastPhi[u] = phi[u] > 0 ? phi[u] : lastPhi[u];
            lastPsi[u] = psi[u] > 0 ? psi[u] : lastPsi[u];
            lastBeta[u] = beta[u] > 0 ? beta[u] : lastBeta[u];
            lastEta[u] = eta[u] > 0 ? eta[u] : lastEta[u];
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
            tEpoch = Arrays.copyOf(tEpoch, n);
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

    /**
     * Handles phase event {@code phase} of {@code task} (the fleet checked it is still live); an
     * event whose {@code epoch} is not the task's latest was superseded by a re-rating and is ignored.
     */
    void onEvent(int task, int phase, int epoch) {
        if (epoch != (tEpoch[task] & EPOCH_MASK)) {
            return;
        }
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
                host.push(host.networkDelay(tOrigin[task], tEdge[task], tUpMb[task]), AT_EDGE, task, tEpoch[task] & EPOCH_MASK);
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
        q.task = task;
        q.phase = phase;
        q.user = tUser[task];
        int[] chain = tChain[task];
        int cut = tCut[task];
        double work = 0;
        if (phase == LOCAL_DONE) {
            for (int k = 0; k < cut; k++) {
                work += host.processingMs(chain[k], tOrigin[task]);
            }
        } else if (phase == TX_DONE) {
            work = tUpMb[task];
            q.snr = host.snr(q.user);
        } else {
            for (int k = cut; k < chain.length; k++) {
                work += host.processingMs(chain[k], tEdge[task]);
            }
        }
        q.remaining = work;
        q.charged = host.nowMs();
        schedule(q);
    }

    /** The task in service in {@code q} continues at the shares in force from now. */
    private void rerate(Fifo q) {
        if (!q.busy) {
            return;
        }
        double now = host.nowMs();
        settle(q, now);
        q.remaining = Math.max(0, q.remaining - (Math.min(now, q.end) - q.since) * q.rate);
        if (q.phase == TX_DONE && host.slotChannels()) {
            q.snr = host.snr(q.user);
        }
        schedule(q);
    }

    /**
     * Sets the queue's service rate (work per ms) and power from the shares in force and schedules
     * the end of its task's service; a rate of 0 pauses it (no event, no power).
     */
    private void schedule(Fifo q) {
        int u = q.user;
        double rate;
        double power;
        if (q.phase == LOCAL_DONE) {
            double f = follow ? positive(phi[u], lastPhi[u]) : Math.max(phi[u], 1e-6);
            rate = f;
            // papers.md 4.2: compute power cubic in the frequency share
            power = localPowerW * f * f * f;
        } else if (q.phase == TX_DONE) {
            double p = follow ? positive(psi[u], lastPsi[u]) : Math.max(psi[u], 1e-6);
            double b = follow ? positive(beta[u], lastBeta[u]) : Math.max(beta[u], 1e-6);
            rate = b * pool * Latency.spectralEfficiency(p * q.snr);
            power = txPowerW * p;
        } else {
            rate = follow ? positive(eta[u], lastEta[u]) : Math.max(eta[u], 1e-6);
            power = 0;
        }
        double now = host.nowMs();
        q.since = now;
        int epoch = ++tEpoch[q.task];
        if (rate > 0 && Double.isFinite(rate)) {
            double ms = q.remaining / rate;
            q.rate = rate;
            q.powerW = power;
            q.end = now + ms;
            host.push(ms, q.phase, q.task, epoch & EPOCH_MASK);
        } else {
            q.rate = 0;
            q.powerW = 0;
            q.end = Double.POSITIVE_INFINITY;
        }
    }

    private static double positive(double share, double last) {
        return share > 0 ? share : last;
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
            lastSlotEnergy[u] = slotEnergy[u];
            slotEnergy[u] = 0;
        }
    }

    /** The energy in J user {@code u} spent in the last slot charged (0 before the first). */
    double lastSlotEnergyJ(int u) {
        return lastSlotEnergy[u];
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
        int task;
        int phase;
        int user;
        /** Work left at {@link #since}: ms at full speed, or MB on the uplink. */
        double remaining;
        /** Work per ms since {@link #since}; 0 while paused. */
        double rate;
        double since;
        double snr;
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
