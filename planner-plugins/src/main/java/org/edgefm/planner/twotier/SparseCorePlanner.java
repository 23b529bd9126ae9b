package org.edgefm.planner.twotier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;

/**
 * Tier 1 of paper 1: static, network-aware core placement. Builds the {@link CorePlacementProblem}
 * of eq. (14) from the {@link CoreEstimates}, solves it with the MIP under a time limit (greedy
 * fallback, reported, when the solver runs out of time), and adds a failover plan per node.
 *
 * <p>Only {@code sparse-ip} runs this class; the core baselines ({@code greedy-core},
 * {@code random-core}, {@code cloud-core}) are their own classes in {@code org.edgefm.planner.baseline}
 * over the shared {@link CoreProblems}, without the solver, the light reserve or the best effort.
 */
public final class SparseCorePlanner implements CorePlacementPlanner {
    private final CoreSettings settings;
    private final Backend backend;
    private final Backend coverage;
    private final LightReserve reserve;

    /** The exact solver, replaceable in tests. */
    @FunctionalInterface
    public interface Backend {
        /** Solves within the limit. */
        MipCoreSolver.Solution solve(CorePlacementProblem problem, long timeLimitMs, int[][] hint);
    }

    /**
     * @param settings validated settings
     */
    public SparseCorePlanner(CoreSettings settings) {
        this(settings, new MipCoreSolver(settings.solver(), settings.relativeGap())::solve);
    }

    /** A planner with its own exact solver (tests: a solver that runs out of time). */
    public SparseCorePlanner(CoreSettings settings, Backend backend) {
        this(settings, backend, new MipCoreSolver(settings.solver(), settings.relativeGap())::maxCoverage);
    }

    /** A planner with its own exact solvers for eq. (14) and for the best-effort coverage of an infeasible instance. */
    public SparseCorePlanner(CoreSettings settings, Backend backend, Backend coverage) {
        this.settings = settings;
        this.backend = backend;
        this.coverage = coverage;
        this.reserve = new LightReserve(settings);
    }

