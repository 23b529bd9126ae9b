package org.edgefm.agent.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import org.edgefm.agent.kernel.Calibrator;
import org.edgefm.wire.KernelCalibration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the kernel kinds at start (when configured) and on {@link Bus#CALIBRATE}, on a worker,
 * stores the rates in MapDB (a restart announces them at once) and asks the link for a new birth.
 */
public final class CalibrationVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationVerticle.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentContext ctx;
    private boolean running;

    /** Calibration of one agent. */
    public CalibrationVerticle(AgentContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().consumer(Bus.CALIBRATE, m -> calibrate());
        return vertx.executeBlocking(() -> {
            byte[] b = ctx.store().calibration().orElse(null);
            return b == null ? List.<KernelCalibration>of() : JSON.readValue(b, new TypeReference<List<KernelCalibration>>() { });
        }, false).onSuccess(c -> {
            ctx.calibration(c);
            if (ctx.config().calibrate()) {
                calibrate();
            }
        });
    }

    private void calibrate() {
        if (running) {
            return;
        }
        running = true;
        vertx.executeBlocking(() -> {
            List<KernelCalibration> c = new Calibrator(3, 200).calibrateAll();
            ctx.store().saveCalibration(JSON.writeValueAsBytes(c));
            return c;
        }, false).onComplete(ar -> {
            running = false;
            if (ar.succeeded()) {
                ctx.calibration(ar.result());
                LOG.info("calibrated: {}", ar.result().stream()
                        .map(k -> String.format(java.util.Locale.ROOT, "%s %.1f GFLOP/s", k.kernel(), k.gflops())).toList());
                vertx.eventBus().send(Bus.REBIRTH, null);
            } else {
                LOG.warn("calibration failed: {}", ar.cause().toString());
            }
        });
    }
}
