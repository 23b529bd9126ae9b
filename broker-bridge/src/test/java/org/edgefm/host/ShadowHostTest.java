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
import java.util.Map;
import org.edgefm.api.ConfigException;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.ShadowPlanner;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A live host with a shadow planner whose controller throws after its first call: the shadow's failures are
 * counted and shown ({@code /api/shadow}, {@code /metrics}, which stays promtool-clean), and the live
 * planner and the fleet never see them.
 */
@Timeout(120)
class ShadowHostTest {
    @TempDir
    Path dir;

    private PlannerHost host(String shadow) throws Exception {
        Map<String, Object> o = new java.util.HashMap<>(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 100, "fleet", "t", "staleAfterMs", 600_000));
        o.put("shadowPlanner", shadow);
        o.put("plannerSettings", Map.of("throw-after.slots", "1"));
        HostConfig cfg = HostConfig.defaults().with(o);
        return new PlannerHost(cfg, ShadowHostTest.class.getClassLoader()).start();
    }

    private static String get(PlannerHost host, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + host.httpPort() + path)).header("Authorization", "Bearer " + host.httpToken().token())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void failingShadow_isQuarantinedInItsBooks_andTheLiveFleetIsUntouched() throws Exception {
        try (PlannerHost host = host("first-fit+throw-after");
                TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "n1", null, null)) {
            WireCodec codec = new WireCodec();
            agent.publish(Topics.forFleet("t").birth("n1"), new String(codec.encode(WireSamples.birth("n1", 1, 0, 0)),
                    StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).until(() -> host.shadow().count(ShadowPlanner.FAILED) >= 3);

            JsonNode api = new ObjectMapper().readTree(get(host, "/api/shadow"));
            assertThat(api.get("planner").asText()).isEqualTo("first-fit+throw-after");
            assertThat(api.get("applied").asBoolean()).isFalse();
            assertThat(api.get("outcomes").get("failed").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(api.get("recent").size()).isBetween(1, 60);
            assertThat(api.get("plugins").toString()).contains("shadow:throw-after");

            String metrics = get(host, "/metrics");
            assertThat(metrics.lines().filter(l -> l.startsWith("edgefm_shadow_slots_total{outcome=\"failed\"}"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum()).isGreaterThanOrEqualTo(3);
            assertThat(metrics).contains("edgefm_shadow_plugin_failures_total{reason=\"threw\"}")
                    .contains("edgefm_shadow_differences{kind=\"route\"}").contains("edgefm_shadow_slots_skipped_total");
            if (Promtool.present()) {
                Promtool.checkMetrics(metrics);
            }
            // the live planner never failed, and n1 runs what the live controller decided
            assertThat(host.loop().pluginHealth().planners()).allSatisfy(p -> assertThat(p.failures().values())
                    .allMatch(v -> v == 0));
            assertThat(host.loop().directives().get("n1").desired().services()).isNotEmpty();
            assertThat(host.loop().pluginHealth().planners()).noneSatisfy(p -> assertThat(p.name()).startsWith("shadow:"));
            assertThat(host.shadow().health().planners().stream().filter(p -> p.name().equals("shadow:throw-after"))
                    .mapToLong(p -> p.failures().get(PluginHealth.THREW)).sum()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void unknownShadowPlanner_failsTheStartNamingIt() {
        assertThatThrownBy(() -> host("no-such-planner")).hasMessageContaining("no-such-planner");
    }

    @Test
    void shadowWithoutAPlanner_isAConfigurationError() {
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("shadowPlanner", "test-pair")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("shadowPlanner");
    }
}