    @Override
    public PlanResult<CorePlacement> place(CorePlacementContext ctx) {
        long startNanos = System.nanoTime();
        CoreProblems.Built b = build(ctx.model(), ctx);
        List<Reason> notes = new ArrayList<>(b.notes());
        List<Reason> blockers = new ArrayList<>(b.blockers());
        CorePlacementProblem p = b.problem();
        CorePlacementProblem full = p;
        if (settings.lightReserve() && p.nodeCount() > 0) {
            List<Reason> reserveNotes = new ArrayList<>();
            CorePlacementProblem reserved = reserve.withLightReserve(p, ctx, reserveNotes);
            boolean fitsFull = GreedyCoreSolver.solve(p).unmet().isEmpty();
            if (GreedyCoreSolver.solve(reserved).unmet().isEmpty()) {
                p = reserved;
                notes.addAll(reserveNotes);
            } else if (!fitsFull) {
                // C2 may not fit at all: the solver tries it with the full reserve; the best effort, if it
                // comes to that, keeps the tiers' common share of the reserve (light-reserve-conflict = share)
                p = reserved;
                notes.addAll(reserveNotes);
                if (settings.lightReserveShared()) {
                    full = reserve.conflict(full, ctx, notes);
                }
            } else if (settings.lightReserveShared()) {
                p = reserve.conflict(p, ctx, notes);
            } else {
                notes.add(new Reason("light-reserve-dropped", "with the light services' share kept free C2 cannot be met, without it"
                        + " it can: the core placement uses the full capacity (sparse-ip.light-reserve)"));
            }
        }
        if (p.serviceCount() == 0 || p.nodeCount() == 0) {
            if (!blockers.isEmpty()) {
                return PlanResult.infeasible(blockers, CorePlacement.EMPTY);
            }
            notes.add(new Reason("nothing-to-place", "no core service has demand on an online node"));
            return PlanResult.planned(CorePlacement.EMPTY, notes);
        }
        int[][] x;
        List<String> unmet;
        mip: {
            // the greedy first: the solver's start incumbent, and the plan whenever the solver does no better
            GreedyCoreSolver.Result g = GreedyCoreSolver.solve(p);
            boolean greedyFeasible = g.unmet().isEmpty();
            double greedyObjective = greedyFeasible ? p.objective(g.x()) : Double.POSITIVE_INFINITY;
            long limit = solverLimit(ctx.timeBudget(), startNanos);
            if (limit < MIN_SOLVER_MS) {
                GreedyCoreSolver.Result be = greedyFeasible ? g : bestEffort(full, g, ctx, startNanos, notes);
                x = be.x();
                unmet = be.unmet();
                notes.add(new Reason("greedy-fallback", String.format(Locale.ROOT,
                        "the estimates took %d ms of the %d ms budget, leaving %d ms for %s; the greedy placement is used",
                        (System.nanoTime() - startNanos) / 1_000_000, ctx.timeBudget().toMillis(), Math.max(0, limit),
                        settings.solver())));
                break mip;
            }
            CorePlacementProblem reduced = reduce(p, greedyFeasible ? g.x() : null, notes);
            MipCoreSolver.Solution sol = backend.solve(reduced, limit, greedyFeasible ? g.x() : null);
            switch (sol.outcome()) {
                case OPTIMAL, FEASIBLE -> {
                    double solved = p.objective(sol.x());
                    boolean greedyBetter = greedyObjective < solved;
                    x = greedyBetter ? g.x() : sol.x();
                    unmet = List.of();
                    String tail = greedyBetter ? String.format(Locale.ROOT,
                            "; the greedy's plan (objective %.3f) is better and is used", greedyObjective)
                            : greedyFeasible ? String.format(Locale.ROOT, " (greedy %.3f)", greedyObjective) : "";
                    if (sol.outcome() == MipCoreSolver.Outcome.OPTIMAL) {
                        notes.add(new Reason("solver-optimal", String.format(Locale.ROOT,
                                "%s proved the placement optimal%s: objective %.3f in %d ms%s", settings.solver(),
                                reduced == p ? "" : " among the pruned candidates", solved, sol.millis(), tail)));
                    } else {
                        String bound = Double.isNaN(sol.bound()) ? "no bound yet"
                                : String.format(Locale.ROOT, "bound %.3f (gap %.2f%%)", sol.bound(), 100 * sol.gap());
                        notes.add(new Reason("solver-time-limit", String.format(Locale.ROOT,
                                "%s hit its %d ms limit with objective %.3f, %s%s", settings.solver(), limit,
                                solved, bound, tail)));
                    }
                }
                case INFEASIBLE -> {
                    if (greedyFeasible) {
                        // the greedy's plan meets every constraint, so the solver's verdict is numerical noise
                        x = g.x();
                        unmet = List.of();
                        notes.add(new Reason("greedy-fallback", settings.solver() + " reported the model infeasible although"
                                + " the greedy's plan satisfies it (" + sol.detail() + "); the greedy placement is used"));
                        break;
                    }
                    if (reduced != p) {
                        // without a greedy plan to keep, pruning might have removed every feasible placement:
                        // say so rather than claim a proof
                        blockers.add(new Reason("infeasible", settings.solver() + " found no placement among the "
                                + settings.candidateNodes() + " candidate nodes per service (sparse-ip.candidate-nodes)"
                                + " and the greedy none at all; the plan is a best effort (sparse-ip.best-effort)"));
                    } else {
                        blockers.add(new Reason("infeasible", settings.solver()
                                + " proved that no placement satisfies C1, C2 and the " + p.sparsity().name().toLowerCase(Locale.ROOT)
                                + " constraint; the plan is a best effort (sparse-ip.best-effort)"));
                    }
                    GreedyCoreSolver.Result be = bestEffort(full, g, ctx, startNanos, blockers);
                    be.unmet().forEach(u -> blockers.add(new Reason("unmet", u)));
                    return PlanResult.infeasible(blockers, CoreProblems.assemble(p, be.x(), notes));
                }
                default -> {
                    GreedyCoreSolver.Result be = greedyFeasible ? g : bestEffort(full, g, ctx, startNanos, notes);
                    x = be.x();
                    unmet = be.unmet();
                    notes.add(new Reason("greedy-fallback", settings.solver() + " found no solution within " + limit
                            + " ms (" + sol.detail() + "); the greedy placement is used"));
                }
            }
        }
        CorePlacement placement = CoreProblems.assemble(p, x, notes);
        if (!unmet.isEmpty() || !blockers.isEmpty()) {
            unmet.forEach(u -> blockers.add(new Reason("unmet", u)));
            return PlanResult.infeasible(blockers, placement);
        }
        return PlanResult.planned(placement, notes);
    }

