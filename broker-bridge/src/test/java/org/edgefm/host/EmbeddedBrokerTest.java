package org.edgefm.host;

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
    static final Topics T = Topics.forFleet("lab");

    @BeforeAll
    static void start() throws Exception {
        int port = TestClients.freePort();
        Credentials c = Credentials.of(Map.of("edgefm-host", HOST_PW.toCharArray(), "j1", J1_PW.toCharArray()));
        broker = new EmbeddedBroker(new EmbeddedBroker.Settings("127.0.0.1", port, 0, null, null, c, "edgefm-host",
                dir.resolve("broker")));
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
        try (TestClients.Client agent = new TestClients.Client(url, "j1-" + topic.hashCode(), "j1", J1_PW)) {
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
            try (TestClients.Client agent = new TestClients.Client(url, "j1", "j1", J1_PW)) {
                agent.publish(T.birth("j1"), "{\"marker\":1}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> host.got(T.birth("j1")));
            assertThat(host.received).extracting(TestClients.Received::topic).containsOnly(T.birth("j1"));
        }
    }

    @Test
    void agent_cannotSubscribeToOtherNodes_hostCanDirect() throws Exception {
        try (TestClients.Client host = new TestClients.Client(url, "host2", "edgefm-host", HOST_PW);
             TestClients.Client agent = new TestClients.Client(url, "j1b", "j1", J1_PW)) {
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
    void loopbackOnly_tellsLoopbackFromOtherBindAddresses() {
        assertThat(EmbeddedBroker.loopbackOnly("127.0.0.1")).isTrue();
        assertThat(EmbeddedBroker.loopbackOnly("::1")).isTrue();
        assertThat(EmbeddedBroker.loopbackOnly("0.0.0.0")).isFalse();
    }
}
