package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.TaskKeys;
import org.edgefm.wire.TaskTicket;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's secrets reach an agent on its own keys topic, not in the directive: the agent takes
 * them in order with its directives, keeps them across a restart, requires the data token they carry
 * and signs tasks with their task key; keys of an epoch beyond the host's announced one are ignored.
 */
@Timeout(60)
class TaskKeysTest {
    private static final TaskType ONE = new TaskType("one", 0.1, 1_000, List.of(new Stage("s", "svc", null)));
    private static final byte[] SECRET = "thirty-two bytes of host secret!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<TaskCompletion> results = new CopyOnWriteArrayList<>();
    private AgentContext ctx;

    @BeforeEach
    void start() throws Exception {
        ctx = context();
        vertx.eventBus().<Buffer>consumer(Bus.PUBLISH, m -> m.reply(null)); // the broker acknowledges every ack
        vertx.eventBus().<Buffer>consumer(Bus.RESULT, m -> results.addAll(
                new WireCodec().decode(ctx.topics().result("n1"), m.body().getBytes(), Result.class).completions()));
        for (var v : List.of(new DirectiveVerticle(ctx, Long.MAX_VALUE), new TaskVerticle(ctx))) {
            vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private AgentContext context() {
        AgentConfig config = AgentConfig.defaults().withOverrides(null, "n1", null, "generic-cpu", dir.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        return new AgentContext(config, profile, profile.capacity(), AgentStore.open(dir), new ServiceRuntime(vertx, dir),
                Map.of(ONE.id(), ONE));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ctx.store().close();
    }

    private void send(String address, String topic, byte[] payload) {
        vertx.eventBus().send(address, Buffer.buffer(payload), new DeliveryOptions().addHeader("topic", topic));
    }

    private int post(String id, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + ctx.dataEndpoint() + "/v1/tasks/one?id=" + id))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void keysThenDirective_theAgentRequiresTheirToken_signsWithTheirKey_andKeepsThem() throws Exception {
        WireCodec codec = new WireCodec();
        ctx.hostEpoch(3);
        String token = TaskTicket.dataToken(SECRET, "default");
        TaskKeys future = new TaskKeys(WireCodec.SCHEMA, "n1", 4, TaskTicket.nodeKey(SECRET, "default", "n1", 4), token);
        send(Bus.KEYS_IN, ctx.topics().keys("n1"), codec.encode(future));
        TaskKeys keys = new TaskKeys(WireCodec.SCHEMA, "n1", 3, TaskTicket.nodeKey(SECRET, "default", "n1", 3), token);
        send(Bus.KEYS_IN, ctx.topics().keys("n1"), codec.encode(keys));
        Directive d = new Directive(WireCodec.SCHEMA, "n1", 3, 1, System.currentTimeMillis(), DesiredState.EMPTY);
        send(Bus.DIRECTIVE_IN, ctx.topics().directive("n1"), codec.encode(d));
        await().atMost(Duration.ofSeconds(20)).until(() -> ctx.applied() != null && ctx.keys() != null);
        assertThat(ctx.keys().plannerEpoch()).as("the future epoch's keys were ignored").isEqualTo(3);
        assertThat(ctx.applied().taskKey()).isNull();

        assertThat(post("no-token", null)).isEqualTo(401);
        assertThat(post("signed-1", "Bearer " + token)).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> !results.isEmpty());
        TaskCompletion c = results.get(0);
        assertThat(c.taskId()).isEqualTo("signed-1");
        assertThat(TaskTicket.epoch(c.ticket())).isEqualTo(3);
        assertThat(TaskTicket.verify(SECRET, "default", c)).as("the host can check the ticket").isTrue();
        assertThat(TaskTicket.verify(SECRET, "other-fleet", c)).isFalse();

        // the keys are stored with the directive: what a restarted agent reads back
        byte[] stored = ctx.store().keys().orElseThrow();
        assertThat(codec.decode(ctx.topics().keys("n1"), stored, TaskKeys.class)).isEqualTo(keys);
    }
}
