package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.WireCodec;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No accepted task ends silently: an unanswered forward and a fusion stage missing a parent are
 * reported as failures. The parents of a fusion stage meet at the node the task's origin pinned,
 * even when the agent forwarding a parent has an older routing table.
 */
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
    /**
     * How long a join waits for its parents: short where a test waits for the expiry, long where both
     * parents must meet (a loaded machine can take more than 300 ms to pass a stage between agents).
     */
    private long joinKeepMs;

    /** Marks a test that waits for a join to expire (the agents keep joins for 300 ms). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    private @interface ExpiringJoins {
    }
    /** A peer that accepts connections (in the kernel's queue) and never answers. */
    private ServerSocket silentPeer;
    private AgentContext ctx;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        joinKeepMs = test.getTestMethod().orElseThrow().isAnnotationPresent(ExpiringJoins.class) ? 300 : 30_000;
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
        vertx.deployVerticle(new TaskVerticle(ctx, joinKeepMs, 100)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        silentPeer.close();
        ctx.store().close();
    }

    private int post(String path, byte[] body) throws Exception {
        return post(ctx, path, body);
    }

    private int post(AgentContext to, String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + to.dataEndpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void metricsEndpoint_servesTheAgentsPrometheusText() throws Exception {
        ctx.meters().record(new org.edgefm.wire.HostMetrics(0.5, List.of(0.5), 1, 2, 0, 0, 0, 0, 0, 0, null, 1), List.of(), null);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ctx.dataEndpoint() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(r.body()).contains("edgefm_node_cpu_usage_ratio{node=\"n1\"} 0.5")
                .contains("version=\"" + AgentContext.AGENT_VERSION + "\"");
        // the live endpoint's text passes promtool check metrics (where Debian's prometheus is installed)
        org.edgefm.agent.telemetry.AgentMetersTest.lint(r.body(), null);
    }

    @Test
    void aTaskEnteringHere_isSignedWithTheDirectivesTaskKey_andItsCompletionCarriesTheTicket() throws Exception {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 7);
        Directive d = ctx.applied();
        ctx.applied(d.withSecrets(org.edgefm.wire.TaskTicket.nodeKey(secret, "f", "n1", d.plannerEpoch()), null));
        assertThat(post("/v1/tasks/remote?id=signed-1", new byte[0])).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> !results.isEmpty());
        TaskCompletion c = results.get(0);
        assertThat(c.ticket()).startsWith(d.plannerEpoch() + ".");
        assertThat(org.edgefm.wire.TaskTicket.verify(secret, "f", c)).isTrue();
        // the ticket binds the id, origin, type and submit time: none can be moved
        assertThat(org.edgefm.wire.TaskTicket.verify(secret, "f", new TaskCompletion("signed-2", c.taskType(), c.origin(),
                c.submittedAtMs(), c.completedAtMs(), c.deadlineMs(), true, null, List.of(), c.ticket()))).isFalse();
        assertThat(org.edgefm.wire.TaskTicket.verify(secret, "f", new TaskCompletion(c.taskId(), c.taskType(), c.origin(),
                c.submittedAtMs() + 1, c.completedAtMs() + 1, c.deadlineMs(), true, null, List.of(), c.ticket()))).isFalse();
        assertThat(org.edgefm.wire.TaskTicket.verify(secret, "other-fleet", c)).isFalse();
    }

    @Test
    void entryRouteWithTheRejectTarget_refusesThatShareWith503_reportsItAndCountsIt() throws Exception {
        Directive d = ctx.applied();
        // this origin's entry route rejects every task; others would go to n2
        ctx.applied(new Directive(WireCodec.SCHEMA, "n1", 1, 1, 2, new DesiredState(List.of(),
                List.of(new Route("remote", "s1", null, List.of(new WeightedTarget("n2", 1))),
                        new Route("remote", "s1", "n1", List.of(WeightedTarget.reject(1)))),
                d.desired().peers())));
        assertThat(post("/v1/tasks/remote?id=rej-1", new byte[0])).isEqualTo(503);
        await().atMost(Duration.ofSeconds(20)).until(() -> !results.isEmpty());
        TaskCompletion c = results.get(0);
        assertThat(c.taskId()).isEqualTo("rej-1");
        assertThat(c.success()).isFalse();
        assertThat(c.error()).isEqualTo(TaskVerticle.REJECTED);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://" + ctx.dataEndpoint() + "/v1/health"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"rejectedTasks\":1");
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
    @ExpiringJoins
    void fusionStageWhoseOtherParentNeverArrives_isReportedAsFailedWhenItsJoinExpires() throws Exception {
        TaskVerticle.Header h = new TaskVerticle.Header("join-1", FORK, "n1", System.currentTimeMillis(), "j", "a", List.of(), null, null, null);
        assertThat(post("/v1/peer/stage", peerBody(h, false))).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
        TaskCompletion c = results.get(0);
        assertThat(c.taskId()).isEqualTo("join-1");
        assertThat(c.success()).isFalse();
        assertThat(c.error()).isEqualTo("stage 'j' on node 'n1': parent(s) [b] did not arrive within 300 ms");
        assertThat(results).hasSize(1);
    }

    /** A peer stage request without data; {@code withPins} false writes the header as an agent that does not pin would. */
    private static byte[] peerBody(TaskVerticle.Header h, boolean withPins) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = json.valueToTree(h);
        if (!withPins) {
            node.remove("pins");
        }
        byte[] header = json.writeValueAsBytes(node);
        return ByteBuffer.allocate(4 + header.length).putInt(header.length).put(header).array();
    }

    /** A second agent, in its own Vert.x, with its completions. */
    private record Peer(Vertx vertx, AgentContext ctx, List<TaskCompletion> results) {
    }

    private Peer peer(String nodeId) throws Exception {
        Vertx v = Vertx.vertx();
        Path d = dir.resolve(nodeId);
        java.nio.file.Files.createDirectories(d);
        AgentConfig config = AgentConfig.defaults().withOverrides(null, nodeId, null, "generic-cpu", d.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        AgentContext c = new AgentContext(config, profile, profile.capacity(), AgentStore.open(d), new ServiceRuntime(v, d),
                Map.of(FORK.id(), FORK));
        List<TaskCompletion> out = new CopyOnWriteArrayList<>();
        v.eventBus().<Buffer>consumer(Bus.RESULT, m -> out.addAll(
                new WireCodec().decode(c.topics().result(nodeId), m.body().getBytes(), Result.class).completions()));
        v.deployVerticle(new TaskVerticle(c, joinKeepMs, 100)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new Peer(v, c, out);
    }

    private static void close(Peer p) throws Exception {
        p.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        p.ctx().store().close();
    }

    /**
     * Applies a directive: kernel-less services (they pass their input on) and the fork's routes
     * a -> n1, b -> n2 and j -> {@code joinNode}, issued at {@code issuedAtMs}.
     */
    private static void apply(AgentContext c, long issuedAtMs, String joinNode, Map<String, String> peers, String... services)
            throws Exception {
        List<DesiredService> ds = java.util.Arrays.stream(services)
                .map(s -> new DesiredService(s, ServiceKind.LIGHT, 1, 2, null, 1, null)).toList();
        DesiredState desired = new DesiredState(ds, List.of(
                new Route("fork", "a", null, List.of(new WeightedTarget("n1", 1))),
                new Route("fork", "b", null, List.of(new WeightedTarget("n2", 1))),
                new Route("fork", "j", null, List.of(new WeightedTarget(joinNode, 1)))), peers);
        c.runtime().commit(c.runtime().prepare(desired).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        c.applied(new Directive(WireCodec.SCHEMA, c.nodeId(), 1, 1, issuedAtMs, desired));
    }

    /**
     * n1 (the origin) has the new routing table (the join on n1), n2 the previous one (the join on
     * n2): without pins the parents split; with the origin's pin both meet on n1.
     */
    private Peer splitRouting() throws Exception {
        Peer n2 = peer("n2");
        apply(ctx, 2_000, "n1", Map.of("n2", n2.ctx().dataEndpoint()), "x", "z");
        apply(n2.ctx(), 1_000, "n2", Map.of("n1", ctx.dataEndpoint()), "y", "z");
        return n2;
    }

    @Test
    void joinPinnedAtTheOrigin_bothParentsMeetThere_thoughTheOtherParentsAgentRoutesTheJoinElsewhere() throws Exception {
        Peer n2 = splitRouting();
        try {
            assertThat(post("/v1/tasks/fork?id=pin-1", new byte[0])).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
            TaskCompletion c = results.get(0);
            assertThat(c.taskId()).isEqualTo("pin-1");
            assertThat(c.success()).as(c.error()).isTrue();
            assertThat(c.stages()).extracting(t -> t.stage() + "@" + t.node()).containsExactlyInAnyOrder("a@n1", "b@n2", "j@n1");
            // n2 forwarded b's output to the pinned join on n1: it holds no join waiting for a parent
            assertThat(health(n2.ctx())).contains("\"pendingJoins\":0");
            assertThat(health(ctx)).contains("\"pendingJoins\":0");
            assertThat(n2.results()).isEmpty();
            assertThat(results).hasSize(1);
        } finally {
            close(n2);
        }
    }

    private int post(AgentContext to, String path, byte[] body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + to.dataEndpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void beforeItsFirstDirective_anAgentRefusesTasksAndStageData_with503AndWhy_butAnswersLinkProbes() throws Exception {
        Peer fresh = peer("n3"); // no directive applied
        try {
            byte[] stage = peerBody(new TaskVerticle.Header("early-2", FORK, "n1", System.currentTimeMillis(), "b", null,
                    List.of(), null, null, null), false);
            HttpResponse<String> task = http.send(HttpRequest.newBuilder(URI.create("http://" + fresh.ctx().dataEndpoint()
                    + "/v1/tasks/fork?id=early-1")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(task.statusCode()).isEqualTo(503);
            assertThat(task.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(task.body()).contains("no directive from its host yet");
            assertThat(post(fresh.ctx(), "/v1/peer/stage", stage, "Bearer anything-at-all-here")).isEqualTo(503);
            assertThat(post(fresh.ctx(), "/v1/peer/./stage", stage, null)).as("a path spelled otherwise").isEqualTo(503);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://" + fresh.ctx().dataEndpoint() + "/v1/peer/ping"))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode()).as("link probe").isEqualTo(204);
            assertThat(health(fresh.ctx())).contains("\"refusedRequests\":3");
            // once placed (a host that gives no token: an open development broker) it accepts tasks
            apply(fresh.ctx(), 1_000, "n3", Map.of(), "x", "y", "z");
            assertThat(post(fresh.ctx(), "/v1/tasks/fork?id=placed-1", new byte[0], null)).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> !fresh.results().isEmpty());
            assertThat(fresh.results()).extracting(TaskCompletion::taskId).containsOnly("placed-1"); // accepted and run (its routes lead elsewhere)
        } finally {
            close(fresh);
        }
    }

    @Test
    void withTheFleetsDataToken_tasksAndStageDataNeedIt_agentsSendItToTheirPeers_andRefusalsAreCounted() throws Exception {
        Peer n2 = splitRouting();
        try {
            byte[] secret = new byte[32];
            String token = org.edgefm.wire.TaskTicket.dataToken(secret, "f");
            for (AgentContext c : List.of(ctx, n2.ctx())) {
                c.applied(c.applied().withSecrets(org.edgefm.wire.TaskTicket.nodeKey(secret, "f", c.nodeId(), 1), token));
            }
            byte[] stage = peerBody(new TaskVerticle.Header("in-1", FORK, "n1", System.currentTimeMillis(), "b", null,
                    List.of(), null, null, null), false);
            assertThat(post(ctx, "/v1/tasks/fork?id=no-token", new byte[0], null)).isEqualTo(401);
            assertThat(post(ctx, "/v1/tasks/fork?id=wrong", new byte[0], "Bearer " + token.substring(1) + "x")).isEqualTo(401);
            assertThat(post(n2.ctx(), "/v1/peer/stage", stage, null)).isEqualTo(401);
            assertThat(post(n2.ctx(), "/v1/peer/stage", stage, "Bearer " + org.edgefm.wire.TaskTicket.dataToken(secret, "g")))
                    .as("another fleet's token").isEqualTo(401);
            // a genuine task crosses both agents (a on n1, b on n2, the join on n1): each sends the token to the other
            assertThat(post(ctx, "/v1/tasks/fork?id=ok-1", new byte[0], "Bearer " + token)).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
            TaskCompletion c = results.get(0);
            assertThat(c.success()).as(c.error()).isTrue();
            assertThat(c.stages()).extracting(t -> t.stage() + "@" + t.node()).containsExactlyInAnyOrder("a@n1", "b@n2", "j@n1");
            assertThat(org.edgefm.wire.TaskTicket.verify(secret, "f", c)).isTrue();
            assertThat(results).extracting(TaskCompletion::taskId).containsExactly("ok-1"); // nothing refused ran
            assertThat(health(ctx)).contains("\"refusedRequests\":2");
            assertThat(health(n2.ctx())).contains("\"refusedRequests\":2");
        } finally {
            close(n2);
        }
    }

    private String health(AgentContext c) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + c.dataEndpoint() + "/v1/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    @ExpiringJoins
    void headersWithoutPins_areAccepted_andRoutedByEachAgentsOwnTable_soTheParentsSplit() throws Exception {
        Peer n2 = splitRouting();
        try {
            long now = System.currentTimeMillis();
            // as an origin that does not pin would send the two branches
            assertThat(post(ctx, "/v1/peer/stage", peerBody(new TaskVerticle.Header("old-1", FORK, "n1", now, "a", null,
                    List.of(), null, null, null), false))).isEqualTo(202);
            assertThat(post(n2.ctx(), "/v1/peer/stage", peerBody(new TaskVerticle.Header("old-1", FORK, "n1", now, "b", null,
                    List.of(), null, null, null), false))).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty() && !n2.results().isEmpty());
            assertThat(results.get(0).error()).isEqualTo("stage 'j' on node 'n1': parent(s) [b] did not arrive within 300 ms");
            assertThat(n2.results().get(0).error()).isEqualTo("stage 'j' on node 'n2': parent(s) [a] did not arrive within 300 ms");
        } finally {
            close(n2);
        }
    }

    @Test
    @ExpiringJoins
    void pinToANodeThatIsNoPeer_fallsBackToTheOwnRoute() throws Exception {
        Peer n2 = splitRouting();
        try {
            TaskVerticle.Pins pins = new TaskVerticle.Pins(1, 2_000, Map.of("j", "n9"));
            assertThat(post(n2.ctx(), "/v1/peer/stage", peerBody(new TaskVerticle.Header("far-1", FORK, "n1",
                    System.currentTimeMillis(), "b", null, List.of(), pins, null, null), true))).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> !n2.results().isEmpty());
            assertThat(n2.results().get(0).error()).isEqualTo("stage 'j' on node 'n2': parent(s) [a] did not arrive within 300 ms");
        } finally {
            close(n2);
        }
    }

    @Test
    void pinnedNodeThatNoLongerRunsTheService_failsTheJoinSayingTheOriginChoseIt() throws Exception {
        Peer n2 = splitRouting();
        try {
            // n2's table is older than the pin's: it follows the pin to n1, which does not run 'z' any more
            apply(ctx, 2_000, "n1", Map.of("n2", n2.ctx().dataEndpoint()), "x");
            assertThat(post("/v1/tasks/fork?id=gone-1", new byte[0])).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
            assertThat(results.get(0).error()).isEqualTo("stage 'j' on node 'n1': service 'z' is not running here"
                    + " (the task's origin chose this node for it)");
        } finally {
            close(n2);
        }
    }
}
