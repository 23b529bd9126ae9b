package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.edgefm.api.model.ResourceVector;

/**
 * The greedy for eq. (14) (papers.md 1.4): services by decreasing demand; for each, nodes by
 * increasing coefficient {@code c_m − ξQ_{v,m}}; first one instance on each of {@code S_min}
 * distinct nodes, then instances on the best nodes until C2 holds, never breaking C1 or sparsity.
 * {@code O(|M|·|V| log |V| + Σ_m ⌈z̃_m⌉·|V|)}. Used as the fallback when the MIP runs out of time and
 * as the {@code greedy-core} baseline.
 */
public final class GreedyCoreSolver {
    /**
     * The greedy's answer.
     *
     * @param x     instances per (node, service)
     * @param unmet one line per constraint the greedy could not satisfy (empty when feasible)
     */
    public record Result(int[][] x, List<String> unmet) {
    }

    private GreedyCoreSolver() {
    }

    /** Runs the greedy with nodes ranked by the objective coefficient (running instances save their deployment price). */
    public static Result solve(CorePlacementProblem p) {
        return solve(p, objective(p));
    }

    /** The objective coefficient of eq. (14), less the deployment price where an instance already runs. */
    private static Rank objective(CorePlacementProblem p) {
        return (v, m) -> p.coefficient(v, m) - (p.current()[v][m] > 0 ? p.deployCost()[m] : 0);
    }

    /** A score per (node, service); lower is better. */
    @FunctionalInterface
    public interface Rank {
        /** The score of placing service {@code m} on node {@code v}. */
        double score(int v, int m);
    }

    /** Runs the greedy with nodes ranked by {@code rank}. */
    public static Result solve(CorePlacementProblem p, Rank rank) {
        int nv = p.nodeCount();
        int nm = p.serviceCount();
        int[][] x = new int[nv][nm];
        ResourceVector[] used = new ResourceVector[nv];
        Arrays.fill(used, ResourceVector.ZERO);
        int[] types = new int[nv];
        List<String> unmet = new ArrayList<>();
        for (int m : byDecreasingDemand(p)) {
            Integer[] nodes = rankedNodes(p, rank, m);
            int need = need(p, m);
            int minDistinct = minDistinct(p, m, need);
            int maxDistinct = maxDistinct(p, m);
            int distinct = 0;
            int total = 0;
            for (int v : nodes) {
                if (distinct >= minDistinct) {
                    break;
                }
                if (fits(p, x, used, types, v, m)) {
                    add(p, x, used, types, v, m);
                    distinct++;
                    total++;
                }
            }
            boolean progress = true;
            while (total < need && progress) {
                progress = false;
                for (int v : nodes) {
                    boolean fresh = x[v][m] == 0;
                    if (fresh && distinct >= maxDistinct) {
                        continue;
                    }
                    if (fits(p, x, used, types, v, m)) {
                        add(p, x, used, types, v, m);
                        distinct += fresh ? 1 : 0;
                        total++;
                        progress = true;
                        break;
                    }
                }
            }
            unmet(p, m, distinct, total, need, unmet);
        }
        return new Result(x, unmet);
    }

