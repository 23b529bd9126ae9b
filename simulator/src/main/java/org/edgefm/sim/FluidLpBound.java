package org.edgefm.sim;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;

/**
 * An offline upper bound on the on-time completion rate of one run: a linear-programming
 * relaxation of the fluid model with every arrival of the run known in advance (the same arrival
 * times as {@link SimulatedFleet} draws for the seed and load), solved with OR-Tools GLOP.
 *
 * <p>Formulation (docs/simulator.md, "Offline upper bound"). The horizon is cut into windows of
 * {@code W} slots; {@code A_{w,s}} is the number of arrivals of stream {@code s} (a user and task
 * type) in window {@code w}. Per stream, {@code p_s} is the share of its tasks that can meet the
 * deadline alone (no queueing, the zero-contention bound per stream; sampled, and taken at the
 * upper end of its 3-sigma Wilson interval so sampling does not undercut it), and {@code U_s} the (stage,
 * node) pairs that lie on at least one deadline-feasible placement of a sampled task: stage
 * {@code k} at node {@code v} is usable when the earliest finish of {@code k} at {@code v} plus the
 * shortest remaining time from there to the sink is within the deadline. Per window:
 * <pre>
 *   maximise    Σ_s served_s
 *   subject to  0 ≤ served_s ≤ p_s · A_{w,s}
 *               Σ_{v : (k,v) ∈ U_s} y_{s,k,v} = served_s                      every stream s, stage k
 *               Σ_{s,k} y_{s,k,v} · r_{m(k)}[i] · τ_{m(k),v} ≤ C_v[i] · (W·Δt + D_max)   every node v, resource i
 *               y ≥ 0
 * </pre>
 * where {@code τ_{m,v} = a_m / (E[f_m] · factor_{v,m})} is the instance time one task of service
 * {@code m} holds at {@code v} (core services; light services with
 * {@code sim.parallelism-exponent} α = 1; with α &lt; 1 a light instance's unbounded parallelism
 * makes it 0), {@code r_m} the demand vector, {@code C_v} the node's capacity and {@code D_max} the
 * largest deadline: a task that arrives in the window and is on time is processed within the
 * window extended by {@code D_max}, and at every instant the instances running at {@code v} fit
 * its capacity (eq. 8). The bound is {@code Σ_w LP_w / Σ_{w,s} A_{w,s}}.
 *
 * <p>Why it is an upper bound (with high confidence, {@code p_s} being sampled): a run's on-time tasks,
 * counted per window and stream, are a feasible point (each one passes through a usable node per
 * stage; its instance time is at least {@code τ} since {@code E[a/f] ≥ a/E[f]}); links, uplinks,
 * queueing, failures, planner epochs and routing are all relaxed. It is at most the
 * zero-contention bound ({@code served_s ≤ p_s A_{w,s}}) and lower where node capacity binds.
 */
public final class FluidLpBound {
    /** Tasks sampled per stream for {@code p_s} and the usable pairs. */
    public static final int DEFAULT_SAMPLES_PER_STREAM = 2_000;
    /** Standard deviations of the one-sided upper confidence limit on each {@code p_s} (99.87%). */
    public static final double CONFIDENCE_Z = 3;
    /** Window length: ten times the largest deadline, in slots (at least one slot). */
    public static final double WINDOW_DEADLINES = 10;

    private static volatile boolean nativesLoaded;

    private final SystemModel model;
    private final double slotMs;
    private final int windowSlots;
    private final double maxDeadlineMs;
    private final int nodes;
    private final int streams;
    private final double[] feasibleShare;
    /** Per stream, per stage (in {@code TaskType.stages()} order), the usable nodes. */
    private final int[][][] usable;
    /** Per stream, per stage, the service index. */
    private final int[][] stageService;
    /** Instance time {@code τ} per [node * services + service], 0 where it does not bind. */
    private final double[] tau;
    private final boolean capacityBinds;
    /** Diagnostic: cap each pair's busy time at the whole instances of its service that fit the node alone. */
    private final boolean wholeInstanceCaps;

    private FluidLpBound(SystemModel model, double slotMs, int windowSlots, double maxDeadlineMs, double[] feasibleShare,
            int[][][] usable, int[][] stageService, double[] tau, boolean capacityBinds) {
        this(model, slotMs, windowSlots, maxDeadlineMs, feasibleShare, usable, stageService, tau, capacityBinds, false);
    }

