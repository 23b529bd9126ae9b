package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.edgefm.host.broker.BrokerPolicy;
import org.edgefm.host.broker.Credentials;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.MqttCallbacks;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskKeys;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only monitor account reads the fleet (births, telemetry, directives, results) but never a
 * node's task key or the fleet's data token, which would let it submit tasks to agents or sign
 * completions: a real host sends them on the node's own {@code keys} topic, and the embedded broker
 * and Debian's Mosquitto with the shipped ACL deliver that topic to the node and the host only, also
 * to a monitor subscribed to everything or to the keys topic itself.
 */
@Timeout(120)
class MonitorSecretsIT {
    @TempDir
    Path dir;

    @Test
    void embeddedBroker_monitorGetsDirectives_neverKeys() throws Exception {
        check(false);
    }

    @Test
    void mosquitto_monitorGetsDirectives_neverKeys() throws Exception {
        MosquittoBroker.assumeInstalled();
        check(true);
    }

    private void check(boolean mosquitto) throws Exception {
        try (HostHarness h = new HostHarness(dir)) {
            String monitorPassword = "monitor-" + Long.toHexString(new java.security.SecureRandom().nextLong());
            h.passwords.put(BrokerPolicy.MONITOR_USER, monitorPassword);
            if (mosquitto) {
                h.startOnMosquitto(null, Map.of());
            } else {
                Map<String, char[]> pw = new LinkedHashMap<>();
                h.passwords.forEach((u, p) -> pw.put(u, p.toCharArray()));
                Credentials.write(h.credentials, pw);
                h.start(null, Map.of());
            }
            Topics t = Topics.forFleet(HostHarness.FLEET);
            String node = HostHarness.NODES[1];
            List<String> monitorTopics = new CopyOnWriteArrayList<>();
            List<String> monitorPayloads = new CopyOnWriteArrayList<>();
            MqttClient mon = new MqttClient(h.url(), "edgefm-trial-monitor-it", new MemoryPersistence());
            mon.setCallback(MqttCallbacks.onMessage((topic, m) -> {
                monitorTopics.add(topic);
                monitorPayloads.add(new String(m.getPayload(), StandardCharsets.UTF_8));
            }));
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName(BrokerPolicy.MONITOR_USER);
            o.setPassword(monitorPassword.getBytes(StandardCharsets.UTF_8));
            mon.connect(o);
            try (FakeAgent agent = h.agent(node)) {
                mon.subscribe(new MqttSubscription[] {new MqttSubscription("edgefm/v1/" + HostHarness.FLEET + "/#", 1),
                    new MqttSubscription(t.keys(node), 1), new MqttSubscription(t.filter(org.edgefm.wire.MessageType.KEYS), 1)});
                List<TaskKeys> keys = new CopyOnWriteArrayList<>();
                IMqttMessageListener onKeys = (topic, m) -> keys.add(new WireCodec().decode(topic, m.getPayload(), TaskKeys.class));
                agent.mqtt.subscribe(new MqttSubscription[] {new MqttSubscription(t.keys(node), 1)}, new IMqttMessageListener[] {onKeys});
                h.host.fleet().apply(new Directive(WireCodec.SCHEMA, node, h.host.plannerEpoch(), 1, System.currentTimeMillis(),
                        DesiredState.EMPTY));
                agent.birth(0, 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> !keys.isEmpty() && !agent.directives.isEmpty()
                        && monitorTopics.contains(t.directive(node)));
                TaskKeys k = keys.get(0);
                assertThat(k.plannerEpoch()).isEqualTo(h.host.plannerEpoch());
                assertThat(k.dataToken()).isEqualTo(h.host.dataToken());
                assertThat(agent.directives.get(0).taskKey()).as("the directive carries no secret").isNull();
                assertThat(monitorTopics).noneMatch(x -> x.endsWith("/keys"));
                assertThat(monitorPayloads).noneMatch(p -> p.contains(k.taskKey()) || p.contains(k.dataToken()));
                assertThat(String.join("\n", monitorPayloads)).contains("\"nodeId\":\"" + node + "\"");
            } finally {
                mon.disconnect();
                mon.close();
            }
        }
    }
}
