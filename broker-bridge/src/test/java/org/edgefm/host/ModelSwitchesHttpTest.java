package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real host (embedded broker, HTTP on a free port, no planner) receives an agent's applied acks
 * over MQTT; {@code /api/nodes}, {@code /api/fleet} and {@code /metrics} must show the model switches.
 */
@Timeout(60)
class ModelSwitchesHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final WireCodec codec = new WireCodec();

    private String get(PlannerHost host, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.httpPort() + path))
                .header("Authorization", "Bearer " + host.httpToken().token())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private static org.edgefm.wire.Directive directive(long epoch, long version, String... services) {
        List<org.edgefm.wire.DesiredService> ds = new java.util.ArrayList<>();
        for (String s : services) {
            ds.add(new org.edgefm.wire.DesiredService(s, org.edgefm.api.model.ServiceKind.LIGHT, 1, 1, null, 1.0, null));
        }
        return new org.edgefm.wire.Directive(WireCodec.SCHEMA, "n1", epoch, version, 1,
                new org.edgefm.wire.DesiredState(ds, List.of(), Map.of()));
    }

    private void send(TestClients.Client agent, WireMessage m, String topic) throws Exception {
        agent.publish(topic, new String(codec.encode(m), StandardCharsets.UTF_8));
    }

    @Test
    void appliedAcks_showAsModelSwitchesInNodesFleetAndMetrics() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(), "fleet", "t"));
        Topics t = Topics.forFleet("t");
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
                TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "agent-n1", null, null)) {
            // publish only once the host is subscribed (it announces online after its subscriptions)
            agent.mqtt.subscribe(t.hostState(), 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.received.stream()
                    .anyMatch(r -> r.topic().equals(t.hostState()) && r.payload().contains("\"online\"")));
            send(agent, WireSamples.birth("n1", 1, 0, 0), t.birth("n1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> host.fleet().state().sessionAlive("n1"));
            // the host validates acks against the directives it sent and labels only services it knows
            host.meters().knownServices(List.of("patch", "tok", "enc"));
            long e = host.plannerEpoch();
            host.fleet().apply(directive(e, 1, "patch", "tok"));
            host.fleet().apply(directive(e, 2, "tok", "enc"));
            host.fleet().flush();
            send(agent, new Ack(WireCodec.SCHEMA, "n1", e, 1, AckOutcome.APPLIED, null, 1_000,
                    List.of(new InstanceStart("patch", 42.5, "npy patch.npy"), new InstanceStart("tok", null, null)),
                    List.of()), t.ack("n1"));
            send(agent, new Ack(WireCodec.SCHEMA, "n1", e, 2, AckOutcome.APPLIED, null, 2_000,
                    List.of(new InstanceStart("enc", 7.5, InstanceStart.GENERATED)), List.of(new InstanceStop("patch"))),
                    t.ack("n1"));
            // a re-delivered ack counts once
            send(agent, new Ack(WireCodec.SCHEMA, "n1", e, 2, AckOutcome.APPLIED, null, 2_000,
                    List.of(new InstanceStart("enc", 7.5, InstanceStart.GENERATED)), List.of(new InstanceStop("patch"))),
                    t.ack("n1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> host.meters().messagesIn("ack") == 3);

            JsonNode nodes = JSON.readTree(get(host, "/api/nodes"));
            assertThat(nodes).hasSize(1);
            JsonNode sw = nodes.get(0).path("switches");
            assertThat(sw.path("loads").asLong()).isEqualTo(3);
            assertThat(sw.path("unloads").asLong()).isEqualTo(1);
            assertThat(sw.path("timedLoads").asLong()).isEqualTo(2);
            assertThat(sw.path("meanPreloadMs").asDouble()).isEqualTo(25.0);
            assertThat(sw.path("maxPreloadMs").asDouble()).isEqualTo(42.5);
            JsonNode recent = sw.path("recent");
            assertThat(recent).hasSize(4);
            assertThat(recent.get(0).path("kind").asText()).isEqualTo("load");
            assertThat(recent.get(0).path("service").asText()).isEqualTo("patch");
            assertThat(recent.get(0).path("preloadMs").asDouble()).isEqualTo(42.5);
            assertThat(recent.get(0).path("weights").asText()).isEqualTo("npy patch.npy");
            assertThat(recent.get(1).path("preloadMs").isNull()).isTrue();
            assertThat(recent.get(2).path("kind").asText()).isEqualTo("unload");
            assertThat(recent.get(2).path("version").asLong()).isEqualTo(2);
            assertThat(recent.get(3).path("ackMs").asLong()).isEqualTo(2_000);

            JsonNode fleet = JSON.readTree(get(host, "/api/fleet"));
            assertThat(fleet.path("instanceLoads").asLong()).isEqualTo(3);
            assertThat(fleet.path("instanceUnloads").asLong()).isEqualTo(1);

            List<String> metrics = get(host, "/metrics").lines().toList();
            assertThat(metrics).contains(
                    "edgefm_instance_loads_total{node=\"n1\",service=\"patch\"} 1.0",
                    "edgefm_instance_loads_total{node=\"n1\",service=\"tok\"} 1.0",
                    "edgefm_instance_loads_total{node=\"n1\",service=\"enc\"} 1.0",
                    "edgefm_instance_unloads_total{node=\"n1\",service=\"patch\"} 1.0",
                    "edgefm_instance_preload_seconds_count{service=\"patch\",weights=\"npy\"} 1",
                    "edgefm_instance_preload_seconds_sum{service=\"patch\",weights=\"npy\"} 0.0425",
                    "edgefm_instance_preload_seconds_count{service=\"enc\",weights=\"generated\"} 1",
                    // 7.5 ms falls in the first bucket (10 ms), 42.5 ms in the 50 ms one
                    "edgefm_instance_preload_seconds_bucket{service=\"enc\",weights=\"generated\",le=\"0.01\"} 1",
                    "edgefm_instance_preload_seconds_bucket{service=\"patch\",weights=\"npy\",le=\"0.01\"} 0",
                    "edgefm_instance_preload_seconds_bucket{service=\"patch\",weights=\"npy\",le=\"0.05\"} 1");
            assertThat(metrics).noneMatch(l -> l.startsWith("edgefm_instance_preload_seconds_count{service=\"tok\""));
        }
    }
}