    private FluidLpBound(SystemModel model, double slotMs, int windowSlots, double maxDeadlineMs, double[] feasibleShare,
            int[][][] usable, int[][] stageService, double[] tau, boolean capacityBinds, boolean wholeInstanceCaps) {
        this.wholeInstanceCaps = wholeInstanceCaps;
        this.model = model;
        this.slotMs = slotMs;
        this.windowSlots = windowSlots;
        this.maxDeadlineMs = maxDeadlineMs;
        this.nodes = model.topology().nodes().size();
        this.streams = model.workload().size();
        this.feasibleShare = feasibleShare;
        this.usable = usable;
        this.stageService = stageService;
        this.tau = tau;
        this.capacityBinds = capacityBinds;
    }

    /**
     * Samples the per-stream feasibility of a scenario (independent of load and run seed).
     *
     * @param model    the model at load 1 (its workload fixes the streams and their order)
     * @param slotMs   slot length Δt
     * @param settings the simulator settings (compute rates, α, whether capacity is enforced)
     * @param samples  tasks sampled per stream, at least 1
     * @param seed     the sampling seed
     */
    public static FluidLpBound prepare(SystemModel model, double slotMs, SimSettings settings, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples: " + samples + " (expected: >= 1)");
        }
        List<NodeSpec> nodeList = model.topology().nodes();
        int n = nodeList.size();
        Map<String, Integer> index = Network.nodeIndex(nodeList);
        Network net = new Network(n, model.topology().links(), index);
        int ns = model.services().size();
        double[] factor = ComputeRates.factors(model, settings.compute());
        Map<String, Integer> serviceIndex = new HashMap<>();
        for (int m = 0; m < ns; m++) {
            serviceIndex.put(model.services().get(m).id(), m);
        }
        List<Demand> workload = model.workload();
        double[] share = new double[workload.size()];
        int[][][] usable = new int[workload.size()][][];
        int[][] stageService = new int[workload.size()][];
        double maxDeadline = 0;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int s = 0; s < workload.size(); s++) {
            Demand d = workload.get(s);
            UserSpec user = model.user(d.user());
            TaskType type = model.taskType(d.taskType());
            maxDeadline = Math.max(maxDeadline, type.deadlineMs());
            List<Stage> stages = type.stages();
            int k = stages.size();
            Map<String, Integer> stageIdx = new HashMap<>();
            stageService[s] = new int[k];
            for (int i = 0; i < k; i++) {
                stageIdx.put(stages.get(i).id(), i);
                stageService[s][i] = serviceIndex.get(stages.get(i).service());
            }
            boolean[][] ok = new boolean[k][n];
            int onTime = 0;
            for (int t = 0; t < samples; t++) {
                if (sample(model, type, stages, stageIdx, stageService[s], nodeList, net, factor, ns,
                        index.get(user.node()), user, rnd, ok)) {
                    onTime++;
                }
            }
            share[s] = onTime == 0 ? 0 : wilsonUpper((double) onTime / samples, samples);
            usable[s] = new int[k][];
            for (int i = 0; i < k; i++) {
                List<Integer> vs = new ArrayList<>();
                for (int v = 0; v < n; v++) {
                    if (ok[i][v]) {
                        vs.add(v);
                    }
                }
                usable[s][i] = vs.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        double alpha = settings.parallelismExponent();
        double[] tau = new double[n * ns];
        for (int v = 0; v < n; v++) {
            for (int m = 0; m < ns; m++) {
                ServiceSpec spec = model.services().get(m);
                boolean binds = spec.kind() == ServiceKind.CORE || alpha >= 1;
                tau[v * ns + m] = binds ? spec.workloadMb() / (spec.rate().mean() * factor[v * ns + m]) : 0;
            }
        }
        int window = Math.max(1, (int) Math.ceil(WINDOW_DEADLINES * maxDeadline / slotMs));
        return new FluidLpBound(model, slotMs, window, maxDeadline, share, usable, stageService, tau,
                settings.enforceCapacity());
    }

    /**
     * A diagnostic variant, not a bound: the same LP with a light task's instance time taken as the
     * mean {@code E[a/f]} (Gamma rate of shape {@code k > 1}: {@code a/((k-1)·θ)}) instead of
     * {@code a/E[f]}. A policy that cannot see a task's rate before starting it spends {@code E[a/f]}
     * per started task on average (Wald), but the bound counts only on-time tasks, which are biased
     * towards fast draws, and capacity is counted per window; so this variant says how much of the
     * LP's room comes from the light tier's mean-rate relaxation, and is not printed as a bound
     * (docs/simulator.md, "Is the LP bound loose").
     */
    FluidLpBound withMeanInverseRate() {
        int ns = model.services().size();
        double[] t = tau.clone();
        for (int v = 0; v < nodes; v++) {
            for (int m = 0; m < ns; m++) {
                ServiceSpec spec = model.services().get(m);
                if (t[v * ns + m] > 0 && spec.kind() != ServiceKind.CORE
                        && spec.rate() instanceof org.edgefm.api.model.RateModel.Gamma g && g.shape() > 1) {
                    t[v * ns + m] *= g.shape() / (g.shape() - 1);
                }
            }
        }
        return new FluidLpBound(model, slotMs, windowSlots, maxDeadlineMs, feasibleShare, usable, stageService, t,
                capacityBinds, wholeInstanceCaps);
    }

    /**
     * A tightening that stays a bound: at every instant a node runs a whole number of instances of a
     * service, at most {@code ⌊min_i C_v[i]/r_m[i]⌋} (the instances that fit the node with nothing else
     * on it), so the busy time of the pair over a window is at most that many times the window's length.
     * The run's on-time tasks still satisfy it, so the LP with this row added is still an upper bound;
     * it only removes fractional instances of one service beyond what fits whole (mixing services on a
     * node stays fractional). Used by {@link CapacityAccounting}; not yet the printed bound.
     */
    FluidLpBound withWholeInstanceCaps() {
        return new FluidLpBound(model, slotMs, windowSlots, maxDeadlineMs, feasibleShare, usable, stageService, tau,
                capacityBinds, true);
    }

    /** Window length W in slots. */
    public int windowSlots() {
        return windowSlots;
    }

    /** The zero-contention share {@code p_s} of each stream (its upper confidence limit), in workload order. */
    public double[] feasibleShare() {
        return feasibleShare.clone();
    }

    /**
     * The bound for one run: the arrivals {@link SimulatedFleet} draws for this seed and load over
     * {@code slots} slots.
     *
     * @return the bound in [0, 1], or NaN when no task arrives
     * @throws IllegalStateException when OR-Tools cannot be loaded or GLOP fails
     */
    public double onTimeRate(double load, int slots, long seed) {
        return solve(load, slots, seed, null);
    }

    /**
     * What the bound's solution serves, summed over the windows of one run: per stream the tasks
     * served and offered, per (node, service) the tasks the solution sends there and the instance
     * time {@code Σ y·τ} (ms) they hold. GLOP returns one optimum among possibly many, so the split
     * over nodes is one feasible witness of the bound, not the only one.
     *
     * @param served    tasks served per stream, in workload order
     * @param offered   arrivals per stream
     * @param pairTasks tasks per [node * services + service]
     * @param pairBusy  instance time {@code y·τ} per [node * services + service], ms (0 where τ does not bind)
     * @param onTimeRate the bound itself
     */
    public record Solution(double[] served, long[] offered, double[] pairTasks, double[] pairBusy, double onTimeRate) {
    }

    /** The bound of one run with its solution summed over the windows ({@link Solution}). */
    public Solution solution(double load, int slots, long seed) {
        int ns = model.services().size();
        Solution out = new Solution(new double[streams], new long[streams], new double[nodes * ns], new double[nodes * ns], 0);
        double rate = solve(load, slots, seed, out);
        return new Solution(out.served(), out.offered(), out.pairTasks(), out.pairBusy(), rate);
    }

    private double solve(double load, int slots, long seed, Solution collect) {
        int windows = (slots + windowSlots - 1) / windowSlots;
        double horizon = slots * slotMs;
        double windowMs = windowSlots * slotMs;
        long[][] arrivals = arrivals(load, slots, seed);
        long total = 0;
        for (long[] w : arrivals) {
            for (long a : w) {
                total += a;
            }
        }
        if (total == 0) {
            return Double.NaN;
        }
        if (collect != null) {
            for (long[] w : arrivals) {
                for (int s = 0; s < streams; s++) {
                    collect.offered()[s] += w[s];
                }
            }
        }
        loadNatives();
        MPSolver solver = MPSolver.createSolver("GLOP");
        if (solver == null) {
            throw new IllegalStateException("OR-Tools GLOP is not available");
        }
        try {
            MPVariable[] served = new MPVariable[streams];
            MPObjective objective = solver.objective();
            List<Resource> resources = List.of(Resource.values());
            int ns = model.services().size();
            MPConstraint[][] cap = new MPConstraint[nodes][resources.size()];
            List<MPVariable> ys = new ArrayList<>();
            MPConstraint[] whole = new MPConstraint[nodes * ns];
            double[] wholeCount = new double[nodes * ns];
            List<int[]> yAt = new ArrayList<>();
            double[][] capacity = new double[nodes][resources.size()];
            for (int v = 0; v < nodes; v++) {
                for (Resource r : resources) {
                    capacity[v][r.ordinal()] = model.topology().nodes().get(v).capacity().get(r);
                }
            }
            for (int s = 0; s < streams; s++) {
                served[s] = solver.makeNumVar(0, 0, "served_" + s);
                objective.setCoefficient(served[s], 1);
                for (int k = 0; k < usable[s].length; k++) {
                    MPConstraint flow = solver.makeConstraint(0, 0, "stage_" + s + "_" + k);
                    flow.setCoefficient(served[s], -1);
                    int m = stageService[s][k];
                    ServiceSpec spec = model.services().get(m);
                    for (int v : usable[s][k]) {
                        MPVariable y = solver.makeNumVar(0, Double.POSITIVE_INFINITY, "y_" + s + "_" + k + "_" + v);
                        flow.setCoefficient(y, 1);
                        ys.add(y);
                        yAt.add(new int[] {v * ns + m});
                        double t = tau[v * ns + m];
                        if (!capacityBinds || t == 0) {
                            continue;
                        }
                        if (wholeInstanceCaps) {
                            int at = v * ns + m;
                            if (whole[at] == null) {
                                double fit = Double.POSITIVE_INFINITY;
                                for (Resource r : resources) {
                                    double need = spec.demand().get(r);
                                    if (need > 0) {
                                        fit = Math.min(fit, Math.floor(capacity[v][r.ordinal()] / need + 1e-9));
                                    }
                                }
                                wholeCount[at] = fit;
                                whole[at] = solver.makeConstraint(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, "whole_" + at);
                            }
                            whole[at].setCoefficient(y, t);
                        }
                        for (Resource r : resources) {
                            double need = spec.demand().get(r) * t;
                            if (need <= 0) {
                                continue;
                            }
                            if (cap[v][r.ordinal()] == null) {
                                cap[v][r.ordinal()] = solver.makeConstraint(Double.NEGATIVE_INFINITY, 0, "cap_" + v + "_" + r);
                            }
                            cap[v][r.ordinal()].setCoefficient(y, need);
                        }
                    }
                }
            }
            objective.setMaximization();
            double sum = 0;
            for (int w = 0; w < windows; w++) {
                double length = Math.min(windowMs, horizon - w * windowMs) + maxDeadlineMs;
                for (int v = 0; v < nodes; v++) {
                    for (int r = 0; r < resources.size(); r++) {
                        if (cap[v][r] != null) {
                            cap[v][r].setUb(capacity[v][r] * length);
                        }
                    }
                }
                for (int at = 0; at < whole.length; at++) {
                    if (whole[at] != null && wholeCount[at] < Double.POSITIVE_INFINITY) {
                        whole[at].setUb(wholeCount[at] * length);
                    }
                }
                for (int s = 0; s < streams; s++) {
                    served[s].setUb(feasibleShare[s] * arrivals[w][s]);
                }
                MPSolver.ResultStatus status = solver.solve();
                if (status != MPSolver.ResultStatus.OPTIMAL) {
                    throw new IllegalStateException("GLOP ended with " + status + " in window " + w);
                }
                sum += objective.value();
                if (collect != null) {
                    for (int s = 0; s < streams; s++) {
                        collect.served()[s] += served[s].solutionValue();
                    }
                    for (int j = 0; j < ys.size(); j++) {
                        int at = yAt.get(j)[0];
                        double y = ys.get(j).solutionValue();
                        collect.pairTasks()[at] += y;
                        collect.pairBusy()[at] += y * tau[at];
                    }
                }
            }
            return Math.min(1.0, sum / total);
        } finally {
            solver.delete();
        }
    }

    /**
     * Arrivals per window and stream, exactly as {@link SimulatedFleet} draws them for this seed and
     * load (one {@code split()} of a generator seeded with the run seed per stream, in workload
     * order; {@code SimulatedFleetTest}-style check in {@code FluidLpBoundTest}).
     */
    long[][] arrivals(double load, int slots, long seed) {
        List<Demand> workload = model.withLoad(load).workload();
        double horizon = slots * slotMs;
        int windows = (slots + windowSlots - 1) / windowSlots;
        double windowMs = windowSlots * slotMs;
        long[][] arrivals = new long[windows][streams];
        SplittableRandom master = new SplittableRandom(seed);
        for (int s = 0; s < streams; s++) {
            ArrivalProcess p = workload.get(s).arrivals();
            SplittableRandom r = master.split();
            // Each gap drawn at its own time, as the fleet does, so a rate schedule is honoured.
            for (double t = p.nextGapMs(r, 0); t <= horizon; t += p.nextGapMs(r, t)) {
                arrivals[Math.min(windows - 1, (int) (t / windowMs))][s]++;
            }
        }
        return arrivals;
    }

    /** One sampled task: marks usable (stage, node) pairs; true when some placement meets the deadline. */
    private static boolean sample(SystemModel model, TaskType type, List<Stage> stages, Map<String, Integer> stageIdx,
            int[] stageService, List<NodeSpec> nodeList, Network net, double[] factor, int ns, int origin, UserSpec user,
            SplittableRandom rnd, boolean[][] ok) {
        int n = nodeList.size();
        int k = stages.size();
        double snr = user.channel().sampleSnr(rnd);
        double uplink = Latency.uplinkMs(type.inputMb(), user.uplinkBandwidthMbPerMs(), snr);
        double[][] proc = new double[k][n];
        for (int i = 0; i < k; i++) {
            ServiceSpec spec = model.services().get(stageService[i]);
            double base = spec.kind() == ServiceKind.CORE ? spec.rate().mean() : spec.rate().sample(rnd);
            for (int v = 0; v < n; v++) {
                proc[i][v] = spec.demand().fitsIn(nodeList.get(v).capacity())
                        ? Latency.processingMs(spec.workloadMb(), base * factor[v * ns + stageService[i]]) : Double.POSITIVE_INFINITY;
            }
        }
        // earliest finish of each stage at each node (eq. 4 with each parent on its best node)
        List<Stage> topo = type.topologicalOrder();
        double[][] earliest = Latency.earliestCompletionMs(type, n, origin, uplink, type.inputMb(),
                st -> model.services().get(stageService[stageIdx.get(st.id())]).outputMb(),
                (j, v) -> proc[stageIdx.get(topo.get(j).id())][v], net::delay);
        double[][] finish = new double[k][];
        int sink = -1;
        for (int j = 0; j < topo.size(); j++) {
            int i = stageIdx.get(topo.get(j).id());
            finish[i] = earliest[j];
            if (topo.get(j).isSink()) {
                sink = i;
            }
        }
        // shortest time from a stage's end at a node to the sink's end (reverse topological order)
        List<Stage> order = topo;
        double[][] rest = new double[k][n];
        for (int j = order.size() - 1; j >= 0; j--) {
            Stage st = order.get(j);
            int i = stageIdx.get(st.id());
            if (st.isSink()) {
                continue;
            }
            int next = stageIdx.get(st.next());
            double mb = model.services().get(stageService[i]).outputMb();
            for (int v = 0; v < n; v++) {
                double best = Double.POSITIVE_INFINITY;
                for (int w = 0; w < n; w++) {
                    best = Math.min(best, net.delay(v, w, mb) + proc[next][w] + rest[next][w]);
                }
                rest[i][v] = best;
            }
        }
        double deadline = type.deadlineMs();
        boolean any = false;
        for (int v = 0; v < n; v++) {
            any |= finish[sink][v] <= deadline;
        }
        if (any) {
            for (int i = 0; i < k; i++) {
                for (int v = 0; v < n; v++) {
                    if (finish[i][v] + rest[i][v] <= deadline) {
                        ok[i][v] = true;
                    }
                }
            }
        }
        return any;
    }

    /**
     * The upper end of the Wilson score interval at {@link #CONFIDENCE_Z} standard deviations, so
     * that the sampled share does not undercut the true one (1 stays 1).
     */
    static double wilsonUpper(double p, int n) {
        double z2 = CONFIDENCE_Z * CONFIDENCE_Z;
        double centre = p + z2 / (2.0 * n);
        double spread = CONFIDENCE_Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return Math.min(1.0, (centre + spread) / (1 + z2 / n));
    }

    private static void loadNatives() {
        if (!nativesLoaded) {
            synchronized (FluidLpBound.class) {
                if (!nativesLoaded) {
                    Loader.loadNativeLibraries();
                    nativesLoaded = true;
                }
            }
        }
    }
}
