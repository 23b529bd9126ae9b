package org.edgefm.host.bridge;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.UserSpec;
import org.edgefm.control.Fleet;
import org.edgefm.control.FleetNotices;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.JoinedNode;
import org.edgefm.host.HostMeters;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.fleet.ReportValidator;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostState;
import org.edgefm.wire.HostStatus;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.TaskTicket;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real fleet: agents over MQTT 5 (Paho). This class owns the broker connection and is the
 * control loop's {@link Fleet}: it connects, subscribes to births, deaths, telemetry, acks and
 * results of its fleet, replaces a Paho client whose reconnect hangs, and hands each message to
 * {@link AgentMessageHandler} (decode, validate, route into {@link FleetState} and the outbox) and
 * each directive to {@link DirectiveSender} (at least once through the durable
 * {@link DirectiveOutbox}, paced, re-sent until acknowledged); {@link MqttPublisher} puts both on the
 * wire. {@code host/state} is published retained, with a retained offline Will; after every
 * (re)connect the host subscribes again and, once the broker acknowledged the subscriptions,
 * re-publishes {@code online}, so a Will fired by a broken connection is overwritten (Hono's
 * reconnect race) and agents, which hold their results until the host is online, never publish one
 * before the host can receive it.
 */
public final class MqttFleet implements Fleet {
    private static final Logger LOG = LoggerFactory.getLogger(MqttFleet.class);

    /**
     * How to reach the broker.
     *
     * @param brokerUrl     {@code tcp://host:port} or {@code ssl://host:port}
     * @param fleet         the fleet name (topic level)
     * @param hostId        the host's id in {@code host/state}
     * @param username      the host account, or null for an anonymous broker
     * @param password      its password, or null; never logged or printed
     * @param socketFactory a TLS socket factory for {@code ssl://}, or null for the JVM default
     * @param staleAfterMs  telemetry older than this marks a node stale
     */
    public record Options(String brokerUrl, String fleet, String hostId, String username, char[] password,
            SocketFactory socketFactory, double staleAfterMs) {
        /** Validates the fields. */
        public Options {
            Objects.requireNonNull(brokerUrl, "brokerUrl is null");
            Objects.requireNonNull(fleet, "fleet is null");
            Objects.requireNonNull(hostId, "hostId is null");
            if (!(staleAfterMs > 0)) {
                throw new IllegalArgumentException("staleAfterMs: " + staleAfterMs + " (expected: > 0)");
            }
        }

        @Override
        public String toString() {
            return "Options[brokerUrl=" + brokerUrl + ", fleet=" + fleet + ", hostId=" + hostId + ", username="
                    + username + ", password=" + (password == null ? "none" : "***") + ", staleAfterMs=" + staleAfterMs + "]";
        }
    }

    private final Options options;
    private final Topics topics;
    private final WireCodec codec = new WireCodec();
    private final FleetState state;
    private final DirectiveOutbox outbox;
    private final HostMeters meters;
    private final FleetNotices notices;
    private final long startNanos = System.nanoTime();
    /**
     * Replaced only by {@link #replaceStuckClient()}: Paho 1.2.5's automatic reconnect can hang for
     * good when the broker comes back within a moment (its reconnect waits in
     * {@code CommsSender.start} for a sender thread that never reports running), so a client that
     * has not reconnected within {@link #STUCK_RECONNECT_MS} is replaced by a new one.
     */
    private volatile MqttAsyncClient client;
    private volatile MqttConnectionOptions connectOptions;
    /** When the broker connection was lost (epoch ms), or -1 while connected. */
    private volatile long lostAtMs = -1;
    private final ScheduledExecutorService timer;
    private final MqttPublisher publisher;
    private final DirectiveSender directives;
    private final AgentMessageHandler inbound;
    private volatile long plannerEpoch;
    private volatile boolean closed;
    private volatile ReportValidator validator;
    private volatile byte[] taskSecret;

    /** Checks reports against the scenario's task types too (call before {@link #connect}). */
    public void taskTypes(List<org.edgefm.api.model.TaskType> taskTypes) {
        this.validator = new ReportValidator(ReportValidator.Settings.defaults(), taskTypes, () -> plannerEpoch,
                System::currentTimeMillis, meters);
        if (taskSecret != null) {
            validator.taskSecret(taskSecret, options.fleet());
        }
    }

    /**
     * The host's task secret (call before {@link #connect}): every directive is published with the
     * node's task key and the fleet's data token for its planner epoch derived from it
     * ({@link TaskTicket}), and completions count only with their origin's ticket.
     */
    public void taskSecret(byte[] secret) {
        this.taskSecret = secret.clone();
        validator.taskSecret(secret, options.fleet());
    }

    /**
     * The fleet's data-plane token (what task sources send agents as {@code Authorization: Bearer}),
     * or null without a task secret.
     */
    public String dataToken() {
        byte[] secret = taskSecret;
        return secret == null ? null : TaskTicket.dataToken(secret, options.fleet());
    }

