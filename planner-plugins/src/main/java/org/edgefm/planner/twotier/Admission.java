package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.WeightedTarget;

/**
 * Admission control of the light engine ({@code light.admission = reject}; assumption: paper 1 has no
 * admission step, this is a guard against overload): when the demand routed to a (node, service) pair
 * exceeds the load the pair may take, the streams through it get a {@link WeightedTarget#REJECT} share
 * on their entry stages, so the excess is refused at arrival instead of queueing until every task
 * through the pair is late.
 *
 * <p>Each stream (origin, task type) with rate {@code λ_k} loads every pair its routes name with
 * {@code λ_k · w} per stage ({@code w} the route's normalised weight). The admitted fraction {@code p_k}
 * starts at 1 and is updated a few rounds as {@code p_k ← min(1, p_k · min_P limit_P / load_P)} over
 * the pairs {@code P} it loads: the first round makes every pair's admitted load at most
 * {@code limit_P}, later rounds give back what a stream throttled elsewhere left unused. The limit of
 * a light pair is its sizer's admissible rate for the instances granted (which carries the sizer's own
 * guard: ec-lyapunov's utilisation cap, the mean sizer's headroom); that of a core pair is
 * {@code light.admission-utilization} times its instances over the mean processing time
 * {@code a/(f·speed)} (one task per instance, eq. 10).
 */
final class Admission {
    /** A stream's reject share below this is not emitted (the smoothed demand's noise). */
    static final double MIN_SHARE = 0.01;
    private static final int ROUNDS = 8;

    private Admission() {
    }

    /**
     * A stream: origin node, task type, planned rate (tasks/ms) and the mean-value end-to-end time of its best
     * route without queueing ({@code T̄}, ms; NaN = unknown, no deadline check for it).
     */
    record Stream(String origin, TaskType type, double rate, double baseMs) {
        Stream(String origin, TaskType type, double rate) {
            this(origin, type, rate, Double.NaN);
        }
    }

    /**
     * The routing table with reject shares added to the entry-stage routes of the streams that must
     * be throttled; the same table when none must.
     *
     * @param routing     the engine's routes
     * @param streams     the planned streams
     * @param limit       per pair {@code node|service}, the most tasks/ms it may be given (absent = 0)
     * @param notes       receives one note when tasks are to be rejected
     */
    static RoutingTable apply(RoutingTable routing, List<Stream> streams, Map<String, Double> limit, List<Reason> notes) {
        return apply(routing, streams, limit, false, notes);
    }

    /**
     * {@link #apply(RoutingTable, List, Map, List)}; with {@code rejectUnserved}, a stream with a stage the table
     * routes nowhere ({@code light.admission-unserved = reject}) is rejected whole: its tasks would fail at that
     * stage after occupying the pairs of the stages before it, so its load is not counted on them either.
     */
    static RoutingTable apply(RoutingTable routing, List<Stream> streams, Map<String, Double> limit, boolean rejectUnserved,
            List<Reason> notes) {
        return apply(routing, streams, limit, rejectUnserved, null, notes);
    }

