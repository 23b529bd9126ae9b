package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.api.wire.DesiredState;
import org.edgefm.api.wire.Directive;
import org.edgefm.api.wire.Result;
import org.edgefm.api.wire.TaskCompletion;
import org.edgefm.api.wire.WireCodec;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** No accepted task ends silently: an unanswered forward and a fusion stage missing a parent are reported as failures. */
@Timeout(60)
class TaskVerticleTest {
    private static final TaskType REMOTE = new TaskType("remote", 0.1, 100, List.of(new Stage("s1", "svc", null)));
    private static final TaskType FORK = new TaskType("fork", 0.1, 100, List.of(new Stage("a", "x", "j"),
            new Stage("b", "y", "j"), new Stage("j", "z", null)));

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final List<TaskCompletion> results = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    /** A peer that accepts connections (in the kernel's queue) and never answers. */
    private ServerSocket silentPeer;
    private AgentContext ctx;

    @BeforeEach
    void start() throws Exception {
        silentPeer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AgentConfig config = AgentConfig.defaults().withOverrides(null, "n1", null, "generic-cpu", dir.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        ctx = new AgentContext(config, profile, profile.capacity(), AgentStore.open(dir), new ServiceRuntime(vertx, dir),
                Map.of(REMOTE.id(), REMOTE, FORK.id(), FORK));
        ctx.applied(new Directive(WireCodec.SCHEMA, "n1", 1, 1, 1, new DesiredState(List.of(),
                List.of(new Route("remote", "s1", null, List.of(new WeightedTarget("n2", 1)))),
                Map.of("n2", "127.0.0.1:" + silentPeer.getLocalPort()))));
        vertx.eventBus().<Buffer>consumer(Bus.RESULT, m -> results.addAll(
                new WireCodec().decode(ctx.topics().result("n1"), m.body().getBytes(), Result.class).completions()));
        vertx.deployVerticle(new TaskVerticle(ctx, 300, 100)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        silentPeer.close();
        ctx.store().close();
    }

    private int post(String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + ctx.dataEndpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void forwardToAPeerThatNeverAnswers_failsTheTaskAfterTheForwardTimeout() throws Exception {
        assertThat(TaskVerticle.forwardTimeoutMs(REMOTE)).isEqualTo(TaskVerticle.FORWARD_MIN_TIMEOUT_MS);
        assertThat(post("/v1/tasks/remote?id=fwd-1", new byte[0])).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> !results.isEmpty());
        TaskCompletion c = results.get(0);
        assertThat(c.taskId()).isEqualTo("fwd-1");
        assertThat(c.success()).isFalse();
        assertThat(c.error()).contains("forwarding stage 's1' to node 'n2' failed");
        assertThat(c.completedAtMs() - c.submittedAtMs()).isGreaterThanOrEqualTo(TaskVerticle.FORWARD_MIN_TIMEOUT_MS - 50);
    }

    @Test
    void fusionStageWhoseOtherParentNeverArrives_isReportedAsFailedWhenItsJoinExpires() throws Exception {
        TaskVerticle.Header h = new TaskVerticle.Header("join-1", FORK, "n1", System.currentTimeMillis(), "j", "a", List.of());
        byte[] header = new ObjectMapper().writeValueAsBytes(h);
        byte[] body = ByteBuffer.allocate(4 + header.length).putInt(header.length).put(header).array();
        assertThat(post("/v1/peer/stage", body)).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
        TaskCompletion c = results.get(0);
        assertThat(c.taskId()).isEqualTo("join-1");
        assertThat(c.success()).isFalse();
        assertThat(c.error()).isEqualTo("stage 'j' on node 'n1': parent(s) [b] did not arrive within 300 ms");
        assertThat(results).hasSize(1);
    }
}
