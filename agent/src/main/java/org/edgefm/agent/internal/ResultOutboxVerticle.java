package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.edgefm.wire.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store-and-forward for results: each result is committed to the MapDB outbox under its task id
 * before it is published, removed once the broker acknowledged it, and every stored result is
 * published again after a reconnect. Results are published only while the host is online (its
 * retained {@code host/state}): a broker acknowledges a message that no subscriber takes, so a
 * result published while the host is away or not yet subscribed (a restarted broker or host) would
 * be lost. A result is never in flight twice at once; a result whose acknowledgement was lost may be
 * published twice, and the host counts it once by task id.
 */
public final class ResultOutboxVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ResultOutboxVerticle.class);

    private final AgentContext ctx;
    private final Set<String> inFlight = new HashSet<>();

    /** The outbox of one agent. */
    public ResultOutboxVerticle(AgentContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(Bus.RESULT, this::onResult);
        vertx.eventBus().consumer(Bus.CONNECTED, m -> flush());
        vertx.eventBus().consumer(Bus.HOST_ONLINE, m -> flush());
        return Future.succeededFuture();
    }

    private void onResult(Message<Buffer> m) {
        String taskId = m.headers().get("taskId");
        byte[] bytes = m.body().getBytes();
        vertx.executeBlocking(() -> {
            ctx.store().outboxPut(taskId, bytes);
            return null;
        }, false).onSuccess(v -> send(taskId, bytes));
    }

    private void flush() {
        if (!ctx.connected() || !ctx.hostOnline()) {
            return;
        }
        vertx.executeBlocking(() -> ctx.store().outbox(), false).onSuccess(all -> {
            if (!all.isEmpty()) {
                LOG.info("sending {} stored result(s) after reconnect", all.size());
            }
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                send(e.getKey(), e.getValue());
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
                        vertx.executeBlocking(() -> {
                            ctx.store().outboxRemove(taskId);
                            return null;
                        }, false).onComplete(x -> inFlight.remove(taskId));
                    } else {
                        inFlight.remove(taskId); // kept in the outbox; sent again after the next reconnect
                    }
                });
    }
}
