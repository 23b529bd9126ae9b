package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.Result;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live host (embedded broker, planner, HTTP on a free port) with one node that joins, reports
 * telemetry and completes tasks, and two pinned nodes that never join: its {@code /metrics}, read
 * over HTTP, passes {@code promtool check metrics} and carries the per-node gauges, task counters by
 * type and outcome, latency histograms, broker meters and the build info.
 */
@Timeout(120)
class HostMetricsLintTest {
    @TempDir
    static Path dir;
    private static PlannerHost host;

    @BeforeAll
    static void start() throws Exception {
        host = liveHost(dir);
        n1Works(host);
        // the agent client disconnected without a death message: n1's session is still alive
        await().atMost(Duration.ofSeconds(10)).until(() -> host.meters().decisionLagSummary(0).count() >= 3);
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    static String scrape(PlannerHost host) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + host.httpPort() + "/metrics")).header("Authorization", "Bearer " + host.httpToken().token())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static List<String> samples(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
    }

    /** A host with the tiny scenario (nodes n1..n3 pinned, task type t) whose node n1 joined and did work. */
    static PlannerHost liveHost(Path dir) throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 100, "fleet", "t", "staleAfterMs", 600_000));
        return new PlannerHost(cfg, HostMetricsLintTest.class.getClassLoader()).start();
    }

    /** n1 is born, sends one telemetry message (GPU, temperature, a service with a queue) and three results. */
    static void n1Works(PlannerHost host) throws Exception {
        WireCodec codec = new WireCodec();
        Topics topics = Topics.forFleet("t");
        host.fleet().apply(new Directive(1, "n1", host.plannerEpoch(), 1, 1, new DesiredState(List.of(new DesiredService(
                "head", ServiceKind.LIGHT, 1, 1, null, 0.1, null)), List.of(), Map.of())));
        try (TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "n1", null, null)) {
            agent.publish(topics.birth("n1"), new String(codec.encode(WireSamples.birth("n1", 1, 0, 0)), StandardCharsets.UTF_8));
            Telemetry t = new Telemetry(WireCodec.SCHEMA, "n1", 1, 0, System.currentTimeMillis(), 0,
                    new HostMetrics(0.5, List.of(), 3_000_000_000L, 8_000_000_000L, 0, 0, 1, 2, 0, 0, 51.5, 1),
                    List.of(new GpuMetrics(0, "orin-gpu", 0.75, 1_000_000L, 8_000_000_000L, 49.0, 6.5)),
                    List.of(new ServiceMetrics("head", 1, 1, 4, 1, 3, 3, 20.0, 30.0, List.of()),
                            new ServiceMetrics("not-in-the-scenario", 2, 1, 7, 0, 0, 0, null, null, List.of())), List.of());
            agent.publish(topics.telemetry("n1"), new String(codec.encode(t), StandardCharsets.UTF_8));
            long now = System.currentTimeMillis();
            Result r = new Result(1, "n1", 1, List.of(
                    new TaskCompletion("a", "t", "n1", now - 120, now, 200, true, null, List.of(), ticket(host, "a", now - 120)),
                    new TaskCompletion("b", "t", "n1", now - 1500, now, 200, true, null, List.of(), ticket(host, "b", now - 1500)),
                    new TaskCompletion("c", "t", "n1", now - 50, now, 200, false, "stage failed", List.of(),
                            ticket(host, "c", now - 50))));
            agent.publish(topics.result("n1"), new String(codec.encode(r), StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(15)).until(() -> host.meters().totalCompleted() == 3);
        }
    }

    /** The ticket agent n1 signs task {@code id} of type t with, from the key the host derives from its task secret. */
    private static String ticket(PlannerHost host, String id, long submittedAtMs) throws java.io.IOException {
        byte[] secret = java.nio.file.Files.readAllBytes(dir.resolve("data").resolve("task-secret"));
        long epoch = host.plannerEpoch();
        return org.edgefm.wire.TaskTicket.sign(org.edgefm.wire.TaskTicket.nodeKey(secret, "t", "n1", epoch), epoch, id, "n1",
                "t", submittedAtMs);
    }

    @Test
    void liveHostMetrics_passPromtool_andCarryNodeTaskBrokerAndBuildSeries() throws Exception {
        {
            System.gc(); // a weakly held gauge would read NaN after a collection
            String s = scrape(host);
            System.out.printf("/metrics of a live host: %d lines, %d samples%n", s.lines().count(),
                    s.lines().filter(l -> !l.startsWith("#")).count());
            Promtool.checkMetrics(s);

            assertThat(samples(s, "edgefm_outbox_size")).singleElement().satisfies(l -> assertThat(l).doesNotContain("NaN"));
            assertThat(s).doesNotContain("NaN");
            assertThat(samples(s, "edgefm_build_info")).singleElement()
                    .satisfies(l -> assertThat(l).contains("version=\"").endsWith(" 1"));
            // per node: n1 joined (up), n2 and n3 are pinned but never joined (down)
            assertThat(samples(s, "edgefm_fleet_node_up")).containsExactlyInAnyOrder("edgefm_fleet_node_up{node=\"n1\"} 1.0",
                    "edgefm_fleet_node_up{node=\"n2\"} 0.0", "edgefm_fleet_node_up{node=\"n3\"} 0.0");
            assertThat(s).contains("edgefm_fleet_nodes{state=\"online\"} 1.0").contains("edgefm_fleet_nodes{state=\"awaited\"} 2.0")
                    .contains("edgefm_fleet_node_cpu_usage_ratio{node=\"n1\"} 0.5")
                    .contains("edgefm_fleet_node_memory_used_bytes{node=\"n1\"} 3.0E9")
                    .contains("edgefm_fleet_node_memory_total_bytes{node=\"n1\"} 8.0E9")
                    .contains("edgefm_fleet_node_cpu_temperature_celsius{node=\"n1\"} 51.5")
                    .contains("edgefm_fleet_node_gpu_utilization_ratio{gpu=\"0\",node=\"n1\"} 0.75")
                    .contains("edgefm_fleet_node_gpu_temperature_celsius{gpu=\"0\",node=\"n1\"} 49.0")
                    .contains("edgefm_fleet_node_power_watts{node=\"n1\"} 6.5")
                    .contains("edgefm_fleet_node_queue_length{node=\"n1\",service=\"head\"} 4.0")
                    .contains("edgefm_fleet_node_service_instances{node=\"n1\",service=\"head\"} 1.0")
                    // a service the host did not ask for is rejected, and never a label value
                    .doesNotContain("not-in-the-scenario");
            assertThat(samples(s, "edgefm_fleet_node_telemetry_age_seconds")).singleElement()
                    .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isBetween(0.0, 60.0));
            // tasks by type and outcome, and the latency histogram
            assertThat(s).contains("edgefm_tasks_total{outcome=\"on_time\",task_type=\"t\"} 1.0")
                    .contains("edgefm_tasks_total{outcome=\"late\",task_type=\"t\"} 1.0")
                    .contains("edgefm_tasks_total{outcome=\"failed\",task_type=\"t\"} 1.0")
                    .contains("edgefm_tasks_by_origin_total{node=\"n1\",outcome=\"on_time\"} 1.0")
                    .contains("edgefm_task_latency_seconds_bucket{task_type=\"t\",le=\"0.15\"} 2")
                    .contains("edgefm_task_latency_seconds_bucket{task_type=\"t\",le=\"+Inf\"} 3")
                    .contains("edgefm_decision_lag_seconds_bucket{le=\"0.001\"}")
                    .contains("edgefm_step_time_seconds_bucket{le=\"0.01\"}");
            // broker
            assertThat(samples(s, "edgefm_broker_publishes_received_total")).singleElement()
                    .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(3));
            assertThat(samples(s, "edgefm_broker_connections")).singleElement()
                    .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(1));
            assertThat(s).contains("edgefm_broker_connected 1.0").contains("edgefm_broker_messages_dropped_total 0.0")
                    .contains("edgefm_broker_refusals_total{reason=\"login\"} 0.0");
            // every family has help text
            assertThat(s.lines().filter(l -> l.startsWith("# TYPE edgefm_")).map(l -> l.split(" ")[2]))
                    .allSatisfy(name -> assertThat(s).contains("# HELP " + name + " "));
        }
    }

    /** The shipped Prometheus files (the repository's {@code ops/} folder; tests run in the module folder). */
    static final Path OPS = Path.of("..", "ops");

    @Test
    void shippedAlertRules_passPromtoolCheckAndTheirUnitTests() throws Exception {
        Path prom = OPS.resolve("prometheus");
        String check = Promtool.run(List.of("check", "rules", "edgefm-alerts.yml"), prom);
        assertThat(check).as(check).startsWith("0\n").contains("SUCCESS");
        String test = Promtool.run(List.of("test", "rules", "edgefm-alerts.test.yml"), prom);
        assertThat(test).as(test).startsWith("0\n").contains("SUCCESS");
    }

    @Test
    void everyMetricTheDashboardAndTheRulesQuery_existsOnALiveHost_andEveryDashboardQueryParses() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var dash = json.readTree(OPS.resolve("grafana").resolve("edgefm-fleet.json").toFile());
        List<String> exprs = new java.util.ArrayList<>();
        dash.findValues("expr").forEach(e -> exprs.add(e.asText()));
        assertThat(exprs).hasSizeGreaterThan(20);
        List<String> variables = new java.util.ArrayList<>();
        for (var v : dash.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                variables.add(v.path("definition").asText());
            }
        }
        // every panel says what it shows and in which unit
        for (var p : dash.path("panels")) {
            if (!p.path("type").asText().equals("row")) {
                assertThat(p.path("description").asText()).as(p.path("title").asText()).isNotBlank();
                if (p.path("type").asText().equals("timeseries")) {
                    assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as(p.path("title").asText()).isNotBlank();
                }
            }
        }
        // the dashboard's queries, with Grafana's variables given values, parse as PromQL (promtool checks recording rules)
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            String e = PromQl.grafanaToPromQl(exprs.get(i));
            rules.append("      - record: edgefm_dashboard_query_").append(i).append("\n        expr: ")
                    .append(json.writeValueAsString(e)).append('\n');
        }
        Path rulesFile = dir.resolve("dashboard-queries.yml");
        java.nio.file.Files.writeString(rulesFile, rules);
        String check = Promtool.run(List.of("check", "rules", rulesFile.toAbsolutePath().toString()), dir);
        assertThat(check).as(check).startsWith("0\n");

        java.util.Set<String> referenced = new java.util.TreeSet<>();
        exprs.forEach(e -> referenced.addAll(PromQl.metricNames(PromQl.grafanaToPromQl(e))));
        variables.forEach(v -> referenced.addAll(PromQl.labelValuesMetric(v)));
        for (String rule : PromQl.ruleExpressions(java.nio.file.Files.readString(OPS.resolve("prometheus").resolve("edgefm-alerts.yml")))) {
            referenced.addAll(PromQl.metricNames(rule));
        }
        referenced.remove("up"); // Prometheus's own per-target series
        String s = scrape(host);
        java.util.Set<String> present = s.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(java.util.stream.Collectors.toSet());
        System.out.printf("dashboard and rules query %d metrics: %s%n", referenced.size(), referenced);
        assertThat(referenced).hasSizeGreaterThan(20).allSatisfy(m -> assertThat(present).as("on the live host's /metrics").contains(m));
    }
}
