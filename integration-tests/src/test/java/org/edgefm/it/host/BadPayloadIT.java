package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Command;
import org.edgefm.wire.CommandKind;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.Figures;
import org.edgefm.it.support.FleetRecorder;
import org.edgefm.it.support.HostilePayloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad payloads on every topic are counted and dropped and the receivers keep serving: a few
 * hand-written ones on every topic an agent publishes to, then {@value #PER_TOPIC} seeded hostile
 * payloads per topic ({@link HostilePayloads}), on the host's five inbound topics and on a real
 * agent's directive and command topics, each counted under its refusal kind.
 */
@Timeout(240)
class BadPayloadIT {
    /** Hostile payloads per topic. */
    static final int PER_TOPIC = 10_000;
    /** Payloads sent before waiting for the receiver to count them. */
    static final int CHUNK = 500;
    static final WireCodec CODEC = new WireCodec();
    /**
     * This test checks what the host and the agent do with what reaches them, so the embedded broker lets
     * oversized packets and floods through (its own limits: EmbeddedBrokerTest and the security suite).
     */
    static final Map<String, Object> NO_BROKER_LIMITS = Map.of("broker.maxPacketBytes", 1 << 20,
            "broker.publishesPerSecond", 1_000_000, "broker.publishBurst", 1_000_000);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    @TempDir
    static Path shared;
    static HostHarness host;
    static EmbeddedBroker openBroker;
    static FleetRecorder hostSide;
    static AgentProcess agent;

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
            h.start(null, NO_BROKER_LIMITS);
            Topics t = Topics.forFleet(HostHarness.FLEET);
            List<MessageType> types = List.of(MessageType.BIRTH, MessageType.DEATH, MessageType.TELEMETRY,
                    MessageType.ACK, MessageType.RESULT);
            try (FakeAgent agent = h.agent("orin-nano")) {
                org.edgefm.wire.WireCodec codec = new org.edgefm.wire.WireCodec();
                // valid messages of another node, on orin-nano's own topics: refused for the mismatch
                java.util.Map<MessageType, byte[]> mismatched = java.util.Map.of(
                        MessageType.BIRTH, codec.encode(new org.edgefm.wire.Birth(1, "orin-nx", 1, 1, "p", "v",
                                new org.edgefm.wire.Capabilities(org.edgefm.api.model.ResourceVector.ZERO, "amd64",
                                        "none", List.of()), 0, 0, List.of(), "")),
                        MessageType.DEATH, codec.encode(new org.edgefm.wire.Death(1, "orin-nx", 1, 1, null)),
                        MessageType.TELEMETRY, codec.encode(new org.edgefm.wire.Telemetry(1, "orin-nx", 1, 0, 1, 0,
                                new org.edgefm.wire.HostMetrics(0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, 0),
                                List.of(), List.of(), List.of())),
                        MessageType.ACK, codec.encode(new org.edgefm.wire.Ack(1, "orin-nx", 1, 1,
                                org.edgefm.wire.AckOutcome.APPLIED, null, 1)),
                        MessageType.RESULT, codec.encode(new org.edgefm.wire.Result(1, "orin-nx", 1, List.of(
                                new org.edgefm.wire.TaskCompletion("t1", "vqa", "orin-nx", 1, 2, 100, true, null,
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

    static HostHarness sharedHost() throws Exception {
        if (host == null) {
            host = new HostHarness(Files.createDirectories(shared.resolve("host")));
            host.start(null, NO_BROKER_LIMITS);
        }
        return host;
    }

    /** A real agent on an open embedded broker, and a client there that may publish its directives and commands. */
    static AgentProcess sharedAgent() throws Exception {
        if (agent == null) {
            int port = MosquittoBroker.freePort();
            openBroker = new EmbeddedBroker(new EmbeddedBroker.Settings("127.0.0.1", port, 0, null, null, null,
                    "edgefm-host", shared.resolve("broker"), HostHarness.FLEET, null,
                    new EmbeddedBroker.Limits(1 << 20, 64 * 1024, 1e6, 1e6)));
            openBroker.start();
            String url = "tcp://127.0.0.1:" + port;
            hostSide = FleetRecorder.anonymous(url);
            // the agent applies directives up to the planner epoch the host's retained state announces
            hostSide.publishRetained(Topics.forFleet(HostHarness.FLEET).hostState(), CODEC.encode(new org.edgefm.wire.HostState(
                    WireCodec.SCHEMA, "it-host", org.edgefm.wire.HostStatus.ONLINE, 1, System.currentTimeMillis())));
            Path cfg = Files.writeString(shared.resolve("hostile-a.json"), "{\"fleet\": \"" + HostHarness.FLEET
                    + "\", \"calibrate\": false, \"telemetryPeriodMs\": 500}");
            agent = new AgentProcess("hostile-a", cfg, shared, url).start();
            hostSide.await("hostile-a", Birth.class, b -> true, Duration.ofSeconds(60));
        }
        return agent;
    }

    @AfterAll
    static void stopShared() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (hostSide != null) {
            hostSide.close();
        }
        if (openBroker != null) {
            openBroker.close();
        }
        if (host != null) {
            host.close();
        }
    }

    /** A valid message of {@code type} from (or to) {@code node}. */
    static byte[] valid(MessageType type, String node) {
        WireMessage m = switch (type) {
            case BIRTH -> new Birth(1, node, 1, 1, "p", "v", new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "none",
                    List.of()), 0, 0, List.of(), "127.0.0.1:1");
            case DEATH -> new Death(1, node, 1, 1, "will");
            case TELEMETRY -> new Telemetry(1, node, 1, 0, 1, 0, new HostMetrics(0.1, List.of(), 1, 2, 0, 0, 1, 2, 0, 0, null, 1),
                    List.of(), List.of(), List.of());
            case ACK -> new Ack(1, node, 1, 1, AckOutcome.APPLIED, null, 1);
            case RESULT -> new Result(1, node, 1, List.of(new TaskCompletion("t1", "vqa", node, 1, 2, 100, true, null, List.of())));
            case DIRECTIVE -> new Directive(1, node, 1, 1, 1, DesiredState.EMPTY);
            case COMMAND -> new Command(1, node, CommandKind.REBIRTH, "r-1", 1);
            default -> throw new IllegalArgumentException(type.toString());
        };
        return CODEC.encode(m);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MessageType.class, names = {"BIRTH", "DEATH", "TELEMETRY", "ACK", "RESULT"})
    void hostilePayloads_onAHostTopic_areCountedByKind_andTheHostKeepsServing(MessageType type) throws Exception {
        HostHarness h = sharedHost();
        Topics t = Topics.forFleet(HostHarness.FLEET);
        String topic = t.node("orin-nano", type);
        HostilePayloads.Batch batch = HostilePayloads.generate(8_000 + type.ordinal(), PER_TOPIC, topic,
                valid(type, "orin-nano"), valid(type, "orin-nx"));
        String label = "type=\"" + type.level() + "\"";
        double before = h.metric("edgefm_messages_bad_total", label);
        double birthsBefore = h.metric("edgefm_messages_in_total", "type=\"birth\"");
        Map<String, Double> kindsBefore = new java.util.HashMap<>();
        for (String k : batch.kinds().keySet()) {
            kindsBefore.put(k, h.metric("edgefm_messages_bad_total", label, "kind=\"" + k + "\""));
        }
        try (FleetRecorder a = new FleetRecorder(h.url(), t.agentClientId("orin-nano"), "orin-nano",
                h.passwords.get("orin-nano"), t.directive("orin-nano"))) {
            long t0 = System.nanoTime();
            sendPaced(a, topic, batch.payloads(), () -> (long) (h.metric("edgefm_messages_bad_total", label) - before));
            long counted = System.nanoTime();
            assertThat(h.metric("edgefm_messages_bad_total", label)).isEqualTo(before + PER_TOPIC);
            for (Map.Entry<String, Long> k : batch.kinds().entrySet()) {
                assertThat(h.metric("edgefm_messages_bad_total", label, "kind=\"" + k.getKey() + "\"")
                        - kindsBefore.get(k.getKey())).as(k.getKey()).isEqualTo(k.getValue().doubleValue());
            }
            // still serving: a valid birth is processed and the API answers
            a.publish(t.birth("orin-nano"), valid(MessageType.BIRTH, "orin-nano"));
            await().atMost(Duration.ofSeconds(10)).until(() -> h.metric("edgefm_messages_in_total", "type=\"birth\"")
                    > birthsBefore);
            assertThat(h.get("/health")).contains("\"status\":\"ok\"");
            Figures.of("BadPayloadIT.host." + type.level()).put("payloads", PER_TOPIC).put("byKind", batch.kinds())
                    .seconds("allCounted", t0, counted).put("hostServing", true).print();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MessageType.class, names = {"DIRECTIVE", "COMMAND"})
    void hostilePayloads_onAnAgentTopic_areCounted_andTheAgentKeepsServing(MessageType type) throws Exception {
        AgentProcess a = sharedAgent();
        Topics t = Topics.forFleet(HostHarness.FLEET);
        String topic = t.node(a.nodeId(), type);
        HostilePayloads.Batch batch = HostilePayloads.generate(9_000 + type.ordinal(), PER_TOPIC, topic,
                valid(type, a.nodeId()), valid(type, "someone-else"));
        long before = rejected(a.nodeId());
        long t0 = System.nanoTime();
        sendPaced(hostSide, topic, batch.payloads(), () -> rejected(a.nodeId()) - before);
        long counted = System.nanoTime();
        assertThat(rejected(a.nodeId())).isEqualTo(before + PER_TOPIC);
        // still serving: a valid directive is applied and acknowledged, telemetry goes on
        long v = System.currentTimeMillis();
        hostSide.publish(t.directive(a.nodeId()), CODEC.encode(new Directive(1, a.nodeId(), 1, v, v, DesiredState.EMPTY)));
        hostSide.await(a.nodeId(), Ack.class, k -> k.version() == v && k.outcome() == AckOutcome.APPLIED, Duration.ofSeconds(60));
        long seq = hostSide.received(a.nodeId(), Telemetry.class).stream().mapToLong(Telemetry::seq).max().orElse(0);
        hostSide.await(a.nodeId(), Telemetry.class, x -> x.seq() > seq, Duration.ofSeconds(30));
        assertThat(a.alive()).isTrue();
        assertThat(a.log()).doesNotContain("Exception in thread").doesNotContain("OutOfMemoryError");
        Figures.of("BadPayloadIT.agent." + type.level()).put("payloads", PER_TOPIC).put("byKind", batch.kinds())
                .seconds("allCounted", t0, counted).put("agentServing", true).print();
    }

    /**
     * Publishes in chunks of {@value #CHUNK}, each only once the receiver counted the previous ones:
     * a broker drops QoS 1 messages for a subscriber whose queue is full (1,000 by default), so a
     * sender faster than the receiver would lose messages before they reach it.
     */
    static void sendPaced(FleetRecorder sender, String topic, List<byte[]> payloads, Callable<Long> counted) throws Exception {
        for (int from = 0; from < payloads.size(); from += CHUNK) {
            int to = Math.min(payloads.size(), from + CHUNK);
            sender.publishAll(topic, payloads.subList(from, to), 100);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> counted.call() >= to);
        }
    }

    /** The agent's count of refused messages, from its health endpoint. */
    static long rejected(String node) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + hostSide.lastBirth(node).dataEndpoint()
                + "/v1/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"rejectedMessages\":(\\d+)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
