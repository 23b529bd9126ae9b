package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;

/**
 * What every core planner of paper 1's family shares: eq. (14)'s problem instance built from the
 * {@link CoreEstimates} ({@link #build}), the placement and failover plan of a solution
 * ({@link #assemble}), and the greedy placement the core baselines make of it ({@link #placeGreedily}).
 * {@link SparseCorePlanner} adds the solver, the light reserve and the best effort on top; the
 * baselines in {@code org.edgefm.planner.baseline} use none of those.
 */
public final class CoreProblems {
    private CoreProblems() {
    }

    /**
     * The problem instance and its estimates.
     *
     * @param problem   eq. (14)'s instance
     * @param estimates the estimates it was built from
     * @param notes     what the build noted
     * @param blockers  what makes a complete plan impossible
     */
    public record Built(CorePlacementProblem problem, CoreEstimates estimates, List<Reason> notes, List<Reason> blockers) {
    }

    /**
     * A baseline's placement: the greedy of eq. (14) under {@code rank} on the built instance, its
     * failover plan, and the unmet requirements as blockers (no solver, no light reserve, no best effort).
     *
     * @param b    the built instance
     * @param rank the greedy's order ({@code null}: best coefficient first)
     * @return the plan
     */
    public static PlanResult<CorePlacement> placeGreedily(Built b, GreedyCoreSolver.Rank rank) {
        List<Reason> notes = new ArrayList<>(b.notes());
        List<Reason> blockers = new ArrayList<>(b.blockers());
        CorePlacementProblem p = b.problem();
        if (p.serviceCount() == 0 || p.nodeCount() == 0) {
            if (!blockers.isEmpty()) {
                return PlanResult.infeasible(blockers, CorePlacement.EMPTY);
            }
            notes.add(new Reason("nothing-to-place", "no core service has demand on an online node"));
            return PlanResult.planned(CorePlacement.EMPTY, notes);
        }
        GreedyCoreSolver.Result g = rank == null ? GreedyCoreSolver.solve(p) : GreedyCoreSolver.solve(p, rank);
        CorePlacement placement = assemble(p, g.x(), notes);
        if (!g.unmet().isEmpty() || !blockers.isEmpty()) {
            g.unmet().forEach(u -> blockers.add(new Reason("unmet", u)));
            return PlanResult.infeasible(blockers, placement);
        }
        return PlanResult.planned(placement, notes);
    }

