package org.edgefm.planner.twotier;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;

/**
 * Deadline-aware admission limits ({@code light.admission-deadline = split}; assumption: paper 1 has no
 * admission step, and its Sec. III-B equations were not retrievable, papers.md 1.5).
 *
 * <p>Each (node, service) pair is read as one server of rate {@code C} tasks/ms fed by Poisson arrivals of
 * rate {@code λ} (Table I's arrivals). The effective bandwidth of the arrivals is {@code λ(e^θ − 1)/θ}
 * (θ per task); with a server of effective capacity {@code C} the queueing delay obeys
 * {@code Pr{W > d} ≈ e^{−θ*·C·d}}, where θ* solves {@code λ(e^θ − 1)/θ = C} (Wu &amp; Negi's delay bound,
 * papers.md 1.5, with η = 1). A delay budget {@code b} met with violation probability {@code ε} therefore
 * allows at most {@code λ_max(b) = C·θ_b/(e^{θ_b} − 1)} with {@code θ_b = −ln ε/(C·b)} (closed form):
 * {@code λ_max → C} as the budget grows, and → 0 as it shrinks.
 *
 * <p>The server rate {@code C} of a pair is what its controller already computes: for a light pair the
 * sizer's admissible rate for the instances granted (ec-lyapunov: the effective-capacity deadline check with
 * its stability guard; the mean sizer: its mean capacity), for a core pair {@code x/(a/(f·speed))}.
 *
 * <p>A stream's budget: its slack {@code D − T̄} (deadline less the mean-value end-to-end time of its best
 * route, without queueing) shared equally by the stages of its longest leaf-to-sink path, so the predicted
 * sojourn along any path, {@code T̄} plus one per-stage bound per stage, stays within {@code D} (each stage's
 * bound with violation probability ε). A stream whose slack is not positive cannot finish in time even
 * through empty queues and admits nothing. A pair's budget is the smallest per-stage budget of the
 * streams that load it.
 */
final class DeadlineAdmission {
    private DeadlineAdmission() {
    }

    /**
     * The deadline rule's inputs.
     *
     * @param epsilon     target violation probability per stage ({@code light.admission-epsilon})
     * @param serviceRate per pair {@code node|service}, the server rate C in tasks/ms (absent = 0)
     */
    record Rule(double epsilon, Map<String, Double> serviceRate) {
    }

    /**
     * The most tasks/ms a server of rate {@code capacity} may take so that a task's queueing delay exceeds
     * {@code budgetMs} with probability at most {@code epsilon}: {@code C·θ_b/(e^{θ_b} − 1)},
     * {@code θ_b = −ln ε/(C·b)}; 0 when the budget or the capacity is not positive.
     */
    static double admissibleLoad(double capacity, double budgetMs, double epsilon) {
        if (!(capacity > 0) || !(budgetMs > 0)) {
            return 0;
        }
        if (budgetMs == Double.POSITIVE_INFINITY) {
            return capacity;
        }
        double theta = -Math.log(epsilon) / (capacity * budgetMs);
        if (theta > 700) {
            return 0;
        }
        return capacity * theta / Math.expm1(theta);
    }

    /**
     * The queueing-delay bound (ms) at violation probability {@code epsilon} of a server of rate
     * {@code capacity} given {@code load} tasks/ms: {@code −ln ε/(θ*·C)} with θ* the root of
     * {@code (e^θ − 1)/θ = C/λ}; 0 without load, infinite at or above capacity. The inverse of
     * {@link #admissibleLoad}.
     */
    static double delayBoundMs(double load, double capacity, double epsilon) {
        if (!(load > 0)) {
            return 0;
        }
        if (!(capacity > load)) {
            return Double.POSITIVE_INFINITY;
        }
        double ratio = capacity / load;
        // (e^θ − 1)/θ is increasing from 1 at θ = 0: bisection on θ in (0, hi]
        double lo = 0;
        double hi = 1;
        while (Math.expm1(hi) / hi < ratio) {
            hi *= 2;
        }
        for (int i = 0; i < 100; i++) {
            double mid = 0.5 * (lo + hi);
            if (Math.expm1(mid) / mid < ratio) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return -Math.log(epsilon) / (0.5 * (lo + hi) * capacity);
    }

    /** The number of stages on the longest leaf-to-sink path of a task type. */
    static int longestPath(TaskType type) {
        Map<String, Integer> depth = new HashMap<>();
        int longest = 1;
        for (Stage st : type.topologicalOrder()) {
            int d = 1;
            for (Stage p : type.parents(st.id())) {
                d = Math.max(d, depth.get(p.id()) + 1);
            }
            depth.put(st.id(), d);
            longest = Math.max(longest, d);
        }
        return longest;
    }

    /**
     * A stream's per-stage queueing budget: {@code (D − T̄)/n} with {@code n} its longest path; not positive
     * when the stream cannot meet its deadline; infinite when its mean-value time is unknown (NaN: no deadline
     * check for it).
     */
    static double stageBudgetMs(TaskType type, double baseMs) {
        if (Double.isNaN(baseMs)) {
            return Double.POSITIVE_INFINITY;
        }
        return (type.deadlineMs() - baseMs) / longestPath(type);
    }

    /**
     * The limits of {@link Admission} tightened by the deadline rule: per pair the smaller of its mean-rate
     * limit and {@link #admissibleLoad} at the pair's budget (the smallest per-stage budget among the
     * streams that load it, streams that cannot meet their deadline left out).
     *
     * @param limit    the mean-rate limits per pair
     * @param uses     per stream, the pairs it loads
     * @param budgets  per stream, its per-stage budget ({@link #stageBudgetMs})
     * @param rule     the rule's inputs
     * @return the tightened limits (a new map)
     */
    static Map<String, Double> limits(Map<String, Double> limit, List<? extends Map<String, Double>> uses, double[] budgets, Rule rule) {
        Map<String, Double> budget = new HashMap<>();
        for (int i = 0; i < uses.size(); i++) {
            if (budgets[i] > 0) {
                double b = budgets[i];
                uses.get(i).keySet().forEach(pair -> budget.merge(pair, b, Math::min));
            }
        }
        Map<String, Double> out = new HashMap<>(limit);
        budget.forEach((pair, b) -> {
            double deadline = admissibleLoad(rule.serviceRate().getOrDefault(pair, 0.0), b, rule.epsilon());
            out.put(pair, Math.min(limit.getOrDefault(pair, 0.0), deadline));
        });
        return out;
    }
}