    /**
     * {@link #apply(RoutingTable, List, Map, boolean, List)}; with a {@code deadline} rule
     * ({@code light.admission-deadline = split}, {@link DeadlineAdmission}) a stream that cannot meet its
     * deadline even through empty queues is rejected whole, and every pair's limit is at most the load whose
     * queueing-delay bound stays within the per-stage budget of the streams through it.
     */
    static RoutingTable apply(RoutingTable routing, List<Stream> streams, Map<String, Double> limit, boolean rejectUnserved,
            DeadlineAdmission.Rule deadline, List<Reason> notes) {
        int n = streams.size();
        Lookup lookup = new Lookup(routing);
        // per stream: the pairs it loads and its load on each per unit rate
        List<Map<String, Double>> uses = new ArrayList<>(n);
        boolean[] unserved = new boolean[n];
        int unservedStreams = 0;
        for (Stream k : streams) {
            Map<String, Double> u = new LinkedHashMap<>();
            boolean served = true;
            for (Stage st : k.type().stages()) {
                List<WeightedTarget> targets = lookup.targets(k.type().id(), st.id(), k.origin());
                double total = 0;
                for (WeightedTarget t : targets) {
                    if (!t.isReject()) {
                        total += t.weight();
                    }
                }
                if (total <= 0) {
                    served = false;
                    continue;
                }
                for (WeightedTarget t : targets) {
                    if (!t.isReject()) {
                        u.merge(t.node() + "|" + st.service(), t.weight() / total, Double::sum);
                    }
                }
            }
            if (rejectUnserved && !served) {
                unserved[uses.size()] = true;
                unservedStreams++;
            }
            uses.add(u);
        }
        double[] p = new double[n];
        java.util.Arrays.fill(p, 1.0);
        for (int i = 0; i < n; i++) {
            if (unserved[i]) {
                p[i] = 0;
            }
        }
        int late = 0;
        if (deadline != null) {
            double[] budgets = new double[n];
            for (int i = 0; i < n; i++) {
                Stream k = streams.get(i);
                budgets[i] = unserved[i] ? 0 : DeadlineAdmission.stageBudgetMs(k.type(), k.baseMs());
                if (!(budgets[i] > 0) && !unserved[i]) {
                    // cannot finish in time even through empty queues: admit nothing
                    p[i] = 0;
                    late++;
                }
            }
            limit = DeadlineAdmission.limits(limit, uses, budgets, deadline);
        }
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Double> load = new HashMap<>();
            for (int i = 0; i < n; i++) {
                double lambda = p[i] * streams.get(i).rate();
                uses.get(i).forEach((pair, w) -> load.merge(pair, lambda * w, Double::sum));
            }
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                double f = Double.POSITIVE_INFINITY;
                for (String pair : uses.get(i).keySet()) {
                    double l = load.get(pair);
                    if (l > 0) {
                        f = Math.min(f, limit.getOrDefault(pair, 0.0) / l);
                    }
                }
                double next = f == Double.POSITIVE_INFINITY ? p[i] : Math.min(1.0, p[i] * f);
                if (Math.abs(next - p[i]) > 1e-6) {
                    changed = true;
                }
                p[i] = next;
            }
            if (!changed) {
                break;
            }
        }
        Map<String, Double> reject = new HashMap<>();
        double refused = 0;
        double offered = 0;
        for (int i = 0; i < n; i++) {
            Stream k = streams.get(i);
            offered += k.rate();
            if (1 - p[i] >= MIN_SHARE) {
                reject.put(k.origin() + "|" + k.type().id(), 1 - p[i]);
                refused += (1 - p[i]) * k.rate();
            }
        }
        if (reject.isEmpty()) {
            return routing;
        }
        List<Route> out = new ArrayList<>(routing.routes().size() + reject.size());
        java.util.Set<String> done = new java.util.HashSet<>();
        Map<String, TaskType> types = new HashMap<>();
        for (Stream k : streams) {
            types.putIfAbsent(k.type().id(), k.type());
        }
        for (Route r : routing.routes()) {
            Double share = r.origin() == null ? null : reject.get(r.origin() + "|" + r.taskType());
            if (share != null && isEntry(types, r.taskType(), r.stage())) {
                out.add(withReject(r, r.origin(), share));
                done.add(r.origin() + "|" + r.taskType() + "|" + r.stage());
            } else {
                out.add(r);
            }
        }
        // an entry stage served by the route without origin gets a route of its own for the throttled stream
        for (Stream k : streams) {
            Double share = reject.get(k.origin() + "|" + k.type().id());
            if (share == null) {
                continue;
            }
            for (Stage leaf : k.type().leaves()) {
                if (done.contains(k.origin() + "|" + k.type().id() + "|" + leaf.id())) {
                    continue;
                }
                List<WeightedTarget> any = lookup.targets(k.type().id(), leaf.id(), k.origin());
                if (!any.isEmpty()) {
                    out.add(withReject(new Route(k.type().id(), leaf.id(), k.origin(), any), k.origin(), share));
                }
            }
        }
        notes.add(new Reason("admission-reject", String.format(java.util.Locale.ROOT,
                "demand above what the pairs serve: %.1f%% of the offered tasks are rejected at arrival"
                        + " (%d of %d streams throttled, %d of them whole for a stage no node serves, %d whole for a deadline"
                        + " they cannot meet; light.admission = reject)",
                offered > 0 ? 100 * refused / offered : 0.0, reject.size(), n, unservedStreams, late)));
        return new RoutingTable(out);
    }

    /** True when {@code stage} has no parent in the first planned stream's task type {@code type}. */
    private static boolean isEntry(Map<String, TaskType> types, String type, String stage) {
        TaskType t = types.get(type);
        return t != null && t.parents(stage).isEmpty();
    }

    /**
     * {@link RoutingTable#targets} answered from an index built once per table: a lookup per stream and
     * stage scanned the whole table (streams times routes per controller call, a third of the host's
     * CPU with 750 streams). Same answers: the first route for the origin, else the last without one.
     */
    static final class Lookup {
        private final Map<String, List<WeightedTarget>> byOrigin = new HashMap<>();
        private final Map<String, List<WeightedTarget>> fallback = new HashMap<>();

        Lookup(RoutingTable routing) {
            for (Route r : routing.routes()) {
                String stage = r.taskType() + '\u0000' + r.stage();
                if (r.origin() == null) {
                    fallback.put(stage, r.targets());
                } else {
                    byOrigin.putIfAbsent(stage + '\u0000' + r.origin(), r.targets());
                }
            }
        }

        List<WeightedTarget> targets(String taskType, String stage, String origin) {
            String key = taskType + '\u0000' + stage;
            List<WeightedTarget> own = origin == null ? null : byOrigin.get(key + '\u0000' + origin);
            return own != null ? own : fallback.getOrDefault(key, List.of());
        }
    }

    /** The route's real targets scaled to {@code 1 − share}, plus the reject target with {@code share}. */
    private static Route withReject(Route r, String origin, double share) {
        double total = 0;
        for (WeightedTarget t : r.targets()) {
            if (!t.isReject()) {
                total += t.weight();
            }
        }
        List<WeightedTarget> w = new ArrayList<>();
        for (WeightedTarget t : r.targets()) {
            // a whole stream rejected keeps no real target (a weight of 0 is not a valid target)
            if (!t.isReject() && share < 1 - 1e-9) {
                w.add(new WeightedTarget(t.node(), (1 - share) * t.weight() / total));
            }
        }
        w.add(WeightedTarget.reject(share));
        return new Route(r.taskType(), r.stage(), origin, w);
    }
}
