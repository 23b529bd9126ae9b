package org.edgefm.api.spi;

/**
 * Tier 2: decides light instances, parallelism and routing every slot. MUST return within
 * milliseconds; the host measures every call. An instance keeps its own state between slots (for
 * example Lyapunov virtual queues); the host creates one per control loop.
 */
public interface LightServiceController {
    /**
     * Decides for one slot. Stale or missing metrics MUST yield a result with reasons, never an
     * exception.
     *
     * @param observation the slot's observation
     * @return the decision, or an infeasible result with reasons (and a best effort where one exists)
     */
    PlanResult<LightDecision> decide(SlotObservation observation);
}
