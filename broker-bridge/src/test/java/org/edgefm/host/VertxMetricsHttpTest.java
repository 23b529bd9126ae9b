package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real host (embedded broker, HTTP on a free port, no planner): after a few API requests, one
 * {@code /metrics} scrape holds Vert.x's HTTP server meters labelled by route template, the JVM and
 * pool meters, and the host's own {@code edgefm_} meters; unknown paths share one label value.
 */
@Timeout(60)
class VertxMetricsHttpTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(PlannerHost host, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.httpPort() + path))
                .header("Authorization", "Bearer " + host.httpToken().token())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> samples(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
    }

    @Test
    void metrics_showVertxHttpMetersByRoute_nextToTheHostsOwn_andUnknownPathsShareOneLabel() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(), "fleet", "t"));
        PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(get(host, "/api/fleet").statusCode()).isEqualTo(200);
            }
            assertThat(get(host, "/health").statusCode()).isEqualTo(200);
            for (int i = 0; i < 5; i++) {
                assertThat(get(host, "/no/such/path/" + i).statusCode()).isEqualTo(404);
            }
            // a request's meters are recorded when its response ends: the scrape after this one sees them all
            get(host, "/metrics");
            String scrape = get(host, "/metrics").body();
            System.out.printf("/metrics: %d lines, %d samples%n", scrape.lines().count(),
                    scrape.lines().filter(l -> !l.startsWith("#")).count());

            List<String> requests = samples(scrape, "vertx_http_server_requests_total");
            assertThat(requests).anyMatch(l -> l.contains("route=\"/api/fleet\"") && l.contains("code=\"200\"")
                    && l.endsWith(" 3.0"));
            assertThat(requests).anyMatch(l -> l.contains("route=\"/health\"") && l.endsWith(" 1.0"));
            assertThat(requests).noneMatch(l -> l.contains("/no/such/path"));
            assertThat(requests.stream().filter(l -> l.contains("code=\"404\""))).containsExactly(
                    "vertx_http_server_requests_total{code=\"404\",route=\"unmatched\"} 5.0");
            assertThat(scrape).doesNotContain("path=\"").doesNotContain("remote=\"");
            assertThat(samples(scrape, "vertx_http_server_response_time_seconds_bucket"))
                    .anyMatch(l -> l.contains("route=\"/api/fleet\"") && l.contains("le=\"+Inf\"") && l.endsWith(" 3"));
            // java.net.http asks for an h2c upgrade by default; the host answers in HTTP/1.1
            assertThat(get(host, "/metrics").version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(scrape).contains("edgefm_outbox_size").contains("edgefm_tasks_ontime_rate")
                    .contains("jvm_memory_used_bytes{").contains("jvm_gc_").contains("jvm_threads_live_threads")
                    .contains("vertx_pool_in_use{").contains("netty_eventexecutor_tasks_pending{");
        } finally {
            host.close();
        }
        // closing the host's Vertx leaves the shared registry open: the last snapshot after it still counts
        assertThat(host.meters().registry().isClosed()).isFalse();
        host.meters().messageIn("after-close");
        assertThat(host.meters().messagesIn("after-close")).isEqualTo(1);
    }
}
