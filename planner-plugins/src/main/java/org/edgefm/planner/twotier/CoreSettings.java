package org.edgefm.planner.twotier;

import java.util.List;
import java.util.Locale;
import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.KeyOrigin;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.latency.LatencyModel;
import org.edgefm.planner.latency.NetworkPaths;

/**
 * Settings of the core-placement planners ({@code sparse-ip} and the core baselines), read from
 * {@link PlannerConfig} and validated; every reconstruction is a key with {@code assumption = true}.
 *
 * @param xi               ξ of eq. (14)
 * @param beta             β of the exponential-decay apportioning of {@code z̃}, per ms
 * @param qosScore         {@code slack} or {@code exp}
 * @param demandMode       {@code concurrent} (λ·a/f, Little's law) or {@code per-slot} (λ·Δt)
 * @param slotMs           Δt used by {@code per-slot}
 * @param headroom         multiplier on the estimated demand
 * @param sparsity         the sparsity reading
 * @param minNodes         S_min
 * @param maxNodes         S_max
 * @param maxTypesPerNode  S
 * @param capacityMode     how C1 is read
 * @param solver           OR-Tools backend
 * @param timeLimitMs      solver time limit, 0 = the host's budget
 * @param relativeGap      relative MIP gap
 * @param maxPerNode       cap on instances of one service on one node
 * @param allLightCandidates true: light stages may run anywhere in the mean-value analysis
 * @param kmPerMs          propagation speed l
 * @param meanChannel      how {@code T̄} averages the channel
 * @param leafInput        how leaves share the input
 * @param seed             seed of the random baseline
 * @param keepCurrent      running instances do not pay their deployment price again
 * @param candidateNodes   K: the solver's candidate nodes per core service, lowest coefficient first; 0 = all
 * @param bestEffort       the plan when C2 cannot be met
 * @param liftMaxNodes     best effort may place a core service on more than S_max nodes
 * @param lightReserve     C1 keeps the light services' share of every node free
 * @param candidatesPerOrigin K: the mean-value estimates consider, per stream and stage, only the K
 *                         hosts nearest to the stream's origin; 0 = all
 * @param reserveConflict  what happens when the light reserve and C2 do not fit together
 */
