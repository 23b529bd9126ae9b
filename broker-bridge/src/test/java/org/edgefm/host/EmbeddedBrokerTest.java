package org.edgefm.host;

import org.edgefm.host.broker.BrokerPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefm.wire.Topics;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.edgefm.host.broker.Credentials;
import org.edgefm.host.broker.EmbeddedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EmbeddedBrokerTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static String url;
    static final String HOST_PW = "h-" + java.util.UUID.randomUUID();
    static final String J1_PW = "a-" + java.util.UUID.randomUUID();
    static final String J2_PW = "b-" + java.util.UUID.randomUUID();
    static final String MON_PW = "m-" + java.util.UUID.randomUUID();
    static final Topics T = Topics.forFleet("lab");
    static final String J1 = T.agentClientId("j1");

    @BeforeAll
    static void start() throws Exception {
        int port = TestClients.freePort();
        Credentials c = Credentials.of(Map.of("edgefm-host", HOST_PW.toCharArray(), "j1", J1_PW.toCharArray(),
                "j2", J2_PW.toCharArray(), BrokerPolicy.MONITOR_USER, MON_PW.toCharArray()));
        broker = new EmbeddedBroker(new EmbeddedBroker.Settings("127.0.0.1", port, 0, null, null, c, "edgefm-host",
                dir.resolve("broker"), "lab", null, new EmbeddedBroker.Limits(64 * 1024, 4 * 1024, 20, 40)));
        broker.start();
        url = "tcp://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void connect_wrongPassword_isRefused() {
        assertThatThrownBy(() -> new TestClients.Client(url, "bad", "j1", "not-the-password").close())
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new TestClients.Client(url, "anon", null, null).close())
                .isInstanceOf(MqttException.class);
    }

    /** Publishes as agent j1 on a fresh connection; true when the broker refused (reason code or disconnect). */
    private static boolean refused(String topic) throws Exception {
        try (TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
            int[] codes = agent.publish(topic, "{}");
            return codes.length > 0 && codes[0] >= 0x80;
        } catch (MqttException e) {
            return true;
        }
    }

    @Test
    void agent_publishesOnlyUnderItsOwnNode_andNeverDirectives() throws Exception {
        try (TestClients.Client host = new TestClients.Client(url, "host", "edgefm-host", HOST_PW)) {
            host.mqtt.subscribe(T.allNodesFilter(), 1);
            assertThat(refused(T.telemetry("j2"))).isTrue();
            assertThat(refused(T.birth("j2"))).isTrue();
            assertThat(refused(T.directive("j2"))).isTrue();
            assertThat(refused(T.directive("j1"))).isTrue();
            assertThat(refused(T.command("j1"))).isTrue();
            try (TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
                agent.publish(T.birth("j1"), "{\"marker\":1}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> host.got(T.birth("j1")));
            assertThat(host.received).extracting(TestClients.Received::topic).containsOnly(T.birth("j1"));
        }
    }

    @Test
    void agent_cannotSubscribeToOtherNodes_hostCanDirect() throws Exception {
        try (TestClients.Client host = new TestClients.Client(url, "host2", "edgefm-host", HOST_PW);
             TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
            agent.mqtt.subscribe(T.directive("j1"), 1);
            try {
                agent.mqtt.subscribe(T.filter(org.edgefm.wire.MessageType.DIRECTIVE), 1);
            } catch (MqttException refused) {
                // a refused SUBACK may surface as an exception; either way nothing may arrive
            }
            host.publish(T.directive("j2"), "{\"x\":2}");
            host.publish(T.directive("j1"), "{\"x\":1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.got(T.directive("j1")));
            assertThat(agent.got(T.directive("j2"))).isFalse();
        }
    }

    @Test
    void connect_withAnotherNodesClientId_isRefused_andTheNodeStaysConnected() throws Exception {
        try (TestClients.Client victim = new TestClients.Client(url, J1, "j1", J1_PW)) {
            long before = broker.refusals().getOrDefault("client-id", 0L);
            // j2's own account, j1's client id: a takeover attempt
            assertThatThrownBy(() -> new TestClients.Client(url, J1, "j2", J2_PW).close())
                    .isInstanceOf(MqttException.class).hasMessageContaining("not valid");
            // any other client id than its own is refused too (no random ids, no empty id)
            assertThatThrownBy(() -> new TestClients.Client(url, "j2", "j2", J2_PW).close()).isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> new TestClients.Client(url, "", "j2", J2_PW).close()).isInstanceOf(MqttException.class);
            assertThat(victim.mqtt.isConnected()).isTrue();
            assertThat(broker.refusals().get("client-id")).isEqualTo(before + 3);
            assertThat(victim.publish(T.telemetry("j1"), "{}")[0]).isLessThan(0x80);
        }
    }

    @Test
    void account_isValidInItsOwnFleetOnly() throws Exception {
        Topics other = Topics.forFleet("other");
        try (TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
            assertThat(agent.publish(other.birth("j1"), "{}")[0]).isGreaterThanOrEqualTo(0x80);
        }
        // its client id in another fleet is not its identity here either
        assertThatThrownBy(() -> new TestClients.Client(url, other.agentClientId("j1"), "j1", J1_PW).close())
                .isInstanceOf(MqttException.class);
    }

    @Test
    void monitor_readsTheFleet_butCannotPublish() throws Exception {
        try (TestClients.Client mon = new TestClients.Client(url, "edgefm-trial-monitor-1", BrokerPolicy.MONITOR_USER, MON_PW);
             TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
            mon.mqtt.subscribe(T.allNodesFilter(), 1);
            agent.publish(T.telemetry("j1"), "{\"m\":1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> mon.got(T.telemetry("j1")));
            assertThat(mon.publish(T.directive("j1"), "{}")[0]).isGreaterThanOrEqualTo(0x80);
        }
    }

    @Test
    void nodeKeys_reachThatNodeAndTheHostOnly_neverTheMonitorOrAnotherNode() throws Exception {
        try (TestClients.Client host = new TestClients.Client(url, "edgefm-host-keys", "edgefm-host", HOST_PW);
             TestClients.Client mon = new TestClients.Client(url, "edgefm-trial-monitor-2", BrokerPolicy.MONITOR_USER, MON_PW);
             TestClients.Client j1 = new TestClients.Client(url, J1, "j1", J1_PW);
             TestClients.Client j2 = new TestClients.Client(url, T.agentClientId("j2"), "j2", J2_PW)) {
            mon.mqtt.subscribe(broker.policy().fleetFilter(), 1); // everything, as a trial monitor does
            var explicit = mon.mqtt.subscribe(T.keys("j1"), 1);
            assertThat(explicit.getReasonCodes()[0]).as("asking for the keys themselves").isGreaterThanOrEqualTo(0x80);
            j1.mqtt.subscribe(T.keys("j1"), 1);
            var other = j2.mqtt.subscribe(T.keys("j1"), 1);
            assertThat(other.getReasonCodes()[0]).as("another node's keys").isGreaterThanOrEqualTo(0x80);
            host.mqtt.subscribe(broker.policy().fleetFilter(), 1);
            // the host sends keys, then the directive (as MqttFleet does): each reader that gets the directive
            // got the keys before it, if it was ever going to
            host.publish(T.keys("j1"), "{\"taskKey\":\"k\"}");
            host.publish(T.directive("j1"), "{\"v\":1}");
            j1.mqtt.subscribe(T.directive("j1"), 1);
            host.publish(T.directive("j1"), "{\"v\":2}");
            await().atMost(Duration.ofSeconds(10)).until(() -> mon.received.stream().filter(r -> r.topic().equals(T.directive("j1")))
                    .count() == 2 && j1.got(T.directive("j1")) && host.got(T.directive("j1")));
            assertThat(j1.got(T.keys("j1"))).isTrue();
            assertThat(host.got(T.keys("j1"))).isTrue();
            assertThat(mon.received).extracting(TestClients.Received::topic).noneMatch(t -> t.endsWith("/keys"));
            assertThat(j2.received).isEmpty();
            assertThat(mon.publish(T.keys("j1"), "{}")[0]).as("nor publish them").isGreaterThanOrEqualTo(0x80);
        }
    }

    @Test
    void retainedMessage_overTheLimit_isRefused_andCounted() throws Exception {
        try (TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
            long before = broker.refusals().getOrDefault("retained-size", 0L);
            org.eclipse.paho.mqttv5.common.MqttMessage m = new org.eclipse.paho.mqttv5.common.MqttMessage(new byte[5 * 1024]);
            m.setQos(1);
            m.setRetained(true);
            var t = agent.mqtt.getTopic(T.birth("j1")).publish(m);
            t.waitForCompletion(10_000);
            assertThat(t.getReasonCodes()[0]).isEqualTo(0x97); // quota exceeded
            assertThat(broker.refusals().get("retained-size")).isEqualTo(before + 1);
        }
    }

    @Test
    void packet_overTheMaximumSize_isNotDelivered() throws Exception {
        try (TestClients.Client host = new TestClients.Client(url, "host3", "edgefm-host", HOST_PW);
             TestClients.Client agent = new TestClients.Client(url, J1, "j1", J1_PW)) {
            host.mqtt.subscribe(T.telemetry("j1"), 1);
            try {
                agent.publish(T.telemetry("j1"), "x".repeat(100 * 1024));
            } catch (MqttException tooBig) {
                // Paho refuses to send a packet over the broker's announced maximum, or the broker drops the client
            }
            try (TestClients.Client again = new TestClients.Client(url, J1, "j1", J1_PW)) {
                again.publish(T.telemetry("j1"), "small");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> host.got(T.telemetry("j1")));
            assertThat(host.received).allMatch(r -> r.payload().length() < 1024);
        }
    }

    @Test
    void publishRate_overTheLimit_isRefused_hostExempt() throws Exception {
        try (TestClients.Client agent = new TestClients.Client(url, T.agentClientId("j2"), "j2", J2_PW);
             TestClients.Client host = new TestClients.Client(url, "host4", "edgefm-host", HOST_PW)) {
            long before = broker.refusals().getOrDefault("rate", 0L);
            int refusedAgent = 0;
            for (int i = 0; i < 120; i++) {
                if (agent.publish(T.telemetry("j2"), "{}")[0] >= 0x80) {
                    refusedAgent++;
                }
            }
            int refusedHost = 0;
            for (int i = 0; i < 120; i++) {
                if (host.publish(T.command("j1"), "{}")[0] >= 0x80) {
                    refusedHost++;
                }
            }
            assertThat(refusedAgent).as("agent publishes over 40 + 20/s").isPositive();
            assertThat(refusedHost).isZero();
            assertThat(broker.refusals().get("rate")).isEqualTo(before + refusedAgent);
        }
    }

    @Test
    void configFile_holdsNoSecret() throws Exception {
        String xml = java.nio.file.Files.readString(dir.resolve("broker/conf/config.xml"));
        assertThat(xml).doesNotContain(HOST_PW).doesNotContain(J1_PW).contains("max-packet-size");
    }

    @Test
    void loopbackOnly_tellsLoopbackFromOtherBindAddresses() {
        assertThat(EmbeddedBroker.loopbackOnly("127.0.0.1")).isTrue();
        assertThat(EmbeddedBroker.loopbackOnly("::1")).isTrue();
        assertThat(EmbeddedBroker.loopbackOnly("0.0.0.0")).isFalse();
    }
}
