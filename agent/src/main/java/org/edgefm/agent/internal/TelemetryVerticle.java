package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import org.edgefm.agent.telemetry.GpuProbe;
import org.edgefm.agent.telemetry.HostSampler;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every period (OSHI host metrics and GPU metrics, on a worker), records the sample in
 * the agent's own {@code /metrics}, and publishes it as telemetry while connected: per-service metrics from the runtime, peer link figures, and a sequence number that
 * restarts at 0 with each session. A tick is skipped while the previous sample is still running.
 */
public final class TelemetryVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryVerticle.class);

    private final AgentContext ctx;
    private final GpuProbe gpu;
    private HostSampler sampler;
    private long seq;
    private long seqEpoch = -1;
    private boolean busy;

    /** Telemetry of one agent, reading GPUs with {@code gpu}. */
    public TelemetryVerticle(AgentContext ctx, GpuProbe gpu) {
        this.ctx = ctx;
        this.gpu = gpu;
    }

    private record Sample(HostMetrics host, List<GpuMetrics> gpus) {
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> new HostSampler(ctx.dataDir()), false).onSuccess(s -> {
            sampler = s;
            vertx.setPeriodic(ctx.config().telemetryPeriodMs(), id -> tick());
        });
    }

    private void tick() {
        if (busy) {
            return;
        }
        busy = true;
        vertx.executeBlocking(() -> {
            Sample s = new Sample(sampler.sample(), gpu.read());
            ctx.meters().record(s.host(), s.gpus(), gpu.lastBoard());
            return s;
        }, false).onComplete(ar -> {
            busy = false;
            if (ar.failed()) {
                LOG.warn("telemetry sample failed: {}", ar.cause().toString());
                return;
            }
            if (!ctx.connected()) {
                return;
            }
            long epoch = ctx.sessionEpoch();
            if (epoch != seqEpoch) {
                seqEpoch = epoch;
                seq = 0;
            }
            Telemetry t = new Telemetry(WireCodec.SCHEMA, ctx.nodeId(), epoch, seq++, System.currentTimeMillis(),
                    ctx.appliedVersion(), ar.result().host(), ar.result().gpus(), ctx.runtime().drainMetrics(), ctx.peerMetrics());
            vertx.eventBus().request(Bus.PUBLISH, Buffer.buffer(ctx.codec().encode(t)), new DeliveryOptions()
                    .addHeader("topic", ctx.topics().telemetry(ctx.nodeId()))
                    .addHeader("qos", String.valueOf(MessageType.TELEMETRY.qos().level()))
                    .addHeader("retain", "false"));
        });
    }
}
