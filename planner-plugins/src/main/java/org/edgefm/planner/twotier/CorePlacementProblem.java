package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;

/**
 * The integer program of paper 1, eq. (14), over nodes {@code v} and core services {@code m}:
 * minimise {@code Σ x_{v,m}·(c_m − ξ·Q_{v,m})} subject to C1 (capacity), C2 (coverage of the
 * estimated demand), integrality and a sparsity constraint in one of two readings. Evaluating a
 * candidate ({@link #objective}, {@link #violations}) is independent of how it was found, so the
 * MIP, the greedy and a brute force can be compared.
 *
 * @param nodes           node ids (online nodes only)
 * @param services        core service ids
 * @param capacity        {@code R_v} per node
 * @param demand          {@code r_m} per service
 * @param cost            {@code c_m = c^dp_m + c^mt_m} per service
 * @param qos             {@code Q_{v,m}}
 * @param xi              ξ
 * @param required        {@code Σ_v z̃_{v,m}} per service (C2's left side)
 * @param upper           upper bound of {@code x_{v,m}} (0 when the node cannot host the service)
 * @param capacityMode    how C1 is read
 * @param sparsity        which sparsity reading applies
 * @param minNodes        {@code S_min} per service (diversity)
 * @param maxNodes        {@code S_max} per service (diversity)
 * @param maxTypesPerNode {@code S} (isolation)
 * @param current         instances already running per (node, service) (all 0 at start)
 * @param deployCost      {@code c^dp_m}: not charged again for instances up to {@code current}
 */
