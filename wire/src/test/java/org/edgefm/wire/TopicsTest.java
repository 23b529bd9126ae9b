package org.edgefm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgefm.api.InvalidFieldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {
    private final Topics topics = Topics.forFleet("lab");

    @Test
    void nodeTopics_followTheDocumentedLayout() {
        assertThat(topics.birth("j1")).isEqualTo("edgefm/v1/lab/node/j1/birth");
        assertThat(topics.death("j1")).isEqualTo("edgefm/v1/lab/node/j1/death");
        assertThat(topics.telemetry("j1")).isEqualTo("edgefm/v1/lab/node/j1/telemetry");
        assertThat(topics.directive("j1")).isEqualTo("edgefm/v1/lab/node/j1/directive");
        assertThat(topics.ack("j1")).isEqualTo("edgefm/v1/lab/node/j1/ack");
        assertThat(topics.result("j1")).isEqualTo("edgefm/v1/lab/node/j1/result");
        assertThat(topics.command("j1")).isEqualTo("edgefm/v1/lab/node/j1/command");
        assertThat(topics.hostState()).isEqualTo("edgefm/v1/lab/host/state");
        assertThat(topics.filter(MessageType.TELEMETRY)).isEqualTo("edgefm/v1/lab/node/+/telemetry");
        assertThat(topics.nodeSubtree("j1")).isEqualTo("edgefm/v1/lab/node/j1/#");
        assertThat(topics.allNodesFilter()).isEqualTo("edgefm/v1/lab/node/#");
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void parse_inverseOfBuild(MessageType type) {
        String topic = type.perNode() ? topics.node("j-1_b", type) : topics.hostState();
        Topics.ParsedTopic p = Topics.parse(topic);
        assertThat(p.fleet()).isEqualTo("lab");
        assertThat(p.type()).isEqualTo(type);
        assertThat(p.nodeId()).isEqualTo(type.perNode() ? "j-1_b" : null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a+", "#", "", "-leading-dash"})
    void build_badNodeId_isRefused(String id) {
        assertThatThrownBy(() -> topics.birth(id)).isInstanceOf(InvalidFieldException.class)
                .hasMessageStartingWith("nodeId: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"edgefm/v1/lab/node/j1/reboot", "edgefm/v2/lab/node/j1/birth", "edgefm/v1/lab/node/j1",
            "edgefm/v1/lab/host/other", "edgefm/v1/lab/node/j1/birth/extra", "edgefm/v1/+/node/j1/birth"})
    void parse_foreignTopic_isRefused(String topic) {
        assertThatThrownBy(() -> Topics.parse(topic)).isInstanceOf(WireFormatException.class)
                .hasMessageStartingWith(topic + ": ");
    }

    @Test
    void messageTypes_carryDocumentedQosAndRetain() {
        assertThat(MessageType.BIRTH.retained()).isTrue();
        assertThat(MessageType.HOST_STATE.retained()).isTrue();
        assertThat(MessageType.TELEMETRY.qos()).isEqualTo(Qos.AT_MOST_ONCE);
        assertThat(MessageType.DIRECTIVE.qos()).isEqualTo(Qos.AT_LEAST_ONCE);
        assertThat(MessageType.DIRECTIVE.publisher()).isEqualTo(Publisher.HOST);
        assertThat(MessageType.ACK.publisher()).isEqualTo(Publisher.AGENT);
    }

    @Test
    void nodeId_withDotOrWildcardOrSlash_isRefused_clientIdIsBound() {
        Topics t = Topics.forFleet("lab");
        for (String bad : new String[] {"a.b", "a/b", "a+b", "a#b", "", "a b"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.birth(bad)).as(bad)
                    .isInstanceOf(org.edgefm.api.InvalidFieldException.class);
        }
        org.assertj.core.api.Assertions.assertThat(t.agentClientId("jetson_1-a")).isEqualTo("edgefm-lab-jetson_1-a");
    }
}
