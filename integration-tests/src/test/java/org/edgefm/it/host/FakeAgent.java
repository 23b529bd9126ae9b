package org.edgefm.it.host;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Death;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.edgefm.it.support.MqttCallbacks;

/**
 * A minimal agent over real Paho v5: connects with its node's account (Will = death), publishes a
 * retained birth, records the directives it receives and acknowledges them when asked to.
 */
final class FakeAgent implements AutoCloseable {
    final String node;
    final Topics topics;
    final WireCodec codec = new WireCodec();
    final List<Directive> directives = new CopyOnWriteArrayList<>();
    final MqttClient mqtt;
    volatile boolean autoAck;
    long session = 1;
    long seq;

    FakeAgent(String url, String fleet, String node, String password) throws MqttException {
        this.node = node;
        this.topics = Topics.forFleet(fleet);
        this.mqtt = new MqttClient(url, topics.agentClientId(node), new MemoryPersistence());
        mqtt.setCallback(MqttCallbacks.onMessage((topic, m) -> {
            if (topic.equals(topics.directive(node))) {
                Directive d = codec.decode(topic, m.getPayload(), Directive.class);
                directives.add(d);
                if (autoAck) {
                    new Thread(() -> ack(d)).start();
                }
            }
        }));
        connect(password);
    }

    void connect(String password) throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(node);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setConnectionTimeout(10);
        MqttMessage will = new MqttMessage(codec.encode(new Death(WireCodec.SCHEMA, node, session, 1, "will")));
        will.setQos(1);
        o.setWill(topics.death(node), will);
        mqtt.connect(o);
        mqtt.subscribe(topics.directive(node), 1);
    }

    /** Connects again after the broker went away, with a new session, and publishes a birth. */
    void reconnect(String url, String password, long appliedEpoch, long appliedVersion) throws MqttException {
        session++;
        if (mqtt.isConnected()) {
            mqtt.disconnectForcibly(100, 1000);
        }
        connect(password);
        birth(appliedEpoch, appliedVersion);
    }

    /**
     * Publishes at QoS 1. The broker's receive maximum bounds the messages in flight (Mosquitto's
     * default is 20); a burst past it waits for acknowledgements, as a well-behaved client does, for up
     * to 10 s.
     */
    void publish(WireMessage m, String topic) throws MqttException {
        MqttMessage msg = new MqttMessage(codec.encode(m));
        msg.setQos(1);
        msg.setRetained(m.type() == MessageType.BIRTH);
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                mqtt.publish(topic, msg);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > until) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
            }
        }
    }

    void birth(long appliedEpoch, long appliedVersion) throws MqttException {
        publish(new Birth(WireCodec.SCHEMA, node, session, System.currentTimeMillis(), "it", "it",
                new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "none", List.of()), appliedVersion,
                appliedEpoch, List.of(), "127.0.0.1:1"), topics.birth(node));
    }

    void telemetry(long appliedVersion) throws MqttException {
        telemetry(appliedVersion, 0.1);
    }

    /** Publishes telemetry reporting the given CPU load in [0, 1]. */
    void telemetry(long appliedVersion, double cpuLoad) throws MqttException {
        publish(new Telemetry(WireCodec.SCHEMA, node, session, seq++, System.currentTimeMillis(), appliedVersion,
                new HostMetrics(cpuLoad, List.of(), 1, 2, 0, 0, 1, 2, 0, 0, null, 1), List.of(), List.of(), List.of()),
                topics.telemetry(node));
    }

    /** Publishes this session's death, as an agent that shuts down cleanly does. */
    void death(String reason) throws MqttException {
        publish(new Death(WireCodec.SCHEMA, node, session, System.currentTimeMillis(), reason), topics.death(node));
    }

    void ack(Directive d) {
        try {
            publish(new Ack(WireCodec.SCHEMA, node, d.plannerEpoch(), d.version(), AckOutcome.APPLIED, null,
                    System.currentTimeMillis()), topics.ack(node));
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes raw bytes at QoS 1. */
    void raw(String topic, byte[] payload) throws MqttException {
        MqttMessage msg = new MqttMessage(payload);
        msg.setQos(1);
        mqtt.publish(topic, msg);
    }

    @Override
    public void close() {
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnectForcibly(100, 1000);
            }
        } catch (MqttException ignored) {
            // teardown
        }
        try {
            mqtt.close(true);
        } catch (MqttException ignored) {
            // teardown
        }
    }
}
