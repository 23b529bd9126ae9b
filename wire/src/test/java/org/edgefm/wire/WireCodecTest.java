package org.edgefm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private final WireCodec codec = new WireCodec();

    static Stream<Arguments> samples() {
        return WireFixtures.all().stream().map(e -> Arguments.of(e.getValue().type(), e.getKey(), e.getValue()));
    }

    /** A sample's JSON as a mutable tree, to break one field at a time. */
    private ObjectNode tree(WireMessage m) throws Exception {
        return (ObjectNode) PLAIN.readTree(codec.encode(m));
    }

    private WireFormatException refuse(String topic, JsonNode payload) throws Exception {
        return refuse(topic, PLAIN.writeValueAsBytes(payload));
    }

    private WireFormatException refuse(String topic, byte[] payload) {
        try {
            codec.decode(topic, payload);
        } catch (WireFormatException e) {
            return e;
        }
        throw new AssertionError("decode accepted a bad payload on " + topic);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void roundTrip_everyType_decodesToEqualRecord(MessageType type, String topic, WireMessage message) {
        byte[] json = codec.encode(message);
        WireMessage back = codec.decode(topic, json);
        assertThat(back).isEqualTo(message);
        assertThat(back.type()).isEqualTo(type);
        // directives have their own, compact encoding (DirectiveEncodingTest)
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"schema\":"
                + (type == MessageType.DIRECTIVE ? WireCodec.DIRECTIVE_SCHEMA : WireCodec.SCHEMA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decode_missingRequiredField_namesTheField(MessageType type, String topic, WireMessage message) throws Exception {
        ObjectNode t = tree(message);
        String field = type == MessageType.HOST_STATE ? "hostId" : "nodeId";
        t.remove(field);
        WireFormatException e = refuse(topic, t);
        assertThat(e.getMessage()).isEqualTo(topic + ": " + field + ": missing");
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.MISSING_FIELD);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decode_wrongTypeForTimestamp_namesFieldAndExpectedType(MessageType type, String topic, WireMessage message)
            throws Exception {
        ObjectNode t = tree(message);
        String field = t.has("timestampMs") ? "timestampMs" : "issuedAtMs";
        t.put(field, "yesterday");
        WireFormatException e = refuse(topic, t);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.problem()).contains("expected: an integer").contains("yesterday");
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.BAD_VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decode_unknownSchemaVersion_isRefused(MessageType type, String topic, WireMessage message) throws Exception {
        ObjectNode t = tree(message);
        t.put("schema", 99);
        WireFormatException e = refuse(topic, t);
        boolean directive = type == MessageType.DIRECTIVE;
        assertThat(e.getMessage()).isEqualTo(topic + ": schema: unsupported version 99 (expected: "
                + (directive ? "2 for a directive, or the older 1)" : "1)"));
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.SCHEMA);

        t.remove("schema");
        assertThat(refuse(topic, t).getMessage()).isEqualTo(topic + ": schema: missing (expected: " + (directive ? 2 : 1) + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decode_oversizedPayload_isRefusedBeforeParsing(MessageType type, String topic, WireMessage message) {
        WireCodec small = new WireCodec(64);
        byte[] json = codec.encode(message);
        assertThat(json.length).isGreaterThan(64);
        WireFormatException e = null;
        try {
            small.decode(topic, json);
        } catch (WireFormatException x) {
            e = x;
        }
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo(topic + ": payload: " + json.length + " bytes (expected: at most 64)");
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.OVERSIZED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decode_idWithMqttSeparatorOrWildcard_isRefused(MessageType type, String topic, WireMessage message)
            throws Exception {
        String field = type == MessageType.HOST_STATE ? "hostId" : "nodeId";
        for (String bad : new String[] {"jetson/1", "jetson+", "#"}) {
            ObjectNode t = tree(message);
            t.put(field, bad);
            WireFormatException e = refuse(topic, t);
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.problem()).startsWith("'" + bad + "' contains an MQTT separator or wildcard");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decode_notAnObject_isRefused(MessageType type, String topic, WireMessage message) {
        assertThat(refuse(topic, "[1,2]".getBytes(StandardCharsets.UTF_8)).getMessage())
                .isEqualTo(topic + ": payload: a JSON array (expected: a JSON object)");
        assertThat(refuse(topic, "{\"schema\":1,".getBytes(StandardCharsets.UTF_8)).kind())
                .isEqualTo(WireFormatException.Kind.NOT_JSON);
        assertThat(refuse(topic, new byte[0]).getMessage()).isEqualTo(topic + ": payload: empty (expected: a JSON object)");
    }

    @Test
    void decode_nodeIdDiffersFromTopic_isRefused() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        t.put("nodeId", "jetson-2");
        WireFormatException e = refuse(WireFixtures.TOPICS.telemetry("jetson-1"), t);
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.TOPIC_MISMATCH);
        assertThat(e.problem()).isEqualTo("'jetson-2' (expected: the topic's node id 'jetson-1')");
    }

    @Test
    void decode_nestedBadValue_namesThePath() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        ((ObjectNode) t.get("services").get(0)).put("queueLength", -1);
        WireFormatException e = refuse(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), t);
        assertThat(e.field()).isEqualTo("services[0].queueLength");
        assertThat(e.problem()).isEqualTo("-1 (expected: >= 0)");
    }

    @Test
    void decode_cpuLoadOutOfRange_isRefused() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        ((ObjectNode) t.get("host")).put("cpuLoad", 1.5);
        WireFormatException e = refuse(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), t);
        assertThat(e.getMessage()).endsWith("host.cpuLoad: 1.5 (expected: in [0.0, 1.0])");
    }

    @Test
    void decode_rejectedAckWithoutError_isRefused() throws Exception {
        ObjectNode t = tree(WireFixtures.ack());
        t.remove("error");
        WireFormatException e = refuse(WireFixtures.TOPICS.ack(WireFixtures.NODE), t);
        assertThat(e.field()).isEqualTo("error");
        assertThat(e.problem()).contains("expected: a reason when outcome is rejected");
    }

    @Test
    void decode_unknownEnumValue_listsTheChoices() throws Exception {
        ObjectNode t = tree(WireFixtures.command());
        t.put("command", "reboot");
        WireFormatException e = refuse(WireFixtures.TOPICS.command(WireFixtures.NODE), t);
        assertThat(e.field()).isEqualTo("command");
        assertThat(e.problem()).isEqualTo("'reboot' (expected: one of: rebirth, calibrate)");
    }

    @Test
    void decode_duplicateKey_isRefused() {
        String json = "{\"schema\":1,\"schema\":1,\"nodeId\":\"jetson-1\",\"sessionEpoch\":1,\"timestampMs\":1}";
        WireFormatException e = refuse(WireFixtures.TOPICS.death(WireFixtures.NODE), json.getBytes(StandardCharsets.UTF_8));
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.NOT_JSON);
        assertThat(e.problem()).contains("Duplicate field 'schema'");
    }

    @Test
    void decode_unknownProperty_isIgnoredForForwardCompatibility() throws Exception {
        ObjectNode t = tree(WireFixtures.death());
        t.put("addedInALaterAgent", true);
        assertThat(codec.decode(WireFixtures.TOPICS.death(WireFixtures.NODE), PLAIN.writeValueAsBytes(t)))
                .isEqualTo(WireFixtures.death());
    }

    @Test
    void decode_typedCallOnOtherTopic_isRefused() {
        byte[] json = codec.encode(WireFixtures.death());
        assertThatThrownBy(() -> codec.decode(WireFixtures.TOPICS.death(WireFixtures.NODE), json, Telemetry.class))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("carries death, not Telemetry");
        assertThat(codec.decode(WireFixtures.TOPICS.death(WireFixtures.NODE), json, Death.class))
                .isEqualTo(WireFixtures.death());
    }

    @Test
    void decode_payloadOnForeignTopic_isRefused() {
        WireFormatException e = refuse("sensors/room1/temp", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.UNKNOWN_TOPIC);
        assertThat(e.getMessage()).startsWith("sensors/room1/temp: topic: not an EdgeFM topic");
    }

    @Test
    void encode_otherSchemaVersion_isRefused() {
        assertThatThrownBy(() -> codec.encode(new Death(2, "n1", 1, 1, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schema: 2 (expected: 1");
    }

    @Test
    void encode_omitsNullOptionalFields() {
        String json = new String(codec.encode(new Death(1, "n1", 1, 1, null)), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("reason");
        assertThat(Map.of("decoded", codec.decode(Topics.forFleet("f").death("n1"), json.getBytes(StandardCharsets.UTF_8))))
                .containsEntry("decoded", new Death(1, "n1", 1, 1, null));
    }
    @Test
    void appliedAck_startedAndStopped_roundTrip() {
        Ack a = WireFixtures.appliedAck();
        byte[] json = codec.encode(a);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"weights\":\"npy llama2-7b.npy\"",
                "\"stopped\":[{\"service\":\"gpt-j-6b\"}]");
        assertThat(codec.decode(WireFixtures.TOPICS.ack(WireFixtures.NODE), json, Ack.class)).isEqualTo(a);
    }

    @Test
    void ack_withoutStartedAndStopped_decodesAsOlderAgentsWriteIt_andEmptyListsAreOmitted() throws Exception {
        ObjectNode t = tree(WireFixtures.appliedAck());
        t.remove("started");
        t.remove("stopped");
        Ack decoded = codec.decode(WireFixtures.TOPICS.ack(WireFixtures.NODE), PLAIN.writeValueAsBytes(t), Ack.class);
        assertThat(decoded.started()).isEmpty();
        assertThat(decoded.stopped()).isEmpty();
        assertThat(new String(codec.encode(decoded), StandardCharsets.UTF_8)).doesNotContain("started", "stopped");
    }

    @Test
    void birth_withoutLabels_decodesAsOlderAgentsWriteIt() throws Exception {
        ObjectNode t = tree(WireFixtures.birth());
        t.remove("labels");
        Birth decoded = codec.decode(WireFixtures.TOPICS.birth(WireFixtures.NODE), PLAIN.writeValueAsBytes(t), Birth.class);
        assertThat(decoded.labels()).isEmpty();
    }

    @Test
    void birth_labelWithWildcard_orTooManyLabels_namesTheField() throws Exception {
        ObjectNode t = tree(WireFixtures.birth());
        ((com.fasterxml.jackson.databind.node.ArrayNode) t.get("labels")).add("cam/#");
        assertThat(refuse(WireFixtures.TOPICS.birth(WireFixtures.NODE), t).getMessage()).contains("labels[2]");
        ObjectNode many = tree(WireFixtures.birth());
        com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) many.get("labels");
        for (int i = 0; i < Birth.MAX_LABELS; i++) {
            a.add("l" + i);
        }
        assertThat(refuse(WireFixtures.TOPICS.birth(WireFixtures.NODE), many).getMessage()).contains("labels")
                .contains("at most 16");
    }

    @Test
    void ack_negativePreload_namesThePath() throws Exception {
        ObjectNode t = tree(WireFixtures.appliedAck());
        ((ObjectNode) t.get("started").get(0)).put("preloadMs", -1.0);
        WireFormatException e = refuse(WireFixtures.TOPICS.ack(WireFixtures.NODE), t);
        assertThat(e.getMessage()).contains("started[0].preloadMs");
    }

    @Test
    void telemetry_withoutPreloadMs_decodesAsOlderAgentsWriteIt() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        ((ObjectNode) t.get("services").get(0)).remove("preloadMs");
        Telemetry decoded = codec.decode(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), PLAIN.writeValueAsBytes(t),
                Telemetry.class);
        assertThat(decoded.services().get(0).preloadMs()).isEmpty();
        assertThat(decoded.services().get(0).rateSamplesMbPerMs()).containsExactly(0.55, 0.61);
    }

    @Test
    void decode_peerWithoutSamplesAndAge_decodesAsOlderAgentsWriteIt() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        ObjectNode peer = (ObjectNode) t.get("peers").get(0);
        peer.remove("samples");
        peer.remove("ageMs");
        Telemetry decoded = codec.decode(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), PLAIN.writeValueAsBytes(t),
                Telemetry.class);
        assertThat(decoded.peers()).containsExactly(new PeerMetrics("edge-l4", 1.2, 0.11, null, null));
    }

    @Test
    void decode_peerWithSamplesAndAge_roundTrips() {
        byte[] json = codec.encode(WireFixtures.telemetry());
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"samples\":17", "\"ageMs\":250");
        Telemetry decoded = codec.decode(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), json, Telemetry.class);
        assertThat(decoded.peers().get(0).samples()).isEqualTo(17L);
        assertThat(decoded.peers().get(0).ageMs()).isEqualTo(250L);
    }

    @Test
    void decode_negativePeerRtt_namesThePath() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        ((ObjectNode) t.get("peers").get(0)).put("rttMs", -4.0);
        WireFormatException e = refuse(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), t);
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.BAD_VALUE);
        assertThat(e.getMessage()).endsWith("peers[0].rttMs: -4.0 (expected: >= 0)");
    }

    @Test
    void decode_samplesAsFloat_isRefused() throws Exception {
        ObjectNode t = tree(WireFixtures.telemetry());
        ((ObjectNode) t.get("peers").get(0)).put("samples", 2.5);
        WireFormatException e = refuse(WireFixtures.TOPICS.telemetry(WireFixtures.NODE), t);
        assertThat(e.field()).isEqualTo("peers[0].samples");
    }
}
