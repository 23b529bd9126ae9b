package org.edgefm.host.outbox;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Paces the host's directive publications: a token bucket ({@link Settings#perSecond()} sustained,
 * {@link Settings#burst()} at once) and a cap on directives handed to the MQTT client whose
 * publication the broker has not yet confirmed ({@link Settings#maxInFlight()}). A directive that may
 * not go now stays due in the outbox and goes on a later pass. A node's directive still in flight is
 * never sent again: the outbox's re-send backoff counts from a confirmed publication, not from a
 * publication the client is still writing. A publication not confirmed within
 * {@link #CONFIRM_TIMEOUT_NANOS} (a connection lost with it) no longer counts as in flight.
 *
 * <p>Without it, a fleet of 1,000 agents joining at once made the host hand the client two
 * QoS 1 publications (keys and directive) per node in one step; Paho refuses publications beyond the
 * broker's receive maximum, and the outbox then re-sent what did not go. Thread-safe.
 */
public final class SendPacer {
    /**
     * Pacing settings.
     *
     * @param perSecond   sustained directive publications per second
     * @param burst       publications at once (bucket size)
     * @param maxInFlight directives handed to the client and not yet confirmed by the broker
     */
    public record Settings(double perSecond, double burst, int maxInFlight) {
        /** Validates the fields. */
        public Settings {
            if (!(perSecond > 0) || !(burst >= 1) || maxInFlight < 1) {
                throw new IllegalArgumentException("perSecond " + perSecond + ", burst " + burst + ", maxInFlight "
                        + maxInFlight + " (expected: > 0, >= 1, >= 1)");
            }
        }

        /**
         * The defaults: 500 directives/s in bursts of 250 and 100 in flight. A directive is one to
         * three QoS 1 publications (keys, directive, parts), so 100 in flight stays well below the
         * broker's receive maximum of 1,000 that bounds the client's in-flight window; 1,000 agents
         * joining at once get their first directives within about two seconds, while the embedded
         * broker (in the host's process) keeps delivering the fleet's telemetry to the host.
         */
        public static Settings defaults() {
            return new Settings(500, 250, 100);
        }
    }

    /** After this long an unconfirmed publication no longer counts as in flight: 30 s. */
    public static final long CONFIRM_TIMEOUT_NANOS = 30_000_000_000L;

    private final Settings settings;
    private final LongSupplier nanos;
    /** Nodes whose directive is in flight, with the time it was handed to the client (ns). */
    private final Map<String, Long> inFlight = new HashMap<>();
    private double tokens;
    private long lastNanos;
    private long deferred;

    /**
     * Creates a pacer with a full bucket.
     *
     * @param settings the limits
     * @param nanos    a monotonic clock in ns ({@code System::nanoTime}; a fake one in tests)
     */
    public SendPacer(Settings settings, LongSupplier nanos) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.nanos = Objects.requireNonNull(nanos, "nanos is null");
        this.tokens = settings.burst();
        this.lastNanos = nanos.getAsLong();
    }

    private void refill() {
        long now = nanos.getAsLong();
        tokens = Math.min(settings.burst(), tokens + Math.max(0, now - lastNanos) / 1e9 * settings.perSecond());
        lastNanos = now;
    }

    /**
     * Whether {@code node}'s directive may be published now; if so it counts as in flight until
     * {@link #done(String)}. False when that node's previous one is still in flight, the in-flight
     * cap is reached or the bucket is empty (then counted as deferred).
     */
    public synchronized boolean tryStart(String node) {
        long now = nanos.getAsLong();
        Long since = inFlight.get(node);
        if (since != null && now - since < CONFIRM_TIMEOUT_NANOS) {
            return false;
        }
        refill();
        if (inFlight.size() >= settings.maxInFlight()) {
            inFlight.values().removeIf(t -> now - t >= CONFIRM_TIMEOUT_NANOS);
        }
        if (inFlight.size() >= settings.maxInFlight() || tokens < 1) {
            deferred++;
            return false;
        }
        tokens -= 1;
        inFlight.put(node, now);
        return true;
    }

    /** {@code node}'s publication was confirmed by the broker, failed, or was never handed to the client. */
    public synchronized void done(String node) {
        inFlight.remove(node);
    }

    /** Whether {@code node}'s directive is in flight now. */
    public synchronized boolean inFlight(String node) {
        Long since = inFlight.get(node);
        return since != null && nanos.getAsLong() - since < CONFIRM_TIMEOUT_NANOS;
    }

    /** Directives in flight now. */
    public synchronized int inFlightCount() {
        return inFlight.size();
    }

    /** Times a due directive had to wait for a later pass (cap or bucket). */
    public synchronized long deferred() {
        return deferred;
    }

    /** Forgets every directive in flight (the client was replaced or reconnected with a clean session). */
    public synchronized void reset() {
        inFlight.clear();
    }
}
