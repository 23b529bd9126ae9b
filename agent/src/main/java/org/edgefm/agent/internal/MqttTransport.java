package org.edgefm.agent.internal;

import java.util.concurrent.CompletableFuture;

/**
 * One MQTT connection, MQTT 5 or 3.1.1 (Eclipse Paho). {@link #connect} and {@link #subscribe}
 * block (call them on a worker); {@link #publish} completes when the broker acknowledged a QoS 1
 * message (or at once for QoS 0). The handler is called on Paho's threads.
 */
public interface MqttTransport {
    /** The last will. */
    record Will(String topic, byte[] payload, int qos, boolean retained) {
    }

    /** Receives messages and the loss of the connection. */
    interface Handler {
        /** A message arrived. */
        void message(String topic, byte[] payload);

        /** The connection broke (not called after {@link #disconnect}). */
        void connectionLost(String reason);

        /**
         * The broker ended the connection because another client connected with the same client id
         * (MQTT 5 reason code 0x8E, session taken over). Defaults to {@link #connectionLost}.
         */
        default void takenOver(String reason) {
            connectionLost(reason);
        }
    }

    /** Connects with a will; throws {@link MqttLinkException} with a one-line reason on failure. */
    void connect(Will will, Handler handler) throws MqttLinkException;

    /** Subscribes to filters at QoS 1. */
    void subscribe(String... filters) throws MqttLinkException;

    /** Publishes. */
    CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained);

    /** Disconnects cleanly (the broker discards the will) and releases the client. */
    void disconnect();

    /** Drops the connection without a DISCONNECT packet (the broker publishes the will). */
    void disconnectUncleanly();

    /** {@code MQTT 5} or {@code MQTT 3.1.1}. */
    String protocol();

    /** A connection failure, with a one-line message and whether the broker refused the protocol version. */
    final class MqttLinkException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean protocolRefused;

        /** Creates the exception. */
        public MqttLinkException(String message, boolean protocolRefused, Throwable cause) {
            super(message, cause);
            this.protocolRefused = protocolRefused;
        }

        /** True when the broker answered but does not speak this protocol version. */
        public boolean protocolRefused() {
            return protocolRefused;
        }
    }
}
