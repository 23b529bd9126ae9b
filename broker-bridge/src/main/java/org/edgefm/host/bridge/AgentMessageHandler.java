package org.edgefm.host.bridge;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.edgefm.control.FleetNotices;
import org.edgefm.host.HostMeters;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.fleet.ReportValidator;
import org.edgefm.host.internal.BadMessageLog;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Command;
import org.edgefm.wire.CommandKind;
import org.edgefm.wire.Death;
import org.edgefm.wire.Result;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;
import org.edgefm.wire.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in one message from an agent: decodes it (a bad one is logged once per sender and reason,
 * counted and dropped), validates it ({@link ReportValidator}) and routes it into {@link FleetState},
 * the {@link DirectiveOutbox} (births, telemetry and acks settle directives) and the meters; asks a
 * node for a rebirth on a telemetry gap or an unknown session, at most once per
 * {@value #REBIRTH_INTERVAL_MS} ms.
 */
final class AgentMessageHandler {
    /** Logs under the bridge's name, which operators' and the load bench's log settings address. */
    private static final Logger LOG = LoggerFactory.getLogger(MqttFleet.class);
    private static final long REBIRTH_INTERVAL_MS = 5_000;

    private final WireCodec codec;
    private final Topics topics;
    private final FleetState state;
    private final DirectiveOutbox outbox;
    private final HostMeters meters;
    private final FleetNotices notices;
    private final Supplier<ReportValidator> validator;
    private final DirectiveSender sender;
    private final MqttPublisher publisher;
    private final DoubleSupplier nowMs;
    private final BadMessageLog badLog = new BadMessageLog(LOG);
    private final Map<String, Long> lastRebirthMs = new ConcurrentHashMap<>();

    /**
     * @param codec     the wire codec
     * @param topics    the fleet's topics (rebirth commands)
     * @param state     fleet state
     * @param outbox    the durable outbox
     * @param meters    the host's meters
     * @param notices   the fleet's notices (a directive's node that joined)
     * @param validator the current report validator
     * @param sender    the directive sender (publish-to-ack times)
     * @param publisher the host's MQTT publications (rebirth commands)
     * @param nowMs     the fleet clock
     */
    AgentMessageHandler(WireCodec codec, Topics topics, FleetState state, DirectiveOutbox outbox, HostMeters meters,
            FleetNotices notices, Supplier<ReportValidator> validator, DirectiveSender sender, MqttPublisher publisher,
            DoubleSupplier nowMs) {
        this.codec = Objects.requireNonNull(codec, "codec is null");
        this.topics = Objects.requireNonNull(topics, "topics is null");
        this.state = Objects.requireNonNull(state, "state is null");
        this.outbox = Objects.requireNonNull(outbox, "outbox is null");
        this.meters = Objects.requireNonNull(meters, "meters is null");
        this.notices = Objects.requireNonNull(notices, "notices is null");
        this.validator = Objects.requireNonNull(validator, "validator is null");
        this.sender = Objects.requireNonNull(sender, "sender is null");
        this.publisher = Objects.requireNonNull(publisher, "publisher is null");
        this.nowMs = Objects.requireNonNull(nowMs, "nowMs is null");
    }

    /** Decodes, validates and routes one received message. */
    void handle(String topic, byte[] payload) {
        WireMessage m;
        try {
            m = codec.decode(topic, payload);
        } catch (WireFormatException e) {
            refused(topic, e);
            return;
        }
        meters.messageIn(m.type().level());
        double now = nowMs.getAsDouble();
        ReportValidator v = validator.get();
        if (m instanceof Birth raw) {
            onBirth(v.birth(raw), now);
        } else if (m instanceof Death d) {
            if (state.onDeath(d)) {
                LOG.info("node {} died (session {}, {})", d.nodeId(), d.sessionEpoch(), d.reason());
            } else {
                LOG.debug("ignored death of node {} for session {}: not the current session", d.nodeId(), d.sessionEpoch());
            }
        } else if (m instanceof Telemetry raw) {
            onTelemetry(v.telemetry(raw), now);
        } else if (m instanceof Ack raw) {
            Ack a = v.ack(raw);
            if (a != null) {
                onAck(a);
            }
        } else if (m instanceof Result raw) {
            Result r = v.result(raw);
            if (r != null) {
                state.onResult(r);
            }
        } else {
            LOG.debug("ignored {} on {}", m.type(), topic);
        }
    }

    private void refused(String topic, WireFormatException e) {
        String type;
        String sender;
        try {
            Topics.ParsedTopic p = Topics.parse(topic);
            type = p.type().level();
            sender = p.nodeId() == null ? "host" : p.nodeId();
        } catch (WireFormatException notOurs) {
            type = "unknown";
            sender = "topic " + (topic.length() > 120 ? topic.substring(0, 120) + "..." : topic);
        }
        meters.messageBad(type, e.kind().name().toLowerCase());
        badLog.refused(sender, type, e.kind().name().toLowerCase(), e.getMessage());
    }

    private void onBirth(Birth b, double now) {
        if (state.onBirth(b, now)) {
            outbox.settle(b.nodeId(), b.plannerEpoch(), b.appliedVersion(), DirectiveOutbox.State.APPLIED, null);
            outbox.expedite(b.nodeId());
            notices.resolve(FleetNotices.Kind.DIRECTIVE_FOR_ABSENT_NODE, b.nodeId(), "the node joined");
            LOG.info("node {} born (session {}, profile {}, applied {}/{})", b.nodeId(), b.sessionEpoch(),
                    b.profile(), b.plannerEpoch(), b.appliedVersion());
        }
    }

    private void onTelemetry(Telemetry t, double now) {
        meters.telemetryLag(System.currentTimeMillis() - t.timestampMs());
        FleetState.TelemetryVerdict v = state.onTelemetry(t, now);
        if (v == FleetState.TelemetryVerdict.GAP || v == FleetState.TelemetryVerdict.UNKNOWN_SESSION) {
            requestRebirth(t.nodeId(), v == FleetState.TelemetryVerdict.GAP ? "telemetry gap" : "unknown session");
        }
        if (v != FleetState.TelemetryVerdict.STALE_SESSION) {
            long[] applied = state.applied(t.nodeId());
            outbox.settle(t.nodeId(), applied[0], t.appliedVersion(), DirectiveOutbox.State.APPLIED, null);
        }
    }

    private void onAck(Ack a) {
        sender.acknowledged(a);
        DirectiveOutbox.State s = switch (a.outcome()) {
            case APPLIED -> DirectiveOutbox.State.APPLIED;
            case REJECTED -> DirectiveOutbox.State.REJECTED;
            case STALE -> DirectiveOutbox.State.STALE;
        };
        if (outbox.settle(a.nodeId(), a.plannerEpoch(), a.version(), s, a.error()) && a.outcome() == AckOutcome.REJECTED) {
            LOG.warn("node {} rejected directive {}/{}: {}", a.nodeId(), a.plannerEpoch(), a.version(), a.error());
        }
        FleetState.AckSwitches sw = state.onAck(a);
        if (!sw.isEmpty()) {
            meters.instanceSwitches(a.nodeId(), sw);
            LOG.debug("node {} directive {}/{}: started {}, stopped {}", a.nodeId(), a.plannerEpoch(), a.version(),
                    sw.started(), sw.stopped());
        }
    }

    private void requestRebirth(String node, String why) {
        long now = System.currentTimeMillis();
        Long last = lastRebirthMs.get(node);
        if (last != null && now - last < REBIRTH_INTERVAL_MS) {
            return;
        }
        lastRebirthMs.put(node, now);
        LOG.info("asking node {} for a rebirth ({})", node, why);
        publisher.publish(topics.command(node), new Command(WireCodec.SCHEMA, node, CommandKind.REBIRTH,
                UUID.randomUUID().toString(), now));
    }
}