    /**
     * The plan when C2 cannot be met (more demand than the nodes hold), by {@code sparse-ip.best-effort}:
     * {@code greedy} keeps the greedy's plan, which gives the services with the most demand all they
     * need and the last ones what is left; {@code max-min} (default) gives every core service the same,
     * largest possible share {@code θ} of its requirement: the water-filling greedy
     * ({@link GreedyCoreSolver#solveEvenly}), improved by the solver's maximum {@code θ} when time allows,
     * then eq. (14) solved again with every {@code z̃_m} scaled by {@code θ}. Every task type needs all its
     * core stages, so a service left far behind the others would make its task types late whatever the
     * other services get.
     */
    private GreedyCoreSolver.Result bestEffort(CorePlacementProblem full, GreedyCoreSolver.Result greedy, CorePlacementContext ctx,
            long startNanos, List<Reason> notes) {
        if (settings.bestEffort() == CoreSettings.BestEffort.GREEDY) {
            return greedy;
        }
        Duration budget = ctx.timeBudget();
        CorePlacementProblem p = full;
        double greedyTheta = p.coverage(greedy.x());
        String how = "water filling";
        int[][] best = GreedyCoreSolver.solveEvenly(p).x();
        if (greedyTheta > p.coverage(best) && p.capacityViolations(greedy.x()).isEmpty()) {
            best = greedy.x();
        }
        long limit = solverLimit(budget, startNanos);
        boolean lift = settings.liftMaxNodes() && p.sparsity().diversity();
        if (limit >= (lift ? 4 : 2) * MIN_SOLVER_MS) {
            MipCoreSolver.Solution sol = coverage.solve(p, limit / (lift ? 4 : 2), best);
            if (sol.x() != null && p.capacityViolations(sol.x()).isEmpty() && p.coverage(sol.x()) > p.coverage(best) + 1e-9) {
                best = sol.x();
                how = settings.solver();
            }
        }
        if (lift && p.coverage(best) < 1) {
            // S_max is a sparsity preference; when it keeps a service below its demand, more hosts serve more tasks
            CorePlacementProblem wide = p.withoutMaxNodes();
            int[][] w = GreedyCoreSolver.solveEvenly(wide).x();
            if (wide.coverage(w) < wide.coverage(best)) {
                w = best;
            }
            long l2 = solverLimit(budget, startNanos);
            if (l2 >= 2 * MIN_SOLVER_MS) {
                MipCoreSolver.Solution sol = coverage.solve(wide, l2 / 2, w);
                if (sol.x() != null && wide.capacityViolations(sol.x()).isEmpty() && wide.coverage(sol.x()) > wide.coverage(w) + 1e-9) {
                    w = sol.x();
                }
            }
            if (wide.coverage(w) > p.coverage(best) + 1e-9) {
                notes.add(new Reason("max-nodes-lifted", String.format(Locale.ROOT,
                        "S_max = %d distinct nodes per core service held the share at %.1f%%; lifted (sparse-ip.best-effort-lift-max-nodes)",
                        settings.maxNodes(), 100 * p.coverage(best))));
                p = wide;
                best = w;
            }
        }
        double theta = p.coverage(best);
        if (solverLimit(budget, startNanos) >= MIN_SOLVER_MS) {
            double[] scaled = new double[p.serviceCount()];
            for (int m = 0; m < scaled.length; m++) {
                scaled[m] = p.required()[m] * theta;
            }
            CorePlacementProblem q = p.withRequired(scaled);
            long rest = solverLimit(budget, startNanos);
            if (rest >= MIN_SOLVER_MS && q.violations(best).isEmpty()) {
                MipCoreSolver.Solution cheaper = backend.solve(q, rest, best);
                if (cheaper.x() != null && q.violations(cheaper.x()).isEmpty() && q.objective(cheaper.x()) < q.objective(best)) {
                    best = cheaper.x();
                }
            }
        }
        notes.add(new Reason("best-effort", String.format(Locale.ROOT,
                "C2 cannot be met: every core service gets at least %.1f%% of its requirement (%s, sparse-ip.best-effort = max-min;"
                        + " the greedy's plan gave the worst-covered service %.1f%%)", 100 * theta, how, 100 * greedyTheta)));
        List<String> unmet = new ArrayList<>(p.coverageViolations(best));
        if (p.sparsity().diversity()) {
            unmet.addAll(p.diversityViolations(best));
        }
        return new GreedyCoreSolver.Result(best, unmet);
    }

