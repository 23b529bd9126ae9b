package org.edgefm.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Locale;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;
import org.edgefm.profiles.KernelCost;
import org.edgefm.profiles.PerformanceModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies directives, one at a time in arrival order: decode and validate (a malformed one gets a
 * rejected ack naming the field), latest-wins by {@code (plannerEpoch, version)} (older ones get a
 * stale ack and a log line; a re-delivery of the version in force is acknowledged again), check
 * that it is possible here (kernel kinds and dimensions, core parallelism, memory, peers of
 * routes), load the kernels, commit the directive to MapDB, swap the services in, then
 * acknowledge with the instances started (each with its measured preload and weights source) and
 * stopped.
 */
public final class DirectiveVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DirectiveVerticle.class);
    private static final ObjectMapper TREE = new ObjectMapper();

    private final AgentContext ctx;
    private final long memoryBudgetBytes;
    private Future<?> chain = Future.succeededFuture();
    /** The parts of a split directive received so far (touched on the directive chain only). */
    private final org.edgefm.wire.DirectiveAssembler parts = new org.edgefm.wire.DirectiveAssembler();

    /** The directive executor of one agent; services may use up to {@code memoryBudgetBytes}. */
    public DirectiveVerticle(AgentContext ctx, long memoryBudgetBytes) {
        this.ctx = ctx;
        this.memoryBudgetBytes = memoryBudgetBytes;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(Bus.DIRECTIVE_IN, this::onDirective);
        vertx.eventBus().<Buffer>consumer(Bus.KEYS_IN, m -> {
            String topic = m.headers().get("topic");
            byte[] bytes = m.body().getBytes();
            chain = chain.eventually(() -> keys(topic, bytes));
        });
        return Future.succeededFuture();
    }

    private void onDirective(Message<Buffer> m) {
        String topic = m.headers().get("topic");
        byte[] bytes = m.body().getBytes();
        chain = chain.eventually(() -> handle(topic, bytes));
    }

    /**
     * The host's secrets for this node, in the same order as its directives: taken from the host's
     * account only (broker ACL), never from an epoch beyond the one the host announced, persisted so
     * that a restarted agent signs its tasks without waiting for the host.
     */
    private Future<Void> keys(String topic, byte[] bytes) {
        org.edgefm.wire.TaskKeys k;
        try {
            k = ctx.codec().decode(topic, bytes, org.edgefm.wire.TaskKeys.class);
        } catch (WireFormatException e) {
            LOG.warn("refused keys: {} (refused so far: {})", e.getMessage(), ctx.countRejected());
            return Future.succeededFuture();
        }
        if (k.plannerEpoch() > ctx.hostEpoch()) {
            LOG.warn("ignored keys of planner epoch {}: beyond the epoch {} the host announced (refused so far: {})",
                    k.plannerEpoch(), ctx.hostEpoch(), ctx.countRejected());
            return Future.succeededFuture();
        }
        org.edgefm.wire.TaskKeys cur = ctx.keys();
        if (cur != null && k.plannerEpoch() < cur.plannerEpoch()) {
            return Future.succeededFuture(); // a late copy of older keys
        }
        return vertx.executeBlocking(() -> {
            ctx.store().saveKeys(bytes);
            return null;
        }, false).onSuccess(v -> ctx.keys(k)).mapEmpty();
    }

    private Future<Void> handle(String topic, byte[] bytes) {
        org.edgefm.wire.WireMessage m;
        try {
            m = ctx.codec().decode(topic, bytes);
            if (!(m instanceof Directive) && !(m instanceof org.edgefm.wire.DirectivePart)) {
                throw new WireFormatException(topic, "topic", "carries " + m.type().level() + ", not a directive",
                        WireFormatException.Kind.UNKNOWN_TOPIC);
            }
        } catch (WireFormatException e) {
            LOG.warn("refused directive: {} (refused so far: {})", e.getMessage(), ctx.countRejected());
            long[] ev = bestEffortIds(bytes);
            // not awaited: a flood of malformed payloads must not queue the next valid directive behind
            // one broker round trip each
            ack(ev[0], ev[1], AckOutcome.REJECTED, e.field() + ": " + e.problem());
            return Future.succeededFuture();
        }
        if (m instanceof org.edgefm.wire.DirectivePart p) {
            return part(p);
        }
        return handle((Directive) m);
    }

    /**
     * One part of a split directive: held until every part of its {@code (plannerEpoch, version)} is here,
     * then applied as one directive. A directive with a part missing is never applied, in part or whole; a
     * part of a newer directive drops an older incomplete one.
     */
    private Future<Void> part(org.edgefm.wire.DirectivePart p) {
        Directive cur = ctx.applied();
        if (p.plannerEpoch() <= ctx.hostEpoch() && cur != null && p.plannerEpoch() == cur.plannerEpoch()
                && p.version() == cur.version()) {
            return ack(p.plannerEpoch(), p.version(), AckOutcome.APPLIED, null); // re-delivery of the version in force
        }
        Directive whole;
        try {
            whole = parts.offer(p);
        } catch (org.edgefm.api.InvalidFieldException e) {
            LOG.warn("rejected directive v{}: its {} parts do not form one directive: {}: {}", p.version(), p.count(),
                    e.field(), e.problem());
            return ack(p.plannerEpoch(), p.version(), AckOutcome.REJECTED, e.field() + ": " + e.problem());
        }
        if (whole == null) {
            LOG.debug("directive v{} (planner epoch {}): part {} of {} received, {} held", p.version(), p.plannerEpoch(),
                    p.index() + 1, p.count(), parts.pending());
            return Future.succeededFuture();
        }
        LOG.info("directive v{} (planner epoch {}): all {} parts received", whole.version(), whole.plannerEpoch(), p.count());
        return handle(whole);
    }

    private Future<Void> handle(Directive d) {
        if (d.plannerEpoch() > ctx.hostEpoch()) {
            // only the host's account may publish directives (broker ACL), and its retained host/state names
            // its planner epoch: a directive from a later epoch is forged or arrived before that state. Not
            // applied, not acknowledged: the host's outbox sends a genuine one again.
            LOG.warn("ignored directive v{} of planner epoch {}: beyond the epoch {} the host announced (refused so far: {})",
                    d.version(), d.plannerEpoch(), ctx.hostEpoch(), ctx.countRejected());
            return Future.succeededFuture();
        }
        Directive cur = ctx.applied();
        if (cur != null) {
            if (d.plannerEpoch() < cur.plannerEpoch()) {
                LOG.info("ignored directive v{} of planner epoch {}: older than epoch {} in force", d.version(),
                        d.plannerEpoch(), cur.plannerEpoch());
                return ack(d.plannerEpoch(), d.version(), AckOutcome.STALE, null);
            }
            if (d.plannerEpoch() == cur.plannerEpoch() && d.version() < cur.version()) {
                LOG.info("ignored directive v{}: older than v{} in force", d.version(), cur.version());
                return ack(d.plannerEpoch(), d.version(), AckOutcome.STALE, null);
            }
            if (d.plannerEpoch() == cur.plannerEpoch() && d.version() == cur.version()) {
                return ack(d.plannerEpoch(), d.version(), AckOutcome.APPLIED, null); // re-delivery: idempotent
            }
        }
        String problem = impossibility(d.desired());
        if (problem != null) {
            LOG.warn("rejected directive v{}: {}", d.version(), problem);
            return ack(d.plannerEpoch(), d.version(), AckOutcome.REJECTED, problem);
        }
        return ctx.runtime().prepare(d.desired())
                .compose(plan -> vertx.executeBlocking(() -> {
                    // stored whole, in the compact encoding (also a directive that came in parts)
                    ctx.store().saveDirective(ctx.codec().encode(d));
                    return plan;
                }, false))
                .compose(plan -> {
                    ServiceRuntime.Changes changes = ctx.runtime().commit(plan);
                    ctx.applied(d);
                    LOG.info("applied directive v{} (planner epoch {}): services {}; started {}; stopped {}", d.version(),
                            d.plannerEpoch(), ctx.runtime().serviceIds(), describe(changes.started()),
                            changes.stopped().stream().map(InstanceStop::service).toList());
                    return ack(d.plannerEpoch(), d.version(), AckOutcome.APPLIED, null, changes);
                }, e -> {
                    String why = e instanceof EdgeFmException ? e.getMessage() : e.toString();
                    LOG.warn("rejected directive v{}: {}", d.version(), why);
                    return ack(d.plannerEpoch(), d.version(), AckOutcome.REJECTED, why);
                });
    }

    /** Why a desired state cannot run here, or null. */
    String impossibility(DesiredState s) {
        long bytes = 0;
        for (DesiredService d : s.services()) {
            if (d.kind() == ServiceKind.CORE && d.parallelism() != 1) {
                return "services." + d.service() + ".parallelism: " + d.parallelism() + " (expected: 1 for a core service)";
            }
            if (d.kernel() != null) {
                try {
                    bytes += PerformanceModel.footprintBytes(KernelCost.of(d.kernel()), d.instances(), d.parallelism());
                } catch (EdgeFmException e) {
                    return "services." + d.service() + ".kernel: " + e.getMessage();
                }
            }
        }
        if (bytes > memoryBudgetBytes) {
            return String.format(Locale.ROOT, "impossible: the services need %.2f GB of memory, this node offers %.2f GB",
                    bytes / 1e9, memoryBudgetBytes / 1e9);
        }
        for (Route r : s.routing()) {
            for (WeightedTarget t : r.targets()) {
                if (!t.isReject() && !t.node().equals(ctx.nodeId()) && !s.peers().containsKey(t.node())) {
                    return "routing: " + r.taskType() + "/" + r.stage() + " names node '" + t.node()
                            + "' without a data endpoint in peers";
                }
            }
        }
        return null;
    }

    private static List<String> describe(List<InstanceStart> started) {
        return started.stream().map(s -> s.preloadMs() == null ? s.service()
                : String.format(Locale.ROOT, "%s (%.1f ms, %s)", s.service(), s.preloadMs(), s.weights())).toList();
    }

    private Future<Void> ack(long epoch, long version, AckOutcome outcome, String error) {
        return ack(epoch, version, outcome, error, new ServiceRuntime.Changes(List.of(), List.of()));
    }

    private Future<Void> ack(long epoch, long version, AckOutcome outcome, String error, ServiceRuntime.Changes changes) {
        Ack a = new Ack(WireCodec.SCHEMA, ctx.nodeId(), epoch, version, outcome, error, System.currentTimeMillis(),
                changes.started(), changes.stopped());
        return vertx.eventBus().request(Bus.PUBLISH, Buffer.buffer(ctx.codec().encode(a)), new DeliveryOptions()
                        .addHeader("topic", ctx.topics().ack(ctx.nodeId()))
                        .addHeader("qos", String.valueOf(MessageType.ACK.qos().level()))
                        .addHeader("retain", "false"))
                .onFailure(e -> LOG.warn("could not publish the ack of v{}: {}", version, e.getMessage()))
                .<Void>mapEmpty()
                .otherwiseEmpty();
    }

    private static long[] bestEffortIds(byte[] bytes) {
        long epoch = 0;
        long version = 0;
        try {
            JsonNode n = TREE.readTree(bytes);
            if (n != null && n.path("plannerEpoch").isIntegralNumber() && n.path("plannerEpoch").asLong() >= 0) {
                epoch = n.path("plannerEpoch").asLong();
            }
            if (n != null && n.path("version").isIntegralNumber() && n.path("version").asLong() >= 0) {
                version = n.path("version").asLong();
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // not JSON: acknowledge with 0/0
        }
        return new long[] {epoch, version};
    }
}
