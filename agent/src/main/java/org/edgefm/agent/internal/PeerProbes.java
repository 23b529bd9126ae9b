package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.util.Map;
import org.edgefm.agent.AgentConfig;

/**
 * Active link measurement between agents and the answering side of it. {@code GET /v1/peer/ping}
 * answers 204 (a round-trip sample) and {@code POST /v1/peer/probe} reads {@code links.probeBytes}
 * and answers 204 (a throughput sample). Probes and their answers go through this agent's
 * {@link Shaper}, like stage data, so an imposed impairment shows in the measured figures.
 */
public final class PeerProbes {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerProbes.class);
    private static final long TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final Shaper shaper;
    private final LinkMeter meter;
    private final AgentConfig.Links settings;
    private final Buffer payload;
    /** Peers whose last probe failed (said once when they fail, once when they answer again). */
    private final java.util.Set<String> unreachable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Probes sent with {@code client}, shaped by {@code shaper}, measured into {@code meter}. */
    public PeerProbes(Vertx vertx, HttpClientAgent client, Shaper shaper, LinkMeter meter, AgentConfig.Links settings) {
        this.vertx = vertx;
        this.client = client;
        this.shaper = shaper;
        this.meter = meter;
        this.settings = settings;
        this.payload = Buffer.buffer(new byte[settings.probeBytes()]);
    }

    private java.util.function.Supplier<String> authorization = () -> null;

    /** The Authorization header value the probes send (the fleet's data token), or null for none. */
    public void authorization(java.util.function.Supplier<String> authorization) {
        this.authorization = authorization;
    }

    /** Installs the two answering routes; the answers wait for this agent's shaper. */
    public void routes(Router r) {
        r.get("/v1/peer/ping").handler(rc -> shaper.beforeSend(vertx, 0)
                .onComplete(v -> markLoading(rc.response()).setStatusCode(204).end()));
        r.post("/v1/peer/probe").handler(rc -> shaper.beforeSend(vertx, 0)
                .onComplete(v -> markLoading(rc.response()).setStatusCode(204).end()));
    }

    /** Marks an answer as given while this agent loads model parts ({@link LinkMeter#LOADING_HEADER}). */
    io.vertx.core.http.HttpServerResponse markLoading(io.vertx.core.http.HttpServerResponse r) {
        return meter.loading() ? r.putHeader(LinkMeter.LOADING_HEADER, "1") : r;
    }

    /** Starts probing every peer the applied directive names, every {@code links.probeIntervalS}; 0 = never. */
    public void every(String self, java.util.function.Supplier<Map<String, String>> peers) {
        if (settings.probeIntervalS() <= 0) {
            return;
        }
        vertx.setPeriodic((long) (settings.probeIntervalS() * 1000), id -> {
            Map<String, String> now = peers.get();
            unreachable.retainAll(now.keySet());
            now.forEach((peer, endpoint) -> {
                if (!peer.equals(self)) {
                    probe(peer, endpoint);
                }
            });
        });
    }

    /**
     * One round-trip probe, then one throughput probe of {@code peer} at {@code host:port}, whose
     * time less that round trip is its send time.
     */
    public Future<Void> probe(String peer, String endpoint) {
        return send(peer, endpoint, HttpMethod.GET, "/v1/peer/ping", null, Double.NaN)
                .compose(rtt -> send(peer, endpoint, HttpMethod.POST, "/v1/peer/probe", payload, rtt))
                .onSuccess(v -> {
                    if (unreachable.remove(peer)) {
                        LOG.info("peer {} at {} answers link probes again", peer, endpoint);
                    }
                })
                .onFailure(e -> {
                    if (unreachable.add(peer)) {
                        LOG.warn("link probe to peer {} at {} failed: {}; that link is not measured until it answers"
                                + " (check that the peer's announced address reaches it from here)", peer, endpoint,
                                e.getMessage());
                    }
                })
                .mapEmpty();
    }

    /** The peers whose last probe failed. */
    public java.util.Set<String> unreachable() {
        return java.util.Set.copyOf(unreachable);
    }

    /** Sends one probe; its time in ms when it succeeds. */
    private Future<Double> send(String peer, String endpoint, HttpMethod method, String uri, Buffer body, double rttMs) {
        int colon = endpoint.lastIndexOf(':');
        RequestOptions o = new RequestOptions().setMethod(method).setHost(endpoint.substring(0, colon))
                .setPort(Integer.parseInt(endpoint.substring(colon + 1))).setURI(uri).setTimeout(TIMEOUT_MS);
        String auth = authorization.get();
        if (auth != null) {
            o.putHeader("Authorization", auth);
        }
        long bytes = body == null ? 0 : body.length();
        long t0 = System.nanoTime();
        return shaper.beforeSend(vertx, bytes)
                .compose(v -> client.request(o))
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.statusCode() == 204 ? Future.succeededFuture(Map.entry(
                                (System.nanoTime() - t0) / 1e6, resp.getHeader(LinkMeter.LOADING_HEADER) != null))
                        : Future.<Map.Entry<Double, Boolean>>failedFuture("HTTP " + resp.statusCode()))
                .map(e -> {
                    double ms = e.getKey();
                    if (e.getValue()) {
                        meter.discardPeerLoading(); // the peer was loading model parts: its answer timed its CPU
                    } else if (body == null) {
                        meter.roundTrip(peer, ms, System.currentTimeMillis());
                    } else {
                        meter.transfer(peer, bytes, ms, rttMs, System.currentTimeMillis());
                    }
                    return ms;
                });
    }
}
