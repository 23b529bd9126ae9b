package org.edgefm.planner.twotier;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPSolverParameters;
import com.google.ortools.linearsolver.MPVariable;
import org.edgefm.api.model.Resource;

/**
 * Solves a {@link CorePlacementProblem} exactly with OR-Tools' MIP interface (SCIP by default,
 * CP-SAT or CBC on request) under a wall-time limit. Each constraint family is one method.
 */
public final class MipCoreSolver {
    private static volatile boolean loaded;

    /** What the solver returned. */
    public enum Outcome {
        /** Proven optimal (within the relative gap). */
        OPTIMAL,
        /** A feasible solution, not proven optimal when the time ran out. */
        FEASIBLE,
        /** Proven infeasible. */
        INFEASIBLE,
        /** No solution found within the time limit, or the solver failed. */
        NO_SOLUTION
    }

    /**
     * The solver's answer.
     *
     * @param outcome   what happened
     * @param x         instances per (node, service), null without a solution
     * @param objective objective value, NaN without a solution
     * @param bound     best proven lower bound, NaN when unknown (e.g. stopped before the root relaxation)
     * @param millis    wall time spent
     * @param detail    the backend's status text
     */
    public record Solution(Outcome outcome, int[][] x, double objective, double bound, long millis, String detail) {
        /** Relative gap {@code |objective − bound| / max(|objective|, 1e-9)}, 0 when optimal. */
        public double gap() {
            if (outcome == Outcome.OPTIMAL) {
                return 0;
            }
            if (Double.isNaN(objective) || Double.isNaN(bound)) {
                return Double.NaN;
            }
            return Math.abs(objective - bound) / Math.max(Math.abs(objective), 1e-9);
        }
    }

    /** Bounds at or beyond this magnitude are the backend's "infinity": no bound known. */
    static final double NO_BOUND = 1e19;

    private final String backend;
    private final double relativeGap;

    /**
     * @param backend     OR-Tools solver id: {@code SCIP}, {@code CP_SAT} or {@code CBC}
     * @param relativeGap relative MIP gap at which the solver may stop
     */
    public MipCoreSolver(String backend, double relativeGap) {
        this.backend = backend;
        this.relativeGap = relativeGap;
    }

    /** Loads OR-Tools' native libraries once per class loader. */
    public static synchronized void loadNatives() {
        if (!loaded) {
            Loader.loadNativeLibraries();
            loaded = true;
        }
    }

    /** Solves the problem within {@code timeLimitMs}. */
    public Solution solve(CorePlacementProblem p, long timeLimitMs) {
        return solve(p, timeLimitMs, null);
    }

    /**
     * Solves the problem within {@code timeLimitMs}, starting from {@code hint} (instances per node and
     * service, e.g. the greedy's plan; null = none). A feasible hint is the solver's first incumbent,
     * so a solve cut short by its time limit returns a plan at least as good as the hint.
     */
    public Solution solve(CorePlacementProblem p, long timeLimitMs, int[][] hint) {
        return solve(p, timeLimitMs, hint, false);
    }

    /**
     * Best effort for an instance whose C2 cannot be met: maximises the common coverage {@code θ ∈ [0, 1]}
     * with {@code Σ_v x_{v,m} ≥ θ·z̃_m} for every service, under C1 and sparsity (the objective of
     * eq. (14) is left out; the caller solves it again with the requirements scaled by the θ found).
     * The solution's objective is θ.
     */
    public Solution maxCoverage(CorePlacementProblem p, long timeLimitMs, int[][] hint) {
        return solve(p, timeLimitMs, hint, true);
    }

