package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.vertx.core.json.JsonArray;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.WireCodec;
import org.edgefm.it.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's dashboard in a real headless Chromium: a host on the embedded broker, two agents
 * (real Paho clients) sending telemetry; the page must list both nodes, then show a node's model
 * switches from its acks, a changed CPU load and a node that went offline without being reloaded.
 */
@Timeout(180)
class DashboardBrowserIT {
    /**
     * One row of the nodes table as cell texts: node, state, session, applied, telemetry age, CPU, services,
     * model switches.
     */
    private static final String ROWS = "[...document.querySelectorAll('#nodes tbody tr')]"
            + ".map(r => [...r.cells].map(c => c.textContent.trim()))";

    @TempDir
    static Path browserDir;
    static Chromium chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void startChromium() throws Exception {
        Chromium.assumeInstalled();
        chromium = Chromium.start(browserDir);
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static org.edgefm.wire.Directive directive(long epoch, long version, String... services) {
        List<org.edgefm.wire.DesiredService> ds = new java.util.ArrayList<>();
        for (String s : services) {
            ds.add(new org.edgefm.wire.DesiredService(s, org.edgefm.api.model.ServiceKind.LIGHT, 1, 1, null, 1.0, null));
        }
        return new org.edgefm.wire.Directive(WireCodec.SCHEMA, "orin-nano", epoch, version, 1,
                new org.edgefm.wire.DesiredState(ds, List.of(), Map.of()));
    }

    @Test
    void dashboard_listsRunningNodes_andUpdatesWithoutReload() throws Exception {
        ScheduledExecutorService telemetry = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger nanoCpuPercent = new AtomicInteger(10);
        try (HostHarness h = new HostHarness(dir)) {
            h.start(null, Map.of());
            try (FakeAgent nano = h.agent("orin-nano"); FakeAgent nx = h.agent("orin-nx")) {
                nano.birth(0, 0);
                nx.birth(0, 0);
                AtomicBoolean nxRunning = new AtomicBoolean(true);
                telemetry.scheduleAtFixedRate(() -> {
                    try {
                        nano.telemetry(0, nanoCpuPercent.get() / 100.0);
                        if (nxRunning.get()) {
                            nx.telemetry(0, 0.20);
                        }
                    } catch (Exception e) {
                        // the next period tries again; the DOM assertions below fail if none gets through
                    }
                }, 0, 300, TimeUnit.MILLISECONDS);

                chromium.navigate("http://127.0.0.1:" + h.host.httpPort() + "/login?token=" + h.host.httpToken().token());
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(row("orin-nano")).startsWith("orin-nano", "online");
                    assertThat(row("orin-nano").get(5)).isEqualTo("10 %");
                    assertThat(row("orin-nx")).startsWith("orin-nx", "online");
                    assertThat(row("orin-nx").get(5)).isEqualTo("20 %");
                });
                assertThat(chromium.evaluate("document.getElementById('summary').textContent")).contains("fleet " + HostHarness.FLEET);
                // a marker on this document: it must survive, so the changes below come from the page's own refresh
                chromium.evaluate("window.edgefmProbe = 'same-document'");

                // model switches: the acks of two directives, the first starting two instances (one with a
                // measured preload), the second stopping one; the column shows totals and the newest switches
                assertThat(row("orin-nano").get(7)).isEqualTo("none");
                // the host takes acks only for directives it sent: it sends the two first
                long e = h.host.plannerEpoch();
                h.host.fleet().apply(directive(e, 1, "patch", "tok"));
                h.host.fleet().apply(directive(e, 2, "tok"));
                h.host.fleet().flush();
                nano.publish(new Ack(WireCodec.SCHEMA, "orin-nano", e, 1, AckOutcome.APPLIED, null, System.currentTimeMillis(),
                        List.of(new InstanceStart("patch", 41.0, InstanceStart.npy("patch.npy")), new InstanceStart("tok", null, null)),
                        List.of()), nano.topics.ack("orin-nano"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(row("orin-nano").get(7))
                        .startsWith("2 loads, 0 unloads · preload mean 41 ms, max 41 ms").contains("+patch v1 41 ms (npy patch.npy)"));
                nano.publish(new Ack(WireCodec.SCHEMA, "orin-nano", e, 2, AckOutcome.APPLIED, null, System.currentTimeMillis(),
                        List.of(), List.of(new InstanceStop("patch"))), nano.topics.ack("orin-nano"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(row("orin-nano").get(7))
                        .startsWith("2 loads, 1 unload ·").contains("−patch v2"));
                assertThat(row("orin-nx").get(7)).isEqualTo("none");

                nanoCpuPercent.set(73);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(row("orin-nano").get(5)).isEqualTo("73 %"));

                nxRunning.set(false);
                telemetry.submit(() -> { }).get(); // the single telemetry thread has nothing of orin-nx in flight
                nx.death("shutdown");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(row("orin-nx").get(1)).isEqualTo("offline"));
                assertThat(row("orin-nano").get(1)).isEqualTo("online");
                assertThat(chromium.evaluate("window.edgefmProbe")).isEqualTo("\"same-document\"");
                // the offline node is marked (red row) and listed first; profile and memory columns are filled
                assertThat(chromium.evaluate("document.querySelector('#nodes tbody tr').className")).isEqualTo("\"down\"");
                assertThat(row("orin-nx").get(0)).isEqualTo("orin-nx");
                assertThat(chromium.evaluate("document.querySelector('#nodes tbody tr td').textContent")).isEqualTo("\"orin-nx\"");
                assertThat(row("orin-nano").get(8)).isEqualTo("it");
                assertThat(row("orin-nano").get(9)).endsWith("GiB");
                // directives say why they wait: a node that never joined, and the applied ones
                h.host.fleet().apply(new org.edgefm.wire.Directive(WireCodec.SCHEMA, "jetson-never", e, 3, 1,
                        new org.edgefm.wire.DesiredState(List.of(), List.of(), Map.of())));
                h.host.fleet().flush();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(directiveWhy("jetson-never"))
                        .startsWith("pending: the node never joined this host"));
                assertThat(directiveWhy("orin-nano")).isEqualTo("applied by the node");
                screenshot("dashboard-2-nodes.png");
                // 100 nodes: 50 rows a page, a pager, offline ones first (the page's own renderer on made-up rows)
                String paged = chromium.evaluate("(() => { const real = lastNodes; lastNodes = [...Array(100).keys()].map(i => ({"
                        + "node: 'n' + String(i).padStart(3, '0'), online: i % 10 !== 3, sessionAlive: i % 20 !== 3, sessionEpoch: 1,"
                        + " appliedEpoch: 1, appliedVersion: 1, telemetryAgeMs: 500, cpuLoad: 0.5, services: [], switches: null,"
                        + " profile: 'jetson-orin-nano-8gb', host: {memUsedBytes: 2 ** 32, memTotalBytes: 2 ** 33, cpuTemperatureC: 50},"
                        + " gpus: [{index: 0, utilization: 0.5, memUsedBytes: 2 ** 30, memTotalBytes: 2 ** 33, temperatureC: 48, powerW: 7.5}]}));"
                        + " renderNodes(); const r = [document.querySelectorAll('#nodes tbody tr').length,"
                        + " document.querySelectorAll('#pager button').length, document.querySelector('#nodes tbody tr').className,"
                        + " document.getElementById('nodecounts').textContent]; return JSON.stringify(r); })()");
                screenshot("dashboard-100-nodes.png");
                JsonArray p = new JsonArray(new io.vertx.core.json.JsonArray("[" + paged + "]").getString(0));
                assertThat(p.getInteger(0)).isEqualTo(50);
                assertThat(p.getInteger(1)).isEqualTo(2);
                assertThat(p.getString(2)).isEqualTo("down");
                assertThat(p.getString(3)).isEqualTo("100 nodes: 90 online, 5 stale, 5 offline");
                // the chart on 60 slots of made-up completions (the page's own renderer): axes, units, time of day,
                // and both series drawn (green on-time and blue latency pixels inside the plot area)
                String drawn = chromium.evaluate("(() => { const now = Date.now(); drawChart([...Array(60).keys()].map(i => ({"
                        + "nowMs: now - (59 - i) * 500, completed: 10, onTime: 10 - (i % 7 === 0 ? 3 : 0),"
                        + " meanLatencyMs: 40 + 25 * Math.sin(i / 6)}))); const c = document.getElementById('chart');"
                        + " const d = c.getContext('2d').getImageData(60, 12, c.width - 130, c.height - 52).data; let green = 0, blue = 0;"
                        + " for (let k = 0; k < d.length; k += 4) { if (d[k + 3] > 0 && d[k] < 60 && d[k + 1] > 100 && d[k + 2] < 60) green++;"
                        + " if (d[k + 3] > 0 && d[k] < 60 && d[k + 1] > 70 && d[k + 1] < 140 && d[k + 2] > 160) blue++; }"
                        + " return JSON.stringify([green, blue]); })()");
                screenshot("dashboard-chart.png");
                JsonArray px = new JsonArray(new io.vertx.core.json.JsonArray("[" + drawn + "]").getString(0));
                assertThat(px.getInteger(0)).as("green (on-time) pixels in the plot").isGreaterThan(100);
                assertThat(px.getInteger(1)).as("blue (latency) pixels in the plot").isGreaterThan(100);
                System.out.println("dashboard in chromium: listed orin-nano and orin-nx, showed orin-nano's model switches, CPU 10 % -> 73 % and orin-nx offline, same document");
            }
        } finally {
            telemetry.shutdownNow();
        }
    }

    /** The "why" cell of {@code node}'s directive, or null when the page shows none. */
    private static String directiveWhy(String node) {
        JsonArray rows = new JsonArray(chromium.evaluate("[...document.querySelectorAll('#directives tbody tr')]"
                + ".map(r => [...r.cells].map(c => c.textContent.trim()))"));
        for (Object r : rows) {
            JsonArray cells = (JsonArray) r;
            if (node.equals(cells.getString(0))) {
                return cells.getString(5);
            }
        }
        return null;
    }

    /** Saves a PNG of the page under target/screenshots (the test output) and says where. */
    private static void screenshot(String name) throws java.io.IOException {
        io.vertx.core.json.JsonObject shot = chromium.call("Page.captureScreenshot", new io.vertx.core.json.JsonObject()
                .put("format", "png").put("captureBeyondViewport", true));
        Path out = Path.of("target", "screenshots", name).toAbsolutePath();
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.write(out, java.util.Base64.getDecoder().decode(shot.getString("data")));
        System.out.println("dashboard screenshot: " + out);
    }

    /** The nodes-table row of {@code node} as cell texts, or an empty list when the page shows none. */
    private static List<String> row(String node) {
        JsonArray rows = new JsonArray(chromium.evaluate(ROWS));
        for (Object r : rows) {
            JsonArray cells = (JsonArray) r;
            if (node.equals(cells.getString(0))) {
                return cells.stream().map(String::valueOf).toList();
            }
        }
        return List.of();
    }
}
