package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.wire.PeerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerProbesTest {
    private static final AgentConfig.Links LINKS = new AgentConfig.Links(0.0, 65_536, 16_384, null, 0.5, 60.0, 1);

    private final Vertx vertx = Vertx.vertx();
    private final HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A peer answering probes on a free loopback port, its answers shaped by {@code impairment}. */
    private String peer(String impairment) throws Exception {
        return peer(impairment, new LinkMeter(LINKS));
    }

    /** A peer whose own link meter is {@code own} (it says in its answers whether it is loading parts). */
    private String peer(String impairment, LinkMeter own) throws Exception {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create());
        new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.parse(impairment), 7), own, LINKS)
                .routes(r);
        HttpServer s = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "127.0.0.1:" + s.actualPort();
    }

    private static PeerMetrics measure(LinkMeter meter, PeerProbes probes, String name, String endpoint) throws Exception {
        for (int i = 0; i < 3; i++) {
            probes.probe(name, endpoint).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return meter.metrics(System.currentTimeMillis()).stream().filter(p -> p.peer().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void probe_measuresRoundTripAndThroughput() throws Exception {
        LinkMeter meter = new LinkMeter(LINKS);
        PeerProbes probes = new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.none(), 1), meter, LINKS);
        PeerMetrics p = measure(meter, probes, "b", peer("none"));
        assertThat(p.rttMs()).isPositive();
        assertThat(p.throughputMbPerMs()).isPositive();
        assertThat(p.samples()).isEqualTo(6L);
    }

    @Test
    void probesOfAPeerLoadingParts_areDiscarded_andCountedUntilItHasLoaded() throws Exception {
        LinkMeter peerMeter = new LinkMeter(LINKS);
        String endpoint = peer("none", peerMeter);
        LinkMeter meter = new LinkMeter(LINKS);
        PeerProbes probes = new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.none(), 1), meter, LINKS);
        peerMeter.loadingStarted();
        probes.probe("b", endpoint).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(meter.metrics(System.currentTimeMillis())).noneMatch(p -> p.peer().equals("b"));
        assertThat(meter.discarded()).isEqualTo(2L); // the round trip and the throughput probe
        assertThat(probes.unreachable()).isEmpty(); // a loading peer answers: it is not unreachable
        peerMeter.loadingEnded(System.currentTimeMillis());
        PeerMetrics p = measure(meter, probes, "b", endpoint);
        assertThat(p.samples()).isEqualTo(6L);
        assertThat(meter.discarded()).isEqualTo(2L);
    }

    @Test
    void probesWhileThisAgentLoadsParts_areDiscarded() throws Exception {
        String endpoint = peer("none");
        LinkMeter meter = new LinkMeter(LINKS);
        PeerProbes probes = new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.none(), 1), meter, LINKS);
        meter.loadingStarted();
        probes.probe("b", endpoint).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(meter.metrics(System.currentTimeMillis())).isEmpty();
        assertThat(meter.discarded()).isEqualTo(2L);
    }

    /** The smallest round trip over five probes (weight 1: each reading is the last sample), after a warm-up. */
    private double minRoundTrip(PeerProbes probes, LinkMeter meter, String name, String endpoint) throws Exception {
        probes.probe(name, endpoint).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        double min = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            probes.probe(name, endpoint).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            min = Math.min(min, meter.metrics(System.currentTimeMillis()).stream().filter(p -> p.peer().equals(name))
                    .findFirst().orElseThrow().rttMs());
        }
        return min;
    }

    @Test
    void aPeerThatDoesNotAnswer_isUnreachableUntilItAnswers_andItsLinkIsNotMeasured() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            closed = s.getLocalPort(); // closed again: nothing listens there
        }
        LinkMeter meter = new LinkMeter(LINKS);
        PeerProbes probes = new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.none(), 1), meter, LINKS);
        assertThat(probes.probe("b", "127.0.0.1:" + closed).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(probes.unreachable()).containsExactly("b");
        assertThat(meter.metrics(System.currentTimeMillis())).noneMatch(p -> p.peer().equals("b"));
        probes.probe("b", peer("none")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(probes.unreachable()).isEmpty();
    }

    @Test
    void imposedDelay_showsInTheMeasuredRoundTrip() throws Exception {
        AgentConfig.Links lastSample = new AgentConfig.Links(0.0, 1024, 16_384, null, 1.0, 60.0, 1);
        String plain = peer("none");
        String delayed = peer("delay=40ms");
        LinkMeter meter = new LinkMeter(lastSample);
        // this side delays its sends by 40 ms, the delayed peer its answers by 40 ms: 80 ms added per round trip
        PeerProbes probes = new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.parse("delay=40ms"), 1), meter,
                lastSample);
        double toPlain = minRoundTrip(probes, meter, "plain", plain);
        double toDelayed = minRoundTrip(probes, meter, "delayed", delayed);
        assertThat(toPlain).isGreaterThanOrEqualTo(40.0);
        assertThat(toDelayed).isGreaterThanOrEqualTo(80.0).isGreaterThan(toPlain);
    }

    @Test
    void rateCap_showsInTheMeasuredThroughput() throws Exception {
        String plain = peer("none");
        // a first probe opens the connection and warms the code paths; its meter is dropped
        new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.none(), 1), new LinkMeter(LINKS), LINKS)
                .probe("b", plain).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        LinkMeter fastMeter = new LinkMeter(LINKS);
        LinkMeter slowMeter = new LinkMeter(LINKS);
        PeerMetrics fast = measure(fastMeter, new PeerProbes(vertx, client, new Shaper(AgentConfig.Impairment.none(), 1),
                fastMeter, LINKS), "b", plain);
        PeerMetrics slow = measure(slowMeter, new PeerProbes(vertx, client,
                new Shaper(AgentConfig.Impairment.parse("rate=8mbit"), 1), slowMeter, LINKS), "b", plain);
        // 8 Mbit/s is 0.001 MB/ms; the margin covers a round-trip estimate above the round trip of one transfer
        assertThat(slow.throughputMbPerMs()).isLessThanOrEqualTo(0.0015).isLessThan(fast.throughputMbPerMs());
    }
}
