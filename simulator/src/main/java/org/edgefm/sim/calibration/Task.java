package org.edgefm.sim.calibration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.edgefm.api.Check;

/**
 * One task of the trial's log, and what it measured where it completed: an entry of a
 * {@link Calibration}'s {@code taskLog}.
 *
 * @param atMs      submission, ms after the workload's start
 * @param user      the scenario user of its stream
 * @param taskType  its task type
 * @param origin    the node it was sent to
 * @param latencyMs end-to-end latency where it completed, or null
 * @param success   whether it completed successfully, or null where it never completed
 * @param inFlight  tasks of the workload submitted before it and not yet completed when it was submitted, or null
 * @param residualMs latency minus its critical path's service and link times, or null
 * @param stages    per stage (successful tasks with every stage timed), in the task type's order; empty otherwise
 */
public record Task(double atMs, String user, String taskType, String origin,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double latencyMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean success,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer inFlight,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double residualMs,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StageRun> stages) {
    /** Validates. */
    public Task {
        Check.nonNegative(atMs, "atMs");
        Check.id(user, "user");
        Check.id(taskType, "taskType");
        Check.nodeId(origin, "origin");
        if (latencyMs != null) {
            Check.nonNegative(latencyMs, "latencyMs");
        }
        if (inFlight != null) {
            Check.nonNegative(inFlight, "inFlight");
        }
        stages = stages == null ? List.of() : Check.listOf(stages, "stages");
    }

    /** An arrival without measurements. */
    public Task(double atMs, String user, String taskType, String origin) {
        this(atMs, user, taskType, origin, null, null, null, null, List.of());
    }
}
