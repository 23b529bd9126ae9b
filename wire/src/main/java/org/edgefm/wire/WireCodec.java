package org.edgefm.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.edgefm.api.Check;
import org.edgefm.wire.internal.Json;

/**
 * Encodes wire messages to JSON and decodes and validates received payloads.
 *
 * <p>Decoding is a pipeline of small stages, each refusing with a {@link WireFormatException} that
 * names the topic and the field: topic parse, size limit, JSON object, {@code schema} version,
 * binding (types, required fields, value ranges checked by the records), and the node id of the
 * payload against the topic. Unknown properties are ignored so that newer agents can add fields
 * within a schema version. Thread-safe.
 */
public final class WireCodec {
    /** The schema version this code writes and reads. */
    public static final int SCHEMA = 1;
    /** Default maximum payload size: 256 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    /**
     * The wire schema of directives: the compact encoding with a table of ids and shared target lists, and
     * parts for a directive over the payload limit (docs/wire-protocol.md, "Directive encoding"). A
     * {@link Directive} record keeps {@link #SCHEMA}; this codec writes every directive in this form and
     * still reads schema-1 directives. An agent that knows schema 1 only refuses these with a
     * {@code schema: unsupported version 2} rejected ack.
     */
    public static final int DIRECTIVE_SCHEMA = 2;
    /** The most parts a directive is split into; an agent refuses a larger count. */
    public static final int MAX_DIRECTIVE_PARTS = 64;

    /**
     * A codec for stored whole directives (the host's outbox, the agent's applied directive): a directive
     * split on the wire is stored as one document of up to {@link #MAX_DIRECTIVE_PARTS} payloads.
     */
    public static WireCodec forStoredDirectives() {
        return new WireCodec(MAX_DIRECTIVE_PARTS * DEFAULT_MAX_PAYLOAD_BYTES);
    }

    private final int maxPayloadBytes;

    /** A codec with the default payload limit. */
    public WireCodec() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /** A codec refusing payloads larger than {@code maxPayloadBytes}. */
    public WireCodec(int maxPayloadBytes) {
        this.maxPayloadBytes = Check.positive(maxPayloadBytes, "maxPayloadBytes");
    }

