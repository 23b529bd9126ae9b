package org.edgefm.host.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.edgefm.host.HostMeters;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.fleet.ReportValidator;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.edgefm.host.outbox.SendPacer;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Directive;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.TaskKeys;
import org.edgefm.wire.TaskTicket;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the control loop's directives to the agents at least once: stores each batch in the
 * durable {@link DirectiveOutbox} and sends it at once to live nodes, re-sends what is due (every
 * 200 ms, from the bridge's timer) with an acknowledgement timeout of at least
 * {@value #ACK_TIMEOUT_P99_FACTOR} times the recent p99 acknowledgement time, paces publications
 * with a {@link SendPacer} (one directive in flight per node), publishes each directive's task keys
 * first, and measures publish-to-ack times.
 */
final class DirectiveSender {
    /** Logs under the bridge's name, which operators' and the load bench's log settings address. */
    private static final Logger LOG = LoggerFactory.getLogger(MqttFleet.class);
    /** The outbox waits at least this many times the recent p99 acknowledgement time before a re-send. */
    static final double ACK_TIMEOUT_P99_FACTOR = 3;

    private final MqttPublisher publisher;
    private final WireCodec codec;
    private final Topics topics;
    private final String fleet;
    private final FleetState state;
    private final DirectiveOutbox outbox;
    private final HostMeters meters;
    private final Supplier<ReportValidator> validator;
    private final Supplier<byte[]> taskSecret;
    private final DoubleSupplier nowMs;
    private final List<Directive> batch = new ArrayList<>();
    /**
     * Held while directives are stored and first sent, and while the outbox timer re-sends: without
     * it the timer saw a directive stored but not yet sent as due and sent it, and the control loop's
     * flush sent it again (every new directive twice, found by {@code edgefm bench load}).
     */
    private final Object sending = new Object();
    /** First publish time (nanoTime) of each node's newest directive, keyed "node|epoch|version". */
    private final Map<String, Long> firstSent = new ConcurrentHashMap<>();
    /** Paces directive publications and keeps a node's directive from going again while it is in flight. */
    private final SendPacer pacer = new SendPacer(SendPacer.Settings.defaults(), System::nanoTime);

    /**
     * @param publisher  the host's MQTT publications
     * @param codec      the wire codec (task keys)
     * @param topics     the fleet's topics
     * @param state      fleet state (which sessions are alive)
     * @param outbox     the durable outbox
     * @param meters     the host's meters
     * @param validator  the current report validator (told of every directive issued)
     * @param taskSecret the host's task secret, or null without one (read at every send)
     * @param nowMs      the fleet clock
     */
    DirectiveSender(MqttPublisher publisher, WireCodec codec, Topics topics, FleetState state, DirectiveOutbox outbox,
            HostMeters meters, Supplier<ReportValidator> validator, Supplier<byte[]> taskSecret, DoubleSupplier nowMs) {
        this.publisher = Objects.requireNonNull(publisher, "publisher is null");
        this.codec = Objects.requireNonNull(codec, "codec is null");
        this.topics = Objects.requireNonNull(topics, "topics is null");
        this.fleet = topics.fleet();
        this.state = Objects.requireNonNull(state, "state is null");
        this.outbox = Objects.requireNonNull(outbox, "outbox is null");
        this.meters = Objects.requireNonNull(meters, "meters is null");
        this.validator = Objects.requireNonNull(validator, "validator is null");
        this.taskSecret = Objects.requireNonNull(taskSecret, "taskSecret is null");
        this.nowMs = Objects.requireNonNull(nowMs, "nowMs is null");
    }

    /**
     * Queues a directive for the next {@link #flush()}; the report validator learns of it here, once (a
     * send of it, first or again, does not tell it again).
     */
    void queue(Directive directive) {
        validator.get().issued(directive);
        synchronized (batch) {
            batch.add(directive);
        }
    }

    /** Stores the queued directives in one outbox transaction, then sends those whose node is alive. */
    void flush() {
        synchronized (sending) {
            List<Directive> todo;
            synchronized (batch) {
                if (batch.isEmpty()) {
                    return;
                }
                todo = new ArrayList<>(batch);
                batch.clear();
            }
            meters.directivesSuperseded(outbox.putAll(todo));
            double now = nowMs.getAsDouble();
            for (Directive d : todo) {
                // a directive over the pace stays due; the outbox timer sends it within a few passes
                if (!state.sessionAlive(d.nodeId()) || !pacer.tryStart(d.nodeId())) {
                    continue;
                }
                if (send(d)) {
                    outbox.sent(d.nodeId(), now);
                } else {
                    pacer.done(d.nodeId());
                }
            }
        }
    }

    /**
     * The outbox timer's pass: flushes the queue, writes the outbox, updates the acknowledgement
     * timeout and re-sends every directive due to a live node within the pace.
     */
    void resendDue() {
        try {
            flush();
            outbox.flush();
            // an ack is late only when it is later than the acks that do arrive: wait three times their recent
            // p99 (a host reading its messages late sees every ack late, and would re-send what was applied)
            double ackP99 = meters.windowQuantileMs(meters.ackTimer(), 0.99);
            outbox.ackTimeoutFloor(Double.isNaN(ackP99) ? 0 : Math.round(ACK_TIMEOUT_P99_FACTOR * ackP99));
            synchronized (sending) {
                double now = nowMs.getAsDouble();
                for (Directive d : outbox.due(now, state::sessionAlive)) {
                    if (!pacer.tryStart(d.nodeId())) {
                        continue; // in flight still, or over the pace: a later pass
                    }
                    if (!send(d)) {
                        pacer.done(d.nodeId());
                    } else if (outbox.sent(d.nodeId(), now) > 1) {
                        meters.directiveResent();
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("outbox re-send failed: {}", e.toString(), e);
        }
    }

    /** A new (clean) session with the broker: what was in flight on the old connection is gone. */
    void connectionReset() {
        pacer.reset();
    }

    /** Records the publish-to-ack time of an applied directive's ack. */
    void acknowledged(Ack a) {
        Long sentAt = firstSent.remove(a.nodeId() + "|" + a.plannerEpoch() + "|" + a.version());
        if (sentAt != null && a.outcome() == AckOutcome.APPLIED) {
            meters.ackTime(System.nanoTime() - sentAt);
        }
    }

    /**
     * Publishes one directive (its task keys first); false when not connected or it could not go. A directive of
     * an earlier host run (the outbox re-sends what was pending when that run stopped) never passed
     * {@link #queue}: the report validator is told of it here.
     */
    private boolean send(Directive d) {
        ReportValidator v = validator.get();
        if (d.plannerEpoch() < v.hostEpoch()) {
            v.issued(d);
        }
        if (!publisher.connected()) {
            return false;
        }
        firstSent.putIfAbsent(d.nodeId() + "|" + d.plannerEpoch() + "|" + d.version(), System.nanoTime());
        if (firstSent.size() > 100_000) {
            firstSent.clear(); // unacknowledged entries of nodes that never answered
        }
        String topic = topics.directive(d.nodeId());
        // tried again with the outbox's backoff, not every 200 ms
        List<byte[]> payloads = publisher.encode(topic, d, () -> outbox.sent(d.nodeId(), nowMs.getAsDouble()));
        if (payloads == null) {
            return false;
        }
        Confirmation confirm = new Confirmation(d.nodeId());
        try {
            publishAll(topic, d, payloads, taskSecret.get(), confirm);
            return true;
        } catch (MqttException e) {
            LOG.debug("publish to {} failed: {}", topic, e.getMessage());
            return false;
        } finally {
            confirm.handedOver();
        }
    }

    private void publishAll(String topic, Directive d, List<byte[]> payloads, byte[] secret, Confirmation confirm)
            throws MqttException {
        if (secret != null) {
            // the secrets go first, on the node's own keys topic, which a monitor account cannot read
            // (the directive itself is readable by monitors, so it carries none)
            TaskKeys keys = new TaskKeys(WireCodec.SCHEMA, d.nodeId(), d.plannerEpoch(),
                    TaskTicket.nodeKey(secret, fleet, d.nodeId(), d.plannerEpoch()), TaskTicket.dataToken(secret, fleet));
            confirm.publish(topics.keys(d.nodeId()), MessageType.KEYS, codec.encode(keys));
        }
        int bytes = 0;
        for (byte[] payload : payloads) {
            confirm.publish(topic, d.type(), payload);
            bytes += payload.length;
        }
        meters.directiveBytes(bytes);
        if (payloads.size() > 1) {
            meters.directiveSplit(payloads.size());
        }
    }

    /**
     * Releases a directive's place in the {@link SendPacer} once every publication of it (keys,
     * directive or parts) is confirmed or failed, and the publishing method has returned.
     */
    private final class Confirmation implements MqttActionListener {
        private final String node;
        private final AtomicInteger open = new AtomicInteger(1);

        Confirmation(String node) {
            this.node = node;
        }

        /** Publishes one payload of the directive, counted open until Paho confirms or fails it. */
        void publish(String topic, MessageType type, byte[] payload) throws MqttException {
            open.incrementAndGet();
            try {
                publisher.publish(topic, type, payload, this);
            } catch (MqttException | RuntimeException e) {
                handedOver();
                throw e;
            }
        }

        void handedOver() {
            if (open.decrementAndGet() == 0) {
                pacer.done(node);
            }
        }

        @Override
        public void onSuccess(IMqttToken token) {
            handedOver();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            LOG.debug("publication to node {} failed: {}", node, e == null ? "no reason" : e.getMessage());
            handedOver();
        }
    }
}
