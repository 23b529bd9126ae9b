package org.edgefm.wire;

import org.edgefm.api.EdgeFmException;

/**
 * A received MQTT message could not be accepted. The message reads
 * {@code <topic>: <field>: <problem>}, e.g.
 * {@code edgefm/v1/lab/node/j1/telemetry: seq: -3 (expected: >= 0)}; {@link #kind()} groups
 * failures for counters and rate-limited logging.
 */
public final class WireFormatException extends EdgeFmException {
    private static final long serialVersionUID = 1L;

    /** Failure classes, for metrics labels and once-per-reason logging. */
    public enum Kind {
        /** The topic is not an EdgeFM topic. */
        UNKNOWN_TOPIC,
        /** The payload exceeds the size limit. */
        OVERSIZED,
        /** The payload is not a JSON object. */
        NOT_JSON,
        /** The {@code schema} field is missing or names an unsupported version. */
        SCHEMA,
        /** A required field is absent or null. */
        MISSING_FIELD,
        /** A field has the wrong type or an out-of-range value. */
        BAD_VALUE,
        /** The payload's node id differs from the topic's. */
        TOPIC_MISMATCH
    }

    private final String topic;
    private final String field;
    private final String problem;
    private final Kind kind;

    /** Creates the exception. */
    public WireFormatException(String topic, String field, String problem, Kind kind) {
        super(topic + ": " + field + ": " + problem);
        this.topic = topic;
        this.field = field;
        this.problem = problem;
        this.kind = kind;
    }

    /** The topic the message arrived on. */
    public String topic() {
        return topic;
    }

    /** The path of the offending field in the payload ({@code services[1].queueLength}), or {@code payload}. */
    public String field() {
        return field;
    }

    /** What is wrong, without topic and field. */
    public String problem() {
        return problem;
    }

    /** The failure class. */
    public Kind kind() {
        return kind;
    }
}
