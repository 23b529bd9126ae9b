package org.edgefm.sim;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.edgefm.wire.routing.StageRouter;

/**
 * Run-time routing in a simulated fleet: the node that hands a task's data on picks the next stage's
 * node from its routing table ({@link RouteTable}), by the shared {@link StageRouter} with the run's
 * seeded generator ({@code sim.routing = weighted}) or by the smallest expected time
 * ({@code capacity-aware}); {@code sim.unrouted} says whether a stage without a usable route falls
 * back to the nearest node that runs its service. Admission control refuses a task by its entry
 * stages' {@code REJECT} shares.
 */
final class StageRouting {
    /** No usable route. */
    static final int UNROUTED = -1;
    /** A route's targets run the service but none is reachable. */
    static final int NO_PATH = -2;

    private final CompiledModel m;
    private final SimSettings settings;
    /** Per node the routing table in force (written by the fleet as directives apply). */
    private final RouteTable[] nodeRoutes;
    private final boolean[] online;
    private final Stations stations;
    private final LinkWindows links;
    private final DoubleSupplier routeDraw;
    private final SplittableRandom admissionRandom;

    StageRouting(CompiledModel m, SimSettings settings, RouteTable[] nodeRoutes, boolean[] online, Stations stations,
            LinkWindows links, SplittableRandom routeRandom, SplittableRandom admissionRandom) {
        this.m = m;
        this.settings = settings;
        this.nodeRoutes = nodeRoutes;
        this.online = online;
        this.stations = stations;
        this.links = links;
        this.routeDraw = routeRandom::nextDouble;
        this.admissionRandom = admissionRandom;
    }

    /**
     * The node for {@code stage} of a task of type {@code t}, decided by node {@code from} (the one
     * handing the data on) for a task that entered at {@code origin}; UNROUTED or NO_PATH.
     */
    int choose(int t, int stage, int from, int origin, double mb) {
        int s = m.stageService[t][stage];
        RouteTable r = nodeRoutes[from];
        RouteTable.Target tg = r == null ? null : r.get(t, stage, origin);
        int chosen;
        if (settings.routing() == SimSettings.Routing.CAPACITY_AWARE) {
            chosen = bestByExpectedTime(tg, s, from, mb, true);
        } else {
            chosen = weighted(tg, s, from);
        }
        if (chosen >= 0 || settings.unrouted() == SimSettings.Unrouted.DROP) {
            return chosen;
        }
        int nearest = bestByExpectedTime(null, s, from, mb, false);
        return nearest >= 0 ? nearest : chosen;
    }

    /**
     * Admission control: the task is refused with the largest {@code REJECT} share among its entry
     * stages' routes at its origin (counted as rejected, never started). No random draw is taken when
     * no route rejects, so runs without admission control are unchanged.
     */
    boolean rejected(int t, int origin) {
        RouteTable r = nodeRoutes[origin];
        if (r == null) {
            return false;
        }
        double share = 0;
        for (int leaf : m.leaves[t]) {
            RouteTable.Target tg = r.get(t, leaf, origin);
            if (tg != null) {
                share = Math.max(share, tg.reject());
            }
        }
        return StageRouter.rejects(share, admissionRandom::nextDouble);
    }

    private boolean usable(int node, int s, int from) {
        return online[node] && stations.servers[node * m.serviceCount + s] > 0 && links.network().reachable(from, node);
    }

    /**
     * {@link StageRouter#pick}: a weighted choice among the targets that are online, run the service
     * and are reachable from {@code from}, by one draw of the run's route generator; NO_PATH when a
     * target runs the service but none is reachable, else UNROUTED.
     */
    private int weighted(RouteTable.Target tg, int s, int from) {
        if (tg == null) {
            return UNROUTED;
        }
        int[] nodes = tg.nodes();
        int i = StageRouter.pick(tg.weights(), nodes.length, k -> usable(nodes[k], s, from), routeDraw);
        if (i != StageRouter.NONE) {
            return nodes[i];
        }
        for (int n : nodes) {
            if (online[n] && stations.servers[n * m.serviceCount + s] > 0) {
                return NO_PATH;
            }
        }
        return UNROUTED;
    }

    /** papers.md 5.1 item 6: smallest expected transfer + wait + processing, free capacity first. */
    private int bestByExpectedTime(RouteTable.Target tg, int s, int from, double mb, boolean useTable) {
        int best = UNROUTED;
        double bestScore = Double.POSITIVE_INFINITY;
        int count = useTable && tg != null ? tg.nodes().length : m.nodeCount;
        for (int i = 0; i < count; i++) {
            int n = useTable && tg != null ? tg.nodes()[i] : i;
            if (!usable(n, s, from)) {
                continue;
            }
            int st = n * m.serviceCount + s;
            int waiting = stations.busy[st] + stations.queueSize[st] - stations.servers[st] + 1;
            double wait = waiting > 0 ? waiting * stations.meanProcMs[st] / stations.servers[st] : 0;
            double score = links.network().delay(from, n, mb) + wait + stations.meanProcMs[st];
            if (score < bestScore) {
                bestScore = score;
                best = n;
            }
        }
        return best;
    }
}