    /** The report validator (rejections per node and reason; task ids a task source issued). */
    public ReportValidator validator() {
        return validator;
    }

    /**
     * A lost connection not re-established after this long (automatic reconnect's 10 s cap, plus
     * its 10 s connect timeout) is taken as a stuck client and the client is replaced.
     */
    static final long STUCK_RECONNECT_MS = 20_000;

    /**
     * Creates the fleet; nothing is sent before {@link #connect(long)}.
     *
     * @param options broker and fleet
     * @param users   the scenario's users (arrival attribution), may be empty
     * @param outbox  the durable outbox (owned by the caller)
     * @param meters  the host's meters
     */
    public MqttFleet(Options options, List<UserSpec> users, DirectiveOutbox outbox, HostMeters meters) {
        this.options = Objects.requireNonNull(options, "options is null");
        this.topics = Topics.forFleet(options.fleet());
        this.state = new FleetState(options.staleAfterMs(), users);
        this.outbox = Objects.requireNonNull(outbox, "outbox is null");
        this.meters = Objects.requireNonNull(meters, "meters is null");
        this.notices = new FleetNotices(meters.registry());
        this.validator = new ReportValidator(ReportValidator.Settings.defaults(), List.of(), () -> plannerEpoch,
                System::currentTimeMillis, meters);
        this.client = newClient();
        this.publisher = new MqttPublisher(() -> client, codec, meters);
        this.directives = new DirectiveSender(publisher, codec, topics, state, outbox, meters, () -> validator,
                () -> taskSecret, this::nowMs);
        this.inbound = new AgentMessageHandler(codec, topics, state, outbox, meters, notices, () -> validator, directives,
                publisher, this::nowMs);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgefm-outbox");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects, publishes {@code host/state} online with the given planner epoch, subscribes, and
     * starts re-sending the outbox.
     *
     * @throws EdgeFmException when the broker refuses or cannot be reached
     */
    public void connect(long plannerEpoch) {
        this.plannerEpoch = plannerEpoch;
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (options.username() != null) {
            o.setUserName(options.username());
        }
        if (options.password() != null) {
            o.setPassword(new String(options.password()).getBytes(StandardCharsets.UTF_8));
        }
        if (options.socketFactory() != null) {
            o.setSocketFactory(options.socketFactory());
            if (options.socketFactory() instanceof org.edgefm.host.internal.PinnedTls.Factory) {
                o.setHttpsHostnameVerificationEnabled(false); // trust is pinned to the broker's own certificate
            }
        } else if (options.brokerUrl().startsWith("tcp://")) {
            o.setSocketFactory(new org.edgefm.host.internal.NoDelaySocketFactory());
        }
        o.setCleanStart(true);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 10);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(10);
        o.setReceiveMaximum(65_535);
        MqttMessage will = new MqttMessage(codec.encode(hostState(HostStatus.OFFLINE)));
        will.setQos(MessageType.HOST_STATE.qos().level());
        will.setRetained(true);
        o.setWill(topics.hostState(), will);
        client.setCallback(new Callback(client));
        connectOptions = o;
        try {
            client.connect(o).waitForCompletion(15_000);
        } catch (MqttException e) {
            String tls = org.edgefm.wire.TlsFailures.describe(e, "give the broker's CA in the JVM's trust store"
                    + " (javax.net.ssl.trustStore)", "check the host's keystore");
            throw new EdgeFmException("broker " + options.brokerUrl() + ": connect as '" + options.username()
                    + "' failed: " + (tls != null ? tls : e.getMessage() + " (reason code " + e.getReasonCode() + ")"), e);
        }
        timer.scheduleWithFixedDelay(directives::resendDue, 200, 200, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::replaceStuckClient, 1, 1, TimeUnit.SECONDS);
    }

