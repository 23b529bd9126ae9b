package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.edgefm.wire.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store-and-forward for results: each result is committed to the MapDB outbox under its task id
 * before it is published, removed once the broker acknowledged it, and every stored result is
 * published again after a reconnect. Results are published only while the host is online (its
 * retained {@code host/state}): a broker acknowledges a message that no subscriber takes, so a
 * result published while the host is away or not yet subscribed (a restarted broker or host) would
 * be lost.
 *
 * <p>A publish that fails while the link stays up (the client's in-flight window full, a timeout) is
 * retried from the outbox after a capped exponential backoff, so a result never waits for a reconnect
 * that may not come. A result is never in flight twice at once; a newer result for a task whose older
 * one is in flight is published after it, and is not removed by the older one's acknowledgement. A
 * result whose acknowledgement was lost may be published twice, and the host counts it once by task id.
 */
public final class ResultOutboxVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ResultOutboxVerticle.class);
    static final long RETRY_MIN_MS = 250;
    static final long RETRY_MAX_MS = 30_000;

    private final AgentContext ctx;
    private final Set<String> inFlight = new HashSet<>();
    private int failuresInARow;
    private long retryTimer = -1;

    /** The outbox of one agent. */
    public ResultOutboxVerticle(AgentContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(Bus.RESULT, this::onResult);
        vertx.eventBus().consumer(Bus.CONNECTED, m -> flush("after reconnect"));
        vertx.eventBus().consumer(Bus.HOST_ONLINE, m -> flush("now that the host is online"));
        return Future.succeededFuture();
    }

    private void onResult(Message<Buffer> m) {
        String taskId = m.headers().get("taskId");
        byte[] bytes = m.body().getBytes();
        vertx.executeBlocking(() -> {
            ctx.store().outboxPut(taskId, bytes);
            return null;
        }, false).onSuccess(v -> send(taskId, bytes)); // if an older one is in flight, this one follows it
    }

    private void flush(String why) {
        if (!ctx.connected() || !ctx.hostOnline()) {
            return;
        }
        vertx.executeBlocking(() -> ctx.store().outbox(), false).onSuccess(all -> {
            int waiting = 0;
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                if (!inFlight.contains(e.getKey())) {
                    waiting++;
                    send(e.getKey(), e.getValue());
                }
            }
            if (waiting > 0) {
                LOG.info("sending {} stored result(s) {}", waiting, why);
            }
        });
    }

    private void send(String taskId, byte[] bytes) {
        if (!ctx.connected() || !ctx.hostOnline() || !inFlight.add(taskId)) {
            return;
        }
        vertx.eventBus().request(Bus.PUBLISH, Buffer.buffer(bytes), new DeliveryOptions()
                .addHeader("topic", ctx.topics().result(ctx.nodeId()))
                .addHeader("qos", String.valueOf(MessageType.RESULT.qos().level()))
                .addHeader("retain", "false")).onComplete(ar -> {
                    if (ar.succeeded()) {
                        failuresInARow = 0;
                        delivered(taskId, bytes);
                    } else {
                        inFlight.remove(taskId); // kept in the outbox
                        scheduleRetry(ar.cause().getMessage());
                    }
                });
    }

    /** Removes the delivered result, unless a newer one was stored meanwhile: that one is sent next. */
    private void delivered(String taskId, byte[] bytes) {
        vertx.executeBlocking(() -> ctx.store().outboxRemoveIfSame(taskId, bytes), false).onComplete(ar -> {
            inFlight.remove(taskId);
            if (ar.succeeded() && ar.result().isPresent()) {
                send(taskId, ar.result().get());
            }
        });
    }

    /** One retry of everything stored, after a backoff that grows with the failures in a row. */
    private void scheduleRetry(String cause) {
        if (retryTimer >= 0) {
            return;
        }
        long delay = MqttLinkVerticle.backoffMs(failuresInARow++, RETRY_MIN_MS, RETRY_MAX_MS,
                ThreadLocalRandom.current().nextDouble());
        if (failuresInARow == 1 || failuresInARow % 10 == 0) {
            LOG.warn("publishing a result failed ({} in a row): {}; retrying in {} ms", failuresInARow, cause, delay);
        }
        retryTimer = vertx.setTimer(delay, t -> {
            retryTimer = -1;
            flush("after a failed publish");
        });
    }

    @Override
    public Future<?> stop() {
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        return Future.succeededFuture();
    }
}
