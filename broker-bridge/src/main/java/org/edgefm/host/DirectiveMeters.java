package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The host's directive and outbox meters: directives issued by the control loop, replaced before
 * they were published, re-sent, published in parts; their encoded size; publish-to-acknowledgement
 * time; and the outbox size. Part of {@link HostMeters}; thread-safe.
 */
final class DirectiveMeters {
    private static final String ISSUED_HELP = "Directives the control loop handed to the fleet";

    private final MeterRegistry registry;
    private final TimerWindows windows;
    private final Timer ackTime;
    private final Counter resent;
    private final Counter superseded;
    private final DistributionSummary sizes;
    private final AtomicLong largest = new AtomicLong();

    DirectiveMeters(MeterRegistry registry, TimerWindows windows) {
        this.registry = registry;
        this.windows = windows;
        ackTime = Timer.builder("edgefm.directive.ack.time")
                .description("From the first publish of a directive to its acknowledgement")
                .serviceLevelObjectives(MeterBuckets.MESSAGE)
                .register(registry);
        windows.add(ackTime, "edgefm.directive.ack.time.window", "Directive acknowledgement time");
        resent = Counter.builder("edgefm.directives.resent")
                .description("Directives published again because no acknowledgement came in time").register(registry);
        superseded = Counter.builder("edgefm.directives.superseded")
                .description("Directives replaced by a newer one for the same node before they were published")
                .register(registry);
        sizes = DistributionSummary.builder("edgefm.directive.size")
                .description("Encoded size of published directives").baseUnit("bytes").register(registry);
    }

    /** Registers the outbox-size gauge. */
    void outboxSize(Supplier<Number> size) {
        // strongly held: a method reference passed here is referenced by nothing else, and a weakly held
        // one is collected at the next GC, after which the gauge reads NaN
        Gauge.builder("edgefm.outbox.size", size, s -> s.get().doubleValue()).strongReference(true)
                .description("Directives published and not yet acknowledged").register(registry);
    }

    private Counter issued() {
        return Counter.builder("edgefm.directives.issued").description(ISSUED_HELP).register(registry);
    }

    /** Counts a directive the control loop handed to the fleet. */
    void issue() {
        issued().increment();
    }

    /** Directives issued by the control loop so far. */
    long issuedCount() {
        return (long) issued().count();
    }

    /** Records a directive's publish-to-acknowledgement time. */
    void ackTime(long nanos) {
        ackTime.record(nanos, TimeUnit.NANOSECONDS);
        windows.record(ackTime, nanos);
    }

    /** Counts a directive published in {@code parts} parts (its compact encoding was over the wire's limit). */
    void split(int parts) {
        Counter.builder("edgefm.directives.split").description("Directives published in parts: their compact encoding"
                + " is over the wire's payload limit; an agent applies one only with all its parts").register(registry).increment();
        Counter.builder("edgefm.directive.parts").description("Parts of split directives published")
                .register(registry).increment(parts);
    }

    /** Directives published in parts so far. */
    long splitCount() {
        var c = registry.find("edgefm.directives.split").counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Counts a directive published again by the outbox. */
    void resent() {
        resent.increment();
    }

    /** Directives re-sent so far. */
    long resentCount() {
        return (long) resent.count();
    }

    /** Counts {@code n} directives replaced by a newer one for their node before they were published. */
    void superseded(int n) {
        if (n > 0) {
            superseded.increment(n);
        }
    }

    /** Directives replaced before they were published, so far. */
    long supersededCount() {
        return (long) superseded.count();
    }

    /** Records the encoded size of a published directive. */
    void bytes(int bytes) {
        sizes.record(bytes);
        largest.accumulateAndGet(bytes, Math::max);
    }

    /** The largest directive published so far, in bytes (0 before the first). */
    long largestBytes() {
        return largest.get();
    }

    /** Sizes of published directives. */
    DistributionSummary sizes() {
        return sizes;
    }

    /** The publish-to-ack timer. */
    Timer ackTimer() {
        return ackTime;
    }
}