    private Solution solve(CorePlacementProblem p, long timeLimitMs, int[][] hint, boolean maxCoverage) {
        long start = System.nanoTime();
        loadNatives();
        MPSolver solver = MPSolver.createSolver(backend);
        if (solver == null) {
            return new Solution(Outcome.NO_SOLUTION, null, Double.NaN, Double.NaN, 0,
                    "OR-Tools backend " + backend + " is not available");
        }
        try {
            int nv = p.nodeCount();
            int nm = p.serviceCount();
            MPVariable[][] x = new MPVariable[nv][nm];
            MPVariable[][] used = new MPVariable[nv][nm];
            boolean needIndicator = p.sparsity() != CorePlacementProblem.Sparsity.NONE;
            for (int v = 0; v < nv; v++) {
                for (int m = 0; m < nm; m++) {
                    // C3: integrality
                    x[v][m] = solver.makeIntVar(0, p.upper()[v][m], "x_" + v + "_" + m);
                    if (needIndicator) {
                        used[v][m] = solver.makeBoolVar("d_" + v + "_" + m);
                    }
                }
            }
            capacityC1(solver, p, x);
            if (maxCoverage) {
                coverageShare(solver, p, x);
            } else {
                objective14(solver, p, x);
                keepRunning(solver, p, x);
                coverageC2(solver, p, x);
            }
            if (needIndicator) {
                linkIndicators(solver, p, x, used);
                if (p.sparsity().diversity()) {
                    diversity(solver, p, used);
                }
                if (p.sparsity().isolation()) {
                    isolation(solver, p, used);
                }
            }
            if (hint != null) {
                hint(solver, p, x, needIndicator ? used : null, hint);
            }
            solver.setTimeLimit(Math.max(1, timeLimitMs));
            MPSolverParameters params = new MPSolverParameters();
            params.setDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, relativeGap);
            MPSolver.ResultStatus status = solver.solve(params);
            long ms = (System.nanoTime() - start) / 1_000_000;
            Outcome outcome = switch (status) {
                case OPTIMAL -> Outcome.OPTIMAL;
                case FEASIBLE -> Outcome.FEASIBLE;
                case INFEASIBLE -> Outcome.INFEASIBLE;
                default -> Outcome.NO_SOLUTION;
            };
            if (outcome != Outcome.OPTIMAL && outcome != Outcome.FEASIBLE) {
                return new Solution(outcome, null, Double.NaN, Double.NaN, ms, status.toString());
            }
            int[][] sol = new int[nv][nm];
            for (int v = 0; v < nv; v++) {
                for (int m = 0; m < nm; m++) {
                    sol[v][m] = (int) Math.round(x[v][m].solutionValue());
                }
            }
            double bound = solver.objective().bestBound();
            if (!(Math.abs(bound) < NO_BOUND)) {
                bound = Double.NaN; // stopped before the root relaxation gave a bound
            }
            if (maxCoverage) {
                return new Solution(outcome, sol, solver.objective().value(), bound, ms, status.toString());
            }
            return new Solution(outcome, sol, p.objective(sol), bound, ms, status.toString());
        } finally {
            solver.delete();
        }
    }

    /** Passes a start solution: every {@code x_{v,m}} and, with sparsity, its indicator {@code δ_{v,m}}. */
    private static void hint(MPSolver solver, CorePlacementProblem p, MPVariable[][] x, MPVariable[][] d, int[][] start) {
        int nv = p.nodeCount();
        int nm = p.serviceCount();
        int n = nv * nm * (d == null ? 1 : 2);
        MPVariable[] vars = new MPVariable[n];
        double[] values = new double[n];
        int i = 0;
        for (int v = 0; v < nv; v++) {
            for (int m = 0; m < nm; m++) {
                vars[i] = x[v][m];
                values[i++] = start[v][m];
                if (d != null) {
                    vars[i] = d[v][m];
                    values[i++] = start[v][m] > 0 ? 1 : 0;
                }
            }
        }
        solver.setHint(vars, values);
    }

    /** Eq. (14): minimise {@code Σ_v Σ_m x_{v,m}·(c_m − ξ Q_{v,m})}. */
    private static void objective14(MPSolver solver, CorePlacementProblem p, MPVariable[][] x) {
        MPObjective obj = solver.objective();
        for (int v = 0; v < p.nodeCount(); v++) {
            for (int m = 0; m < p.serviceCount(); m++) {
                obj.setCoefficient(x[v][m], p.coefficient(v, m));
            }
        }
        obj.setMinimization();
    }

    /**
     * Running instances: {@code k_{v,m} ≤ min(x_{v,m}, current_{v,m})} earns back {@code c^dp_m}, so
     * keeping an instance costs only its maintenance (eq. (6) charges deployment once).
     */
    private static void keepRunning(MPSolver solver, CorePlacementProblem p, MPVariable[][] x) {
        for (int v = 0; v < p.nodeCount(); v++) {
            for (int m = 0; m < p.serviceCount(); m++) {
                int cur = Math.min(p.current()[v][m], p.upper()[v][m]);
                if (cur > 0 && p.deployCost()[m] > 0) {
                    MPVariable k = solver.makeIntVar(0, cur, "k_" + v + "_" + m);
                    MPConstraint c = solver.makeConstraint(-MPSolver.infinity(), 0, "keep_" + v + "_" + m);
                    c.setCoefficient(k, 1);
                    c.setCoefficient(x[v][m], -1);
                    solver.objective().setCoefficient(k, -p.deployCost()[m]);
                }
            }
        }
    }

    /** C1: core instances fit each node's capacity, per resource (aggregate or per service, see {@link CorePlacementProblem.CapacityMode}). */
    private static void capacityC1(MPSolver solver, CorePlacementProblem p, MPVariable[][] x) {
        for (int v = 0; v < p.nodeCount(); v++) {
            for (Resource k : Resource.values()) {
                double cap = p.capacity()[v].get(k);
                if (p.capacityMode() == CorePlacementProblem.CapacityMode.AGGREGATE) {
                    MPConstraint c = solver.makeConstraint(-MPSolver.infinity(), cap, "c1_" + v + "_" + k);
                    boolean any = false;
                    for (int m = 0; m < p.serviceCount(); m++) {
                        double r = p.demand()[m].get(k);
                        if (r > 0) {
                            c.setCoefficient(x[v][m], r);
                            any = true;
                        }
                    }
                    if (!any) {
                        c.setBounds(-MPSolver.infinity(), MPSolver.infinity());
                    }
                }
                // PER_SERVICE: r_{m,k} x_{v,m} <= R_{v,k} is exactly the variable's upper bound
            }
        }
    }

    /** C2: {@code Σ_v x_{v,m} ≥ Σ_v z̃_{v,m}} — the long-term relaxation of eq. (10). */
    private static void coverageC2(MPSolver solver, CorePlacementProblem p, MPVariable[][] x) {
        for (int m = 0; m < p.serviceCount(); m++) {
            MPConstraint c = solver.makeConstraint(Math.ceil(p.required()[m] - 1e-9), MPSolver.infinity(), "c2_" + m);
            for (int v = 0; v < p.nodeCount(); v++) {
                c.setCoefficient(x[v][m], 1);
            }
        }
    }

    /** Best effort: {@code Σ_v x_{v,m} ≥ θ·z̃_m} for every service, maximise {@code θ ∈ [0, 1]}. */
    private static void coverageShare(MPSolver solver, CorePlacementProblem p, MPVariable[][] x) {
        MPVariable theta = solver.makeNumVar(0, 1, "theta");
        for (int m = 0; m < p.serviceCount(); m++) {
            MPConstraint c = solver.makeConstraint(0, MPSolver.infinity(), "share_" + m);
            c.setCoefficient(theta, -p.required()[m]);
            for (int v = 0; v < p.nodeCount(); v++) {
                c.setCoefficient(x[v][m], 1);
            }
        }
        MPObjective obj = solver.objective();
        obj.setCoefficient(theta, 1);
        obj.setMaximization();
    }

    /** ℓ0 linearisation: {@code x_{v,m} ≤ U·δ_{v,m}} and {@code δ_{v,m} ≤ x_{v,m}}. */
    private static void linkIndicators(MPSolver solver, CorePlacementProblem p, MPVariable[][] x, MPVariable[][] d) {
        for (int v = 0; v < p.nodeCount(); v++) {
            for (int m = 0; m < p.serviceCount(); m++) {
                MPConstraint upper = solver.makeConstraint(-MPSolver.infinity(), 0, "u_" + v + "_" + m);
                upper.setCoefficient(x[v][m], 1);
                upper.setCoefficient(d[v][m], -p.upper()[v][m]);
                MPConstraint lower = solver.makeConstraint(-MPSolver.infinity(), 0, "l_" + v + "_" + m);
                lower.setCoefficient(d[v][m], 1);
                lower.setCoefficient(x[v][m], -1);
            }
        }
    }

    /** Sparsity, diversity: each core service on {@code S_min..S_max} distinct nodes. */
    private static void diversity(MPSolver solver, CorePlacementProblem p, MPVariable[][] d) {
        for (int m = 0; m < p.serviceCount(); m++) {
            MPConstraint c = solver.makeConstraint(p.minNodes()[m], p.maxNodes()[m], "div_" + m);
            for (int v = 0; v < p.nodeCount(); v++) {
                c.setCoefficient(d[v][m], 1);
            }
        }
    }

    /** Sparsity, isolation: at most {@code S} core service types per node. */
    private static void isolation(MPSolver solver, CorePlacementProblem p, MPVariable[][] d) {
        for (int v = 0; v < p.nodeCount(); v++) {
            MPConstraint c = solver.makeConstraint(0, p.maxTypesPerNode(), "iso_" + v);
            for (int m = 0; m < p.serviceCount(); m++) {
                c.setCoefficient(d[v][m], 1);
            }
        }
    }
}