    /** The payload size limit in bytes. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * Encodes a message as UTF-8 JSON; a message of another schema version is refused. A directive is
     * written whole in its compact encoding (schema {@value #DIRECTIVE_SCHEMA}), whatever its size: to
     * publish one, use {@link #encodeDirective}.
     */
    public byte[] encode(WireMessage message) {
        if (message.schema() != SCHEMA) {
            throw new IllegalArgumentException("schema: " + message.schema() + " (expected: " + SCHEMA
                    + "; this code writes schema " + SCHEMA + " only)");
        }
        if (message instanceof Directive d) {
            return DirectiveFormat.write(d, 0, 0);
        }
        if (message instanceof DirectivePart p) {
            return DirectiveFormat.write(p.piece(), p.index(), p.count());
        }
        try {
            return Json.WIRE.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.type(), e);
        }
    }

    /**
     * The payloads that carry a directive: one when its compact encoding fits this codec's payload limit,
     * else 2 to {@link #MAX_DIRECTIVE_PARTS} parts, each within the limit, to be published in order.
     *
     * @throws IllegalArgumentException when no split carries it (a single route, peer or the services alone
     *                                  over the limit), naming the node, version and size
     */
    public java.util.List<byte[]> encodeDirective(Directive d) {
        if (d.schema() != SCHEMA) {
            throw new IllegalArgumentException("schema: " + d.schema() + " (expected: " + SCHEMA + ")");
        }
        return DirectiveFormat.split(d, maxPayloadBytes);
    }

    /**
     * Decodes a payload received on {@code topic}; the topic decides the message type. On a directive
     * topic the result is a {@link Directive} or, for a split one, a {@link DirectivePart}.
     *
     * @throws WireFormatException naming the topic and field when the message is not acceptable
     */
    public WireMessage decode(String topic, byte[] payload) {
        Topics.ParsedTopic parsed = Topics.parse(topic);
        WireMessage m = bind(topic, payload, parsed.type().messageClass());
        if (m instanceof NodeMessage nm && !nm.nodeId().equals(parsed.nodeId())) {
            throw new WireFormatException(topic, "nodeId", Check.quote(nm.nodeId())
                    + " (expected: the topic's node id " + Check.quote(parsed.nodeId()) + ")",
                    WireFormatException.Kind.TOPIC_MISMATCH);
        }
        return m;
    }

    /**
     * Decodes a payload as a given message type, checking the topic's type too.
     *
     * @throws WireFormatException naming the topic and field when the message is not acceptable
     */
    public <T extends WireMessage> T decode(String topic, byte[] payload, Class<T> type) {
        WireMessage m = decode(topic, payload);
        if (m instanceof DirectivePart p && type == Directive.class) {
            throw new WireFormatException(topic, "part", p.index() + "/" + p.count() + ": a part of a split directive"
                    + " (expected: a whole directive here)", WireFormatException.Kind.BAD_VALUE);
        }
        if (!type.isInstance(m)) {
            throw new WireFormatException(topic, "topic", "carries " + m.type().level() + ", not "
                    + type.getSimpleName(), WireFormatException.Kind.UNKNOWN_TOPIC);
        }
        return type.cast(m);
    }

    private WireMessage bind(String topic, byte[] payload, Class<? extends WireMessage> type) {
        if (payload == null || payload.length == 0) {
            throw new WireFormatException(topic, "payload", "empty (expected: a JSON object)",
                    WireFormatException.Kind.NOT_JSON);
        }
        if (payload.length > maxPayloadBytes) {
            throw new WireFormatException(topic, "payload", payload.length + " bytes (expected: at most "
                    + maxPayloadBytes + ")", WireFormatException.Kind.OVERSIZED);
        }
        JsonNode tree;
        try {
            tree = Json.WIRE.readTree(payload);
        } catch (JsonProcessingException e) {
            Json.Failure f = Json.describe(e);
            throw new WireFormatException(topic, "payload", f.path() + ": " + f.problem(), WireFormatException.Kind.NOT_JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || !tree.isObject()) {
            throw new WireFormatException(topic, "payload", "a JSON " + (tree == null ? "nothing" : tree.getNodeType()
                    .toString().toLowerCase()) + " (expected: a JSON object)", WireFormatException.Kind.NOT_JSON);
        }
        JsonNode schema = tree.get("schema");
        if (schema == null || schema.isNull()) {
            throw new WireFormatException(topic, "schema", "missing (expected: " + (type == Directive.class
                    ? DIRECTIVE_SCHEMA : SCHEMA) + ")",
                    WireFormatException.Kind.SCHEMA);
        }
        if (type == Directive.class) {
            if (schema.isIntegralNumber() && schema.asLong() == DIRECTIVE_SCHEMA) {
                try {
                    return DirectiveFormat.read(topic, tree);
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException(topic, "payload", String.valueOf(e.getMessage()),
                            WireFormatException.Kind.BAD_VALUE);
                }
            }
            if (!schema.isIntegralNumber() || schema.asLong() != SCHEMA) {
                throw new WireFormatException(topic, "schema", "unsupported version " + schema + " (expected: "
                        + DIRECTIVE_SCHEMA + " for a directive, or the older " + SCHEMA + ")", WireFormatException.Kind.SCHEMA);
            }
        } else if (!schema.isIntegralNumber() || schema.asLong() != SCHEMA) {
            throw new WireFormatException(topic, "schema", "unsupported version " + schema
                    + " (expected: " + SCHEMA + ")", WireFormatException.Kind.SCHEMA);
        }
        try {
            return Json.WIRE.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            Json.Failure f = Json.describe(e);
            throw new WireFormatException(topic, f.path(), f.problem(),
                    f.missing() ? WireFormatException.Kind.MISSING_FIELD : WireFormatException.Kind.BAD_VALUE);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(topic, "payload", String.valueOf(e.getMessage()), WireFormatException.Kind.BAD_VALUE);
        }
    }
}
