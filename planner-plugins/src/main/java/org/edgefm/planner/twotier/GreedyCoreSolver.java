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
        return solve(p, (v, m) -> p.coefficient(v, m) - (p.current()[v][m] > 0 ? p.deployCost()[m] : 0));
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
        Integer[] order = new Integer[nm];
        for (int m = 0; m < nm; m++) {
            order[m] = m;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer m) -> -p.required()[m]));
        for (int m : order) {
            final int mm = m;
            Integer[] nodes = new Integer[nv];
            for (int v = 0; v < nv; v++) {
                nodes[v] = v;
            }
            Arrays.sort(nodes, Comparator.comparingDouble((Integer v) -> rank.score(v, mm)));
            int need = (int) Math.ceil(p.required()[m] - 1e-9);
            boolean diversity = p.sparsity().diversity();
            int minDistinct = diversity ? p.minNodes()[m] : Math.min(need, 1);
            int maxDistinct = diversity ? p.maxNodes()[m] : Integer.MAX_VALUE;
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
            if (distinct < minDistinct) {
                unmet.add("diversity: " + p.services().get(m) + " fits on only " + distinct + " nodes (S_min = "
                        + minDistinct + ")");
            }
            if (total < need) {
                unmet.add("C2: " + p.services().get(m) + " got " + total + " of " + need + " instances");
            }
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
        Rank rank = (v, m) -> p.coefficient(v, m) - (p.current()[v][m] > 0 ? p.deployCost()[m] : 0);
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
        boolean diversity = p.sparsity().diversity();
        Integer[] order = new Integer[nm];
        for (int m = 0; m < nm; m++) {
            order[m] = m;
            final int mm = m;
            ranked[m] = new Integer[nv];
            for (int v = 0; v < nv; v++) {
                ranked[m][v] = v;
            }
            Arrays.sort(ranked[m], Comparator.comparingDouble((Integer v) -> rank.score(v, mm)));
            need[m] = (int) Math.ceil(p.required()[m] - 1e-9);
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer m) -> -p.required()[m]));
        for (int m : order) {
            int minDistinct = diversity ? p.minNodes()[m] : Math.min(need[m], 1);
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
            int maxDistinct = diversity ? p.maxNodes()[pick] : Integer.MAX_VALUE;
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
            int minDistinct = diversity ? p.minNodes()[m] : Math.min(need[m], 1);
            if (distinct[m] < minDistinct) {
                unmet.add("diversity: " + p.services().get(m) + " fits on only " + distinct[m] + " nodes (S_min = "
                        + minDistinct + ")");
            }
            if (total[m] < need[m]) {
                unmet.add("C2: " + p.services().get(m) + " got " + total[m] + " of " + need[m] + " instances");
            }
        }
        return new Result(x, unmet);
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
