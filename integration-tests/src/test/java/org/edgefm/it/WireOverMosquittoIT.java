package org.edgefm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;
import org.edgefm.wire.WireMessage;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire protocol over Debian's Mosquitto with real Paho MQTT 5 clients: messages built by the
 * api module cross a real broker on their documented topics, QoS and retain flags and decode to
 * equal records; a retained birth reaches a late subscriber; a payload published with Mosquitto's
 * own command-line client is decoded or refused with a message naming the field.
 */
@Timeout(60)
class WireOverMosquittoIT {
    @TempDir
    Path dir;

    private MosquittoBroker broker;
    private final WireCodec codec = new WireCodec();
    private final Topics topics = Topics.forFleet("it");
    private final List<MqttClient> clients = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        MosquittoBroker.assumeInstalled();
        broker = MosquittoBroker.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private MqttClient client(String id, BlockingQueue<Map.Entry<String, byte[]>> inbox) throws MqttException {
        MqttClient c = new MqttClient(broker.url(), id, new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                inbox.add(Map.entry(topic, m.getPayload()));
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int reason, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        c.connect(o);
        clients.add(c);
        return c;
    }

    private void publish(MqttClient c, String topic, WireMessage m) throws MqttException {
        MqttMessage msg = new MqttMessage(codec.encode(m));
        msg.setQos(m.type().qos().level());
        msg.setRetained(m.type().retained());
        c.publish(topic, msg);
    }

    private static Birth birth(String node) {
        return new Birth(1, node, 1, System.currentTimeMillis(), "generic-cpu", "test",
                new Capabilities(ResourceVector.of(2, 24, 0, 0), "amd64", "nd4j-cpu", List.of("head")), 0, 0, List.of(),
                "127.0.0.1:7400");
    }

    @Test
    void directive_crossesBroker_decodesToEqualRecord() throws Exception {
        BlockingQueue<Map.Entry<String, byte[]>> inbox = new LinkedBlockingQueue<>();
        MqttClient agent = client("agent-j1", inbox);
        agent.subscribe(topics.directive("j1"), 1);
        MqttClient host = client("host", new LinkedBlockingQueue<>());
        Directive d = new Directive(1, "j1", 1, 1, System.currentTimeMillis(), new DesiredState(
                List.of(new DesiredService("head", ServiceKind.LIGHT, 1, 4, null, 0.1, null)),
                List.of(new Route("vqa", "detok", null, List.of(new WeightedTarget("j1", 1)))), Map.of()));
        publish(host, topics.directive("j1"), d);

        Map.Entry<String, byte[]> got = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.getKey()).isEqualTo(topics.directive("j1"));
        assertThat(codec.decode(got.getKey(), got.getValue())).isEqualTo(d);
    }

    @Test
    void retainedBirth_reachesLateSubscriber() throws Exception {
        MqttClient agent = client("agent-j2", new LinkedBlockingQueue<>());
        Birth b = birth("j2");
        publish(agent, topics.birth("j2"), b);
        assertThat(MessageType.BIRTH.retained()).isTrue();

        BlockingQueue<Map.Entry<String, byte[]>> inbox = new LinkedBlockingQueue<>();
        MqttClient host = client("host-late", inbox);
        host.subscribe(topics.filter(MessageType.BIRTH), 1);
        Map.Entry<String, byte[]> got = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(codec.decode(got.getKey(), got.getValue())).isEqualTo(b);
    }

    @Test
    void payloadFromMosquittoPub_isDecodedOrRefusedByField() throws Exception {
        BlockingQueue<Map.Entry<String, byte[]>> inbox = new LinkedBlockingQueue<>();
        MqttClient host = client("host-cli", inbox);
        host.subscribe(topics.filter(MessageType.DEATH), 1);
        Path pub = MosquittoBroker.binary().orElseThrow().resolveSibling("mosquitto_pub");
        if (!pub.toFile().canExecute()) {
            pub = Path.of("/usr/bin/mosquitto_pub");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(pub.toFile().canExecute(), "mosquitto_pub not installed");
        String good = "{\"schema\":1,\"nodeId\":\"j3\",\"sessionEpoch\":4,\"timestampMs\":1}";
        String bad = "{\"schema\":1,\"nodeId\":\"j3\",\"sessionEpoch\":\"four\",\"timestampMs\":1}";
        for (String payload : new String[] {good, bad}) {
            Process p = new ProcessBuilder(pub.toString(), "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                    "-q", "1", "-t", topics.death("j3"), "-m", payload).redirectErrorStream(true).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        Map.Entry<String, byte[]> first = inbox.poll(10, TimeUnit.SECONDS);
        Map.Entry<String, byte[]> second = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(codec.decode(first.getKey(), first.getValue()).type()).isEqualTo(MessageType.DEATH);
        assertThatThrownBy(() -> codec.decode(second.getKey(), second.getValue()))
                .isInstanceOf(WireFormatException.class)
                .hasMessage(topics.death("j3") + ": sessionEpoch: wrong type: string \"four\" (expected: an integer)");
    }
}