    /**
     * Best effort for an instance whose C2 cannot be met (more demand than capacity): first one
     * instance on each of {@code S_min} distinct nodes per service, as {@link #solve}, then one
     * instance at a time to the service with the smallest coverage {@code Σ_v x_{v,m} / z̃_m} that can
     * still grow, on its best-ranked node that fits (water filling), until every service has its
     * requirement or none can grow. So every core service, and every task type, keeps a share of its
     * demand instead of the services ranked first taking all the capacity.
     */
    public static Result solveEvenly(CorePlacementProblem p) {
        Rank rank = objective(p);
        int nv = p.nodeCount();
        int nm = p.serviceCount();
        int[][] x = new int[nv][nm];
        ResourceVector[] used = new ResourceVector[nv];
        Arrays.fill(used, ResourceVector.ZERO);
        int[] types = new int[nv];
        Integer[][] ranked = new Integer[nm][];
        int[] need = new int[nm];
        int[] total = new int[nm];
        int[] distinct = new int[nm];
        for (int m = 0; m < nm; m++) {
            ranked[m] = rankedNodes(p, rank, m);
            need[m] = need(p, m);
        }
        for (int m : byDecreasingDemand(p)) {
            int minDistinct = minDistinct(p, m, need[m]);
            for (int v : ranked[m]) {
                if (distinct[m] >= minDistinct) {
                    break;
                }
                if (fits(p, x, used, types, v, m)) {
                    add(p, x, used, types, v, m);
                    distinct[m]++;
                    total[m]++;
                }
            }
        }
        boolean[] closed = new boolean[nm];
        while (true) {
            int pick = -1;
            double lowest = Double.POSITIVE_INFINITY;
            for (int m = 0; m < nm; m++) {
                if (closed[m] || total[m] >= need[m]) {
                    continue;
                }
                double ratio = total[m] / p.required()[m];
                if (ratio < lowest) {
                    lowest = ratio;
                    pick = m;
                }
            }
            if (pick < 0) {
                break;
            }
            int maxDistinct = maxDistinct(p, pick);
            boolean placed = false;
            for (int v : ranked[pick]) {
                boolean fresh = x[v][pick] == 0;
                if (fresh && distinct[pick] >= maxDistinct) {
                    continue;
                }
                if (fits(p, x, used, types, v, pick)) {
                    add(p, x, used, types, v, pick);
                    distinct[pick] += fresh ? 1 : 0;
                    total[pick]++;
                    placed = true;
                    break;
                }
            }
            closed[pick] = !placed;
        }
        List<String> unmet = new ArrayList<>();
        for (int m = 0; m < nm; m++) {
            unmet(p, m, distinct[m], total[m], need[m], unmet);
        }
        return new Result(x, unmet);
    }

    /** The services, largest requirement first. */
    private static Integer[] byDecreasingDemand(CorePlacementProblem p) {
        Integer[] order = new Integer[p.serviceCount()];
        for (int m = 0; m < order.length; m++) {
            order[m] = m;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer m) -> -p.required()[m]));
        return order;
    }

    /** The nodes for service {@code m}, best score first. */
    private static Integer[] rankedNodes(CorePlacementProblem p, Rank rank, int m) {
        Integer[] nodes = new Integer[p.nodeCount()];
        for (int v = 0; v < nodes.length; v++) {
            nodes[v] = v;
        }
        Arrays.sort(nodes, Comparator.comparingDouble((Integer v) -> rank.score(v, m)));
        return nodes;
    }

    /** Instances service {@code m} needs for C2: its requirement rounded up. */
    private static int need(CorePlacementProblem p, int m) {
        return (int) Math.ceil(p.required()[m] - 1e-9);
    }

    /** Distinct nodes service {@code m} must reach first: {@code S_min} under diversity, else one if it needs any. */
    private static int minDistinct(CorePlacementProblem p, int m, int need) {
        return p.sparsity().diversity() ? p.minNodes()[m] : Math.min(need, 1);
    }

    /** Distinct nodes service {@code m} may use: {@code S_max} under diversity, else any. */
    private static int maxDistinct(CorePlacementProblem p, int m) {
        return p.sparsity().diversity() ? p.maxNodes()[m] : Integer.MAX_VALUE;
    }

    /** Adds a line per constraint of service {@code m} the placement left unmet. */
    private static void unmet(CorePlacementProblem p, int m, int distinct, int total, int need, List<String> out) {
        int minDistinct = minDistinct(p, m, need);
        if (distinct < minDistinct) {
            out.add("diversity: " + p.services().get(m) + " fits on only " + distinct + " nodes (S_min = "
                    + minDistinct + ")");
        }
        if (total < need) {
            out.add("C2: " + p.services().get(m) + " got " + total + " of " + need + " instances");
        }
    }

    static boolean fits(CorePlacementProblem p, int[][] x, ResourceVector[] used, int[] types, int v, int m) {
        if (x[v][m] + 1 > p.upper()[v][m]) {
            return false;
        }
        if (x[v][m] == 0 && p.sparsity().isolation() && types[v] >= p.maxTypesPerNode()) {
            return false;
        }
        if (p.capacityMode() == CorePlacementProblem.CapacityMode.AGGREGATE) {
            return used[v].plus(p.demand()[m]).fitsIn(p.capacity()[v]);
        }
        return p.demand()[m].times(x[v][m] + 1).fitsIn(p.capacity()[v]);
    }

    private static void add(CorePlacementProblem p, int[][] x, ResourceVector[] used, int[] types, int v, int m) {
        if (x[v][m] == 0) {
            types[v]++;
        }
        x[v][m]++;
        used[v] = used[v].plus(p.demand()[m]);
    }
}
