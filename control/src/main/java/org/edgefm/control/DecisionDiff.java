package org.edgefm.control;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.control.ShadowPlanner.Difference;

/**
 * How a shadow decision differs from the live one ({@link ShadowPlanner}): per (node, core service) the
 * instances, per (node, light service) the instances and parallelism, per route (task type, stage, origin)
 * the targets with weights normalised and compared within {@link ShadowPlanner#WEIGHT_TOLERANCE}. Each
 * method returns how many keys differ and appends the first {@link ShadowPlanner#MAX_DIFFERENCES} rows.
 */
final class DecisionDiff {
    private DecisionDiff() {
    }

    static int core(CorePlacement live, CorePlacement shadow, List<Difference> out) {
        Map<String, Integer> a = new TreeMap<>();
        Map<String, Integer> b = new TreeMap<>();
        live.assignments().forEach(x -> a.merge(x.node() + "/" + x.service(), x.instances(), Integer::sum));
        shadow.assignments().forEach(x -> b.merge(x.node() + "/" + x.service(), x.instances(), Integer::sum));
        return diffMaps("core", a, b, out, (x, y) -> x.equals(y), String::valueOf);
    }

    static int allocations(LightDecision live, LightDecision shadow, List<Difference> out) {
        return diffMaps("allocation", allocations(live), allocations(shadow), out, (x, y) -> x.equals(y), x -> x);
    }

    private static Map<String, String> allocations(LightDecision d) {
        Map<String, String> m = new TreeMap<>();
        if (d != null) {
            for (ServiceAllocation a : d.allocations()) {
                if (a.instances() > 0) {
                    m.put(a.node() + "/" + a.service(), a.instances() + "x" + a.parallelism());
                }
            }
        }
        return m;
    }

    static int routes(LightDecision live, LightDecision shadow, List<Difference> out) {
        return diffMaps("route", routes(live), routes(shadow), out, DecisionDiff::sameTargets, DecisionDiff::describe);
    }

    private static Map<String, Map<String, Double>> routes(LightDecision d) {
        Map<String, Map<String, Double>> m = new TreeMap<>();
        if (d != null) {
            for (Route r : d.routing().routes()) {
                double total = r.targets().stream().mapToDouble(WeightedTarget::weight).sum();
                Map<String, Double> t = new TreeMap<>();
                for (WeightedTarget w : r.targets()) {
                    if (w.weight() > 0) {
                        t.merge(w.node(), total > 0 ? w.weight() / total : 0, Double::sum);
                    }
                }
                m.put(r.taskType() + "/" + r.stage() + (r.origin() == null ? "" : "@" + r.origin()), t);
            }
        }
        return m;
    }

    private static boolean sameTargets(Map<String, Double> a, Map<String, Double> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.entrySet().stream()
                .allMatch(e -> Math.abs(e.getValue() - b.get(e.getKey())) <= ShadowPlanner.WEIGHT_TOLERANCE);
    }

    private static String describe(Map<String, Double> t) {
        StringBuilder s = new StringBuilder();
        t.forEach((n, w) -> s.append(s.length() == 0 ? "" : " ").append(n).append(':')
                .append(String.format(Locale.ROOT, "%.2f", w)));
        return s.toString();
    }

    private static <V> int diffMaps(String kind, Map<String, V> live, Map<String, V> shadow, List<Difference> out,
            BiPredicate<V, V> same, Function<V, String> show) {
        Set<String> keys = new TreeSet<>(live.keySet());
        keys.addAll(shadow.keySet());
        int n = 0;
        for (String k : keys) {
            V a = live.get(k);
            V b = shadow.get(k);
            if (a != null && b != null && same.test(a, b)) {
                continue;
            }
            n++;
            if (out.size() < ShadowPlanner.MAX_DIFFERENCES) {
                out.add(new Difference(kind, k, a == null ? "-" : show.apply(a), b == null ? "-" : show.apply(b)));
            }
        }
        return n;
    }

    /** Light instances a decision runs (0 for none). */
    static int instances(LightDecision d) {
        return d == null ? 0 : d.allocations().stream().mapToInt(ServiceAllocation::instances).sum();
    }
}
