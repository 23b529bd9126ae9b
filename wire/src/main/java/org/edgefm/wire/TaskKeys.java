package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * The host's secrets for one node, on the node's own {@code keys} topic, which only that node and
 * the host may read (the broker's ACL; a monitor account that reads everything else in the fleet,
 * directives included, never gets it). The host publishes it before each directive it sends the
 * node.
 *
 * @param schema       schema version
 * @param nodeId       the node
 * @param plannerEpoch the planner epoch the task key belongs to
 * @param taskKey      the node's key for that epoch, with which it signs the tasks that enter at it
 *                     ({@link TaskTicket})
 * @param dataToken    the fleet's data-plane credential (task submissions, stage data, link probes
 *                     carry it as {@code Authorization: Bearer})
 */
public record TaskKeys(int schema, String nodeId, long plannerEpoch, String taskKey, String dataToken) implements NodeMessage {
    /** Validates every field. */
    public TaskKeys {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.notNull(taskKey, "taskKey");
        Check.notNull(dataToken, "dataToken");
        Directive.secret(taskKey, "taskKey");
        Directive.secret(dataToken, "dataToken");
    }

    @Override
    public String toString() {
        return "TaskKeys[schema=" + schema + ", nodeId=" + nodeId + ", plannerEpoch=" + plannerEpoch
                + ", taskKey=(set), dataToken=(set)]";
    }

    @Override
    public MessageType type() {
        return MessageType.KEYS;
    }
}
