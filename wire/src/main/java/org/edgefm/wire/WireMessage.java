package org.edgefm.wire;

/**
 * A control-plane message. Every payload carries the protocol {@code schema} version; the codec
 * refuses versions it does not know.
 */
public sealed interface WireMessage permits NodeMessage, HostState {
    /** The schema version of this payload. */
    int schema();

    /** The message type, which decides the topic level, QoS and retain flag. */
    MessageType type();
}
