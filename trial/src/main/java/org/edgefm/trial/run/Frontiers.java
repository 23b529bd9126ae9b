package org.edgefm.trial.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code simulate --sweep}'s comparison: per load, each planner's variants by cost with the efficient
 * ones marked, and the comparison at matched cost against the reference (the first planner's first
 * variant); printed, and written into the results document's {@code frontier} section.
 */
final class Frontiers {
    private Frontiers() {
    }

    /** A planner variant's mean result at one load. */
    record Point(String label, double onTime, double ci95, double cost) {
    }

    /**
     * The frontier of one load: per planner, its variants' points by cost and the efficient ones; the
     * reference (the first planner's first variant) and, per other planner, its best on-time rate at
     * no more than the reference's cost and its cheapest variant at least as on time as the reference.
     */
    record Frontier(double load, Point reference, Map<String, List<Point>> points, Map<String, List<Point>> efficient,
            Map<String, Point> bestAtMatchedCost, Map<String, Point> cheapestAtMatchedOnTime) {
    }

    static List<Frontier> of(List<PlannerVariant> variants, List<SimCell> cells) {
        List<Frontier> out = new ArrayList<>();
        List<Double> ls = cells.stream().map(SimCell::load).distinct().toList();
        for (double load : ls) {
            Map<String, List<Point>> points = new LinkedHashMap<>();
            for (PlannerVariant e : variants) {
                SimCell c = cells.stream().filter(k -> k.load() == load && k.planner().equals(e.label())).findFirst().orElseThrow();
                double[] ot = SimulateRunner.meanCi95(c.onTime());
                points.computeIfAbsent(e.base(), k -> new ArrayList<>())
                        .add(new Point(e.label(), ot[0], ot[1], Arrays.stream(c.cost()).average().orElse(Double.NaN)));
            }
            Point ref = points.values().iterator().next().get(0);
            Map<String, List<Point>> efficient = new LinkedHashMap<>();
            Map<String, Point> best = new LinkedHashMap<>();
            Map<String, Point> cheapest = new LinkedHashMap<>();
            for (Map.Entry<String, List<Point>> e : points.entrySet()) {
                List<Point> ps = new ArrayList<>(e.getValue());
                ps.sort(Comparator.comparingDouble(Point::cost));
                e.setValue(ps);
                efficient.put(e.getKey(), ps.stream().filter(p -> ps.stream().noneMatch(q -> q != p && q.cost() <= p.cost()
                        && q.onTime() >= p.onTime() && (q.cost() < p.cost() || q.onTime() > p.onTime()))).toList());
                ps.stream().filter(p -> p.cost() <= ref.cost()).max(Comparator.comparingDouble(Point::onTime))
                        .ifPresent(p -> best.put(e.getKey(), p));
                ps.stream().filter(p -> p.onTime() >= ref.onTime()).min(Comparator.comparingDouble(Point::cost))
                        .ifPresent(p -> cheapest.put(e.getKey(), p));
            }
            out.add(new Frontier(load, ref, points, efficient, best, cheapest));
        }
        return out;
    }

    static void print(PrintWriter out, List<Frontier> frontiers) {
        for (Frontier f : frontiers) {
            out.println();
            out.printf(Locale.ROOT, "frontier, load %s (per planner by cost; * = not dominated by another of its variants)%n",
                    SimulateRunner.fmt(f.load()));
            for (Map.Entry<String, List<Point>> e : f.points().entrySet()) {
                for (Point p : e.getValue()) {
                    out.printf(Locale.ROOT, "  %-" + Math.max(40, p.label().length()) + "s %6.2f%% ± %5.2f%% %12.1f %s%n", p.label(), 100 * p.onTime(),
                            100 * p.ci95(), p.cost(), f.efficient().get(e.getKey()).contains(p) ? "*" : "");
                }
            }
            Point r = f.reference();
            out.printf(Locale.ROOT, "matched cost, load %s, against %s (%.2f%% ± %.2f%% at %.1f):%n", SimulateRunner.fmt(f.load()),
                    r.label(), 100 * r.onTime(), 100 * r.ci95(), r.cost());
            for (String base : f.points().keySet()) {
                if (f.points().get(base).contains(r)) {
                    continue;
                }
                Point b = f.bestAtMatchedCost().get(base);
                Point c = f.cheapestAtMatchedOnTime().get(base);
                out.printf(Locale.ROOT, "  %-12s best at cost <= %.1f: %s; cheapest at on-time >= %.2f%%: %s%n", base, r.cost(),
                        b == null ? "none (every variant costs more)" : String.format(Locale.ROOT, "%s %.2f%% ± %.2f%% at %.1f",
                                b.label(), 100 * b.onTime(), 100 * b.ci95(), b.cost()),
                        100 * r.onTime(), c == null ? "none" : String.format(Locale.ROOT, "%s %.2f%% ± %.2f%% at %.1f",
                                c.label(), 100 * c.onTime(), 100 * c.ci95(), c.cost()));
            }
        }
    }

    /** Adds the {@code frontier} array to {@code root} (nothing when there is none). */
    static void addTo(ObjectNode root, List<Frontier> frontiers) {
        if (frontiers.isEmpty()) {
            return;
        }
        ArrayNode fr = root.putArray("frontier");
        for (Frontier f : frontiers) {
            ObjectNode o = fr.addObject();
            o.put("load", f.load());
            o.put("reference", f.reference().label());
            ObjectNode per = o.putObject("planners");
            for (String base : f.points().keySet()) {
                ObjectNode pb = per.putObject(base);
                ArrayNode pts = pb.putArray("points");
                for (Point p : f.points().get(base)) {
                    ObjectNode q = pts.addObject();
                    q.put("label", p.label());
                    q.put("onTimeRate", p.onTime());
                    q.put("ci95", p.ci95());
                    q.put("cost", p.cost());
                    q.put("efficient", f.efficient().get(base).contains(p));
                }
                Point b = f.bestAtMatchedCost().get(base);
                pb.put("bestAtMatchedCost", b == null ? null : b.label());
                Point c = f.cheapestAtMatchedOnTime().get(base);
                pb.put("cheapestAtMatchedOnTime", c == null ? null : c.label());
            }
        }
    }
}
