package org.edgefm.planner.genai;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One slot of the edge model-deployment problem of seed paper 2 (papers.md 3.3, reconstruction [I]):
 * which generative models to keep resident (stored and preloaded into GPU memory) at one edge
 * server, given the models' footprints, switching delays, request rates and the server's budgets.
 * Times in ms, sizes in the scenario's units (GB in the shipped scenarios), energy in J per slot.
 *
 * @param models         the candidate models, index {@code i} of every decision vector
 * @param storageBudget  edge storage capacity {@code S_edge}
 * @param gpuBudget      edge GPU memory {@code G_edge}
 * @param energyBudget   energy available in the slot {@code E_max} (J)
 * @param weights        cost weights {@code w_d, α_s, α_g}
 * @param previous       {@code x_{·,t−1}}: what was resident in the previous slot (same length as models)
 */
public record DeploymentProblem(List<Model> models, double storageBudget, double gpuBudget, double energyBudget,
        Weights weights, boolean[] previous) {

    /** Validates the sizes and copies the previous deployment. */
    public DeploymentProblem {
        models = List.copyOf(models);
        Objects.requireNonNull(weights, "weights is null");
        previous = previous == null ? new boolean[models.size()] : previous.clone();
        if (previous.length != models.size()) {
            throw new IllegalArgumentException("previous: " + previous.length + " entries (expected: "
                    + models.size() + ", one per model)");
        }
        if (!(storageBudget >= 0) || !(gpuBudget >= 0) || !(energyBudget >= 0)) {
            throw new IllegalArgumentException("budgets: storage " + storageBudget + ", gpu " + gpuBudget
                    + ", energy " + energyBudget + " (expected: >= 0)");
        }
    }

    /** Number of candidate models. */
    public int size() {
        return models.size();
    }

    @Override
    public boolean[] previous() {
        return previous.clone();
    }

    /** True when model {@code i} was resident in the previous slot. */
    public boolean wasResident(int i) {
        return previous[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeploymentProblem p && models.equals(p.models) && storageBudget == p.storageBudget
                && gpuBudget == p.gpuBudget && energyBudget == p.energyBudget && weights.equals(p.weights)
                && Arrays.equals(previous, p.previous);
    }

    @Override
    public int hashCode() {
        return Objects.hash(models, storageBudget, gpuBudget, energyBudget, weights, Arrays.hashCode(previous));
    }

    /**
     * One generative model (paper 2's per-model profile, papers.md 3.3).
     *
     * @param id           service id
     * @param storage      {@code s_i}: storage footprint
     * @param gpuMemory    {@code g_i}: GPU memory footprint when preloaded
     * @param transferMs   {@code τ^tx_i}: cloud-to-edge transfer time of the model
     * @param preloadMs    {@code τ^io_i}: disk-to-GPU preload (I/O) time
     * @param inferenceMs  {@code τ^inf_i}: inference time at the edge
     * @param cloudMs      {@code d^cloud_i}: delay of a request served by the cloud instead
     * @param requests     {@code λ_{i,t}}: expected requests in the slot
     * @param energyJ      {@code e_i}: energy of keeping the model resident for the slot (J)
     * @param preloadEnergyJ energy of one switch-in (J)
     */
    public record Model(String id, double storage, double gpuMemory, double transferMs, double preloadMs,
            double inferenceMs, double cloudMs, double requests, double energyJ, double preloadEnergyJ) {
        /** Validates that every quantity is finite and non-negative. */
        public Model {
            Objects.requireNonNull(id, "id is null");
            double[] all = {storage, gpuMemory, transferMs, preloadMs, inferenceMs, cloudMs, requests, energyJ,
                    preloadEnergyJ};
            for (double v : all) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("model " + id + ": " + v + " (expected: finite and >= 0)");
                }
            }
        }

        /** The switching delay {@code τ^tx_i + τ^io_i} paid when the model is brought in. */
        public double switchMs() {
            return transferMs + preloadMs;
        }

        /** This model with another expected request count. */
        public Model withRequests(double r) {
            return new Model(id, storage, gpuMemory, transferMs, preloadMs, inferenceMs, cloudMs, r, energyJ,
                    preloadEnergyJ);
        }
    }

    /**
     * Weights of the objective {@code w_d · DelayCost + ResourceCost} with
     * {@code ResourceCost = Σ x_i (α_s s_i + α_g g_i)} (papers.md 3.3, reconstruction [I]).
     *
     * @param delay   {@code w_d}: cost per ms of request delay
     * @param storage {@code α_s}: cost per unit of storage kept for one slot
     * @param gpu     {@code α_g}: cost per unit of GPU memory kept for one slot
     */
    public record Weights(double delay, double storage, double gpu) {
        /** Validates the weights. */
        public Weights {
            if (!(delay >= 0) || !(storage >= 0) || !(gpu >= 0)) {
                throw new IllegalArgumentException("weights: " + delay + ", " + storage + ", " + gpu
                        + " (expected: >= 0)");
            }
        }
    }
}