public record CorePlacementProblem(List<String> nodes, List<String> services, ResourceVector[] capacity,
        ResourceVector[] demand, double[] cost, double[][] qos, double xi, double[] required, int[][] upper,
        CapacityMode capacityMode, Sparsity sparsity, int[] minNodes, int[] maxNodes, int maxTypesPerNode,
        int[][] current, double[] deployCost) {

    /** A problem without running instances (a placement from scratch). */
    public CorePlacementProblem(List<String> nodes, List<String> services, ResourceVector[] capacity,
            ResourceVector[] demand, double[] cost, double[][] qos, double xi, double[] required, int[][] upper,
            CapacityMode capacityMode, Sparsity sparsity, int[] minNodes, int[] maxNodes, int maxTypesPerNode) {
        this(nodes, services, capacity, demand, cost, qos, xi, required, upper, capacityMode, sparsity, minNodes, maxNodes,
                maxTypesPerNode, new int[nodes.size()][services.size()], new double[services.size()]);
    }

    /** How C1 is read. */
    public enum CapacityMode {
        /** {@code Σ_m r_{m,k} x_{v,m} ≤ R_{v,k}}: instances of all core services share the node (eq. (8); assumption, the default). */
        AGGREGATE,
        /** {@code r_{m,k} x_{v,m} ≤ R_{v,k}} per service, C1 exactly as printed in the paper. */
        PER_SERVICE
    }

    /** The sparsity constraint (papers.md 1.4: the paper's own form was not retrievable). */
    public enum Sparsity {
        /** No sparsity constraint. */
        NONE,
        /** Diversity: each core service on {@code S_min..S_max} distinct nodes. */
        DIVERSITY,
        /** Isolation: at most {@code S} core service types per node. */
        ISOLATION,
        /** Both readings at once. */
        BOTH;

        boolean diversity() {
            return this == DIVERSITY || this == BOTH;
        }

        boolean isolation() {
            return this == ISOLATION || this == BOTH;
        }
    }

    /** The same problem with other upper bounds of {@code x_{v,m}} (0 = not a candidate). */
    public CorePlacementProblem withUpper(int[][] newUpper) {
        return new CorePlacementProblem(nodes, services, capacity, demand, cost, qos, xi, required, newUpper, capacityMode,
                sparsity, minNodes, maxNodes, maxTypesPerNode, current, deployCost);
    }

    /** The same problem with {@code S_max} of every service raised to the number of nodes (diversity keeps only {@code S_min}). */
    public CorePlacementProblem withoutMaxNodes() {
        int[] lifted = new int[serviceCount()];
        java.util.Arrays.fill(lifted, nodeCount());
        for (int m = 0; m < lifted.length; m++) {
            lifted[m] = Math.max(lifted[m], minNodes[m]);
        }
        return new CorePlacementProblem(nodes, services, capacity, demand, cost, qos, xi, required, upper, capacityMode,
                sparsity, minNodes, lifted, maxTypesPerNode, current, deployCost);
    }

    /** The same problem with other node capacities (C1). */
    public CorePlacementProblem withCapacity(ResourceVector[] newCapacity) {
        return new CorePlacementProblem(nodes, services, newCapacity, demand, cost, qos, xi, required, upper, capacityMode,
                sparsity, minNodes, maxNodes, maxTypesPerNode, current, deployCost);
    }

    /** The same problem with other C2 requirements (best-effort coverage of an infeasible instance). */
    public CorePlacementProblem withRequired(double[] newRequired) {
        return new CorePlacementProblem(nodes, services, capacity, demand, cost, qos, xi, newRequired, upper, capacityMode,
                sparsity, minNodes, maxNodes, maxTypesPerNode, current, deployCost);
    }

    /**
     * The smallest coverage {@code Σ_v x_{v,m} / required_m} over the services with a requirement
     * (1 when none has one): the share of its C2 requirement the worst-covered service gets.
     */
    public double coverage(int[][] x) {
        double min = Double.POSITIVE_INFINITY;
        for (int m = 0; m < serviceCount(); m++) {
            if (required[m] <= 0) {
                continue;
            }
            int total = 0;
            for (int v = 0; v < nodeCount(); v++) {
                total += x[v][m];
            }
            min = Math.min(min, total / required[m]);
        }
        return min == Double.POSITIVE_INFINITY ? 1 : min;
    }

    /** Number of nodes. */
    public int nodeCount() {
        return nodes.size();
    }

    /** Number of core services. */
    public int serviceCount() {
        return services.size();
    }

    /** Objective coefficient of {@code x_{v,m}}: {@code c_m − ξ·Q_{v,m}} (eq. (14)). */
    public double coefficient(int v, int m) {
        return cost[m] - xi * qos[v][m];
    }

    /**
     * Eq. (14): {@code Σ_v Σ_m x_{v,m}·(c_m − ξ·Q_{v,m})}, less the deployment price of instances that
     * already run ({@code c^dp_m·min(x_{v,m}, current_{v,m})}; eq. (6) charges it once).
     */
    public double objective(int[][] x) {
        double s = 0;
        for (int v = 0; v < nodeCount(); v++) {
            for (int m = 0; m < serviceCount(); m++) {
                s += x[v][m] * coefficient(v, m) - deployCost[m] * Math.min(x[v][m], current[v][m]);
            }
        }
        return s;
    }

    /** Every violated constraint of a candidate, one line each (empty when feasible). */
    public List<String> violations(int[][] x) {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < nodeCount(); v++) {
            for (int m = 0; m < serviceCount(); m++) {
                if (x[v][m] < 0 || x[v][m] > upper[v][m]) {
                    out.add("bounds: x[" + nodes.get(v) + "][" + services.get(m) + "] = " + x[v][m]
                            + " (expected: 0.." + upper[v][m] + ")");
                }
            }
        }
        out.addAll(capacityViolations(x));
        out.addAll(coverageViolations(x));
        if (sparsity.diversity()) {
            out.addAll(diversityViolations(x));
        }
        if (sparsity.isolation()) {
            out.addAll(isolationViolations(x));
        }
        return out;
    }

    /** C1: the instances on a node fit its capacity in every resource. */
    public List<String> capacityViolations(int[][] x) {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < nodeCount(); v++) {
            if (capacityMode == CapacityMode.AGGREGATE) {
                ResourceVector used = ResourceVector.ZERO;
                for (int m = 0; m < serviceCount(); m++) {
                    used = used.plus(demand[m].times(x[v][m]));
                }
                if (!used.fitsIn(capacity[v])) {
                    out.add("C1: node " + nodes.get(v) + " uses " + used + " of " + capacity[v]);
                }
            } else {
                for (int m = 0; m < serviceCount(); m++) {
                    if (!demand[m].times(x[v][m]).fitsIn(capacity[v])) {
                        out.add("C1: " + x[v][m] + " x " + services.get(m) + " exceed node " + nodes.get(v));
                    }
                }
            }
        }
        return out;
    }

    /** C2: the instances of each service cover its estimated demand {@code Σ_v z̃_{v,m}}. */
    public List<String> coverageViolations(int[][] x) {
        List<String> out = new ArrayList<>();
        for (int m = 0; m < serviceCount(); m++) {
            int total = 0;
            for (int v = 0; v < nodeCount(); v++) {
                total += x[v][m];
            }
            if (total + 1e-9 < required[m]) {
                out.add("C2: " + services.get(m) + " has " + total + " instances for a demand of " + required[m]);
            }
        }
        return out;
    }

    /** Sparsity, diversity reading: {@code S_min ≤ ||x_{·,m}||_0 ≤ S_max}. */
    public List<String> diversityViolations(int[][] x) {
        List<String> out = new ArrayList<>();
        for (int m = 0; m < serviceCount(); m++) {
            int distinct = 0;
            for (int v = 0; v < nodeCount(); v++) {
                distinct += x[v][m] > 0 ? 1 : 0;
            }
            if (distinct < minNodes[m] || distinct > maxNodes[m]) {
                out.add("diversity: " + services.get(m) + " on " + distinct + " nodes (expected: "
                        + minNodes[m] + ".." + maxNodes[m] + ")");
            }
        }
        return out;
    }

    /** Sparsity, isolation reading: {@code ||x_{v,·}||_0 ≤ S}. */
    public List<String> isolationViolations(int[][] x) {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < nodeCount(); v++) {
            int types = 0;
            for (int m = 0; m < serviceCount(); m++) {
                types += x[v][m] > 0 ? 1 : 0;
            }
            if (types > maxTypesPerNode) {
                out.add("isolation: node " + nodes.get(v) + " hosts " + types + " core types (expected: at most "
                        + maxTypesPerNode + ")");
            }
        }
        return out;
    }

    /** The largest number of copies of {@code r} fitting {@code R} in every resource. */
    static int copies(ResourceVector r, ResourceVector capacity, int cap) {
        return Math.min(cap, r.copiesFittingIn(capacity));
    }

    /** The bottleneck share of a node's capacity one instance of a service takes (max over resources). */
    double share(int v, int m) {
        double s = 0;
        for (Resource k : Resource.values()) {
            double need = demand[m].get(k);
            if (need > 0) {
                double have = capacity[v].get(k);
                s = Math.max(s, have <= 0 ? Double.POSITIVE_INFINITY : need / have);
            }
        }
        return s;
    }
}
