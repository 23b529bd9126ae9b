package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefm.agent.AgentConfig;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results are stored, published only while connected with the host online, removed once acknowledged,
 * retried while the link stays up, and a newer result for a task is never removed by an older one's
 * acknowledgement.
 */
@Timeout(60)
class ResultOutboxVerticleTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private AgentContext ctx;
    /** What reached the broker: the topic and whether the host was online at that moment. */
    private final List<String> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void agent() {
        AgentConfig config = AgentConfig.defaults().withOverrides(null, "n1", null, "generic-cpu", dir.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        ctx = new AgentContext(config, profile, profile.capacity(), AgentStore.open(dir), new ServiceRuntime(vertx, dir), Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ctx.store().close();
    }

    @Test
    void resultsWait_untilTheHostIsOnline_thenGoOutOnceAndLeaveTheOutbox() throws Exception {
        broker(m -> m.reply(null));
        deploy();
        ctx.session(1, true); // connected, host state not seen yet

        result("r1", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.store().outbox().containsKey("r1"));
        vertx.eventBus().publish(Bus.CONNECTED, null); // a flush while the host is offline sends nothing

        ctx.hostOnline(true);
        vertx.eventBus().publish(Bus.HOST_ONLINE, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.store().outbox().isEmpty());
        assertThat(published).containsExactly(ctx.topics().result("n1") + " online");

        ctx.disconnected();
        assertThat(ctx.hostOnline()).isFalse();
    }

    @Test
    void aPublishThatFails_whileTheLinkStaysUp_isRetriedWithoutAReconnect() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        broker(m -> {
            if (attempts.incrementAndGet() <= 2) {
                m.fail(1, "too many publishes in progress");
            } else {
                m.reply(null);
            }
        });
        deploy();
        ctx.session(1, true);
        ctx.hostOnline(true);

        result("r1", false);
        await().atMost(Duration.ofSeconds(20)).until(() -> ctx.store().outbox().isEmpty());
        assertThat(attempts).hasValue(3);
        assertThat(published).hasSize(3);
    }

    @Test
    void aNewerResult_storedWhileAnOlderIsInFlight_isSentAfterIt_andNotRemovedByItsAcknowledgement() throws Exception {
        List<Message<Buffer>> held = new CopyOnWriteArrayList<>();
        List<Boolean> okFlags = new CopyOnWriteArrayList<>();
        broker(m -> {
            okFlags.add(decode(m.body()).completions().get(0).success());
            if (held.isEmpty()) {
                held.add(m); // the first acknowledgement is late
            } else {
                m.reply(null);
            }
        });
        deploy();
        ctx.session(1, true);
        ctx.hostOnline(true);

        result("r1", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
        result("r1", false); // e.g. the other branch of the same task failed
        await().atMost(Duration.ofSeconds(10)).until(() -> okFlagStored(false));
        held.get(0).reply(null);

        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.store().outbox().isEmpty());
        assertThat(okFlags).containsExactly(true, false);
    }

    private boolean okFlagStored(boolean ok) {
        byte[] stored = ctx.store().outbox().get("r1");
        return stored != null && decode(Buffer.buffer(stored)).completions().get(0).success() == ok;
    }

    private Result decode(Buffer b) {
        return ctx.codec().decode(ctx.topics().result("n1"), b.getBytes(), Result.class);
    }

    private void broker(java.util.function.Consumer<Message<Buffer>> ack) {
        vertx.eventBus().<Buffer>consumer(Bus.PUBLISH, m -> {
            published.add(m.headers().get("topic") + (ctx.hostOnline() ? " online" : " offline"));
            ack.accept(m);
        });
    }

    private void deploy() throws Exception {
        vertx.deployVerticle(new ResultOutboxVerticle(ctx)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void result(String taskId, boolean ok) {
        Result r = new Result(WireCodec.SCHEMA, "n1", 1, List.of(new TaskCompletion(taskId, "t", "n1", 1, 2, 100, ok,
                ok ? null : "forwarding failed", List.of())));
        vertx.eventBus().send(Bus.RESULT, Buffer.buffer(ctx.codec().encode(r)), new DeliveryOptions().addHeader("taskId", taskId));
    }
}
