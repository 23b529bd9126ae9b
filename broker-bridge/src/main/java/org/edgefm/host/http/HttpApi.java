package org.edgefm.host.http;

import org.edgefm.api.model.SystemModel;
import org.edgefm.host.fleet.ReportValidator;
import org.edgefm.control.FleetModel;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;
import org.edgefm.control.ControlLoop;
import org.edgefm.host.HostMeters;
import org.edgefm.host.PlannerHost;
import org.edgefm.host.fleet.FleetState;

/**
 * The host's HTTP API (Vert.x Web), read-only (GET only; every request passes {@link HttpGuard}: Host
 * header check, bearer token for everything but {@code /health}):
 * <ul>
 *   <li>{@code GET /health}: liveness, broker connection, planner epoch;</li>
 *   <li>{@code GET /api/fleet}, {@code /api/nodes}, {@code /api/placement}, {@code /api/directives},
 *       {@code /api/trial}, {@code /api/reports}: fleet summary (with the open fleet mismatches: unexpected nodes, awaited nodes,
 *       streams whose origin has not joined, directives for nodes that never joined), per-node state (with each node's model switches: instances
 *       started and stopped by its directives, measured preloads), the core placement and light
 *       decision in force, every node's newest directive and its delivery state, live trial figures;</li>
 *   <li>{@code GET /api/shadow}: the shadow planner's decisions and where they differ from the live ones
 *       ({@link ShadowApi});</li>
 *   <li>{@code GET /api/journal?after=SEQ&limit=N}: the trial journal as JSON lines, one page at a time
 *       (streamed; {@code X-Journal-Next} names the next page);</li>
 *   <li>{@code GET /metrics}: Prometheus text exposition;</li>
 *   <li>{@code GET /}: the live dashboard (one HTML page, no build step).</li>
 * </ul>
 *
 * <p>Handlers run on a Vert.x event loop and never wait for the control loop: they read its
 * {@link ControlLoop#view()}, an immutable value published at the end of every slot, so a slot that
 * spends its core budget in a plugin call does not delay them. {@code /api/journal} reads a MapDB
 * file and runs on a worker.
 */
public final class HttpApi {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final Vertx vertx;
    private final PlannerHost host;
    private final String dashboard;
    private HttpServer server;
    private HttpGuard guard;

    /** Creates the API over a running host's parts. */
    public HttpApi(Vertx vertx, PlannerHost host) {
        this.vertx = vertx;
        this.host = host;
        try (InputStream in = HttpApi.class.getResourceAsStream("dashboard.html")) {
            this.dashboard = in == null ? "<p>dashboard missing</p>" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EdgeFmException("dashboard: cannot read: " + e.getMessage(), e);
        }
    }

