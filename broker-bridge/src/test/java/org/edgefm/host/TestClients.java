package org.edgefm.host;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Small helpers for tests that talk to a real broker with Paho v5. */
final class TestClients {
    private TestClients() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A received message. */
    record Received(String topic, String payload) {
    }

    /** A connected client that records what it receives. */
    static final class Client implements AutoCloseable {
        final MqttClient mqtt;
        final List<Received> received = new CopyOnWriteArrayList<>();

        Client(String url, String clientId, String user, String password) throws MqttException {
            mqtt = new MqttClient(url, clientId, new MemoryPersistence());
            mqtt.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse r) {
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    received.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8)));
                }

                @Override
                public void deliveryComplete(IMqttToken t) {
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                }

                @Override
                public void authPacketArrived(int code, MqttProperties p) {
                }
            });
            MqttConnectionOptions o = new MqttConnectionOptions();
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.getBytes(StandardCharsets.UTF_8));
            }
            o.setConnectionTimeout(10);
            mqtt.connect(o);
        }

        /** Publishes at QoS 1; returns the PUBACK reason codes. */
        int[] publish(String topic, String payload) throws MqttException {
            MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            IMqttToken t = mqtt.getTopic(topic).publish(m);
            t.waitForCompletion(10_000);
            return t.getReasonCodes() == null ? new int[0] : t.getReasonCodes();
        }

        boolean got(String topic) {
            return received.stream().anyMatch(r -> r.topic().equals(topic));
        }

        @Override
        public void close() {
            try {
                if (mqtt.isConnected()) {
                    mqtt.disconnectForcibly(100, 1000);
                }
            } catch (MqttException ignored) {
                // already gone
            }
            try {
                mqtt.close(true);
            } catch (MqttException ignored) {
                // test teardown
            }
        }
    }
}
