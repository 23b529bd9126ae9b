package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.edgefm.agent.AgentConfig;

/**
 * The in-process network impairment of one agent's data plane ({@code impairment.*}): before each
 * send it waits the added delay, then for the serialisation of the send's bytes at the rate cap
 * behind everything queued before it (one FIFO link per agent, as {@code tc}'s rate limit), plus the
 * retransmission wait when the send is "lost". Used where {@code tc netem} in network namespaces is
 * not available. With no impairment every send goes at once; with a gate file
 * ({@code impairment.gateFile}) the impairment applies only while that file exists. Thread-safe.
 */
public final class Shaper {
    /** How often the gate file ({@code impairment.gateFile}) is looked for, at most. */
    static final double GATE_CHECK_MS = 100;

    private final AgentConfig.Impairment impairment;
    private final SplittableRandom random;
    private double linkFreeAtMs;
    private final Path gate;
    private boolean gateOpen;
    private double gateCheckedAtMs = Double.NEGATIVE_INFINITY;

    /**
     * A shaper.
     *
     * @param impairment what to impose
     * @param seed       seed of the loss draws
     */
    public Shaper(AgentConfig.Impairment impairment, long seed) {
        this.impairment = impairment;
        this.random = new SplittableRandom(seed);
        this.gate = impairment.gateFile() == null ? null : Path.of(impairment.gateFile());
    }

    /** What this shaper imposes. */
    public AgentConfig.Impairment impairment() {
        return impairment;
    }

    /**
     * How long a send of {@code bytes} starting at {@code nowMs} waits, in ms; reserves its place on
     * the rate-capped link.
     */
    public synchronized double waitMs(long bytes, double nowMs) {
        if (impairment.isNone() || !active(nowMs)) {
            return 0;
        }
        double readyMs = nowMs + impairment.delayMs();
        if (impairment.lossRate() > 0 && random.nextDouble() < impairment.lossRate()) {
            readyMs += impairment.lossPenaltyMs();
        }
        if (impairment.bandwidthMbps() > 0) {
            double serialiseMs = bytes * 8 / (impairment.bandwidthMbps() * 1000.0);
            linkFreeAtMs = Math.max(linkFreeAtMs, readyMs) + serialiseMs;
            return linkFreeAtMs - nowMs;
        }
        return readyMs - nowMs;
    }

    /** Whether the impairment applies now: always without a gate file, else while the file exists (checked every 100 ms). */
    private boolean active(double nowMs) {
        if (gate == null) {
            return true;
        }
        if (nowMs - gateCheckedAtMs >= GATE_CHECK_MS || nowMs < gateCheckedAtMs) {
            gateOpen = Files.exists(gate);
            gateCheckedAtMs = nowMs;
        }
        return gateOpen;
    }

    /** A future that completes when a send of {@code bytes} may go. */
    public Future<Void> beforeSend(Vertx vertx, long bytes) {
        double wait = waitMs(bytes, System.nanoTime() / 1e6);
        long ms = (long) Math.ceil(wait);
        if (ms <= 0) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        vertx.setTimer(ms, id -> p.complete());
        return p.future();
    }
}