    private MqttAsyncClient newClient() {
        try {
            return new MqttAsyncClient(options.brokerUrl(), org.edgefm.host.broker.BrokerPolicy.HOST_CLIENT_ID_PREFIX + options.hostId() + "-"
                    + UUID.randomUUID().toString().substring(0, 8), new MemoryPersistence());
        } catch (MqttException e) {
            throw new EdgeFmException("broker " + options.brokerUrl() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Watchdog (every second): when the connection has been lost for longer than
     * {@link #STUCK_RECONNECT_MS}, a new client (new client id, same options and callback) connects
     * in place of the old one, which is closed forcibly; repeated while the broker stays away.
     */
    private void replaceStuckClient() {
        long lost = lostAtMs;
        MqttAsyncClient old = client;
        if (closed || lost < 0 || old.isConnected() || System.currentTimeMillis() - lost < STUCK_RECONNECT_MS) {
            return;
        }
        lostAtMs = System.currentTimeMillis();
        LOG.warn("no reconnect {} s after losing broker {}: replacing the MQTT client", (System.currentTimeMillis() - lost) / 1000,
                options.brokerUrl());
        try {
            old.disconnectForcibly(0, 1, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("forcible disconnect of the stuck client: {}", e.getMessage());
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("close of the stuck client: {}", e.getMessage());
        }
        MqttAsyncClient fresh = newClient();
        fresh.setCallback(new Callback(fresh));
        client = fresh;
        try {
            fresh.connect(connectOptions);
        } catch (MqttException e) {
            LOG.warn("broker {}: connect failed: {}; trying again in {} s", options.brokerUrl(), e.getMessage(),
                    STUCK_RECONNECT_MS / 1000);
        }
    }

    private HostState hostState(HostStatus s) {
        return new HostState(WireCodec.SCHEMA, options.hostId(), s, plannerEpoch, System.currentTimeMillis());
    }

    private final class Callback implements MqttCallback {
        /** The client this callback belongs to: events of a replaced client change nothing. */
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
            if (owner != client) {
                return;
            }
            lostAtMs = -1;
            directives.connectionReset(); // a clean session: what was in flight on the old connection is gone
            try {
                MqttSubscription[] subs = new MqttSubscription[] {
                    new MqttSubscription(topics.filter(MessageType.BIRTH), 1),
                    new MqttSubscription(topics.filter(MessageType.DEATH), 1),
                    new MqttSubscription(topics.filter(MessageType.TELEMETRY), 1),
                    new MqttSubscription(topics.filter(MessageType.ACK), 1),
                    new MqttSubscription(topics.filter(MessageType.RESULT), 1)};
                // online only once the broker acknowledged the subscriptions: agents publish their stored
                // results when they see it, and a result sent before the host is subscribed is lost
                client.subscribe(subs, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        publisher.publish(topics.hostState(), hostState(HostStatus.ONLINE));
                        LOG.info("{} to broker {} as host {} (fleet {}, planner epoch {})",
                                reconnect ? "reconnected" : "connected", uri, options.hostId(), options.fleet(), plannerEpoch);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        LOG.error("broker {}: subscribe after connect failed: {}", uri, e.getMessage());
                    }
                }, null);
            } catch (MqttException e) {
                LOG.error("broker {}: subscribe after connect failed: {}", uri, e.getMessage());
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                handle(topic, message.getPayload());
            } catch (RuntimeException e) {
                // Never let one message break the client's delivery thread.
                LOG.error("internal error on a message on {}: {}", topic, e.toString(), e);
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
            if (owner != client) {
                return;
            }
            if (lostAtMs < 0) {
                lostAtMs = System.currentTimeMillis();
            }
            if (!closed) {
                LOG.warn("lost the broker connection ({}); reconnecting", r.getReasonString() != null
                        ? r.getReasonString() : r.getException() != null ? r.getException().getMessage() : "no reason");
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.warn("MQTT error: {}", e.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    /** Decodes, validates and routes one received message; public for tests and benchmarks. */
    public void handle(String topic, byte[] payload) {
        inbound.handle(topic, payload);
    }

    /** True while the host's MQTT client is connected to the broker. */
    public boolean connected() {
        var c = client;
        return c != null && c.isConnected();
    }

    @Override
    public double nowMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    @Override
    public FleetSnapshot snapshot() {
        return state.snapshot(nowMs());
    }

    /** Queues the directive; {@link #flush()} (or the outbox timer) stores the batch durably, then sends it. */
    @Override
    public void apply(Directive directive) {
        if (!state.everBorn(directive.nodeId())) {
            notices.raise(FleetNotices.Kind.DIRECTIVE_FOR_ABSENT_NODE, directive.nodeId(), "directive "
                    + directive.plannerEpoch() + "/" + directive.version() + " for a node that never joined this host:"
                    + " it waits in the outbox until the node is born");
        }
        directives.queue(directive);
    }

    /** Stores the queued directives in one outbox transaction, then sends those whose node is alive. */
    @Override
    public void flush() {
        directives.flush();
    }

    @Override
    public Map<String, String> peerEndpoints() {
        return state.dataEndpoints();
    }

    @Override
    public long membershipVersion() {
        return state.membershipVersion();
    }

    @Override
    public List<JoinedNode> joined() {
        return state.joined(nowMs());
    }

    @Override
    public void users(List<UserSpec> users) {
        state.users(users);
    }

    /** Mismatches between the fleet that joined and what the host expected (HTTP API, dashboard). */
    public FleetNotices notices() {
        return notices;
    }

    /** The fleet state (HTTP API). */
    public FleetState state() {
        return state;
    }

    /** The outbox. */
    public DirectiveOutbox outbox() {
        return outbox;
    }

    /** The topics of this fleet. */
    public Topics topics() {
        return topics;
    }

    /** Publishes {@code host/state} offline (retained) and disconnects; the outbox stays open. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            if (client.isConnected()) {
                MqttMessage off = new MqttMessage(codec.encode(hostState(HostStatus.OFFLINE)));
                off.setQos(1);
                off.setRetained(true);
                client.publish(topics.hostState(), off).waitForCompletion(2_000);
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.getMessage());
        }
    }
}