    /** {@link LightReserve#lightShare}, kept here for tests. */
    static double[] lightShare(SystemModel model, List<org.edgefm.api.spi.DemandEstimate> demand, CorePlacementProblem p) {
        return LightReserve.lightShare(model, demand, p);
    }

    /** Below this the solver is not started: the greedy's plan is used (and reported). */
    static final long MIN_SOLVER_MS = 50;

    /**
     * The solver's time limit: {@code sparse-ip.time-limit-ms} when set, else what is left of the host's
     * budget after the estimates and model build so far, less a tenth of the budget kept for building
     * the solver's model, the failover plan and the call's return (the call must end within the budget).
     */
    private long solverLimit(Duration budget, long startNanos) {
        if (settings.timeLimitMs() > 0) {
            return settings.timeLimitMs();
        }
        long ms = budget.toMillis();
        long spent = (System.nanoTime() - startNanos) / 1_000_000;
        return ms - ms / 10 - spent;
    }

    /**
     * The model the solver sees: with {@code sparse-ip.candidate-nodes = K > 0}, service {@code m} may
     * use only its {@code K} nodes of lowest coefficient {@code c_m − ξQ_{v,m}} plus the nodes where the
     * greedy's plan or the running placement has it (so the greedy's plan stays feasible and the
     * solver's result is never worse than it); every other {@code x_{v,m}} is fixed to 0. The same
     * problem when nothing is pruned.
     */
    public CorePlacementProblem reduce(CorePlacementProblem p, int[][] keep, List<Reason> notes) {
        int k = settings.candidateNodes();
        int nv = p.nodeCount();
        int nm = p.serviceCount();
        if (k <= 0 || k >= nv) {
            return p;
        }
        int[][] upper = new int[nv][];
        for (int v = 0; v < nv; v++) {
            upper[v] = p.upper()[v].clone();
        }
        int pruned = 0;
        int pairs = 0;
        for (int m = 0; m < nm; m++) {
            final int mm = m;
            Integer[] order = new Integer[nv];
            for (int v = 0; v < nv; v++) {
                order[v] = v;
            }
            Arrays.sort(order, (a, c) -> Double.compare(p.coefficient(a, mm), p.coefficient(c, mm)));
            int kept = 0;
            for (int v : order) {
                if (upper[v][m] == 0) {
                    continue;
                }
                pairs++;
                boolean must = (keep != null && keep[v][m] > 0) || p.current()[v][m] > 0;
                if (kept < k || must) {
                    kept += must ? 0 : 1;
                } else {
                    upper[v][m] = 0;
                    pruned++;
                }
            }
        }
        if (pruned == 0) {
            return p;
        }
        notes.add(new Reason("candidates-pruned", String.format(Locale.ROOT,
                "the solver considered at most %d candidate nodes per core service (sparse-ip.candidate-nodes) plus the"
                        + " greedy's and the running hosts; %d of %d hosting (node, service) pairs fixed to 0", k, pruned, pairs)));
        return p.withUpper(upper);
    }

    /** Builds the problem instance (public for tests and benchmarks). */
    public CoreProblems.Built build(SystemModel model, CorePlacementContext ctx) {
        return CoreProblems.build(model, ctx, settings, false);
    }
}
