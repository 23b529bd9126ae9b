package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The host's message meters: valid messages received and messages published (by type), messages
 * refused on receipt (by type and reason), messages not published for their size (by type), and the
 * lag of telemetry from the agent's timestamp to receipt. Part of {@link HostMeters}; thread-safe.
 */
final class MessageMeters {
    private static final String IN_HELP = "Valid messages received from agents, by message type";
    private static final String OUT_HELP = "Messages the host published, by message type";

    private final MeterRegistry registry;
    private final TimerWindows windows;
    private final Timer telemetryLag;

    MessageMeters(MeterRegistry registry, TimerWindows windows) {
        this.registry = registry;
        this.windows = windows;
        telemetryLag = Timer.builder("edgefm.telemetry.lag")
                .description("Receipt time minus the agent's telemetry timestamp (includes clock offset)")
                .serviceLevelObjectives(MeterBuckets.MESSAGE)
                .register(registry);
        windows.add(telemetryLag, "edgefm.telemetry.lag.window", "Telemetry lag");
    }

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    /** Counts a received, valid message of {@code type}. */
    void in(String type) {
        counter("edgefm.messages.in", IN_HELP, "type", type).increment();
    }

    /** Counts a published message of {@code type}. */
    void out(String type) {
        counter("edgefm.messages.out", OUT_HELP, "type", type).increment();
    }

    /** Counts a refused message of {@code type} for {@code kind}. */
    void bad(String type, String kind) {
        counter("edgefm.messages.bad", "Messages refused on receipt, by message type and reason", "type", type, "kind", kind).increment();
    }

    /** Counts a message of {@code type} not published: larger than the wire's payload limit. */
    void oversize(String type) {
        Counter.builder("edgefm.messages.oversize").description("Messages the host did not publish: larger than the"
                + " wire's payload limit (the broker would cut the connection)").tag("type", type).register(registry).increment();
    }

    /** Records the lag of one telemetry message in ms (negative values, from clock offset, count as 0). */
    void telemetryLag(long ms) {
        telemetryLag.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
        windows.record(telemetryLag, Math.max(0, ms) * 1_000_000L);
    }

    /** Valid messages received of {@code type} so far. */
    long inCount(String type) {
        return (long) counter("edgefm.messages.in", IN_HELP, "type", type).count();
    }

    /** Messages published of {@code type} so far. */
    long outCount(String type) {
        return (long) counter("edgefm.messages.out", OUT_HELP, "type", type).count();
    }

    /** Messages of {@code type} not published for their size so far. */
    long oversizeCount(String type) {
        var c = registry.find("edgefm.messages.oversize").tag("type", type).counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Total refused messages. */
    double badTotal() {
        return registry.find("edgefm.messages.bad").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The telemetry-lag timer. */
    Timer telemetryLagTimer() {
        return telemetryLag;
    }
}
