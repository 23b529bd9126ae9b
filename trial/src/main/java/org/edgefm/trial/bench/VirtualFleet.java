package org.edgefm.trial.bench;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Command;
import org.edgefm.wire.CommandKind;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;
import org.edgefm.wire.WireMessage;

/**
 * Virtual agents: lightweight MQTT 3.1.1 clients (Vert.x MQTT) that share one small event-loop pool
 * and speak the wire protocol like a real agent without running any service. Each one connects with
 * its death as Will, subscribes to its directive and command topics, publishes a retained birth with
 * the profile and capacity of its scenario node, then telemetry every period (sequence from 0 per
 * session, plausible host, GPU and per-service figures for the services its newest directive asks
 * for). It acknowledges every directive (newer: {@code applied}; the one it runs: {@code applied}
 * again; older: {@code stale}), answers a {@code rebirth} command with a birth, and on
 * {@link #stop()} publishes a clean death. Everything it sends is counted per agent, so a receiver
 * can check that nothing was lost.
 */
public final class VirtualFleet implements AutoCloseable {
    /**
     * What to run.
     *
     * @param host                the broker's host name or address
     * @param port                its plain MQTT port
     * @param fleet               the fleet name (topic level)
     * @param nodes               one virtual agent per node, with the node's id, profile and capacity
     * @param telemetryPeriodMs   telemetry period of every agent
     * @param sessionEpoch        the session epoch every agent announces
     * @param connectConcurrency  connections opened at once while starting
     * @param eventLoops          event-loop threads shared by all agents
     * @param links               the links between the nodes: each agent reports those it is an end of in its
     *                            telemetry as measured peers (round trip twice the one-way latency, throughput
     *                            the bandwidth), as real agents report what they measure
     */
    public record Settings(String host, int port, String fleet, List<NodeSpec> nodes, long telemetryPeriodMs,
            long sessionEpoch, int connectConcurrency, int eventLoops, List<LinkSpec> links) {
        /** Settings without links. */
        public Settings(String host, int port, String fleet, List<NodeSpec> nodes, long telemetryPeriodMs,
                long sessionEpoch, int connectConcurrency, int eventLoops) {
            this(host, port, fleet, nodes, telemetryPeriodMs, sessionEpoch, connectConcurrency, eventLoops, List.of());
        }

        /** Validates the fields. */
        public Settings {
            Objects.requireNonNull(host, "host is null");
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
            Objects.requireNonNull(fleet, "fleet is null");
            nodes = List.copyOf(nodes);
            links = List.copyOf(links);
            if (telemetryPeriodMs < 1) {
                throw new IllegalArgumentException("telemetryPeriodMs: " + telemetryPeriodMs + " (expected: > 0)");
            }
            if (sessionEpoch < 0) {
                throw new IllegalArgumentException("sessionEpoch: " + sessionEpoch + " (expected: >= 0)");
            }
            if (connectConcurrency < 1) {
                throw new IllegalArgumentException("connectConcurrency: " + connectConcurrency + " (expected: > 0)");
            }
            if (eventLoops < 1) {
                throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: > 0)");
            }
        }
    }

    /**
     * What one agent sent and received.
     *
     * @param node        node id
     * @param births      births published (the first one and answers to rebirth commands)
     * @param telemetry   telemetry messages published
     * @param lastSeq     the sequence number of its last telemetry, or -1
     * @param directives  directives received
     * @param acks        acknowledgements published
     * @param rebirths    rebirth commands received
     */
    public record AgentCounts(String node, long births, long telemetry, long lastSeq, long directives, long acks,
            long rebirths) {
    }

    /**
     * Totals over all agents.
     *
     * @param agents          virtual agents
     * @param connected       agents connected now
     * @param births          births published
     * @param telemetry       telemetry published
     * @param directives      directives received
     * @param acks            acknowledgements published
     * @param staleAcks       of which {@code stale}
     * @param rebirths        rebirth commands received
     * @param deaths          clean deaths published
     * @param sendFailures    publishes the client refused (not connected, in-flight window full)
     * @param connectionsLost connections closed by the broker or the network
     * @param perAgent        per agent, in node order
     */
    public record Totals(int agents, int connected, long births, long telemetry, long directives, long acks,
            long staleAcks, long rebirths, long deaths, long sendFailures, long connectionsLost,
            List<AgentCounts> perAgent) {
    }

    private final Settings settings;
    private final Topics topics;
    private final WireCodec codec = new WireCodec();
    private final Vertx vertx;
    private final List<Agent> agents = new ArrayList<>();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong connectionsLost = new AtomicLong();
    private final AtomicLong deaths = new AtomicLong();
    private final AtomicLong staleAcks = new AtomicLong();
    private volatile boolean stopping;

    /** Creates the agents; nothing connects before {@link #start(long)}. */
    public VirtualFleet(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.topics = Topics.forFleet(settings.fleet());
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.eventLoops()).setWorkerPoolSize(1));
        SplittableRandom seeds = new SplittableRandom(settings.sessionEpoch());
        for (NodeSpec n : settings.nodes()) {
            List<PeerMetrics> peers = new ArrayList<>();
            for (LinkSpec l : settings.links()) {
                if (l.a().equals(n.id()) || l.b().equals(n.id())) {
                    // propagation at the host's links.kmPerMs default
                    peers.add(new PeerMetrics(l.other(n.id()), Latency.roundTripMs(l, Latency.DEFAULT_KM_PER_MS),
                            l.bandwidthMbPerMs(), 0L, 0L));
                }
            }
            agents.add(new Agent(n, seeds.split(), peers));
        }
    }

    /**
     * Connects every agent, at most {@code connectConcurrency} at a time, and returns once each one
     * has subscribed and published its birth.
     *
     * @param timeoutMs how long to wait for all of them
     * @throws EdgeFmException naming the first agent that could not connect, or on timeout
     */
    public void start(long timeoutMs) {
        Promise<Void> all = Promise.promise();
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        int lanes = Math.min(settings.connectConcurrency(), Math.max(1, agents.size()));
        if (agents.isEmpty()) {
            all.complete();
        }
        for (int i = 0; i < lanes; i++) {
            connectNext(next, done, all);
        }
        try {
            all.future().toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new EdgeFmException("virtual agents: " + done.get() + " of " + agents.size() + " connected within "
                    + timeoutMs + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new EdgeFmException("virtual agents: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EdgeFmException("virtual agents: interrupted while connecting");
        }
    }

    private void connectNext(AtomicLong next, AtomicLong done, Promise<Void> all) {
        int i = (int) next.getAndIncrement();
        if (i >= agents.size()) {
            return;
        }
        agents.get(i).connect().onComplete(ar -> {
            if (ar.failed()) {
                all.tryFail(new EdgeFmException("agent " + agents.get(i).node.id() + ": cannot connect to "
                        + settings.host() + ":" + settings.port() + ": " + ar.cause().getMessage(), ar.cause()));
                return;
            }
            if (done.incrementAndGet() == agents.size()) {
                all.tryComplete();
            } else {
                connectNext(next, done, all);
            }
        });
    }

    /**
     * Stops telemetry, publishes every agent's clean death and disconnects (bounded by
     * {@code timeoutMs}).
     */
    public void stop(long timeoutMs) {
        stopping = true;
        List<Future<Void>> gone = new ArrayList<>();
        for (Agent a : agents) {
            Promise<Void> p = Promise.promise();
            a.context.runOnContext(v -> a.stop().onComplete(p));
            gone.add(p.future());
        }
        try {
            Future.join(gone).toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Agents that did not stop in time are counted as not connected in the totals.
        }
    }

    /** What every agent sent and received so far. */
    public Totals totals() {
        List<AgentCounts> per = new ArrayList<>();
        long b = 0;
        long t = 0;
        long d = 0;
        long k = 0;
        long r = 0;
        int connected = 0;
        for (Agent a : agents) {
            AgentCounts c = a.counts();
            per.add(c);
            b += c.births();
            t += c.telemetry();
            d += c.directives();
            k += c.acks();
            r += c.rebirths();
            connected += a.client != null && a.client.isConnected() ? 1 : 0;
        }
        return new Totals(agents.size(), connected, b, t, d, k, staleAcks.get(), r, deaths.get(), sendFailures.get(),
                connectionsLost.get(), per);
    }

    /** Closes the event loops (after {@link #stop(long)}, or to drop every connection at once). */
    @Override
    public void close() {
        stopping = true;
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** One virtual agent; everything but the counters runs on its own event-loop context. */
    private final class Agent {
        final NodeSpec node;
        final SplittableRandom random;
        final Context context;
        final AtomicLong births = new AtomicLong();
        final AtomicLong telemetry = new AtomicLong();
        final AtomicLong directives = new AtomicLong();
        final AtomicLong acks = new AtomicLong();
        final AtomicLong rebirths = new AtomicLong();
        final long startedMs = System.currentTimeMillis();
        volatile MqttClient client;
        long seq;
        long timer = -1;
        Directive applied;

        /** Links this node is an end of, as it reports them (the sample count grows with every telemetry). */
        final List<PeerMetrics> peers;

        Agent(NodeSpec node, SplittableRandom random, List<PeerMetrics> peers) {
            this.node = node;
            this.peers = peers;
            this.random = random;
            this.context = vertx.getOrCreateContext();
        }

        AgentCounts counts() {
            long sent = telemetry.get();
            return new AgentCounts(node.id(), births.get(), sent, sent - 1, directives.get(), acks.get(), rebirths.get());
        }

        Future<Void> connect() {
            Promise<Void> p = Promise.promise();
            context.runOnContext(v -> doConnect().onComplete(p));
            return p.future();
        }

        private Future<Void> doConnect() {
            byte[] death = codec.encode(new Death(WireCodec.SCHEMA, node.id(), settings.sessionEpoch(),
                    System.currentTimeMillis(), "will"));
            MqttClientOptions o = new MqttClientOptions().setClientId("edgefm-virtual-" + settings.fleet() + "-" + node.id())
                    .setCleanSession(true).setKeepAliveInterval(30).setMaxInflightQueue(1_000)
                    .setMaxMessageSize(codec.maxPayloadBytes() + 4_096).setWillFlag(true)
                    .setWillTopic(topics.death(node.id())).setWillMessageBytes(Buffer.buffer(death))
                    .setWillQoS(MessageType.DEATH.qos().level()).setWillRetain(MessageType.DEATH.retained());
            o.setTcpNoDelay(true);
            MqttClient c = MqttClient.create(vertx, o);
            client = c;
            c.publishHandler(this::onMessage);
            c.closeHandler(v -> {
                if (!stopping) {
                    connectionsLost.incrementAndGet();
                }
            });
            return c.connect(settings.port(), settings.host())
                    .compose(ack -> c.subscribe(Map.of(topics.directive(node.id()), MessageType.DIRECTIVE.qos().level(),
                            topics.command(node.id()), MessageType.COMMAND.qos().level())))
                    .compose(id -> publish(topics.birth(node.id()), birth()))
                    .onSuccess(id -> {
                        births.incrementAndGet();
                        long phase = random.nextLong(settings.telemetryPeriodMs());
                        timer = vertx.setPeriodic(1 + phase, settings.telemetryPeriodMs(), t -> sendTelemetry());
                    }).mapEmpty();
        }

        private Birth birth() {
            Capabilities caps = new Capabilities(node.capacity(), "virtual", "none", List.of());
            return new Birth(WireCodec.SCHEMA, node.id(), settings.sessionEpoch(), System.currentTimeMillis(),
                    node.profile() == null ? "virtual" : node.profile(), "virtual", caps,
                    applied == null ? 0 : applied.version(), applied == null ? 0 : applied.plannerEpoch(), List.of(), "");
        }

        private Future<Integer> publish(String topic, WireMessage m) {
            MqttQoS qos = MqttQoS.valueOf(m.type().qos().level());
            Future<Integer> f = client.publish(topic, Buffer.buffer(codec.encode(m)), qos, false, m.type().retained());
            return f.onFailure(e -> sendFailures.incrementAndGet());
        }

        private void sendTelemetry() {
            if (stopping || !client.isConnected()) {
                return;
            }
            Telemetry t = new Telemetry(WireCodec.SCHEMA, node.id(), settings.sessionEpoch(), seq,
                    System.currentTimeMillis(), applied == null ? 0 : applied.version(), hostMetrics(), gpus(),
                    services(), peers.stream().map(p -> new PeerMetrics(p.peer(), p.rttMs(), p.throughputMbPerMs(), seq + 1, 0L))
                            .toList());
            // Counted when handed to the client: a QoS 0 message the broker drops must show as lost.
            publish(topics.telemetry(node.id()), t);
            seq++;
            telemetry.incrementAndGet();
        }

        private HostMetrics hostMetrics() {
            int cores = (int) Math.max(1, Math.min(64, node.capacity().get(Resource.CPU)));
            List<Double> perCore = new ArrayList<>(cores);
            double sum = 0;
            for (int i = 0; i < cores; i++) {
                double x = 0.1 + 0.5 * random.nextDouble();
                perCore.add(x);
                sum += x;
            }
            long mem = (long) (Math.max(1, node.capacity().get(Resource.RAM)) * (1L << 30));
            return new HostMetrics(sum / cores, perCore, (long) (mem * (0.3 + 0.3 * random.nextDouble())), mem, 0, 0,
                    20L << 30, 64L << 30, 1e5 * random.nextDouble(), 1e5 * random.nextDouble(), 45 + 10 * random.nextDouble(),
                    (System.currentTimeMillis() - startedMs) / 1000);
        }

        private List<GpuMetrics> gpus() {
            double vram = node.capacity().get(Resource.VRAM);
            if (vram <= 0) {
                return List.of();
            }
            long total = (long) (vram * (1L << 30));
            return List.of(new GpuMetrics(0, "virtual", random.nextDouble(), (long) (total * random.nextDouble()), total,
                    50 + 20 * random.nextDouble(), 10 + 20 * random.nextDouble()));
        }

        private List<ServiceMetrics> services() {
            if (applied == null) {
                return List.of();
            }
            List<ServiceMetrics> out = new ArrayList<>();
            for (DesiredService s : applied.desired().services()) {
                int arrivals = random.nextInt(4);
                double p50 = 20 + 30 * random.nextDouble();
                out.add(new ServiceMetrics(s.service(), s.instances(), s.parallelism(), random.nextInt(3), random.nextInt(2),
                        arrivals, arrivals, p50, p50 * 1.5, List.of(0.05 + 0.1 * random.nextDouble())));
            }
            return out;
        }

        private void onMessage(MqttPublishMessage msg) {
            WireMessage m;
            try {
                m = codec.decode(msg.topicName(), msg.payload().getBytes());
            } catch (WireFormatException e) {
                return; // a real agent would reject it; the host never sends one
            }
            if (m instanceof Directive d) {
                directives.incrementAndGet();
                AckOutcome outcome = AckOutcome.APPLIED;
                if (applied != null && (d.plannerEpoch() < applied.plannerEpoch()
                        || d.plannerEpoch() == applied.plannerEpoch() && d.version() < applied.version())) {
                    outcome = AckOutcome.STALE;
                    staleAcks.incrementAndGet();
                } else {
                    applied = d;
                }
                publish(topics.ack(node.id()), new Ack(WireCodec.SCHEMA, node.id(), d.plannerEpoch(), d.version(), outcome,
                        null, System.currentTimeMillis())).onSuccess(id -> acks.incrementAndGet());
            } else if (m instanceof Command c && c.command() == CommandKind.REBIRTH) {
                rebirths.incrementAndGet();
                publish(topics.birth(node.id()), birth()).onSuccess(id -> births.incrementAndGet());
            }
        }

        Future<Void> stop() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            MqttClient c = client;
            if (c == null || !c.isConnected()) {
                return Future.succeededFuture();
            }
            return publish(topics.death(node.id()), new Death(WireCodec.SCHEMA, node.id(), settings.sessionEpoch(),
                    System.currentTimeMillis(), "shutdown"))
                    .onSuccess(id -> deaths.incrementAndGet())
                    .transform(ar -> c.disconnect());
        }
    }
}
