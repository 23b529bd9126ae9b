package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefm.wire.Topics;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's login and topic permissions, seen through a real host and real Paho clients. */
@Timeout(120)
class HostSecurityIT {
    @TempDir
    static Path dir;
    static HostHarness h;
    static final Topics T = Topics.forFleet(HostHarness.FLEET);

    @BeforeAll
    static void start() throws Exception {
        h = new HostHarness(dir);
        h.start(null, Map.of());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void login_wrongPasswordOrUnknownUser_isRefused() {
        assertThatThrownBy(() -> new FakeAgent(h.url(), HostHarness.FLEET, "orin-nano", "wrong").close())
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new FakeAgent(h.url(), HostHarness.FLEET, "edgefm-host", "guess").close())
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new FakeAgent(h.url(), HostHarness.FLEET, "nobody", "x").close())
                .isInstanceOf(MqttException.class);
    }

    @Test
    void hostState_isRetainedOnline_forAgentsToRead() throws Exception {
        try (FakeAgent a = h.agent("edge-l4")) {
            java.util.List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
            a.mqtt.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(T.hostState(), 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> got.add(new String(m.getPayload()))});
            await().atMost(Duration.ofSeconds(10)).until(() -> !got.isEmpty());
            org.edgefm.wire.HostState s = new org.edgefm.wire.WireCodec().decode(T.hostState(),
                    got.get(0).getBytes(), org.edgefm.wire.HostState.class);
            assertThat(s.state()).isEqualTo(org.edgefm.wire.HostStatus.ONLINE);
            assertThat(s.plannerEpoch()).isEqualTo(h.host.plannerEpoch());
        }
    }

    /** Publishes as orin-nano on a fresh connection; true when the broker refused it. */
    static boolean refused(String topic, byte[] payload) throws Exception {
        try (FakeAgent a = h.agent("orin-nano")) {
            org.eclipse.paho.mqttv5.common.MqttMessage m = new org.eclipse.paho.mqttv5.common.MqttMessage(payload);
            m.setQos(1);
            org.eclipse.paho.mqttv5.client.IMqttToken t = a.mqtt.getTopic(topic).publish(m);
            t.waitForCompletion(5_000);
            int[] codes = t.getReasonCodes();
            return codes != null && codes.length > 0 && codes[0] >= 0x80;
        } catch (MqttException e) {
            return true;
        }
    }

    @Test
    void agent_cannotPublishForAnotherNode_norAnyDirective() throws Exception {
        try (FakeAgent victim = h.agent("orin-nx")) {
            FakeAgent forger = h.agent("orin-nano");
            byte[] birthOfNx;
            try (forger) {
                birthOfNx = new org.edgefm.wire.WireCodec().encode(new org.edgefm.wire.Birth(1, "orin-nx", 9, 1,
                        "forged", "x", new org.edgefm.wire.Capabilities(org.edgefm.api.model.ResourceVector.ZERO,
                                "amd64", "none", java.util.List.of()), 0, 0, java.util.List.of(), "10.0.0.1:1"));
            }
            assertThat(refused(T.birth("orin-nx"), birthOfNx)).as("birth for another node").isTrue();
            assertThat(refused(T.telemetry("orin-nx"), "{}".getBytes())).as("telemetry for another node").isTrue();
            assertThat(refused(T.directive("orin-nx"), "{}".getBytes())).as("another node's directive").isTrue();
            assertThat(refused(T.directive("orin-nano"), "{}".getBytes())).as("its own directive").isTrue();
            assertThat(refused(T.command("orin-nx"), "{}".getBytes())).as("a command").isTrue();

            // The legitimate birth of orin-nx gets through, the forged one never did.
            victim.birth(0, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/api/nodes").contains("\"orin-nx\""));
            assertThat(h.get("/api/nodes")).doesNotContain("forged").doesNotContain("10.0.0.1");
            assertThat(victim.directives).isEmpty();
        }
    }

    @Test
    void agent_cannotSpoofTheHostState_norReadAnotherNodesDirectivesOrCommands() throws Exception {
        byte[] offline = new org.edgefm.wire.WireCodec().encode(new org.edgefm.wire.HostState(1, "host",
                org.edgefm.wire.HostStatus.OFFLINE, 99, System.currentTimeMillis()));
        assertThat(refused(T.hostState(), offline)).as("host/state from an agent").isTrue();
        for (String filter : new String[] {T.directive("orin-nx"), T.command("orin-nx"), "edgefm/v1/#",
            T.filter(org.edgefm.wire.MessageType.DIRECTIVE)}) {
            assertThat(subscribeRefused(filter)).as("subscribe " + filter).isTrue();
        }
        try (FakeAgent a = h.agent("orin-nano")) {
            // the retained host state is still the host's own
            java.util.List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
            a.mqtt.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(T.hostState(), 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> got.add(new String(m.getPayload()))});
            await().atMost(Duration.ofSeconds(10)).until(() -> !got.isEmpty());
            assertThat(got.get(got.size() - 1)).contains("\"online\"").doesNotContain("\"plannerEpoch\":99");
        }
    }

    /** Subscribes as orin-nano on a fresh connection; true when the broker refused the filter. */
    static boolean subscribeRefused(String filter) throws Exception {
        try (FakeAgent a = h.agent("orin-nano")) {
            org.eclipse.paho.mqttv5.client.IMqttToken t = a.mqtt.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, 1)});
            int[] codes = t.getReasonCodes();
            return codes != null && codes.length > 0 && java.util.Arrays.stream(codes).allMatch(c -> c >= 0x80);
        } catch (MqttException e) {
            return true;
        }
    }
}
