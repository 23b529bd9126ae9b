package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefm.api.wire.MessageType;
import org.edgefm.api.wire.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad payloads on every topic an agent publishes to are counted and dropped; the host keeps serving. */
@Timeout(120)
class BadPayloadIT {
    @TempDir
    Path dir;

    static final List<byte[]> BAD = List.of(
            "not json".getBytes(StandardCharsets.UTF_8),
            "[1,2,3]".getBytes(StandardCharsets.UTF_8),
            "{\"schema\": 99}".getBytes(StandardCharsets.UTF_8),
            "{\"schema\": 1}".getBytes(StandardCharsets.UTF_8),
            "{\"schema\": 1, \"nodeId\": \"orin-nx\", \"sessionEpoch\": -1}".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1},
            new byte[300 * 1024]);

    @Test
    void badPayloads_onEveryAgentTopic_areCountedAndHostKeepsServing() throws Exception {
        try (HostHarness h = new HostHarness(dir)) {
            h.start(null, Map.of());
            Topics t = Topics.forFleet(HostHarness.FLEET);
            List<MessageType> types = List.of(MessageType.BIRTH, MessageType.DEATH, MessageType.TELEMETRY,
                    MessageType.ACK, MessageType.RESULT);
            try (FakeAgent agent = h.agent("orin-nano")) {
                org.edgefm.api.wire.WireCodec codec = new org.edgefm.api.wire.WireCodec();
                // valid messages of another node, on orin-nano's own topics: refused for the mismatch
                java.util.Map<MessageType, byte[]> mismatched = java.util.Map.of(
                        MessageType.BIRTH, codec.encode(new org.edgefm.api.wire.Birth(1, "orin-nx", 1, 1, "p", "v",
                                new org.edgefm.api.wire.Capabilities(org.edgefm.api.model.ResourceVector.ZERO, "amd64",
                                        "none", List.of()), 0, 0, List.of(), "")),
                        MessageType.DEATH, codec.encode(new org.edgefm.api.wire.Death(1, "orin-nx", 1, 1, null)),
                        MessageType.TELEMETRY, codec.encode(new org.edgefm.api.wire.Telemetry(1, "orin-nx", 1, 0, 1, 0,
                                new org.edgefm.api.wire.HostMetrics(0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, 0),
                                List.of(), List.of(), List.of())),
                        MessageType.ACK, codec.encode(new org.edgefm.api.wire.Ack(1, "orin-nx", 1, 1,
                                org.edgefm.api.wire.AckOutcome.APPLIED, null, 1)),
                        MessageType.RESULT, codec.encode(new org.edgefm.api.wire.Result(1, "orin-nx", 1, List.of(
                                new org.edgefm.api.wire.TaskCompletion("t1", "vqa", "orin-nx", 1, 2, 100, true, null,
                                        List.of())))));
                for (MessageType type : types) {
                    for (byte[] bad : BAD) {
                        agent.raw(t.node("orin-nano", type), bad);
                    }
                    agent.raw(t.node("orin-nano", type), mismatched.get(type));
                }
                int expected = types.size() * (BAD.size() + 1);
                await().atMost(Duration.ofSeconds(20)).until(() -> h.metric("edgefm_messages_bad_total") >= expected);
                for (MessageType type : types) {
                    assertThat(h.metric("edgefm_messages_bad_total", "type=\"" + type.level() + "\""))
                            .as(type.level()).isEqualTo(BAD.size() + 1);
                }
                assertThat(h.metric("edgefm_messages_bad_total", "kind=\"not_json\"")).isPositive();
                assertThat(h.metric("edgefm_messages_bad_total", "kind=\"schema\"")).isPositive();
                assertThat(h.metric("edgefm_messages_bad_total", "kind=\"oversized\"")).isPositive();
                assertThat(h.metric("edgefm_messages_bad_total", "kind=\"topic_mismatch\"")).isEqualTo(types.size());

                // still serving: a valid birth is processed and the API answers
                agent.birth(0, 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/api/nodes").contains("\"orin-nano\""));
                assertThat(h.get("/health")).contains("\"status\":\"ok\"");
                assertThat(h.metric("edgefm_messages_in_total", "type=\"birth\"")).isEqualTo(1);
            }
        }
    }
}
