package org.edgefm.it.support;

import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Paho v5 callbacks for tests: everything but the received messages (and, optionally, connects) is ignored. */
public final class MqttCallbacks {
    private MqttCallbacks() {
    }

    /** A callback that hands every received message to {@code onMessage}. */
    public static MqttCallback onMessage(BiConsumer<String, MqttMessage> onMessage) {
        return onMessage(onMessage, () -> { });
    }

    /** A callback that hands every received message to {@code onMessage} and runs {@code onConnect} after each (re)connect. */
    public static MqttCallback onMessage(BiConsumer<String, MqttMessage> onMessage, Runnable onConnect) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                onMessage.accept(topic, m);
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
                onConnect.run();
            }

            @Override
            public void authPacketArrived(int reason, MqttProperties p) {
            }
        };
    }
}
