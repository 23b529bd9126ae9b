package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefm.host.fleet.FleetState;

/**
 * The host's per-node meters of what agents did and reported: model switches (instances started
 * and stopped per node and service, measured preloads per service and kind of weights), reports the
 * validation rejected (per node and reason) and nodes flagged for repeating them. Label values go
 * through {@link MeterLabels}. Part of {@link HostMeters}; thread-safe.
 */
final class NodeMeters {
    /** Histogram buckets of {@code edgefm_instance_preload_seconds}: 10 ms to 30 s. */
    private static final java.time.Duration[] PRELOAD_BUCKETS = java.util.stream.LongStream
            .of(10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000)
            .mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);
    private static final String LOADS_HELP = "Service instances started by applied directives, by node and service";
    private static final String UNLOADS_HELP = "Service instances stopped by applied directives, by node and service";

    private final MeterRegistry registry;
    private final MeterLabels labels;
    /** Strong references to the flagged-node gauges' values (Micrometer holds them weakly). */
    private final Map<String, AtomicInteger> flaggedGauges = new ConcurrentHashMap<>();

    NodeMeters(MeterRegistry registry, MeterLabels labels) {
        this.registry = registry;
        this.labels = labels;
    }

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    /**
     * Counts the model switches of one applied ack: {@code edgefm_instance_loads_total{node,service}},
     * {@code edgefm_instance_unloads_total{node,service}} and each measured preload in
     * {@code edgefm_instance_preload_seconds{service,weights}}.
     */
    void instanceSwitches(String node, FleetState.AckSwitches switches) {
        String n = labels.node(node);
        for (org.edgefm.wire.InstanceStop s : switches.stopped()) {
            counter("edgefm.instance.unloads", UNLOADS_HELP, "node", n, "service", labels.service(s.service())).increment();
        }
        for (org.edgefm.wire.InstanceStart s : switches.started()) {
            counter("edgefm.instance.loads", LOADS_HELP, "node", n, "service", labels.service(s.service())).increment();
            if (s.preloadMs() != null && Double.isFinite(s.preloadMs()) && s.preloadMs() >= 0) {
                long nanos = (long) (Math.min(s.preloadMs(), 3.6e6) * 1e6);
                preloadTimer(labels.service(s.service()), weightsKind(s.weights())).record(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private Timer preloadTimer(String service, String weights) {
        return Timer.builder("edgefm.instance.preload")
                .description("Agents' measured time to load a started instance's weights")
                .tags("service", service, "weights", weights).serviceLevelObjectives(PRELOAD_BUCKETS)
                .register(registry);
    }

    /** {@code npy} for {@code npy FILE}, {@code generated}, {@code unknown} if absent, else {@value MeterLabels#OTHER}. */
    private static String weightsKind(String weights) {
        if (weights == null || weights.isBlank()) {
            return "unknown";
        }
        int sp = weights.indexOf(' ');
        String kind = sp < 0 ? weights : weights.substring(0, sp);
        return kind.equals("npy") || kind.equals("generated") ? kind : MeterLabels.OTHER;
    }

    /** Counts one rejected report: {@code edgefm_reports_rejected_total{node,reason}} (reasons are a fixed set). */
    void reportRejected(String node, String reason) {
        counter("edgefm.reports.rejected", "Agent reports rejected by the host's validation, by node and reason", "node", labels.node(node), "reason", reason).increment();
    }

    /** Marks a node as flagged for repeatedly rejected reports: {@code edgefm_reports_flagged{node} 1}. */
    void nodeFlagged(String node) {
        String n = labels.node(node);
        flaggedGauges.computeIfAbsent(n, k -> {
            var one = new AtomicInteger(1);
            Gauge.builder("edgefm.reports.flagged", one, Number::doubleValue).tag("node", k).strongReference(true)
                    .description("1 for a node flagged for repeatedly rejected reports").register(registry);
            return one;
        });
    }

    /** Reports of {@code node} rejected for {@code reason} so far. */
    long reportsRejected(String node, String reason) {
        var c = registry.find("edgefm.reports.rejected").tags("node", labels.node(node), "reason", reason).counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Instances started on {@code node} for {@code service} so far. */
    long instanceLoads(String node, String service) {
        return (long) counter("edgefm.instance.loads", LOADS_HELP, "node", labels.node(node), "service", labels.service(service)).count();
    }
}
