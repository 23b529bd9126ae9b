package org.edgefm.host;

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
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;

/**
 * The host's HTTP API (Vert.x Web), read-only:
 * <ul>
 *   <li>{@code GET /health}: liveness, broker connection, planner epoch;</li>
 *   <li>{@code GET /api/fleet}, {@code /api/nodes}, {@code /api/placement}, {@code /api/directives},
 *       {@code /api/trial}: fleet summary (with the open fleet mismatches: unexpected nodes, awaited nodes,
 *       streams whose origin has not joined, directives for nodes that never joined), per-node state (with each node's model switches: instances
 *       started and stopped by its directives, measured preloads), the core placement and light
 *       decision in force, every node's newest directive and its delivery state, live trial figures;</li>
 *   <li>{@code GET /api/journal}: the trial journal as JSON lines;</li>
 *   <li>{@code GET /metrics}: Prometheus text exposition;</li>
 *   <li>{@code GET /}: the live dashboard (one HTML page, no build step).</li>
 * </ul>
 */
public final class HttpApi {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final Vertx vertx;
    private final PlannerHost host;
    private final String dashboard;
    private HttpServer server;

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
        r.get("/health").handler(ctx -> json(ctx, health()));
        r.get("/api/fleet").handler(ctx -> json(ctx, fleet()));
        r.get("/api/nodes").handler(ctx -> json(ctx, host.fleet().state().view(host.fleet().nowMs())));
        r.get("/api/placement").handler(ctx -> json(ctx, placement()));
        r.get("/api/directives").handler(ctx -> json(ctx, directives()));
        r.get("/api/trial").handler(ctx -> json(ctx, trial()));
        r.get("/api/journal").blockingHandler(ctx -> {
            StringWriter w = new StringWriter();
            if (host.journal() != null) {
                host.journal().exportJsonLines(w);
            }
            ctx.response().putHeader("content-type", "application/x-ndjson").end(w.toString());
        });
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
        m.put("slot", host.loop() == null ? null : host.loop().slot());
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
        m.put("planned", host.loop() == null || host.loop().model() == null ? 0
                : host.loop().model().topology().nodes().size());
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
        return m;
    }

    private Map<String, Object> placement() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("core", host.loop() == null ? null : host.loop().placement());
        m.put("light", host.loop() == null ? null : host.loop().decision());
        return m;
    }

    private Map<String, Object> directives() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delivery", host.fleet().outbox().entries());
        m.put("issued", host.loop() == null ? Map.of() : host.loop().directives());
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