public record CoreSettings(double xi, double beta, String qosScore, String demandMode, double slotMs, double headroom,
        CorePlacementProblem.Sparsity sparsity, int minNodes, int maxNodes, int maxTypesPerNode,
        CorePlacementProblem.CapacityMode capacityMode, String solver, long timeLimitMs, double relativeGap,
        int maxPerNode, boolean allLightCandidates, double kmPerMs, LatencyModel.MeanChannel meanChannel,
        LatencyModel.LeafInput leafInput, long seed, boolean keepCurrent, int candidateNodes, BestEffort bestEffort,
        boolean liftMaxNodes, boolean lightReserve, int candidatesPerOrigin, ReserveConflict reserveConflict) {

    /** {@code sparse-ip.light-reserve-conflict}: the core and light tiers' split when C2 and the light reserve conflict. */
    public enum ReserveConflict {
        /** Split by the estimated on-time cost of each tier's shortage ({@code SparseCorePlanner.shortageSplit}). */
        SHORTAGE,
        /** Both tiers get the same, largest fraction θ of their demand. */
        SHARE,
        /** As SHARE with the light need capped at 1/2 before it is scaled (the behaviour before). */
        SHARE_CAPPED,
        /** The reserve is dropped; the core tier uses the full capacity. */
        DROP
    }

    /** True unless the reserve is dropped on a conflict. */
    public boolean lightReserveShared() {
        return reserveConflict != ReserveConflict.DROP;
    }

    /** What {@code sparse-ip} plans when no placement meets C2 (more demand than capacity). */
    public enum BestEffort {
        /** Every core service gets the same, largest possible share of its requirement. */
        MAX_MIN,
        /** The greedy's plan: services with the most demand first, the last ones get what is left. */
        GREEDY
    }

    /** Shared latency-model keys (all planners of this family). */
    public static final List<ConfigKey> LATENCY_KEYS = List.of(
            new ConfigKey("latency.propagation-km-per-ms", "200", "propagation speed l of eq. (2) in km/ms",
                    KeyOrigin.PAPER, "l of eq. (2), tau_pp = W/l; paper 1 gives no value: 200 km/ms (2x10^8 m/s) is ours (papers.md 5.1)"),
            new ConfigKey("latency.mean-channel", "log-of-mean",
                    "mean uplink in T̄: log-of-mean = log2(1+E[γ]), mean-of-log = E[log2(1+γ)]",
                    KeyOrigin.PAPER_AMBIGUITY, "T-bar of Sec. III-A is eq. (4) 'with mean values'; for eq. (1)'s log(1+gamma) the mean can be taken inside or outside the log (papers.md 1.4)"),
            new ConfigKey("latency.leaf-input", "full", "input A_n per leaf of an in-tree: full or split",
                    KeyOrigin.PAPER_AMBIGUITY, "eq. (4)'s first-node rule on an in-tree with several leaves: each leaf pays the full A_n or a modality share; not stated (papers.md 1.2)"));

    /** The keys of the core planners, prefix {@code sparse-ip.}. */
    public static final List<ConfigKey> KEYS = List.of(
            new ConfigKey("sparse-ip.xi", "10", "ξ of eq. (14): cost units per unit of QoS score Q (Q is in [0,1])",
                    KeyOrigin.PAPER, "xi of eq. (14), weight of the QoS score Q_{v,m} against cost; no value given (papers.md 1.6)"),
            new ConfigKey("sparse-ip.beta", "0.1", "β of the exponential-decay apportioning of z̃ over nodes, per ms",
                    KeyOrigin.RECONSTRUCTION, "beta of the exponential-decay apportioning of z-tilde_{v,m} over nodes: the formula was cut off (papers.md 1.4 [I])"),
            new ConfigKey("sparse-ip.qos-score", "slack", "Q: slack = rate-share-weighted deadline slack / D_n; exp = exp(-T̄/D_n)",
                    KeyOrigin.RECONSTRUCTION, "Q_{v,m} of eq. (14): its formula was not retrievable; slack or exp reading (papers.md 1.4 [I])"),
            new ConfigKey("sparse-ip.demand-mode", "concurrent",
                    "z̃ in C2: concurrent = λ·a_m/f_m busy instances (Little); per-slot = λ·Δt tasks per slot",
                    KeyOrigin.RECONSTRUCTION, "z-tilde_{v,m} of C2: tasks in service (Little) or arrivals per slot; not stated (papers.md 1.4 [I])"),
            new ConfigKey("sparse-ip.slot-ms", "100", "Δt in ms for demand-mode per-slot",
                    KeyOrigin.RECONSTRUCTION, "Delta-t of the per-slot reading of z-tilde; paper 1 gives no slot length (papers.md 5.1)"),
            new ConfigKey("sparse-ip.demand-headroom", "1.25", "multiplier on Σ_v z̃_{v,m} in C2 (1 = the mean)",
                    KeyOrigin.GUARD, "C2 on the mean demand leaves Poisson bursts no room; 1.25 matches ec-lyapunov's 0.8 utilisation guard (docs/simulator.md, 'The benchmark, fairly')"),
            new ConfigKey("sparse-ip.sparsity", "diversity", "sparsity reading: diversity, isolation, both or none",
                    KeyOrigin.PAPER_AMBIGUITY, "the sparsity constraint of eq. (14) was not retrievable; 'deployment diversity' reads as S_min..S_max nodes per service, the per-service C1 as S types per node (papers.md 1.4)"),
            new ConfigKey("sparse-ip.min-nodes", "2", "S_min: distinct nodes per core service (diversity)",
                    KeyOrigin.RECONSTRUCTION, "S_min of the diversity reading of the sparsity constraint (papers.md 1.4 [I])"),
            new ConfigKey("sparse-ip.max-nodes", "4", "S_max: distinct nodes per core service (diversity)",
                    KeyOrigin.RECONSTRUCTION, "S_max of the diversity reading of the sparsity constraint (papers.md 1.4 [I])"),
            new ConfigKey("sparse-ip.max-types-per-node", "1", "S: core service types per node (isolation)",
                    KeyOrigin.RECONSTRUCTION, "S of the isolation reading of the sparsity constraint (papers.md 1.4 [I])"),
            new ConfigKey("sparse-ip.capacity", "aggregate",
                    "C1: aggregate = Σ_m r_m x_{v,m} <= R_v (eq. 8); per-service = r_m x_{v,m} <= R_v as printed",
                    KeyOrigin.PAPER_AMBIGUITY, "C1 as printed is per service (r_{m,k} x_{v,m} <= R_{v,k}); eq. (8) sums over services (papers.md 1.4)"),
            new ConfigKey("sparse-ip.solver", "SCIP", "OR-Tools MIP backend: SCIP, CP_SAT or CBC",
                    KeyOrigin.SOLVER, "OR-Tools MIP backend; paper 1's solver is unknown (papers.md 1.4)"),
            new ConfigKey("sparse-ip.time-limit-ms", "0", "solver time limit in ms; 0 = the host's time budget",
                    KeyOrigin.SOLVER, "time limit of the MIP; the host's core budget by default"),
            new ConfigKey("sparse-ip.relative-gap", "0.0001", "relative MIP gap at which the solver may stop",
                    KeyOrigin.SOLVER, "stopping gap of the MIP"),
            new ConfigKey("sparse-ip.max-instances-per-node", "64", "upper bound of x_{v,m}",
                    KeyOrigin.SOLVER, "upper bound of x^cr_{v,m} in the MIP model"),
            new ConfigKey("sparse-ip.light-candidates", "origin-and-servers",
                    "nodes light stages may use in the mean-value analysis: origin-and-servers or all",
                    KeyOrigin.RECONSTRUCTION, "which nodes a light stage may use in the mean-value analysis of Sec. III-A; not stated"),
            new ConfigKey("sparse-ip.seed", "1", "seed of the random-core baseline",
                    KeyOrigin.SOLVER, "seed of random-core"),
            new ConfigKey("sparse-ip.keep-current", "true",
                    "re-planning (epoch, node loss): running instances pay maintenance only, not c^dp again (eq. 6)",
                    KeyOrigin.RECONSTRUCTION, "re-planning (epochs, node loss) is ours, paper 1 places once; eq. (6) charges c^{cr,dp} once per instance"),
            new ConfigKey("sparse-ip.candidate-nodes", "64",
                    "K: the MIP considers per core service only its K nodes of lowest coefficient c_m - ξQ_{v,m} plus the greedy's"
                            + " and the running hosts (the others are fixed to 0); 0 = all nodes",
                    KeyOrigin.SOLVER, "scale: the MIP keeps per core service its K best nodes plus the greedy's and the running hosts; CorePlacementScaleTest"),
            new ConfigKey("sparse-ip.best-effort", "max-min",
                    "plan when C2 cannot be met: max-min = every core service gets the same, largest possible share of its"
                            + " requirement (then eq. 14 at that share); greedy = the greedy's plan (largest demand first)",
                    KeyOrigin.GUARD, "paper 1 assumes C2 can be met; at 7x load on paper-table1 the greedy's plan starved three core services, max-min raised on-time 30.14% -> 87.28% (docs/simulator.md, load sweep)"),
            new ConfigKey("sparse-ip.best-effort-lift-max-nodes", "false",
                    "when C2 cannot be met, the max-min best effort may use more than S_max nodes per core service if that raises"
                            + " the share (S_min still holds)",
                    KeyOrigin.GUARD, "overload: more than S_max nodes per core service when that raises the best effort's share (docs/simulator.md: 77% at 7x, 16% at 10x)"),
            new ConfigKey("sparse-ip.light-reserve", "true",
                    "C1 keeps on every node the share of each resource that the light services' mean demand (Σ λ·E[a/f]·r over"
                            + " light stages, parallelism 1) takes of the fleet's total, so the core placement leaves the light tier room;"
                            + " false = C1 on the full capacity",
                    KeyOrigin.GUARD, "paper 1 places the core tier alone; without a reserve it took 225.6 of the edge server's 228.4 CPU units on paper-table1-contended and starved the light tier (docs/simulator.md)"),
            new ConfigKey("sparse-ip.candidates-per-origin", "32",
                    "K: the mean-value estimates analyse each stream's stages on only the K hosts nearest to the stream's"
                            + " origin (network delay of the measured topology for the task's input), so their cost grows with"
                            + " the streams, not with streams x fleet size (assumption for large connected fleets; 32 keeps every"
                            + " shipped scenario whole); 0 = every reachable host",
                    KeyOrigin.SOLVER, "scale: the mean-value estimates analyse each stream on its K nearest hosts; 32 keeps every shipped scenario whole"),
            new ConfigKey("sparse-ip.light-reserve-conflict", "share",
                    "when C2 and the light reserve do not fit together (assumption: paper 1 places the core tier alone):"
                            + " share = both tiers get the same, largest fraction θ of their demand (C2 at θ·z̃, reserve θ times"
                            + " the light services' need of the fleet, at most 1/2 of a node); share-capped = the same with the need"
                            + " capped at 1/2 before scaling (the behaviour before: under overload the core tier grew with the offered"
                            + " load and starved the light stages, docs/simulator.md 'The cliff past 2x');"
                            + " shortage = try light-reserve fractions 0, 1/4, 1/2, 3/4 and 1, give the core tier the largest"
                            + " θ·z̃ that fits beside each, and keep the split whose estimated on-time share is highest (a task"
                            + " needs both tiers: per task type the smaller of the core coverage and the light capacity that the"
                            + " core placement leaves, per node in the light demand's resource mix; measured worse than share on"
                            + " paper-table1-contended and a held-out draw, docs/simulator.md); drop = the reserve is dropped and"
                            + " the core tier uses the full capacity (before this key)",
                    KeyOrigin.GUARD, "when C2 and the light reserve do not fit together: share raised two-tier on paper-table1-contended from 4.85% to 78.06% at load 0.5 (one seed); scaling the uncapped light need (share against share-capped) took it from 5.91% to 9.16% at 4x and 1.11% to 3.00% at 12x (20 held-out seeds, 40 slots), the on-time tasks per unit time flat from 0.5x to 12x (docs/simulator.md, 'The cliff past 2x')"));

    /** Reads and validates the settings; a bad value is a {@link ConfigException} naming the key. */
    public static CoreSettings from(PlannerConfig c) {
        double xi = nonNegative(c, "sparse-ip.xi", 10);
        double beta = nonNegative(c, "sparse-ip.beta", 0.1);
        String q = c.getChoice("sparse-ip.qos-score", "slack", "slack", "exp");
        String dm = c.getChoice("sparse-ip.demand-mode", "concurrent", "concurrent", "per-slot");
        double slot = positive(c, "sparse-ip.slot-ms", 100);
        double head = positive(c, "sparse-ip.demand-headroom", 1.25);
        CorePlacementProblem.Sparsity sp = CorePlacementProblem.Sparsity.valueOf(
                c.getChoice("sparse-ip.sparsity", "diversity", "diversity", "isolation", "both", "none").toUpperCase(Locale.ROOT));
        int smin = c.getInt("sparse-ip.min-nodes", 2);
        int smax = c.getInt("sparse-ip.max-nodes", 4);
        int s = c.getInt("sparse-ip.max-types-per-node", 1);
        if (smin < 1) {
            throw new ConfigException("sparse-ip.min-nodes: " + smin + " (expected: >= 1)");
        }
        if (smax < smin) {
            throw new ConfigException("sparse-ip.max-nodes: " + smax + " (expected: >= sparse-ip.min-nodes = " + smin + ")");
        }
        if (s < 1) {
            throw new ConfigException("sparse-ip.max-types-per-node: " + s + " (expected: >= 1)");
        }
        CorePlacementProblem.CapacityMode cm = c.getChoice("sparse-ip.capacity", "aggregate", "aggregate", "per-service")
                .equals("aggregate") ? CorePlacementProblem.CapacityMode.AGGREGATE : CorePlacementProblem.CapacityMode.PER_SERVICE;
        String solver = c.getChoice("sparse-ip.solver", "SCIP", "SCIP", "CP_SAT", "CBC");
        int limit = c.getInt("sparse-ip.time-limit-ms", 0);
        if (limit < 0) {
            throw new ConfigException("sparse-ip.time-limit-ms: " + limit + " (expected: >= 0)");
        }
        double gap = nonNegative(c, "sparse-ip.relative-gap", 1e-4);
        int cap = c.getInt("sparse-ip.max-instances-per-node", 64);
        if (cap < 1) {
            throw new ConfigException("sparse-ip.max-instances-per-node: " + cap + " (expected: >= 1)");
        }
        boolean all = c.getChoice("sparse-ip.light-candidates", "origin-and-servers", "origin-and-servers", "all").equals("all");
        long seed = c.getInt("sparse-ip.seed", 1);
        boolean keep = c.getBoolean("sparse-ip.keep-current", true);
        int k = c.getInt("sparse-ip.candidate-nodes", 64);
        if (k != 0 && k < smax) {
            throw new ConfigException("sparse-ip.candidate-nodes: " + k + " (expected: 0 or >= sparse-ip.max-nodes = " + smax + ")");
        }
        BestEffort be = c.getChoice("sparse-ip.best-effort", "max-min", "max-min", "greedy").equals("max-min")
                ? BestEffort.MAX_MIN : BestEffort.GREEDY;
        return new CoreSettings(xi, beta, q, dm, slot, head, sp, smin, smax, s, cm, solver, limit, gap, cap, all,
                kmPerMs(c), meanChannel(c), leafInput(c), seed, keep, k, be,
                c.getBoolean("sparse-ip.best-effort-lift-max-nodes", false),
                c.getBoolean("sparse-ip.light-reserve", true), atLeastZero(c, "sparse-ip.candidates-per-origin", 32),
                ReserveConflict.valueOf(c.getChoice("sparse-ip.light-reserve-conflict", "share", "shortage", "share", "share-capped", "drop")
                        .toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
    }

    static double kmPerMs(PlannerConfig c) {
        return positive(c, "latency.propagation-km-per-ms", NetworkPaths.DEFAULT_KM_PER_MS);
    }

    static LatencyModel.MeanChannel meanChannel(PlannerConfig c) {
        return c.getChoice("latency.mean-channel", "log-of-mean", "log-of-mean", "mean-of-log").equals("log-of-mean")
                ? LatencyModel.MeanChannel.LOG_OF_MEAN : LatencyModel.MeanChannel.MEAN_OF_LOG;
    }

    static LatencyModel.LeafInput leafInput(PlannerConfig c) {
        return c.getChoice("latency.leaf-input", "full", "full", "split").equals("full")
                ? LatencyModel.LeafInput.FULL : LatencyModel.LeafInput.SPLIT;
    }

    static int atLeastZero(PlannerConfig c, String key, int def) {
        int v = c.getInt(key, def);
        if (v < 0) {
            throw new ConfigException(key + ": " + v + " (expected: >= 0)");
        }
        return v;
    }

    static double positive(PlannerConfig c, String key, double def) {
        double v = c.getDouble(key, def);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + ": " + v + " (expected: > 0)");
        }
        return v;
    }

    static double nonNegative(PlannerConfig c, String key, double def) {
        double v = c.getDouble(key, def);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + ": " + v + " (expected: >= 0)");
        }
        return v;
    }
}
