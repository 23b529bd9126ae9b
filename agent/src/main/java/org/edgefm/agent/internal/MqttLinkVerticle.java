package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSocketFactory;
import org.edgefm.agent.AgentConfig;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Command;
import org.edgefm.wire.CommandKind;
import org.edgefm.wire.Death;
import org.edgefm.wire.HostState;
import org.edgefm.wire.HostStatus;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT link: connects with the death as the Will (carrying a fresh session epoch), publishes
 * the retained birth on every connect, subscribes to this node's directive and command topics,
 * reconnects with capped exponential backoff (with jitter), serves {@link Bus#PUBLISH} for the
 * other verticles, and publishes the death itself on a clean stop. MQTT 5 by default, 3.1.1 when
 * configured or when the broker refuses 5 ({@code auto}). Blocking Paho calls run on workers.
 */
public final class MqttLinkVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MqttLinkVerticle.class);

    /**
     * A connection that lasted less than this counts as flapping: the next reconnect waits longer
     * (the backoff keeps growing) instead of starting again from the minimum delay.
     */
    static final long STABLE_AFTER_MS = 10_000;
    /** After a takeover (another client with this node's client id) the next attempt waits at least this long. */
    static final long TAKEOVER_MIN_DELAY_MS = 5_000;

    private final AgentContext ctx;
    private final PahoTransports.Settings settings;
    /** The current connection, or null; only the event loop changes it. */
    private Connection current;
    private volatile MqttTransport transport;
    private boolean useV3;
    private int attempts;
    private boolean stopping;
    /** True from a connect attempt's start until the next timer is set or the connection is up. */
    private boolean connecting;
    private long reconnectTimer = -1;
    private long startNanos;
    private long takeovers;

    /**
     * One attempt's connection. The Paho callbacks of a connection that is no longer current (a
     * failed attempt, or one already replaced) change nothing: the loss of a connection that was
     * never handed over, or that broke while it was being set up, ends only that attempt.
     */
    private static final class Connection {
        final long id;
        volatile MqttTransport transport;
        volatile String lostReason;
        volatile boolean takenOver;
        long connectedAtNanos;

        Connection(long id) {
            this.id = id;
        }
    }

    private long nextConnectionId;

    /** The link of one agent. */
    public MqttLinkVerticle(AgentContext ctx) {
        this.ctx = ctx;
        AgentConfig c = ctx.config();
        SSLSocketFactory tls = PahoTransports.tls(c.tlsCaFile() == null ? null : Path.of(c.tlsCaFile()),
                c.tlsKeystore() == null ? null : Path.of(c.tlsKeystore()));
        this.settings = new PahoTransports.Settings(c.broker(), ctx.topics().agentClientId(c.nodeId()), c.username(),
                c.password(), tls);
        this.useV3 = "3.1.1".equals(c.mqttVersion());
    }

    @Override
    public Future<?> start() {
        startNanos = System.nanoTime();
        vertx.eventBus().<Buffer>consumer(Bus.PUBLISH, this::onPublish);
        vertx.eventBus().consumer(Bus.REBIRTH, m -> {
            if (ctx.connected()) {
                publishBirth();
            }
        });
        connect();
        return Future.succeededFuture();
    }

    private void connect() {
        reconnectTimer = -1;
        if (stopping || connecting || current != null) {
            return;
        }
        connecting = true;
        Connection conn = new Connection(++nextConnectionId);
        vertx.executeBlocking(() -> {
            long epoch = ctx.store().nextSessionEpoch();
            Topics t = ctx.topics();
            WireCodec codec = ctx.codec();
            MqttTransport.Will will = new MqttTransport.Will(t.death(ctx.nodeId()),
                    codec.encode(new Death(WireCodec.SCHEMA, ctx.nodeId(), epoch, System.currentTimeMillis(), "will")),
                    MessageType.DEATH.qos().level(), MessageType.DEATH.retained());
            MqttTransport tr = open(will, conn);
            conn.transport = tr;
            ctx.hostOnline(false); // until this connection's retained host/state says otherwise
            tr.subscribe(t.keys(ctx.nodeId()), t.directive(ctx.nodeId()), t.command(ctx.nodeId()), t.hostState());
            return epoch;
        }, false).onComplete(ar -> {
            connecting = false;
            if (stopping) {
                release(conn);
                return;
            }
            if (ar.failed()) {
                release(conn);
                LOG.warn("{}", ar.cause().getMessage());
                scheduleReconnect(false);
                return;
            }
            if (conn.lostReason != null) {
                // lost while it was being set up (e.g. taken over at once): that attempt is over
                release(conn);
                LOG.warn("lost the broker connection while connecting: {}", conn.lostReason);
                scheduleReconnect(conn.takenOver);
                return;
            }
            long epoch = ar.result();
            current = conn;
            conn.connectedAtNanos = System.nanoTime();
            transport = conn.transport;
            ctx.session(epoch, true);
            LOG.info("connected to {} ({}) as client {}, node {}, session epoch {}", settings.url(), conn.transport.protocol(),
                    settings.clientId(), ctx.nodeId(), epoch);
            publishBirth().onComplete(x -> vertx.eventBus().publish(Bus.CONNECTED, null));
        });
    }

    private MqttTransport open(MqttTransport.Will will, Connection conn) throws MqttTransport.MqttLinkException {
        MqttTransport.Handler h = new MqttTransport.Handler() {
            @Override
            public void message(String topic, byte[] payload) {
                onMessage(topic, payload);
            }

            @Override
            public void connectionLost(String reason) {
                lost(reason, false);
            }

            @Override
            public void takenOver(String reason) {
                lost(reason, true);
            }

            private void lost(String reason, boolean takenOver) {
                conn.takenOver = takenOver;
                conn.lostReason = reason;
                context.runOnContext(v -> onLost(conn));
            }
        };
        if (!useV3) {
            MqttTransport v5 = new PahoTransports.V5(settings);
            try {
                v5.connect(will, h);
                return v5;
            } catch (MqttTransport.MqttLinkException e) {
                if (!(e.protocolRefused() && "auto".equals(ctx.config().mqttVersion()))) {
                    throw e;
                }
                LOG.info("broker refused MQTT 5 ({}); using MQTT 3.1.1", e.getMessage());
                useV3 = true;
            }
        }
        MqttTransport v3 = new PahoTransports.V3(settings);
        v3.connect(will, h);
        return v3;
    }

    private void onLost(Connection conn) {
        if (stopping || conn != current) {
            return; // an attempt still being set up handles its own loss when it completes
        }
        current = null;
        transport = null;
        ctx.disconnected();
        boolean flapping = (System.nanoTime() - conn.connectedAtNanos) / 1_000_000 < STABLE_AFTER_MS;
        if (!flapping && !conn.takenOver) {
            attempts = 0;
        }
        LOG.warn("lost the broker connection: {}", conn.lostReason);
        release(conn);
        scheduleReconnect(conn.takenOver);
    }

    private void release(Connection conn) {
        MqttTransport tr = conn.transport;
        if (tr != null) {
            vertx.executeBlocking(() -> {
                tr.disconnectUncleanly();
                return null;
            }, false);
        }
    }

    private void scheduleReconnect(boolean takenOver) {
        if (stopping || reconnectTimer >= 0 || connecting || current != null) {
            return;
        }
        long delay = backoffMs(attempts, ctx.config().reconnectMinMs(), ctx.config().reconnectMaxMs(),
                ThreadLocalRandom.current().nextDouble());
        if (takenOver) {
            takeovers++;
            delay = Math.max(delay, Math.min(ctx.config().reconnectMaxMs(), TAKEOVER_MIN_DELAY_MS));
            LOG.warn("kicked off the broker: another client connected with this node's client id '{}' ({} time(s) so far);"
                    + " if this repeats, this node's account is used elsewhere: revoke it and give this node new"
                    + " credentials; backing off {} ms", settings.clientId(), takeovers, delay);
        }
        attempts++;
        LOG.info("reconnecting in {} ms (attempt {})", delay, attempts);
        reconnectTimer = vertx.setTimer(delay, id -> connect());
    }

    /**
     * The delay before reconnect attempt {@code attempt} (0-based): {@code min * 2^attempt}, capped at
     * {@code max}, times a jitter factor in [0.8, 1.2) from {@code random} in [0, 1).
     */
    static long backoffMs(int attempt, long min, long max, double random) {
        long base = Math.min(max, min << Math.min(20, attempt));
        return Math.max(1, (long) (base * (0.8 + 0.4 * random)));
    }

    private Future<Void> publishBirth() {
        Birth b = new Birth(WireCodec.SCHEMA, ctx.nodeId(), ctx.sessionEpoch(), System.currentTimeMillis(),
                ctx.profile().name(), AgentContext.AGENT_VERSION, ctx.capabilities(), ctx.appliedVersion(), ctx.appliedEpoch(),
                ctx.calibration(), ctx.dataEndpoint(), ctx.config().labels());
        if (startNanos > 0) {
            LOG.info("birth published {} ms after start", (System.nanoTime() - startNanos) / 1_000_000);
            startNanos = 0;
        }
        return publish(ctx.topics().birth(ctx.nodeId()), ctx.codec().encode(b), MessageType.BIRTH.qos().level(),
                MessageType.BIRTH.retained());
    }

    private Future<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        MqttTransport tr = transport;
        if (tr == null || !ctx.connected()) {
            return Future.failedFuture("not connected");
        }
        return Future.fromCompletionStage(tr.publish(topic, payload, qos, retain), context);
    }

    private void onPublish(Message<Buffer> m) {
        String topic = m.headers().get("topic");
        int qos = Integer.parseInt(m.headers().get("qos"));
        boolean retain = Boolean.parseBoolean(m.headers().get("retain"));
        publish(topic, m.body().getBytes(), qos, retain).onComplete(ar -> {
            if (ar.succeeded()) {
                m.reply(null);
            } else {
                m.fail(1, String.valueOf(ar.cause().getMessage()));
            }
        });
    }

    private void onMessage(String topic, byte[] payload) {
        MessageType type;
        try {
            type = Topics.parse(topic).type();
        } catch (WireFormatException e) {
            LOG.warn("ignored message: {}", e.getMessage());
            ctx.countRejected();
            return;
        }
        if (type == MessageType.HOST_STATE) {
            try {
                HostState s = ctx.codec().decode(topic, payload, HostState.class);
                boolean online = s.state() == HostStatus.ONLINE;
                if (online != ctx.hostOnline()) {
                    LOG.info("host {} is {} (planner epoch {})", s.hostId(), s.state().name().toLowerCase(), s.plannerEpoch());
                }
                ctx.hostOnline(online);
                ctx.hostEpoch(s.plannerEpoch());
                if (online) {
                    vertx.eventBus().publish(Bus.HOST_ONLINE, null);
                }
            } catch (WireFormatException e) {
                LOG.warn("refused host state: {} (refused so far: {})", e.getMessage(), ctx.countRejected());
            }
        } else if (type == MessageType.KEYS) {
            vertx.eventBus().send(Bus.KEYS_IN, Buffer.buffer(payload), new DeliveryOptions().addHeader("topic", topic));
        } else if (type == MessageType.DIRECTIVE) {
            vertx.eventBus().send(Bus.DIRECTIVE_IN, Buffer.buffer(payload), new DeliveryOptions().addHeader("topic", topic));
        } else if (type == MessageType.COMMAND) {
            try {
                Command c = ctx.codec().decode(topic, payload, Command.class);
                LOG.info("command {} (request {})", c.command(), c.requestId());
                vertx.eventBus().send(c.command() == CommandKind.REBIRTH ? Bus.REBIRTH : Bus.CALIBRATE, null);
            } catch (WireFormatException e) {
                LOG.warn("refused command from the host: {} (refused so far: {})", e.getMessage(), ctx.countRejected());
            }
        }
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
        }
        MqttTransport tr = transport;
        current = null;
        boolean wasConnected = ctx.connected();
        ctx.disconnected();
        if (tr == null) {
            return Future.succeededFuture();
        }
        byte[] death = ctx.codec().encode(new Death(WireCodec.SCHEMA, ctx.nodeId(), ctx.sessionEpoch(),
                System.currentTimeMillis(), "shutdown"));
        String topic = ctx.topics().death(ctx.nodeId());
        return vertx.executeBlocking(() -> {
            if (wasConnected) {
                try {
                    tr.publish(topic, death, MessageType.DEATH.qos().level(), false).get(2, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("could not publish the death on stop: {}", e.getMessage());
                }
            }
            tr.disconnect();
            return null;
        }, false);
    }
}
