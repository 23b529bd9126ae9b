package org.edgefm.wire;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * Every MQTT topic EdgeFM uses, built in one place. Node topics are
 * {@code edgefm/v1/{fleet}/node/{id}/{type}}; the host's state is {@code edgefm/v1/{fleet}/host/state}.
 * Fleet and node ids containing {@code / + #} are refused, so an id can never widen a subscription
 * or escape its subtree.
 */
public final class Topics {
    /** The root of every EdgeFM topic, with the protocol's major version. */
    public static final String ROOT = "edgefm/v1";
    /** Matches every EdgeFM topic of every fleet. */
    public static final String ALL_FLEETS_FILTER = ROOT + "/#";

    private final String fleet;
    private final String prefix;

    private Topics(String fleet) {
        this.fleet = Check.id(fleet, "fleet");
        this.prefix = ROOT + "/" + fleet + "/";
    }

    /** The topics of one fleet. */
    public static Topics forFleet(String fleet) {
        return new Topics(fleet);
    }

    /** The fleet name. */
    public String fleet() {
        return fleet;
    }

    /** The topic of a per-node message type for one node. */
    public String node(String nodeId, MessageType type) {
        Check.nodeId(nodeId, "nodeId");
        if (!type.perNode()) {
            throw new IllegalArgumentException(type + " is not a per-node message type");
        }
        return prefix + "node/" + nodeId + "/" + type.level();
    }

    /** {@code node/{id}/birth}. */
    public String birth(String nodeId) {
        return node(nodeId, MessageType.BIRTH);
    }

    /** {@code node/{id}/death}. */
    public String death(String nodeId) {
        return node(nodeId, MessageType.DEATH);
    }

    /** {@code node/{id}/telemetry}. */
    public String telemetry(String nodeId) {
        return node(nodeId, MessageType.TELEMETRY);
    }

    /** {@code node/{id}/directive}. */
    public String directive(String nodeId) {
        return node(nodeId, MessageType.DIRECTIVE);
    }

    /** {@code node/{id}/ack}. */
    public String ack(String nodeId) {
        return node(nodeId, MessageType.ACK);
    }

    /** {@code node/{id}/result}. */
    public String result(String nodeId) {
        return node(nodeId, MessageType.RESULT);
    }

    /** {@code node/{id}/command}. */
    public String command(String nodeId) {
        return node(nodeId, MessageType.COMMAND);
    }

    /** {@code edgefm/v1/{fleet}/node/{nodeId}/keys}: the node's secrets ({@link TaskKeys}). */
    public String keys(String nodeId) {
        return node(nodeId, MessageType.KEYS);
    }

    /**
     * The MQTT client id of node {@code nodeId}'s agent in this fleet: {@code edgefm-{fleet}-{id}}.
     * The embedded broker accepts an agent's account only with this client id, so one account can
     * never take over another node's session.
     */
    public String agentClientId(String nodeId) {
        return "edgefm-" + fleet + "-" + Check.nodeId(nodeId, "nodeId");
    }

    /** {@code host/state}. */
    public String hostState() {
        return prefix + "host/state";
    }

    /** The filter matching one per-node message type of every node, e.g. {@code .../node/+/telemetry}. */
    public String filter(MessageType type) {
        if (!type.perNode()) {
            return hostState();
        }
        return prefix + "node/+/" + type.level();
    }

    /** The filter matching everything one node may publish or receive: {@code .../node/{id}/#}. */
    public String nodeSubtree(String nodeId) {
        return prefix + "node/" + Check.nodeId(nodeId, "nodeId") + "/#";
    }

    /** The filter matching every node topic of this fleet: {@code .../node/#}. */
    public String allNodesFilter() {
        return prefix + "node/#";
    }

    /**
     * Parses a concrete topic of any fleet.
     *
     * @throws WireFormatException naming the topic when it is not an EdgeFM topic
     */
    public static ParsedTopic parse(String topic) {
        if (topic == null) {
            throw new WireFormatException("(no topic)", "topic", "missing", WireFormatException.Kind.UNKNOWN_TOPIC);
        }
        String[] p = topic.split("/", -1);
        // edgefm / v1 / fleet / node / id / type   or   edgefm / v1 / fleet / host / state
        if (p.length >= 3 && p[0].equals("edgefm") && p[1].equals("v1")) {
            String fleet = p[2];
            try {
                Check.id(fleet, "fleet");
                if (p.length == 5 && p[3].equals("host") && p[4].equals("state")) {
                    return new ParsedTopic(fleet, null, MessageType.HOST_STATE);
                }
                if (p.length == 6 && p[3].equals("node")) {
                    Check.nodeId(p[4], "nodeId");
                    MessageType t = MessageType.ofNodeLevel(p[5]);
                    if (t != null) {
                        return new ParsedTopic(fleet, p[4], t);
                    }
                }
            } catch (InvalidFieldException e) {
                throw new WireFormatException(topic, e.field(), e.problem(), WireFormatException.Kind.UNKNOWN_TOPIC);
            }
        }
        throw new WireFormatException(topic, "topic", "not an EdgeFM topic (expected: " + ROOT
                + "/{fleet}/node/{id}/{birth|death|telemetry|directive|ack|result|command} or "
                + ROOT + "/{fleet}/host/state)", WireFormatException.Kind.UNKNOWN_TOPIC);
    }

    /**
     * A topic taken apart.
     *
     * @param fleet  the fleet
     * @param nodeId the node id, or null for {@code host/state}
     * @param type   the message type
     */
    public record ParsedTopic(String fleet, String nodeId, MessageType type) {
    }
}
