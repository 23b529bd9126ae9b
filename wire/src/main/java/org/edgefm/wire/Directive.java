package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * The host's desired state for one node. Latest wins: an agent applies a directive only when its
 * {@code (plannerEpoch, version)} is newer than what it runs, and ignores one from an older planner
 * epoch.
 *
 * @param schema       schema version
 * @param nodeId       the node
 * @param plannerEpoch the host's planner epoch (increases on host restart and re-planning)
 * @param version      version of the desired state, increasing per node
 * @param issuedAtMs   wall clock at issue, ms since the epoch
 * @param desired      the full desired state
 * @param taskKey      the node's key for this planner epoch, with which it signs the tasks that enter
 *                     at it ({@link TaskTicket}); added by the host when it publishes, never stored
 *                     in the host's outbox or journal; null where the host signs no tasks
 * @param dataToken    the fleet's data-plane credential: task submissions, agent-to-agent stage data
 *                     and link probes must carry it ({@code Authorization: Bearer}); added like
 *                     {@code taskKey}; null where the data plane is open
 */
public record Directive(int schema, String nodeId, long plannerEpoch, long version, long issuedAtMs,
        DesiredState desired, String taskKey, String dataToken) implements NodeMessage {
    /** Validates every field. */
    public Directive {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.positive(version, "version");
        Check.nonNegative(issuedAtMs, "issuedAtMs");
        Check.notNull(desired, "desired");
        secret(taskKey, "taskKey");
        secret(dataToken, "dataToken");
    }

    /** A directive without task key and data token. */
    public Directive(int schema, String nodeId, long plannerEpoch, long version, long issuedAtMs, DesiredState desired) {
        this(schema, nodeId, plannerEpoch, version, issuedAtMs, desired, null, null);
    }

    /** The same directive carrying the node's task key and the fleet's data token. */
    public Directive withSecrets(String taskKey, String dataToken) {
        return new Directive(schema, nodeId, plannerEpoch, version, issuedAtMs, desired, taskKey, dataToken);
    }

    /** The same directive without secrets (what may be stored or shown). */
    public Directive withoutSecrets() {
        return taskKey == null && dataToken == null ? this : withSecrets(null, null);
    }

    @Override
    public String toString() {
        return "Directive[schema=" + schema + ", nodeId=" + nodeId + ", plannerEpoch=" + plannerEpoch + ", version="
                + version + ", issuedAtMs=" + issuedAtMs + ", desired=" + desired + ", taskKey="
                + (taskKey == null ? "none" : "(set)") + ", dataToken=" + (dataToken == null ? "none" : "(set)") + "]";
    }

    static void secret(String value, String field) {
        if (value != null && (value.length() < 16 || value.length() > 128 || !value.matches("[A-Za-z0-9_-]+"))) {
            throw new org.edgefm.api.InvalidFieldException(field, "(hidden) (expected: 16-128 characters of [A-Za-z0-9_-])");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.DIRECTIVE;
    }
}