    /**
     * Builds eq. (14)'s problem instance from the {@link CoreEstimates}.
     *
     * @param model     the system model
     * @param ctx       the planning context (demand, offline nodes, current placement)
     * @param settings  validated settings
     * @param cloudOnly only nodes of kind cloud may host, every node's demand is required of them, no sparsity
     *                  ({@code cloud-core})
     * @return the problem, its estimates, notes and blockers
     */
    public static Built build(SystemModel model, CorePlacementContext ctx, CoreSettings settings, boolean cloudOnly) {
        List<Reason> notes = new ArrayList<>();
        List<Reason> blockers = new ArrayList<>();
        CoreEstimates e = CoreEstimates.compute(model, ctx.demand(), ctx.offlineNodes(), settings);
        notes.addAll(e.notes);
        Map<String, NodeSpec> nodesById = model.topology().nodesById();
        List<Integer> nodeSel = new ArrayList<>();
        for (int v = 0; v < e.nodes.size(); v++) {
            if (!cloudOnly || nodesById.get(e.nodes.get(v)).kind() == NodeKind.CLOUD) {
                nodeSel.add(v);
            }
        }
        if (cloudOnly && nodeSel.isEmpty()) {
            blockers.add(new Reason("no-cloud-node", "the scenario has no online node of kind cloud"));
        }
        List<Integer> svcSel = new ArrayList<>();
        for (int m = 0; m < e.services.size(); m++) {
            double req = 0;
            for (int v = 0; v < e.nodes.size(); v++) {
                req += e.load[v][m];
            }
            if (req > 0) {
                svcSel.add(m);
            } else if (e.rate[m] > 0) {
                ServiceSpec svc = model.service(e.services.get(m));
                blockers.add(new Reason("no-host", "no online node can host (or be reached for) core service " + svc.id()
                        + " (needs " + svc.demand() + " per instance)"));
            } else {
                notes.add(new Reason("no-demand", "core service " + e.services.get(m) + " has no demand; not placed"));
            }
        }
        int nv = nodeSel.size();
        int nm = svcSel.size();
        List<String> nodes = nodeSel.stream().map(e.nodes::get).toList();
        List<String> services = svcSel.stream().map(e.services::get).toList();
        ResourceVector[] cap = new ResourceVector[nv];
        for (int v = 0; v < nv; v++) {
            cap[v] = nodesById.get(nodes.get(v)).capacity();
        }
        ResourceVector[] dem = new ResourceVector[nm];
        double[] cost = new double[nm];
        double[] required = new double[nm];
        int[] minNodes = new int[nm];
        int[] maxNodes = new int[nm];
        double[][] q = new double[nv][nm];
        int[][] upper = new int[nv][nm];
        for (int m = 0; m < nm; m++) {
            ServiceSpec svc = model.service(services.get(m));
            dem[m] = svc.demand();
            // paper 1, eq. (14): c^cr_m = c^{cr,dp}_m + c^{cr,mt}_m, eq. (6) for one new instance in one slot
            cost[m] = svc.costs().coreSlot(1, 0);
            int hosts = 0;
            for (int v = 0; v < nv; v++) {
                q[v][m] = e.qos[nodeSel.get(v)][svcSel.get(m)];
                required[m] += cloudOnly ? 0 : e.load[nodeSel.get(v)][svcSel.get(m)];
                upper[v][m] = CorePlacementProblem.copies(dem[m], cap[v], settings.maxPerNode());
                hosts += upper[v][m] > 0 ? 1 : 0;
            }
            if (cloudOnly) {
                for (int v = 0; v < e.nodes.size(); v++) {
                    required[m] += e.load[v][svcSel.get(m)];
                }
            }
            minNodes[m] = Math.min(settings.minNodes(), hosts);
            maxNodes[m] = Math.max(minNodes[m], settings.maxNodes());
            if (hosts == 0) {
                blockers.add(new Reason("no-host", "no online node can host core service " + services.get(m)
                        + " (needs " + dem[m] + " per instance)"));
                minNodes[m] = 0;
            } else if (settings.sparsity().diversity() && hosts < settings.minNodes()) {
                notes.add(new Reason("diversity-relaxed", "core service " + services.get(m) + " fits on only " + hosts
                        + " online node(s); S_min lowered from " + settings.minNodes() + " to " + hosts
                        + ", so one node loss may remove it"));
            }
        }
        int[][] current = new int[nv][nm];
        double[] deploy = new double[nm];
        if (settings.keepCurrent()) {
            for (int m = 0; m < nm; m++) {
                deploy[m] = model.service(services.get(m)).costs().deploy();
                for (int v = 0; v < nv; v++) {
                    current[v][m] = ctx.current().instances(nodes.get(v), services.get(m));
                }
            }
        }
        CorePlacementProblem p = new CorePlacementProblem(nodes, services, cap, dem, cost, q, settings.xi(), required, upper,
                settings.capacityMode(), cloudOnly ? CorePlacementProblem.Sparsity.NONE : settings.sparsity(),
                minNodes, maxNodes, settings.maxTypesPerNode(), current, deploy);
        return new Built(p, e, notes, blockers);
    }