    /** Starts listening; port 0 picks a free port. */
    public void listen(String bind, int port) {
        Router r = Router.router(vertx);
        guard = new HttpGuard(host.httpToken().token(), bind, host.config().security().httpHosts());
        r.route().handler(guard);
        r.get("/health").handler(ctx -> json(ctx, health()));
        r.get("/api/fleet").handler(ctx -> json(ctx, fleet()));
        r.get("/api/nodes").handler(ctx -> json(ctx, host.fleet().state().view(host.fleet().nowMs())));
        r.get("/api/placement").handler(ctx -> json(ctx, placement()));
        r.get("/api/directives").handler(ctx -> json(ctx, directives()));
        r.get("/api/trial").handler(ctx -> json(ctx, trial()));
        r.get("/api/shadow").handler(ctx -> json(ctx, ShadowApi.body(host.shadow())));
        r.get("/api/reports").handler(ctx -> json(ctx, host.fleet().validator().rejections()));
        r.get("/api/journal").blockingHandler(this::journalPage);
        r.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(host.meters().scrape()));
        r.get("/").handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(dashboard));
        try {
            // HTTP/1.1 only: a client's h2c upgrade (java.net.http asks for one by default) is answered in
            // HTTP/1.1. Vert.x's upgrade path wrote a /metrics body as raw bytes into the upgraded HTTP/2
            // connection under load (BadPayloadIT: the client hung, then read "# TYPE" as a frame header).
            server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                    .requestHandler(r).listen(port, bind)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new EdgeFmException("HTTP: cannot listen on " + bind + ":" + port + ": " + c.getMessage(), e);
        }
    }

    /** The guard (Host header and bearer token checks), after {@link #listen}. */
    public HttpGuard guard() {
        return guard;
    }

    /** Lines of one {@code /api/journal} page by default, and at most. */
    static final int JOURNAL_PAGE = 1_000;
    static final int JOURNAL_PAGE_MAX = 10_000;

    /**
     * {@code GET /api/journal?after=SEQ&limit=N}: the entries after sequence number SEQ (default 0),
     * at most N (default {@value #JOURNAL_PAGE}, at most {@value #JOURNAL_PAGE_MAX}), streamed as JSON
     * lines in chunks; the {@code X-Journal-Next} header (and a {@code Link: rel="next"}) names the
     * next page's {@code after} while there may be more. Memory stays bounded whatever the journal's size.
     */
    private void journalPage(RoutingContext ctx) {
        long after;
        int limit;
        try {
            String a = ctx.request().getParam("after");
            String l = ctx.request().getParam("limit");
            after = a == null ? 0 : Long.parseLong(a);
            limit = l == null ? JOURNAL_PAGE : Integer.parseInt(l);
            if (after < 0 || limit < 1 || limit > JOURNAL_PAGE_MAX) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            ctx.response().setStatusCode(400).end("after: a sequence number >= 0; limit: 1 to " + JOURNAL_PAGE_MAX + "\n");
            return;
        }
        var res = ctx.response().putHeader("content-type", "application/x-ndjson");
        if (host.journal() == null) {
            res.end();
            return;
        }
        var page = host.journal().page(after, limit);
        if (page.size() == limit) {
            long next = page.get(page.size() - 1).getKey();
            res.putHeader("X-Journal-Next", Long.toString(next))
                    .putHeader("Link", "</api/journal?after=" + next + "&limit=" + limit + ">; rel=\"next\"");
        }
        res.setChunked(true);
        StringBuilder chunk = new StringBuilder();
        for (var e : page) {
            chunk.append(e.getValue()).append('\n');
            if (chunk.length() > 64 * 1024) {
                res.write(chunk.toString());
                chunk.setLength(0);
            }
        }
        res.end(chunk.toString());
    }

    /** The listening port. */
    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    private static void json(RoutingContext ctx, Object body) {
        try {
            ctx.response().putHeader("content-type", "application/json").end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(500, e);
        }
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("hostId", host.config().hostId());
        m.put("plannerEpoch", host.plannerEpoch());
        m.put("broker", host.brokerUrl());
        m.put("slot", host.loop() == null ? null : host.loop().view().slot());
        return m;
    }

    private Map<String, Object> fleet() {
        var nodes = host.fleet().state().view(host.fleet().nowMs());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fleet", host.config().fleet());
        m.put("hostId", host.config().hostId());
        m.put("plannerEpoch", host.plannerEpoch());
        m.put("planner", host.loop() == null ? null : host.loop().planner().name());
        m.put("nodes", nodes.size());
        m.put("online", nodes.stream().filter(FleetState.NodeView::online).count());
        m.put("instanceLoads", nodes.stream().mapToLong(n -> n.switches().loads()).sum());
        m.put("instanceUnloads", nodes.stream().mapToLong(n -> n.switches().unloads()).sum());
        m.put("outbox", host.fleet().outbox().size());
        m.put("badMessages", host.meters().badTotal());
        FleetModel fm = host.fleetModel();
        SystemModel planned = host.loop() == null ? null : host.loop().model();
        m.put("planned", planned == null ? 0 : planned.topology().nodes().size());
        m.put("origins", fm == null ? Map.of() : fm.origins());
        m.put("notices", host.fleet().notices().open().stream().map(n -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", n.kind().label());
            x.put("subject", n.subject());
            x.put("reason", n.reason());
            x.put("sinceMs", n.sinceMs());
            return x;
        }).toList());
        m.put("mismatches", host.fleet().notices().totals());
        var rej = host.fleet().validator().rejections();
        m.put("reportsRejected", rej.stream().mapToLong(ReportValidator.NodeRejections::total).sum());
        m.put("flaggedNodes", rej.stream().filter(ReportValidator.NodeRejections::flagged)
                .map(ReportValidator.NodeRejections::node).toList());
        return m;
    }

    private Map<String, Object> placement() {
        ControlLoop.View v = host.loop() == null ? null : host.loop().view();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("core", v == null ? null : v.placement());
        m.put("light", v == null ? null : v.decision());
        return m;
    }

    private Map<String, Object> directives() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delivery", host.fleet().outbox().entries());
        m.put("issued", host.loop() == null ? Map.of() : host.loop().view().directives());
        return m;
    }

    private Map<String, Object> trial() {
        HostMeters mt = host.meters();
        Map<String, Object> m = new LinkedHashMap<>();
        double rate = mt.onTimeRate();
        m.put("completed", mt.totalCompleted());
        m.put("onTimeRate", Double.isNaN(rate) ? null : rate);
        m.put("history", mt.history());
        return m;
    }
}
