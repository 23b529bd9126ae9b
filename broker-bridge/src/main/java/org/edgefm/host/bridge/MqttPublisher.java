package org.edgefm.host.bridge;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.edgefm.host.HostMeters;
import org.edgefm.wire.Directive;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts wire messages on the host's MQTT connection: encodes each (a directive compactly, without its
 * secrets, in parts where it is over the wire's limit), refuses one the broker would not take, and
 * publishes on whichever Paho client is current (the bridge replaces a stuck one), counting every
 * publication in {@link HostMeters}.
 */
final class MqttPublisher {
    /** Logs under the bridge's name, which operators' and the load bench's log settings address. */
    private static final Logger LOG = LoggerFactory.getLogger(MqttFleet.class);

    private final Supplier<MqttAsyncClient> client;
    private final WireCodec codec;
    private final HostMeters meters;

    /**
     * @param client the current client (read at every publication)
     * @param codec  the wire codec
     * @param meters the host's meters
     */
    MqttPublisher(Supplier<MqttAsyncClient> client, WireCodec codec, HostMeters meters) {
        this.client = Objects.requireNonNull(client, "client is null");
        this.codec = Objects.requireNonNull(codec, "codec is null");
        this.meters = Objects.requireNonNull(meters, "meters is null");
    }

    /** True while the current client is connected. */
    boolean connected() {
        return client.get().isConnected();
    }

    /**
     * The payloads of one message, or null when it cannot go (logged and counted as oversize).
     *
     * @param unencodable run when the codec refused the message outright (not when a payload was too large)
     */
    List<byte[]> encode(String topic, WireMessage m, Runnable unencodable) {
        List<byte[]> payloads;
        try {
            // a directive goes in its compact encoding, in parts where it is over the wire's limit
            payloads = m instanceof Directive d ? codec.encodeDirective(d.withoutSecrets()) : List.of(codec.encode(m));
        } catch (IllegalArgumentException e) {
            // a packet over the broker's limit makes the broker cut the host's whole connection (and with it
            // every node's telemetry); the agents would refuse the payload anyway
            meters.messageOversize(m.type().level());
            LOG.warn("not sending {} to {}: {}", m.type().level(), topic, e.getMessage());
            unencodable.run();
            return null;
        }
        for (byte[] payload : payloads) {
            if (payload.length > WireCodec.DEFAULT_MAX_PAYLOAD_BYTES) {
                meters.messageOversize(m.type().level());
                LOG.warn("not sending {} to {}: {} bytes, above the wire's limit of {} bytes", m.type().level(), topic,
                        payload.length, WireCodec.DEFAULT_MAX_PAYLOAD_BYTES);
                return null;
            }
        }
        return payloads;
    }

    /**
     * Publishes a message that needs no confirmation (host state, commands); false when not connected,
     * refused by {@link #encode} or failed.
     */
    boolean publish(String topic, WireMessage m) {
        if (!connected()) {
            return false;
        }
        List<byte[]> payloads = encode(topic, m, () -> { });
        if (payloads == null) {
            return false;
        }
        try {
            for (byte[] payload : payloads) {
                publish(topic, m.type(), payload, null);
            }
            return true;
        } catch (MqttException e) {
            LOG.debug("publish to {} failed: {}", topic, e.getMessage());
            return false;
        }
    }

    /** Publishes one payload with the type's QoS and retain flag and counts it; {@code listener} may be null. */
    void publish(String topic, MessageType type, byte[] payload, MqttActionListener listener) throws MqttException {
        client.get().publish(topic, payload, type.qos().level(), type.retained(), null, listener);
        meters.messageOut(type.level());
    }
}