    /** The placement and its failover plan from a solution. */
    public static CorePlacement assemble(CorePlacementProblem p, int[][] x, List<Reason> notes) {
        List<CoreAssignment> assignments = new ArrayList<>();
        for (int v = 0; v < p.nodeCount(); v++) {
            for (int m = 0; m < p.serviceCount(); m++) {
                if (x[v][m] > 0) {
                    assignments.add(new CoreAssignment(p.nodes().get(v), p.services().get(m), x[v][m]));
                }
            }
        }
        return new CorePlacement(assignments, failover(p, x, notes));
    }

    /**
     * Backups (assumption: the paper's "fault-tolerant backbone" criterion was not retrievable): for each node that hosts core instances, where to re-create them when it is lost —
     * first on survivors not yet hosting the service (to keep diversity), best coefficient first,
     * within the survivors' spare capacity. Each node's plan assumes only that node fails.
     */
    public static Map<String, List<CoreAssignment>> failover(CorePlacementProblem p, int[][] x, List<Reason> notes) {
        Map<String, List<CoreAssignment>> plan = new LinkedHashMap<>();
        int nv = p.nodeCount();
        int nm = p.serviceCount();
        for (int lost = 0; lost < nv; lost++) {
            int[][] y = new int[nv][];
            for (int v = 0; v < nv; v++) {
                y[v] = x[v].clone();
            }
            Arrays.fill(y[lost], 0);
            ResourceVector[] used = new ResourceVector[nv];
            int[] types = new int[nv];
            for (int v = 0; v < nv; v++) {
                used[v] = ResourceVector.ZERO;
                for (int m = 0; m < nm; m++) {
                    used[v] = used[v].plus(p.demand()[m].times(y[v][m]));
                    types[v] += y[v][m] > 0 ? 1 : 0;
                }
            }
            Map<String, Integer> add = new LinkedHashMap<>();
            boolean any = false;
            for (int m = 0; m < nm; m++) {
                int need = x[lost][m];
                if (need == 0) {
                    continue;
                }
                any = true;
                final int mm = m;
                final int[][] yy = y;
                Integer[] order = new Integer[nv];
                for (int v = 0; v < nv; v++) {
                    order[v] = v;
                }
                Arrays.sort(order, (a, b) -> {
                    int fa = yy[a][mm] > 0 ? 1 : 0;
                    int fb = yy[b][mm] > 0 ? 1 : 0;
                    return fa != fb ? Integer.compare(fa, fb) : Double.compare(p.coefficient(a, mm), p.coefficient(b, mm));
                });
                boolean progress = true;
                while (need > 0 && progress) {
                    progress = false;
                    for (int v : order) {
                        if (v != lost && GreedyCoreSolver.fits(p, y, used, types, v, m)) {
                            if (y[v][m] == 0) {
                                types[v]++;
                            }
                            y[v][m]++;
                            used[v] = used[v].plus(p.demand()[m]);
                            add.merge(p.nodes().get(v) + "|" + p.services().get(m), 1, Integer::sum);
                            need--;
                            progress = true;
                            break;
                        }
                    }
                }
                if (need > 0) {
                    notes.add(new Reason("failover-partial", "if " + p.nodes().get(lost) + " is lost, " + need + " instance(s) of "
                            + p.services().get(m) + " have no spare capacity elsewhere"));
                }
            }
            if (any) {
                List<CoreAssignment> list = new ArrayList<>();
                add.forEach((k, n) -> list.add(new CoreAssignment(k.substring(0, k.indexOf('|')), k.substring(k.indexOf('|') + 1), n)));
                plan.put(p.nodes().get(lost), list);
            }
        }
        return plan;
    }

    /** Used by tests: the map from (node, service) to instances of a solution. */
    public static Map<String, Integer> asMap(CorePlacementProblem p, int[][] x) {
        Map<String, Integer> m = new HashMap<>();
        for (int v = 0; v < p.nodeCount(); v++) {
            for (int s = 0; s < p.serviceCount(); s++) {
                if (x[v][s] > 0) {
                    m.put(p.nodes().get(v) + "|" + p.services().get(s), x[v][s]);
                }
            }
        }
        return m;
    }
}
