package org.edgefm.wire;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * One finished task, for on-time accounting. Task ids are unique per run, so a completion
 * re-published after a reconnect is counted once.
 *
 * @param taskId        unique task id
 * @param taskType      task type id
 * @param origin        node where the task entered
 * @param submittedAtMs arrival at the origin, ms since the epoch
 * @param completedAtMs end of the sink stage, ms since the epoch
 * @param deadlineMs    the task type's deadline {@code D_n}
 * @param success       false when a stage failed
 * @param error         why it failed, or null
 * @param stages        per-stage timings
 * @param answer        what a real model answered (label and score), or null for a task whose sink
 *                      computes no answer (synthetic kernels) or that failed
 * @param ticket        the origin's signature of the task ({@link TaskTicket}), or null where the origin
 *                      had no task key (a host that signs tasks rejects such completions)
 */
public record TaskCompletion(String taskId, String taskType, String origin, long submittedAtMs, long completedAtMs,
        double deadlineMs, boolean success, String error, List<StageTiming> stages, TaskAnswer answer, String ticket) {
    /** Validates every field. */
    public TaskCompletion {
        Check.notNull(taskId, "taskId");
        if (taskId.isBlank() || taskId.length() > 128) {
            throw new InvalidFieldException("taskId", Check.quote(taskId) + " (expected: 1-128 characters)");
        }
        Check.id(taskType, "taskType");
        Check.id(origin, "origin");
        Check.nonNegative(submittedAtMs, "submittedAtMs");
        if (completedAtMs < submittedAtMs) {
            throw new InvalidFieldException("completedAtMs", completedAtMs + " (expected: >= submittedAtMs " + submittedAtMs + ")");
        }
        Check.positive(deadlineMs, "deadlineMs");
        stages = Check.listOf(stages, "stages");
        if (ticket != null && (ticket.isEmpty() || ticket.length() > 128)) {
            throw new InvalidFieldException("ticket", Check.quote(ticket) + " (expected: 1-128 characters)");
        }
    }

    /** A completion without an answer or a ticket. */
    public TaskCompletion(String taskId, String taskType, String origin, long submittedAtMs, long completedAtMs,
            double deadlineMs, boolean success, String error, List<StageTiming> stages) {
        this(taskId, taskType, origin, submittedAtMs, completedAtMs, deadlineMs, success, error, stages, null, null);
    }

    /** A completion with an answer and without a ticket. */
    public TaskCompletion(String taskId, String taskType, String origin, long submittedAtMs, long completedAtMs,
            double deadlineMs, boolean success, String error, List<StageTiming> stages, TaskAnswer answer) {
        this(taskId, taskType, origin, submittedAtMs, completedAtMs, deadlineMs, success, error, stages, answer, null);
    }

    /** A completion with a ticket and without an answer. */
    public TaskCompletion(String taskId, String taskType, String origin, long submittedAtMs, long completedAtMs,
            double deadlineMs, boolean success, String error, List<StageTiming> stages, String ticket) {
        this(taskId, taskType, origin, submittedAtMs, completedAtMs, deadlineMs, success, error, stages, null, ticket);
    }

    /** End-to-end latency in ms. */
    public long latencyMs() {
        return completedAtMs - submittedAtMs;
    }

    /** True when the task succeeded within its deadline. */
    public boolean onTime() {
        return success && latencyMs() <= deadlineMs;
    }
}
