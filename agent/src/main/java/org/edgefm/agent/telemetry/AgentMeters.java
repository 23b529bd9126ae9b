package org.edgefm.agent.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.HostMetrics;

/**
 * The agent's own metrics in Prometheus text format ({@code GET /metrics} on its HTTP endpoint),
 * from the same samples its telemetry publishes, all tagged {@code node}:
 * <ul>
 *   <li>{@code edgefm_node_cpu_usage_ratio}, {@code edgefm_node_cpu_core_usage_ratio{core}},
 *       {@code edgefm_node_memory_used_bytes}, {@code edgefm_node_memory_total_bytes},
 *       {@code edgefm_node_swap_used_bytes}, {@code edgefm_node_swap_total_bytes},
 *       {@code edgefm_node_disk_used_bytes}, {@code edgefm_node_disk_total_bytes},
 *       {@code edgefm_node_cpu_temperature_celsius} (where readable);</li>
 *   <li>per GPU ({@code gpu} index, {@code name}): {@code edgefm_gpu_utilization_ratio},
 *       {@code edgefm_gpu_memory_used_bytes}, {@code edgefm_gpu_memory_total_bytes},
 *       {@code edgefm_gpu_temperature_celsius}, {@code edgefm_gpu_power_watts};</li>
 *   <li>Jetson boards (tegrastats): {@code edgefm_board_power_watts} (input rail, else the sum of
 *       rails), {@code edgefm_board_rail_power_watts{rail}},
 *       {@code edgefm_board_temperature_celsius{sensor}};</li>
 *   <li>{@code edgefm_build_info{version,java,os_arch} 1}: the agent's version (as its birth reports it);</li>
 *   <li>{@code edgefm_agent_metrics_dropped_series_total}: series not exported because the bound
 *       ({@link #MAX_SERIES}) was reached.</li>
 * </ul>
 * A reading absent from the latest sample is removed rather than left stale. Thread-safe.
 */
public final class AgentMeters {
    /** Most series exported (cores, GPUs, rails and sensors together). */
    public static final int MAX_SERIES = 512;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private final Counter dropped;

    private record Series(AtomicReference<Double> value, Meter meter) {
    }

    /** Meters of one agent without a version ({@code dev}). */
    public AgentMeters(String nodeId) {
        this(nodeId, "dev");
    }

    /** Meters of one agent of {@code version}. */
    public AgentMeters(String nodeId, String version) {
        registry.config().commonTags("node", nodeId);
        Gauge.builder("edgefm.build.info", () -> 1).strongReference(true)
                .description("Build of the running EdgeFM process (always 1; the labels carry the information)")
                .tag("version", version).tag("java", System.getProperty("java.version", "unknown"))
                .tag("os_arch", System.getProperty("os.arch", "unknown")).register(registry);
        dropped = Counter.builder("edgefm.agent.metrics.dropped.series")
                .description("Series not exported because the agent's bound on series was reached").register(registry);
    }

    /** Records one sample: host metrics, GPU metrics, and the board's tegrastats reading (null if none). */
    public synchronized void record(HostMetrics host, List<GpuMetrics> gpus, TegrastatsParser.Reading board) {
        Set<String> seen = new HashSet<>();
        if (host != null) {
            set(seen, "edgefm.node.cpu.usage.ratio", "CPU busy fraction of all cores", Tags.empty(), host.cpuLoad());
            for (int i = 0; i < host.cpuLoadPerCore().size(); i++) {
                set(seen, "edgefm.node.cpu.core.usage.ratio", "CPU busy fraction of one core", Tags.of("core", String.valueOf(i)),
                        host.cpuLoadPerCore().get(i));
            }
            set(seen, "edgefm.node.memory.used.bytes", "Main memory in use", Tags.empty(), (double) host.memUsedBytes());
            set(seen, "edgefm.node.memory.total.bytes", "Main memory installed", Tags.empty(), (double) host.memTotalBytes());
            set(seen, "edgefm.node.swap.used.bytes", "Swap in use", Tags.empty(), (double) host.swapUsedBytes());
            set(seen, "edgefm.node.swap.total.bytes", "Swap configured", Tags.empty(), (double) host.swapTotalBytes());
            set(seen, "edgefm.node.disk.used.bytes", "Used space of the data volume", Tags.empty(), (double) host.diskUsedBytes());
            set(seen, "edgefm.node.disk.total.bytes", "Size of the data volume", Tags.empty(), (double) host.diskTotalBytes());
            set(seen, "edgefm.node.cpu.temperature.celsius", "CPU temperature", Tags.empty(), host.cpuTemperatureC());
        }
        for (GpuMetrics g : gpus == null ? List.<GpuMetrics>of() : gpus) {
            Tags t = Tags.of("gpu", String.valueOf(g.index()), "name", g.name().length() > 64 ? g.name().substring(0, 64) : g.name());
            set(seen, "edgefm.gpu.utilization.ratio", "GPU busy fraction", t, g.utilization());
            set(seen, "edgefm.gpu.memory.used.bytes", "GPU memory in use (shared memory on Jetson)", t, (double) g.memUsedBytes());
            set(seen, "edgefm.gpu.memory.total.bytes", "GPU memory (shared memory on Jetson)", t, (double) g.memTotalBytes());
            set(seen, "edgefm.gpu.temperature.celsius", "GPU temperature", t, g.temperatureC());
            set(seen, "edgefm.gpu.power.watts", "GPU power (board total on Jetson)", t, g.powerW());
        }
        if (board != null) {
            set(seen, "edgefm.board.power.watts", "Board power: the input rail where the board has one, else the sum of its rails",
                    Tags.of("from", board.totalFrom() == null ? "none" : board.totalFrom()), board.totalPowerW());
            board.railsW().forEach((rail, w) -> set(seen, "edgefm.board.rail.power.watts", "Power of one named rail (tegrastats)",
                    Tags.of("rail", rail), w));
            board.temperaturesC().forEach((sensor, c) -> set(seen, "edgefm.board.temperature.celsius",
                    "Temperature of one board sensor (tegrastats)", Tags.of("sensor", sensor), c));
        }
        for (Map.Entry<String, Series> e : Map.copyOf(series).entrySet()) {
            if (!seen.contains(e.getKey())) {
                registry.remove(e.getValue().meter());
                series.remove(e.getKey());
            }
        }
    }

    private void set(Set<String> seen, String name, String help, Tags tags, Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return;
        }
        String key = name + tags;
        Series s = series.get(key);
        if (s == null) {
            if (series.size() >= MAX_SERIES) {
                dropped.increment();
                return;
            }
            AtomicReference<Double> ref = new AtomicReference<>(value);
            Gauge g = Gauge.builder(name, ref, r -> r.get()).description(help).tags(tags).strongReference(true).register(registry);
            s = new Series(ref, g);
            series.put(key, s);
        }
        s.value().set(value);
        seen.add(key);
    }

    private final List<java.util.function.LongSupplier> counted = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Registers a counter whose value {@code count} reads (a count kept elsewhere, never reset). */
    public void countOf(String name, String help, java.util.function.LongSupplier count) {
        counted.add(count); // the counter holds its object weakly
        io.micrometer.core.instrument.FunctionCounter.builder(name, count, c -> c.getAsLong()).description(help)
                .register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
