package org.edgefm.planner.twotier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
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
            CorePlacementProblem reserved = withLightReserve(p, ctx, reserveNotes);
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
                    full = conflict(full, ctx, notes);
                }
            } else if (settings.lightReserveShared()) {
                p = conflict(p, ctx, notes);
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

    /**
     * C1 with room for the light tier ({@code sparse-ip.light-reserve}, assumption): every node's capacity
     * less the share of each resource that the light services' mean demand takes of the fleet
     * ({@link #lightShare}). Eq. (8) binds core and light instances together, and the light controller
     * only gets what the core placement leaves; a placement that packs the servers next to the users
     * full leaves their light stages nowhere to run.
     */
    private CorePlacementProblem withLightReserve(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
        double[] share = lightShare(ctx.model(), ctx.demand(), p);
        ResourceVector[] cap = new ResourceVector[p.nodeCount()];
        for (int v = 0; v < cap.length; v++) {
            ResourceVector c = p.capacity()[v];
            cap[v] = ResourceVector.of(c.get(Resource.CPU) * (1 - share[0]), c.get(Resource.RAM) * (1 - share[1]),
                    c.get(Resource.GPU) * (1 - share[2]), c.get(Resource.VRAM) * (1 - share[3]));
        }
        notes.add(new Reason("light-reserve", String.format(Locale.ROOT,
                "each node keeps %.1f%% CPU, %.1f%% RAM, %.1f%% GPU, %.1f%% VRAM for light services, their mean demand's share"
                        + " of the fleet (sparse-ip.light-reserve)", 100 * share[0], 100 * share[1], 100 * share[2], 100 * share[3])));
        return p.withCapacity(cap);
    }

    /**
     * When the full light reserve and C2 do not fit together, both tiers get the same, largest fraction
     * {@code θ} of what they ask for ({@code sparse-ip.light-reserve-conflict = share}, assumption): every
     * node keeps {@code θ} times the light share (taken at {@code sparse-ip.demand-headroom}, as C2 takes the
     * core demand), and C2 asks for {@code θ·z̃_m}; {@code θ} is the largest value at which the greedy or the
     * water filling meets that. Where C2 alone fits, this is the problem solved; where it does not, the solver
     * first tries C2 with the full reserve, and the best effort, if it comes to that, plans on this problem. Without
     * it the reserve was dropped and the core tier took every node it fitted on to the last unit, which left
     * the light stages of a busy fleet almost nothing (docs/simulator.md, "paper-table1-contended"). θ is
     * found by bisection (10 steps, two greedy solves each), so it follows the demand estimates.
     */
    private CorePlacementProblem sharedReserve(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
        double[] share = lightShare(ctx.model(), ctx.demand(), p);
        for (int k = 0; k < share.length; k++) {
            share[k] = Math.min(0.5, share[k] * settings.headroom());
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 10; i++) {
            double theta = (lo + hi) / 2;
            CorePlacementProblem q = scaledTiers(p, share, theta);
            if (GreedyCoreSolver.solve(q).unmet().isEmpty() || GreedyCoreSolver.solveEvenly(q).unmet().isEmpty()) {
                lo = theta;
            } else {
                hi = theta;
            }
        }
        if (lo == 0) {
            notes.add(new Reason("light-reserve-dropped", "no share of the light reserve fits beside C2: the core placement uses"
                    + " the full capacity (sparse-ip.light-reserve)"));
            return p;
        }
        notes.add(new Reason("light-reserve-shared", String.format(Locale.ROOT,
                "C2 and the light services' share at the demand headroom (%.1f%% CPU, %.1f%% RAM, %.1f%% GPU, %.1f%% VRAM) do not"
                        + " fit together: both tiers get %.1f%% of it (sparse-ip.light-reserve-conflict = share)", 100 * share[0],
                100 * share[1], 100 * share[2], 100 * share[3], 100 * lo)));
        return scaledTiers(p, share, lo);
    }

    private CorePlacementProblem conflict(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
        return settings.reserveConflict() == CoreSettings.ReserveConflict.SHORTAGE ? shortageSplit(p, ctx, notes)
                : sharedReserve(p, ctx, notes);
    }

    /** Light-reserve fractions {@link #shortageSplit} tries (0 = the reserve dropped, 1 = all of it). */
    private static final double[] RESERVE_FRACTIONS = {0, 0.25, 0.5, 0.75, 1};

    /**
     * When the light reserve and C2 do not fit together, the split between the tiers chosen by the on-time
     * cost of each tier's shortage ({@code sparse-ip.light-reserve-conflict = shortage}, assumption). For
     * each light-reserve fraction φ in {@link #RESERVE_FRACTIONS} every node keeps φ times the light share
     * (at the demand headroom) and C2 asks for the largest {@code θ·z̃} the greedy or the water filling meets
     * beside it (bisection). Each candidate is scored by the share of tasks both tiers can carry: the core
     * coverage {@code c_C} (the worst-covered service's share of its full C2 requirement) and the light
     * coverage {@code c_L}: the light tier's mean demand is a bundle of resources (its busy instances'
     * demand vectors), each node left by the core placement can hold {@code min_k residual_k / bundle_k}
     * of it, and {@code c_L} is the sum over nodes, at most 1. A task type with core and light stages is
     * carried at {@code min(c_C, c_L)}, one with only one tier at that tier's coverage; the score weighs the
     * types by their rates. The fluid light estimate ignores where the light stages may run and packing
     * into whole instances, so it is an estimate, not a bound. Ties keep the larger core coverage.
     */
    private CorePlacementProblem shortageSplit(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
        double[] share = lightShare(ctx.model(), ctx.demand(), p);
        for (int k = 0; k < share.length; k++) {
            share[k] = Math.min(0.5, share[k] * settings.headroom());
        }
        Resource[] kinds = {Resource.CPU, Resource.RAM, Resource.GPU, Resource.VRAM};
        double[] bundle = new double[4];
        for (int k = 0; k < 4; k++) {
            for (ResourceVector c : p.capacity()) {
                bundle[k] += share[k] * c.get(kinds[k]);
            }
        }
        double[] weights = typeWeights(ctx, p);
        double bestScore = -1;
        double bestCore = -1;
        double bestPhi = 0;
        double bestTheta = 0;
        double bestLight = 0;
        for (double phi : RESERVE_FRACTIONS) {
            double[] reserve = new double[4];
            for (int k = 0; k < 4; k++) {
                reserve[k] = phi * share[k];
            }
            double lo = 0;
            double hi = 1;
            int[][] x = null;
            CorePlacementProblem top = scaledTiers(p, reserve, 1, 1);
            GreedyCoreSolver.Result whole = meets(top);
            if (whole != null) {
                lo = 1;
                x = whole.x();
            } else {
                for (int i = 0; i < 10; i++) {
                    double theta = (lo + hi) / 2;
                    GreedyCoreSolver.Result r = meets(scaledTiers(p, reserve, 1, theta));
                    if (r != null) {
                        lo = theta;
                        x = r.x();
                    } else {
                        hi = theta;
                    }
                }
            }
            if (x == null) {
                continue;
            }
            double core = Math.min(1, p.coverage(x));
            double light = 0;
            for (int v = 0; v < p.nodeCount(); v++) {
                ResourceVector used = ResourceVector.ZERO;
                for (int m = 0; m < p.serviceCount(); m++) {
                    used = used.plus(p.demand()[m].times(x[v][m]));
                }
                double fits = Double.POSITIVE_INFINITY;
                for (int k = 0; k < 4; k++) {
                    if (bundle[k] > 0) {
                        fits = Math.min(fits, Math.max(0, p.capacity()[v].get(kinds[k]) - used.get(kinds[k])) / bundle[k]);
                    }
                }
                light += fits == Double.POSITIVE_INFINITY ? 1 : fits;
            }
            light = Math.min(1, light);
            double score = weights[0] * Math.min(core, light) + weights[1] * core + weights[2] * light;
            if (score > bestScore + 1e-9 || Math.abs(score - bestScore) <= 1e-9 && core > bestCore) {
                bestScore = score;
                bestCore = core;
                bestPhi = phi;
                bestTheta = lo;
                bestLight = light;
            }
        }
        if (bestScore < 0) {
            notes.add(new Reason("light-reserve-dropped", "no share of C2 fits beside any part of the light reserve: the core"
                    + " placement uses the full capacity (sparse-ip.light-reserve)"));
            return p;
        }
        notes.add(new Reason("light-reserve-split", String.format(Locale.ROOT,
                "C2 and the light services' share at the demand headroom (%.1f%% CPU, %.1f%% RAM, %.1f%% GPU, %.1f%% VRAM) do not"
                        + " fit together: the light tier keeps %.0f%% of it and C2 asks for %.1f%% of z̃ (estimated coverage: core"
                        + " %.1f%%, light %.1f%%; sparse-ip.light-reserve-conflict = shortage)", 100 * share[0], 100 * share[1],
                100 * share[2], 100 * share[3], 100 * bestPhi, 100 * bestTheta, 100 * bestCore, 100 * bestLight)));
        double[] reserve = new double[4];
        for (int k = 0; k < 4; k++) {
            reserve[k] = bestPhi * share[k];
        }
        return scaledTiers(p, reserve, 1, bestTheta);
    }

    /** The greedy's or the water filling's plan when one meets C2, else null. */
    private static GreedyCoreSolver.Result meets(CorePlacementProblem q) {
        GreedyCoreSolver.Result g = GreedyCoreSolver.solve(q);
        if (g.unmet().isEmpty()) {
            return g;
        }
        GreedyCoreSolver.Result e = GreedyCoreSolver.solveEvenly(q);
        return e.unmet().isEmpty() ? e : null;
    }

    /**
     * Rate shares of the task types with both tiers, with core stages only and with light stages only
     * (the declared workload when no demand is counted); types whose core services have no requirement
     * in the problem count as light only.
     */
    private static double[] typeWeights(CorePlacementContext ctx, CorePlacementProblem p) {
        Map<String, Double> rateByType = new HashMap<>();
        if (ctx.demand().isEmpty()) {
            ctx.model().workload().forEach(w -> rateByType.merge(w.taskType(), w.arrivals().meanRatePerMs(), Double::sum));
        } else {
            ctx.demand().forEach(d -> rateByType.merge(d.taskType(), Math.max(0, d.ratePerMs()), Double::sum));
        }
        Map<String, ServiceSpec> services = ctx.model().servicesById();
        double[] w = new double[3];
        for (org.edgefm.api.model.TaskType t : ctx.model().taskTypes()) {
            boolean core = false;
            boolean light = false;
            for (org.edgefm.api.model.Stage st : t.stages()) {
                ServiceSpec svc = services.get(st.service());
                if (svc == null) {
                    continue;
                }
                if (svc.kind() == org.edgefm.api.model.ServiceKind.LIGHT) {
                    light = true;
                } else if (p.services().contains(svc.id())) {
                    core = true;
                }
            }
            double r = rateByType.getOrDefault(t.id(), 0.0);
            w[core && light ? 0 : core ? 1 : 2] += light || core ? r : 0;
        }
        double total = w[0] + w[1] + w[2];
        if (total <= 0) {
            return new double[] {1, 0, 0};
        }
        for (int i = 0; i < 3; i++) {
            w[i] /= total;
        }
        return w;
    }

    /** The problem with {@code lightFraction·share} of every node kept free and C2 at {@code theta·z̃}. */
    private static CorePlacementProblem scaledTiers(CorePlacementProblem p, double[] share, double lightFraction, double theta) {
        double[] s = new double[share.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = share[k] * lightFraction;
        }
        ResourceVector[] cap = new ResourceVector[p.nodeCount()];
        for (int v = 0; v < cap.length; v++) {
            ResourceVector c = p.capacity()[v];
            cap[v] = ResourceVector.of(c.get(Resource.CPU) * (1 - s[0]), c.get(Resource.RAM) * (1 - s[1]),
                    c.get(Resource.GPU) * (1 - s[2]), c.get(Resource.VRAM) * (1 - s[3]));
        }
        double[] req = new double[p.serviceCount()];
        for (int m = 0; m < req.length; m++) {
            req[m] = p.required()[m] * theta;
        }
        return p.withCapacity(cap).withRequired(req);
    }

    private static CorePlacementProblem scaledTiers(CorePlacementProblem p, double[] share, double theta) {
        ResourceVector[] cap = new ResourceVector[p.nodeCount()];
        for (int v = 0; v < cap.length; v++) {
            ResourceVector c = p.capacity()[v];
            cap[v] = ResourceVector.of(c.get(Resource.CPU) * (1 - theta * share[0]), c.get(Resource.RAM) * (1 - theta * share[1]),
                    c.get(Resource.GPU) * (1 - theta * share[2]), c.get(Resource.VRAM) * (1 - theta * share[3]));
        }
        double[] req = new double[p.serviceCount()];
        for (int m = 0; m < req.length; m++) {
            req[m] = p.required()[m] * theta;
        }
        return p.withCapacity(cap).withRequired(req);
    }

    /**
     * Per resource (CPU, RAM, GPU, VRAM), the share of the online nodes' total capacity that the light
     * services' mean demand occupies: {@code Σ} over the light stages of every stream of
     * {@code λ·E[a_m/f_m]·r_m} (busy instances by Little's law at parallelism 1, a task drawing its rate
     * once), capped at 1/2.
     */
    static double[] lightShare(SystemModel model, List<org.edgefm.api.spi.DemandEstimate> demand, CorePlacementProblem p) {
        Map<String, Double> rateByType = new HashMap<>();
        if (demand.isEmpty()) {
            model.workload().forEach(w -> rateByType.merge(w.taskType(), w.arrivals().meanRatePerMs(), Double::sum));
        } else {
            demand.forEach(d -> rateByType.merge(d.taskType(), Math.max(0, d.ratePerMs()), Double::sum));
        }
        Map<String, ServiceSpec> services = model.servicesById();
        Resource[] kinds = {Resource.CPU, Resource.RAM, Resource.GPU, Resource.VRAM};
        double[] need = new double[4];
        for (org.edgefm.api.model.TaskType t : model.taskTypes()) {
            double rate = rateByType.getOrDefault(t.id(), 0.0);
            for (org.edgefm.api.model.Stage st : t.stages()) {
                ServiceSpec svc = services.get(st.service());
                if (rate <= 0 || svc == null || svc.kind() != org.edgefm.api.model.ServiceKind.LIGHT) {
                    continue;
                }
                // E[a/f]: a task draws its rate once (the same mean task time as ec-lyapunov's stability guard)
                double meanInverse = svc.rate() instanceof org.edgefm.api.model.RateModel.Gamma g
                        ? EcLyapunovSizer.meanInverseGamma(g.shape(), g.scale()) : 1 / svc.rate().mean();
                double busy = rate * svc.workloadMb() * meanInverse;
                for (int k = 0; k < 4; k++) {
                    need[k] += busy * svc.demand().get(kinds[k]);
                }
            }
        }
        double[] share = new double[4];
        for (int k = 0; k < 4; k++) {
            double total = 0;
            for (ResourceVector c : p.capacity()) {
                total += c.get(kinds[k]);
            }
            share[k] = total > 0 ? Math.min(0.5, need[k] / total) : 0;
        }
        return share;
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
