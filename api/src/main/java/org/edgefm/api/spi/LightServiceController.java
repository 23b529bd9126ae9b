package org.edgefm.api.spi;

import org.edgefm.api.model.SystemModel;

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

    /**
     * Prepares for a core placement that is about to come into force, so that the first
     * {@link #decide} on it costs what a later one does (for example the per-stream analyses of the
     * new placement). The host calls it, when it computes placements off the control loop's thread,
     * on the core planner's thread after the placement returned and before it comes into force;
     * {@code decide} for the placement in force MAY run at the same time. An implementation MUST NOT
     * let it change a decision: a {@code decide} on {@code model} and {@code placement} MUST return
     * what it would have returned without this call, and any other {@code decide} MUST NOT see it.
     * It may be called for a placement that never comes into force. The default does nothing.
     *
     * @param model     the system model the placement was computed for (the one later observations carry)
     * @param placement the placement
     */
    default void prepare(SystemModel model, CorePlacement placement) {
    }
}
