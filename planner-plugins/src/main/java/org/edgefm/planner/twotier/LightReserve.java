package org.edgefm.planner.twotier;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.Reason;

/**
 * The room {@link SparseCorePlanner} keeps for the light tier ({@code sparse-ip.light-reserve},
 * assumption): the light services' mean share of the fleet ({@link #lightShare}), C1 with that share kept
 * free on every node, and, when that reserve and C2 do not fit together, the split between the tiers
 * ({@code sparse-ip.light-reserve-conflict}: a shared fraction, or the split chosen by each tier's
 * shortage). Shapes the problem only; the solving stays in {@link SparseCorePlanner}.
 */
final class LightReserve {
    /** The most of any node's resource the light reserve keeps. */
    private static final double MAX_RESERVE = 0.5;
    private final CoreSettings settings;

    LightReserve(CoreSettings settings) {
        this.settings = settings;
    }

    /**
     * C1 with room for the light tier ({@code sparse-ip.light-reserve}, assumption): every node's capacity
     * less the share of each resource that the light services' mean demand takes of the fleet
     * ({@link #lightShare}). Eq. (8) binds core and light instances together, and the light controller
     * only gets what the core placement leaves; a placement that packs the servers next to the users
     * full leaves their light stages nowhere to run.
     */
    CorePlacementProblem withLightReserve(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
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
     * node keeps {@code θ} times the light need (the light services' mean demand as a share of the fleet,
     * {@link #lightNeed}, taken at {@code sparse-ip.demand-headroom} as C2 takes the core demand; above 1 when the
     * light tier alone would need more than the fleet), at most {@link #MAX_RESERVE} of any resource, and C2 asks
     * for {@code θ·z̃_m}; {@code θ} is the largest value at which the greedy or the water filling meets that. So
     * under any overload the two tiers keep the proportion they need at the load the fleet can carry: the
     * core tier does not grow with an offered load its light stages cannot serve. {@code share-capped} caps the
     * need at 1/2 before scaling (the behaviour before): past about 3× on paper-table1-contended that let C2 take
     * θ of a demand that kept growing while the light tier's θ·1/2 shrank, and the on-time tasks per unit time
     * fell to a third (docs/simulator.md, "The cliff past 2×"). Where C2 alone fits, this is the problem solved; where it does not, the solver
     * first tries C2 with the full reserve, and the best effort, if it comes to that, plans on this problem. Without
     * it the reserve was dropped and the core tier took every node it fitted on to the last unit, which left
     * the light stages of a busy fleet almost nothing (docs/simulator.md, "paper-table1-contended"). θ is
     * found by bisection (10 steps, two greedy solves each), so it follows the demand estimates.
     */
    private CorePlacementProblem sharedReserve(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
        boolean capped = settings.reserveConflict() == CoreSettings.ReserveConflict.SHARE_CAPPED;
        double[] share = capped ? cappedAtHeadroom(ctx, p) : atHeadroom(lightNeed(ctx.model(), ctx.demand(), p));
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
                "C2 and the light services' need at the demand headroom (%.1f%% CPU, %.1f%% RAM, %.1f%% GPU, %.1f%% VRAM of the"
                        + " fleet) do not fit together: both tiers get %.1f%% of it (sparse-ip.light-reserve-conflict = %s)",
                100 * share[0], 100 * share[1], 100 * share[2], 100 * share[3], 100 * lo, capped ? "share-capped" : "share")));
        return scaledTiers(p, share, lo);
    }

    /** Each share times {@code sparse-ip.demand-headroom} (the light need taken as C2 takes the core demand). */
    private double[] atHeadroom(double[] share) {
        for (int k = 0; k < share.length; k++) {
            share[k] *= settings.headroom();
        }
        return share;
    }

    /** {@link #lightShare} at the demand headroom, capped again at {@link #MAX_RESERVE}. */
    private double[] cappedAtHeadroom(CorePlacementContext ctx, CorePlacementProblem p) {
        double[] share = atHeadroom(lightShare(ctx.model(), ctx.demand(), p));
        for (int k = 0; k < share.length; k++) {
            share[k] = Math.min(MAX_RESERVE, share[k]);
        }
        return share;
    }

    /** C2 and the light reserve when they do not fit together, as {@code sparse-ip.light-reserve-conflict} says. */
    CorePlacementProblem conflict(CorePlacementProblem p, CorePlacementContext ctx, List<Reason> notes) {
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
        double[] share = cappedAtHeadroom(ctx, p);
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
            cap[v] = ResourceVector.of(c.get(Resource.CPU) * (1 - Math.min(MAX_RESERVE, theta * share[0])),
                    c.get(Resource.RAM) * (1 - Math.min(MAX_RESERVE, theta * share[1])),
                    c.get(Resource.GPU) * (1 - Math.min(MAX_RESERVE, theta * share[2])),
                    c.get(Resource.VRAM) * (1 - Math.min(MAX_RESERVE, theta * share[3])));
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
     * once); above 1 when the fleet could not hold it.
     */
    static double[] lightNeed(SystemModel model, List<org.edgefm.api.spi.DemandEstimate> demand, CorePlacementProblem p) {
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
            share[k] = total > 0 ? need[k] / total : 0;
        }
        return share;
    }

    /** {@link #lightNeed} capped at {@link #MAX_RESERVE}: the reserve kept where C2 fits beside it. */
    static double[] lightShare(SystemModel model, List<org.edgefm.api.spi.DemandEstimate> demand, CorePlacementProblem p) {
        double[] share = lightNeed(model, demand, p);
        for (int k = 0; k < 4; k++) {
            share[k] = Math.min(MAX_RESERVE, share[k]);
        }
        return share;
    }
}
