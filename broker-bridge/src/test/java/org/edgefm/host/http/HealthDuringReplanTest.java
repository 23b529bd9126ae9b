package org.edgefm.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API answers while a long core re-plan runs: its handlers read the loop's published view
 * instead of waiting for a step; and the loop itself keeps stepping, since the re-plan runs off its
 * thread while the placement in force stays.
 */
@ExtendWith(VertxExtension.class)
class HealthDuringReplanTest {
    @TempDir
    Path dir;

    private PlannerHost host;

    @BeforeEach
    void startHost() throws Exception {
        SlowCorePlugin.reset();
        int brokerPort;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            brokerPort = s.getLocalPort();
        }
        // re-plan every 300 ms of fleet clock; the first re-plan takes up to the 10 s core budget
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", brokerPort, "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "slow-core+one-each", "scenario", "tiny", "slotMs", 100, "planningEpochMs", 300,
                "fleet", "t", "fleet.model", "declared"));
        host = new PlannerHost(cfg, getClass().getClassLoader()).start();
    }

    @AfterEach
    void stopHost() {
        SlowCorePlugin.release.countDown();
        if (host != null) {
            host.close();
        }
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void health_duringATenSecondCoreReplan_answersInMilliseconds(Vertx vertx, VertxTestContext ctx) throws Exception {
        assertThat(SlowCorePlugin.entered.await(20, TimeUnit.SECONDS)).as("a core re-plan started").isTrue();
        long slotBefore = host.loop().view().slot();
        HttpClient client = vertx.createHttpClient();
        long t0 = System.nanoTime();
        client.request(HttpMethod.GET, host.httpPort(), "127.0.0.1", "/health")
                .compose(req -> req.send().compose(resp -> resp.body()))
                .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
                    double ms = (System.nanoTime() - t0) / 1e6;
                    // the re-plan is still running: the answer did not wait for it
                    assertThat(SlowCorePlugin.inReplan).as("core re-plan still in progress").isTrue();
                    assertThat(ms).as("/health latency in ms").isLessThan(1_000);
                    JsonObject h = body.toJsonObject();
                    assertThat(h.getString("status")).isEqualTo("ok");
                    assertThat(h.getLong("slot")).isGreaterThanOrEqualTo(slotBefore);
                    System.out.printf("/health answered in %.1f ms during a core re-plan%n", ms);
                    ctx.completeNow();
                })));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void loop_duringATenSecondCoreReplan_keepsDecidingEverySlot(VertxTestContext ctx) throws Exception {
        assertThat(SlowCorePlugin.entered.await(20, TimeUnit.SECONDS)).as("a core re-plan started").isTrue();
        long slotBefore = host.loop().view().slot();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(8))
                .until(() -> host.loop().view().slot() >= slotBefore + 3);
        assertThat(SlowCorePlugin.inReplan).as("core re-plan still in progress").isTrue();
        assertThat(host.loop().corePlanning()).isTrue();
        assertThat(host.loop().placement().assignments()).as("the placement in force stays").isNotEmpty();
        ctx.completeNow();
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void placementAndDirectives_duringACoreReplan_answerWithTheViewInForce(Vertx vertx, VertxTestContext ctx)
            throws Exception {
        assertThat(SlowCorePlugin.entered.await(20, TimeUnit.SECONDS)).as("a core re-plan started").isTrue();
        HttpClient client = vertx.createHttpClient();
        String bearer = "Bearer " + host.httpToken().token();
        client.request(HttpMethod.GET, host.httpPort(), "127.0.0.1", "/api/placement")
                .compose(req -> req.putHeader("Authorization", bearer).send().compose(resp -> resp.body()))
                .compose(placement -> client.request(HttpMethod.GET, host.httpPort(), "127.0.0.1", "/api/directives")
                        .compose(req -> req.putHeader("Authorization", bearer).send().compose(resp -> resp.body()))
                        .map(directives -> new JsonObject().put("p", placement.toJsonObject()).put("d", directives.toJsonObject())))
                .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
                    assertThat(SlowCorePlugin.inReplan).as("core re-plan still in progress").isTrue();
                    assertThat(both.getJsonObject("p").getJsonObject("core").getJsonArray("assignments")).isNotEmpty();
                    assertThat(both.getJsonObject("d").getJsonObject("issued").fieldNames()).contains("n1");
                    ctx.completeNow();
                })));
    }
}
