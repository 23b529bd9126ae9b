package org.edgefm.wire;

/**
 * The message types of the control plane, with their topic level, record class, QoS, retain flag
 * and publisher (ARCHITECTURE.md, wire protocol).
 */
public enum MessageType {
    /** Agent (re)connected: profile, capabilities, session epoch, applied version, calibration. */
    BIRTH("birth", Birth.class, Qos.AT_LEAST_ONCE, true, Publisher.AGENT),
    /** Agent gone: its MQTT Will, or published on a clean stop. */
    DEATH("death", Death.class, Qos.AT_LEAST_ONCE, false, Publisher.AGENT),
    /** Periodic metrics with a sequence number. */
    TELEMETRY("telemetry", Telemetry.class, Qos.AT_MOST_ONCE, false, Publisher.AGENT),
    /** The host's full desired state for one node. */
    DIRECTIVE("directive", Directive.class, Qos.AT_LEAST_ONCE, false, Publisher.HOST),
    /** The agent's answer to a directive, after it persisted and applied it. */
    ACK("ack", Ack.class, Qos.AT_LEAST_ONCE, false, Publisher.AGENT),
    /** Task completions with stage timestamps. */
    RESULT("result", Result.class, Qos.AT_LEAST_ONCE, false, Publisher.AGENT),
    /** A host request to one node: rebirth, recalibrate. */
    COMMAND("command", Command.class, Qos.AT_LEAST_ONCE, false, Publisher.HOST),
    /** The node's task key and the fleet's data token: readable by that node and the host only. */
    KEYS("keys", TaskKeys.class, Qos.AT_LEAST_ONCE, false, Publisher.HOST),
    /** The host's own state; retained, with an offline Will. */
    HOST_STATE("state", HostState.class, Qos.AT_LEAST_ONCE, true, Publisher.HOST);

    private final String level;
    private final Class<? extends WireMessage> messageClass;
    private final Qos qos;
    private final boolean retained;
    private final Publisher publisher;

    MessageType(String level, Class<? extends WireMessage> messageClass, Qos qos, boolean retained, Publisher publisher) {
        this.level = level;
        this.messageClass = messageClass;
        this.qos = qos;
        this.retained = retained;
        this.publisher = publisher;
    }

    /** The last topic level, e.g. {@code birth}. */
    public String level() {
        return level;
    }

    /** The record class carried by this type. */
    public Class<? extends WireMessage> messageClass() {
        return messageClass;
    }

    /** The QoS to publish with. */
    public Qos qos() {
        return qos;
    }

    /** Whether the broker retains the last message. */
    public boolean retained() {
        return retained;
    }

    /** Who publishes it. */
    public Publisher publisher() {
        return publisher;
    }

    /** True for types published under {@code node/{id}/}. */
    public boolean perNode() {
        return this != HOST_STATE;
    }

    /** The node-level type with this topic level, or null. */
    static MessageType ofNodeLevel(String level) {
        for (MessageType t : values()) {
            if (t.perNode() && t.level.equals(level)) {
                return t;
            }
        }
        return null;
    }
}
