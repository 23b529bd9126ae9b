package org.edgefm.agent.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.edgefm.agent.kernel.DecodeStep;
import org.edgefm.agent.kernel.Kernel;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.wire.Directive;
import org.edgefm.wire.Result;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.TaskTicket;
import org.edgefm.wire.WireCodec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task ingress and the data plane. {@code POST /v1/tasks/{taskType}} accepts a task (body: an
 * optional tensor in {@link Tensors} form; {@code ?id=} an optional task id) and answers 202 with
 * the task id. The agent runs each stage it hosts, forwards a stage's output agent-to-agent with
 * {@code POST /v1/peer/stage} (Vert.x HTTP on Netty) to the node the routing table names
 * ({@link TaskRouting}), joins all parents of a fusion stage before running it ({@link Joins}; in-tree
 * DAG; the node of a fusion stage is pinned at the task's origin, see {@link Pins}), and hands the completion of the sink
 * (or of a failure) with per-stage timestamps to the result outbox. {@code GET /v1/health} says
 * what runs here, what was refused and how many fusion stages wait for a parent ({@code pendingJoins}). Every transfer to a peer is a link measurement ({@link LinkMeter}); the agent
 * also probes its peers ({@link PeerProbes}); what it sends on the data plane goes through its
 * {@link Shaper}.
 * No accepted task ends silently: a forward that gets no answer within
 * {@link #forwardTimeoutMs} and a fusion stage whose other parents do not arrive within its keep
 * time (at least a minute, twice the deadline) are reported as failed completions.
 */
public final class TaskVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TaskVerticle.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Least time a fusion stage waits for its other parents (see {@link Join}). */
    static final long JOIN_MIN_KEEP_MS = 60_000;
    /** How often expired joins are looked for. */
    static final long JOIN_SWEEP_MS = 10_000;
    /** Seconds a client is asked to wait ({@code Retry-After}) when a request comes before the first directive. */
    static final long RETRY_BEFORE_DIRECTIVE_S = 5;
    /** The link-probe paths, open before the first directive. */
    private static final java.util.Set<String> PROBES = java.util.Set.of("/v1/peer/ping", "/v1/peer/probe");
    /** The answer to a task or stage request before the first directive. */
    static final String NOT_PLACED_YET = "this agent has no directive from its host yet: it runs no service and cannot"
            + " check the fleet's data token; retry once the host has placed work here";
    /** Least time a forward to a peer may take before the task is failed. */
    static final long FORWARD_MIN_TIMEOUT_MS = 2_000;

    private final AgentContext ctx;
    private final long joinMinKeepMs;
    private final long joinSweepMs;
    private final Joins joins;
    private final TaskRouting routing;
    private HttpClientAgent client;
    private HttpServer server;
    private Shaper shaper;
    private final java.util.concurrent.atomic.AtomicLong refusedRequests = new java.util.concurrent.atomic.AtomicLong();
    /** Tasks refused at submission by admission control ({@code rejectedTasks} in {@code /v1/health}). */
    private final java.util.concurrent.atomic.AtomicLong rejectedTasks = new java.util.concurrent.atomic.AtomicLong();
    /** The error of a task refused by admission control. */
    static final String REJECTED = "rejected by admission control";

    /** The data plane of one agent. */
    public TaskVerticle(AgentContext ctx) {
        this(ctx, JOIN_MIN_KEEP_MS, JOIN_SWEEP_MS);
    }

    /** As above, with the join keep floor and sweep period given (tests). */
    TaskVerticle(AgentContext ctx, long joinMinKeepMs, long joinSweepMs) {
        this.ctx = ctx;
        this.joinMinKeepMs = joinMinKeepMs;
        this.joinSweepMs = joinSweepMs;
        this.routing = new TaskRouting(ctx);
        this.joins = new Joins(joinMinKeepMs);
    }

    /**
     * How long a forward of a stage of this task type may go unanswered (connect included) before
     * the task is failed: twice the deadline, at least {@value #FORWARD_MIN_TIMEOUT_MS} ms. Without
     * it a request on a kept-alive connection to a peer that became unreachable would wait forever.
     */
    static long forwardTimeoutMs(TaskType tt) {
        return (long) Math.max(FORWARD_MIN_TIMEOUT_MS, 2 * tt.deadlineMs());
    }

    /**
     * Where a task is: which task, and the timings of the stages done so far. {@code pins} is the
     * node of each fusion stage as the task's origin chose it (see {@link Pins}); null in a header
     * from an agent that does not pin, and for a task type without fusion stages. {@code decode} is the
     * generation step the task is (sequence id and start; null for a task that is none), which every
     * stage's kernel is given.
     */
    record Header(String taskId, TaskType taskType, String origin, long submittedAtMs, String stage, String fromStage,
            List<StageTiming> timings, Pins pins, String ticket, DecodeStep decode) {
        /** The same task at another stage. */
        Header at(String nextStage, String from, List<StageTiming> doneSoFar) {
            return new Header(taskId, taskType, origin, submittedAtMs, nextStage, from, doneSoFar, pins, ticket, decode);
        }
    }

    /**
     * The node of every fusion (multi-parent) stage of a task, chosen once at the task's origin
     * from its routing table, so that all parents of a join go to the same node even while a new
     * routing table reaches the agents at different moments (each agent would otherwise choose
     * from its own table). {@code plannerEpoch} and {@code issuedAtMs} say which table the origin
     * chose from: the host issues one planning round's directives to all nodes together.
     */
    record Pins(long plannerEpoch, long issuedAtMs, Map<String, String> nodes) {
    }

    /**
     * Stage data on its way: the tensor and, when it is a kernel's pooled output, that output. The
     * last reader releases it (the stage that consumed it, the serialiser that forwarded it, or the
     * sink), so the kernel's next call reuses the array; data from a request body or a peer owns
     * nothing and releasing it does nothing.
     */
    record Data(INDArray array, Kernel.Output owner) {
        static final Data NONE = new Data(null, null);

        static Data of(INDArray array) {
            return new Data(array, null);
        }

        void release() {
            if (owner != null) {
                owner.close();
            }
        }
    }

    @Override
    public Future<?> start() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        shaper = new Shaper(ctx.config().impairment(), ctx.nodeId().hashCode());
        if (!shaper.impairment().isNone()) {
            LOG.info("data plane impaired in process: {}{}", shaper.impairment().describe(),
                    shaper.impairment().gateFile() == null ? "" : " while " + shaper.impairment().gateFile() + " exists");
        }
        PeerProbes probes = new PeerProbes(vertx, client, shaper, ctx.links(), ctx.config().links());
        probes.authorization(this::authorization);
        Router r = Router.router(vertx);
        r.route("/v1/tasks/*").handler(this::guard);
        r.route("/v1/peer/*").handler(this::guard);
        r.route().handler(BodyHandler.create().setBodyLimit(Tensors.MAX_VALUES * 4 + 65536));
        r.post("/v1/tasks/:taskType").handler(this::onSubmit);
        r.post("/v1/peer/stage").handler(this::onPeer);
        probes.routes(r);
        probes.every(ctx.nodeId(), () -> {
            Directive d = ctx.applied();
            return d == null ? Map.of() : d.desired().peers();
        });
        vertx.setPeriodic(joinSweepMs, id -> expireJoins());
        r.get("/metrics").handler(rc -> rc.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ctx.meters().scrape()));
        r.get("/v1/health").handler(rc -> rc.json(new JsonObject().put("nodeId", ctx.nodeId())
                .put("appliedVersion", ctx.appliedVersion()).put("services", ctx.runtime().serviceIds())
                .put("rejectedMessages", ctx.rejectedMessages()).put("refusedRequests", refusedRequests.get())
                .put("rejectedTasks", rejectedTasks.get()).put("pendingJoins", joins.size())));
        return vertx.createHttpServer().requestHandler(r).listen(ctx.config().httpPort(), ctx.config().httpHost())
                .onSuccess(s -> {
                    server = s;
                    ctx.dataEndpoint(ctx.config().advertiseHost() + ":" + s.actualPort());
                    LOG.info("task and peer endpoint on http://{}:{}", ctx.config().httpHost(), s.actualPort());
                });
    }

    /**
     * The data plane's credential: once the host gave the fleet's data token (its keys message), a task
     * submission, stage data from a peer and a link probe must carry it as
     * {@code Authorization: Bearer}; anything else is answered 401 before its body is read, and
     * counted ({@code refusedRequests} in {@code /v1/health}). Before the first directive the agent
     * runs nothing and has no token to check a request against: task submissions and stage data are
     * answered 503 with {@code Retry-After} and a one-line reason, counted the same way (link probes,
     * which carry no task, stay open so that peers can measure the link the host needs to place work
     * here). A host that gives no token (an open, development broker) leaves the data plane open once
     * its first directive is applied.
     */
    private void guard(RoutingContext rc) {
        Directive d = ctx.applied();
        if (d == null && !PROBES.contains(rc.normalizedPath())) {
            long n = refusedRequests.incrementAndGet();
            if (n == 1 || Long.bitCount(n) == 1) {
                LOG.info("refused {} {} from {}: no directive from the host yet; {} refused so far", rc.request().method(),
                        rc.request().path(), rc.request().remoteAddress(), n);
            }
            rc.response().setStatusCode(503).putHeader("content-type", "application/json")
                    .putHeader("Retry-After", Long.toString(RETRY_BEFORE_DIRECTIVE_S))
                    .end(new JsonObject().put("error", NOT_PLACED_YET).encode());
            return;
        }
        String token = ctx.dataToken();
        String given = rc.request().getHeader("Authorization");
        if (token == null || (given != null && java.security.MessageDigest.isEqual(
                ("Bearer " + token).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII)))) {
            rc.next();
            return;
        }
        long n = refusedRequests.incrementAndGet();
        String why = given == null ? "no data token" : "a wrong data token";
        if (n == 1 || Long.bitCount(n) == 1) { // the first, then at powers of two: counted, not a log flood
            LOG.warn("refused {} {} from {}: {} (Authorization: Bearer, the fleet's data token from the host);"
                    + " {} refused so far", rc.request().method(), rc.request().path(), rc.request().remoteAddress(), why, n);
        }
        rc.response().setStatusCode(401).putHeader("content-type", "application/json")
                .putHeader("WWW-Authenticate", "Bearer realm=\"edgefm-data\"")
                .end(new JsonObject().put("error", why + ": send the fleet's data token as Authorization: Bearer").encode());
    }

    /** The Authorization header value for this agent's requests to peers, or null without a data token. */
    private String authorization() {
        String token = ctx.dataToken();
        return token == null ? null : "Bearer " + token;
    }

    private void onSubmit(RoutingContext rc) {
        String typeId = rc.pathParam("taskType");
        TaskType tt = ctx.taskTypes().get(typeId);
        if (tt == null) {
            rc.response().setStatusCode(404).end(new JsonObject().put("error", "unknown task type '" + typeId
                    + "' (known: " + String.join(", ", ctx.taskTypes().keySet()) + ")").encode());
            return;
        }
        byte[] body = rc.body() == null || rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes();
        String id = rc.queryParams().get("id");
        String taskId = id != null && !id.isBlank() && id.length() <= 128 ? id : UUID.randomUUID().toString();
        DecodeStep step;
        try {
            step = DecodeStep.fromQuery(rc.queryParams().get("sequence"), rc.queryParams().get("start"), rc.queryParams().get("topK"),
                    rc.queryParams().get("temperature"), rc.queryParams().get("seed"));
        } catch (EdgeFmException e) {
            rc.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", e.getMessage()).encode());
            return;
        }
        long now = System.currentTimeMillis();
        if (routing.admissionRejects(tt, TaskRouting.key(taskId, step))) { // a generation is admitted or refused as a whole
            long n = rejectedTasks.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.info("task {} of type '{}' rejected by admission control (the planner's route rejects part of this"
                        + " stream); {} rejected so far", taskId, typeId, n);
            }
            rc.response().setStatusCode(503).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("taskId", taskId).put("taskType", typeId)
                            .put("error", "rejected by admission control: the fleet is over capacity for this stream").encode());
            complete(new Header(taskId, tt, ctx.nodeId(), now, tt.leaves().get(0).id(), null, List.of(), null,
                    ticket(taskId, tt, now), step), List.of(), now, false, REJECTED, null);
            return;
        }
        // decoding a tensor is work proportional to its size: off the event loop
        vertx.executeBlocking(() -> Tensors.read(body, 0, body.length), false).onComplete(ar -> {
            if (ar.failed()) {
                rc.response().setStatusCode(400).end(new JsonObject().put("error", ar.cause().getMessage()).encode());
                return;
            }
            rc.response().setStatusCode(202).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("taskId", taskId).put("taskType", typeId).encode());
            Pins pins = routing.pins(tt, taskId);
            String ticket = ticket(taskId, tt, now);
            for (Stage leaf : tt.leaves()) {
                deliver(new Header(taskId, tt, ctx.nodeId(), now, leaf.id(), null, List.of(), pins, ticket, step),
                        Data.of(ar.result()));
            }
        });
    }

    /**
     * The task's ticket: this node's signature of the task with the newest task key the host sent it
     * ({@link TaskTicket}; from an older host, the applied directive's); null without a key (a host
     * that signs no tasks).
     */
    private String ticket(String taskId, TaskType tt, long submittedAtMs) {
        org.edgefm.wire.TaskKeys k = ctx.keys();
        if (k != null) {
            return TaskTicket.sign(k.taskKey(), k.plannerEpoch(), taskId, ctx.nodeId(), tt.id(), submittedAtMs);
        }
        Directive d = ctx.applied();
        return d == null || d.taskKey() == null ? null
                : TaskTicket.sign(d.taskKey(), d.plannerEpoch(), taskId, ctx.nodeId(), tt.id(), submittedAtMs);
    }

    private void onPeer(RoutingContext rc) {
        Buffer b = rc.body().buffer();
        vertx.executeBlocking(() -> {
            if (b == null || b.length() < 4) {
                throw new EdgeFmException("body: too short for a stage header");
            }
            int headerLen = b.getInt(0);
            if (headerLen <= 0 || headerLen > b.length() - 4) {
                throw new EdgeFmException("body: header length " + headerLen + " does not fit " + b.length() + " bytes");
            }
            Header h = JSON.readValue(b.getBytes(4, 4 + headerLen), Header.class);
            byte[] all = b.getBytes();
            return Map.entry(h, java.util.Optional.ofNullable(Tensors.read(all, 4 + headerLen, all.length - 4 - headerLen)));
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("refused peer stage data: {}", ar.cause().getMessage());
                rc.response().setStatusCode(400).end(new JsonObject().put("error", String.valueOf(ar.cause().getMessage())).encode());
                return;
            }
            shaper.beforeSend(vertx, 0).onComplete(v -> (ctx.links().loading()
                    ? rc.response().putHeader(LinkMeter.LOADING_HEADER, "1") : rc.response()).setStatusCode(202).end());
            arrive(ar.result().getKey(), Data.of(ar.result().getValue().orElse(null)));
        });
    }

    /** Sends stage input to the node that serves the stage (this one or a peer). */
    private void deliver(Header h, Data data) {
        String target;
        try {
            target = routing.route(h);
        } catch (EdgeFmException e) {
            data.release();
            fail(h, e.getMessage());
            return;
        }
        if (target.equals(ctx.nodeId())) {
            arrive(h, data);
            return;
        }
        Directive d = ctx.applied();
        String endpoint = d == null ? null : d.desired().peers().get(target);
        if (endpoint == null) {
            data.release();
            fail(h, "stage '" + h.stage() + "': no data endpoint for node '" + target + "'");
            return;
        }
        forward(target, endpoint, h, data);
    }

    private void forward(String target, String endpoint, Header h, Data data) {
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(h);
        } catch (java.io.IOException e) {
            data.release();
            fail(h, "cannot encode the stage header: " + e.getMessage());
            return;
        }
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        long[] t0 = new long[1];
        vertx.executeBlocking(() -> {
            try {
                // a real model's hidden states go as FP16 where its manifest says so (the size counts for the link)
                byte[] bytes = data.array() == null ? new byte[0]
                        : Tensors.write(data.array(), data.owner() != null && data.owner().halfOnWire());
                return Buffer.buffer(4 + header.length + bytes.length).appendInt(header.length).appendBytes(header).appendBytes(bytes);
            } finally {
                data.release(); // serialised: the kernel may reuse the array
            }
        }, false)
                // timed from after serialisation: the shaper's wait is part of the link, as netem's would be
                .compose(body -> {
                    t0[0] = System.nanoTime();
                    return shaper.beforeSend(vertx, body.length()).map(body);
                })
                .compose(body -> client.request(withAuthorization(new RequestOptions().setMethod(HttpMethod.POST).setHost(host)
                        .setPort(port).setURI("/v1/peer/stage").setTimeout(forwardTimeoutMs(h.taskType()))))
                        .compose(req -> req.send(body)).map(resp -> Map.entry(resp, body.length())))
                .compose(e -> e.getKey().statusCode() == 202 ? Future.succeededFuture(
                                e.getKey().getHeader(LinkMeter.LOADING_HEADER) != null ? -1 : e.getValue())
                        : e.getKey().body().compose(b -> Future.failedFuture("HTTP " + e.getKey().statusCode() + " "
                                + b.toString(StandardCharsets.UTF_8))))
                .onSuccess(bytes -> {
                    if (bytes < 0) {
                        ctx.links().discardPeerLoading(); // the peer was loading model parts: not a link figure
                    } else {
                        ctx.links().transfer(target, bytes, (System.nanoTime() - t0[0]) / 1e6, Double.NaN,
                                System.currentTimeMillis());
                    }
                })
                .onFailure(e -> fail(h, "forwarding stage '" + h.stage() + "' to node '" + target + "' failed: " + e.getMessage()));
    }

    private RequestOptions withAuthorization(RequestOptions o) {
        String a = authorization();
        return a == null ? o : o.putHeader("Authorization", a);
    }

    private void expireJoins() {
        for (Joins.Expired j : joins.expire(System.currentTimeMillis())) {
            fail(j.first().at(j.first().stage(), j.first().fromStage(), j.timings()), "stage '" + j.first().stage()
                    + "' on node '" + ctx.nodeId() + "': parent(s) " + j.missing() + " did not arrive within " + j.keepMs() + " ms");
        }
    }

    /** Input for a stage arrived here: wait for all its parents, then run it. */
    private void arrive(Header h, Data data) {
        TaskType tt = h.taskType();
        List<Stage> parents = tt.parents(h.stage());
        List<Data> inputs;
        List<StageTiming> timings;
        if (parents.size() <= 1) {
            inputs = data.array() == null ? List.of() : List.of(data);
            timings = h.timings();
        } else {
            Joins.Ready ready = joins.offer(h, data, parents);
            if (ready == null) {
                return; // wait for the other parents of this fusion stage
            }
            inputs = ready.inputs();
            timings = ready.timings();
        }
        Stage stage = tt.stage(h.stage());
        List<StageTiming> done = timings;
        List<INDArray> arrays = new ArrayList<>(inputs.size());
        inputs.forEach(d -> arrays.add(d.array()));
        ctx.runtime().execute(stage.service(), arrays, h.decode()).onComplete(ar -> {
            Data out = ar.succeeded() ? consumed(inputs, ar.result()) : null;
            if (ar.failed()) {
                inputs.forEach(Data::release);
                fail(h.at(h.stage(), h.fromStage(), done), "stage '" + stage.id() + "' on node '" + ctx.nodeId() + "': "
                        + ar.cause().getMessage() + (routing.pinnedHere(h) ? " (the task's origin chose this node for it)" : ""));
                return;
            }
            ServiceRuntime.StageRun run = ar.result();
            List<StageTiming> next = new ArrayList<>(done);
            next.add(new StageTiming(stage.id(), ctx.nodeId(), run.startMs(), run.endMs(), run.queuedAtMs()));
            if (stage.isSink()) {
                // a real model's head answers (label and score): the completion carries it
                org.edgefm.wire.TaskAnswer answer = run.owner() == null ? null : run.owner().answer();
                out.release(); // nothing reads a sink's output
                complete(h, next, run.endMs(), true, null, answer);
            } else {
                deliver(h.at(stage.next(), stage.id(), next), out);
            }
        });
    }

    /**
     * The stage has read its inputs: release them, except one that a kernel-less stage passed
     * through as its output, whose ownership moves on with it.
     */
    private static Data consumed(List<Data> inputs, ServiceRuntime.StageRun run) {
        Kernel.Output carried = null;
        for (Data in : inputs) {
            if (run.owner() == null && in.array() == run.output()) {
                carried = in.owner();
            } else {
                in.release();
            }
        }
        return new Data(run.output(), run.owner() != null ? run.owner() : carried);
    }

    private void fail(Header h, String error) {
        LOG.warn("task {} failed: {}", h.taskId(), error);
        complete(h, h.timings(), System.currentTimeMillis(), false, error, null);
    }

    private void complete(Header h, List<StageTiming> timings, long endMs, boolean success, String error,
            org.edgefm.wire.TaskAnswer answer) {
        TaskCompletion c = new TaskCompletion(h.taskId(), h.taskType().id(), h.origin(), h.submittedAtMs(),
                Math.max(endMs, h.submittedAtMs()), h.taskType().deadlineMs(), success, error, timings, answer,
                h.ticket() == null || h.ticket().isEmpty() || h.ticket().length() > 128 ? null : h.ticket());
        Result r = new Result(WireCodec.SCHEMA, ctx.nodeId(), System.currentTimeMillis(), List.of(c));
        vertx.eventBus().send(Bus.RESULT, Buffer.buffer(ctx.codec().encode(r)), new DeliveryOptions().addHeader("taskId", h.taskId()));
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
