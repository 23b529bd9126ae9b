package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;

/**
 * The DNN profile of one stream for partitioning (papers.md 4.2 and 5.3 item 1, reconstruction [I]):
 * for every cut point {@code l = 0..L} (the first {@code l} stages of the chain run on the device),
 * the local work {@code c^L(l)} and edge work {@code c^E(l)} as ms per task at full device and full
 * edge compute, and the data {@code d(l)} in MB sent on the uplink (the raw input for {@code l = 0},
 * the output of stage {@code l} otherwise, nothing for {@code l = L}).
 *
 * @param taskType the task type id
 * @param stages   stage ids in chain order (first to sink)
 * @param localMs  {@code c^L(l)}, length {@code L + 1}, {@code localMs[0] = 0}
 * @param edgeMs   {@code c^E(l)}, length {@code L + 1}, {@code edgeMs[L] = 0}
 * @param uplinkMb {@code d(l)}, length {@code L + 1}, {@code uplinkMb[L] = 0}
 */
public record PartitionProfile(String taskType, List<String> stages, double[] localMs, double[] edgeMs,
        double[] uplinkMb) {

    /** Validates the lengths and copies the arrays. */
    public PartitionProfile {
        stages = List.copyOf(stages);
        int n = stages.size() + 1;
        if (localMs.length != n || edgeMs.length != n || uplinkMb.length != n) {
            throw new IllegalArgumentException("profile of " + taskType + ": arrays of length " + localMs.length + ", "
                    + edgeMs.length + ", " + uplinkMb.length + " (expected: " + n + ", stages + 1)");
        }
        localMs = localMs.clone();
        edgeMs = edgeMs.clone();
        uplinkMb = uplinkMb.clone();
    }

    /** {@code L}: the number of stages, the largest cut point (everything local). */
    public int cuts() {
        return stages.size();
    }

    /**
     * Builds the profile of a chain-shaped task type: stage {@code k} takes
     * {@code a_k / (E[f_k] · speed)} ms at a node with the given speed factor.
     *
     * @throws IllegalArgumentException when the task type is not a chain (a stage with two parents)
     */
    public static PartitionProfile of(SystemModel model, TaskType t, double deviceSpeed, double edgeSpeed) {
        List<Stage> order = t.topologicalOrder();
        for (Stage s : order) {
            if (t.parents(s.id()).size() > 1) {
                throw new IllegalArgumentException("task type '" + t.id() + "' is not a chain: stage '" + s.id()
                        + "' has " + t.parents(s.id()).size() + " parents (LyMDO partitions chains only)");
            }
        }
        int n = order.size();
        double[] loc = new double[n + 1];
        double[] edge = new double[n + 1];
        double[] up = new double[n + 1];
        double[] stageMsDevice = new double[n];
        double[] stageMsEdge = new double[n];
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            ServiceSpec s = model.service(order.get(k).service());
            stageMsDevice[k] = s.meanProcessingMs(deviceSpeed);
            stageMsEdge[k] = s.meanProcessingMs(edgeSpeed);
            ids.add(order.get(k).id());
        }
        for (int l = 0; l <= n; l++) {
            for (int k = 0; k < l; k++) {
                loc[l] += stageMsDevice[k];
            }
            for (int k = l; k < n; k++) {
                edge[l] += stageMsEdge[k];
            }
            up[l] = l == 0 ? t.inputMb() : l == n ? 0 : model.service(order.get(l - 1).service()).outputMb();
        }
        return new PartitionProfile(t.id(), ids, loc, edge, up);
    }

    @Override
    public double[] localMs() {
        return localMs.clone();
    }

    @Override
    public double[] edgeMs() {
        return edgeMs.clone();
    }

    @Override
    public double[] uplinkMb() {
        return uplinkMb.clone();
    }

    /** {@code c^L(l)}. */
    public double local(int l) {
        return localMs[l];
    }

    /** {@code c^E(l)}. */
    public double edge(int l) {
        return edgeMs[l];
    }

    /** {@code d(l)}. */
    public double uplink(int l) {
        return uplinkMb[l];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionProfile p && taskType.equals(p.taskType) && stages.equals(p.stages)
                && java.util.Arrays.equals(localMs, p.localMs) && java.util.Arrays.equals(edgeMs, p.edgeMs)
                && java.util.Arrays.equals(uplinkMb, p.uplinkMb);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(taskType, stages, java.util.Arrays.hashCode(localMs),
                java.util.Arrays.hashCode(edgeMs), java.util.Arrays.hashCode(uplinkMb));
    }
}
