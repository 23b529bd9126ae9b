package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.WireCodec;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Results are stored, and published only while connected with the host online; then removed once acknowledged. */
@Timeout(60)
class ResultOutboxVerticleTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private AgentContext ctx;

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ctx.store().close();
    }

    @Test
    void resultsWait_untilTheHostIsOnline_thenGoOutOnceAndLeaveTheOutbox() throws Exception {
        AgentConfig config = AgentConfig.defaults().withOverrides(null, "n1", null, "generic-cpu", dir.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        ctx = new AgentContext(config, profile, profile.capacity(), AgentStore.open(dir), new ServiceRuntime(vertx, dir), Map.of());
        List<String> published = new CopyOnWriteArrayList<>();
        vertx.eventBus().<Buffer>consumer(Bus.PUBLISH, m -> {
            published.add(m.headers().get("topic"));
            m.reply(null); // the broker's acknowledgement
        });
        vertx.deployVerticle(new ResultOutboxVerticle(ctx)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        ctx.session(1, true); // connected, host state not seen yet

        Result r = new Result(WireCodec.SCHEMA, "n1", 1, List.of(new TaskCompletion("r1", "t", "n1", 1, 2, 100, true, null,
                List.of())));
        vertx.eventBus().send(Bus.RESULT, Buffer.buffer(ctx.codec().encode(r)), new DeliveryOptions().addHeader("taskId", "r1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.store().outbox().containsKey("r1"));
        vertx.eventBus().publish(Bus.CONNECTED, null);
        Thread.sleep(500);
        assertThat(published).isEmpty();

        ctx.hostOnline(true);
        vertx.eventBus().publish(Bus.HOST_ONLINE, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.store().outbox().isEmpty());
        assertThat(published).containsExactly(ctx.topics().result("n1"));

        ctx.disconnected();
        assertThat(ctx.hostOnline()).isFalse();
    }
}
