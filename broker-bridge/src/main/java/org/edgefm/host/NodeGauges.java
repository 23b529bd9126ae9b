package org.edgefm.host;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.ServiceMetrics;

/**
 * The host's per-node gauges, rebuilt from the fleet state at every scrape (so a node that left is
 * shown as down at once, and a reading absent from its newest telemetry disappears rather than stays):
 * <ul>
 *   <li>{@code edgefm_fleet_nodes{state}}: nodes {@code online}, {@code stale} (alive, telemetry
 *       overdue), {@code offline} and {@code awaited} (pinned by the scenario, never joined);</li>
 *   <li>{@code edgefm_fleet_node_up{node}}: 1 while the node's session is alive and its telemetry is
 *       fresh, else 0 (also for an awaited node);</li>
 *   <li>{@code edgefm_fleet_node_telemetry_age_seconds{node}}: since the newest telemetry or birth;</li>
 *   <li>from the newest telemetry: {@code edgefm_fleet_node_cpu_usage_ratio},
 *       {@code edgefm_fleet_node_memory_used_bytes}, {@code edgefm_fleet_node_memory_total_bytes},
 *       {@code edgefm_fleet_node_cpu_temperature_celsius}, {@code edgefm_fleet_node_power_watts} (the
 *       sum of the GPUs' reported power; on Jetson boards the board's input power), per GPU
 *       ({@code gpu} index, the first {@value #MAX_GPUS}) {@code edgefm_fleet_node_gpu_utilization_ratio},
 *       {@code edgefm_fleet_node_gpu_memory_used_bytes}, {@code edgefm_fleet_node_gpu_memory_total_bytes},
 *       {@code edgefm_fleet_node_gpu_temperature_celsius}, and per service
 *       {@code edgefm_fleet_node_service_instances{service}}, {@code edgefm_fleet_node_queue_length{service}},
 *       {@code edgefm_fleet_node_in_flight_tasks{service}}.</li>
 * </ul>
 * Label values are bounded: {@code node} by {@link MeterLabels#node} (a node past the bound is
 * counted in {@code edgefm_fleet_nodes} but gets no series of its own), {@code service} by the
 * services the host knows (others are summed under {@code other}).
 */
final class NodeGauges {
    /** GPUs per node with series of their own. */
    static final int MAX_GPUS = 16;

    private enum G {
        UP("edgefm.fleet.node.up", "1 while the node's session is alive and its telemetry fresh, else 0"),
        AGE("edgefm.fleet.node.telemetry.age.seconds", "Seconds since the node's newest telemetry (or birth)"),
        CPU("edgefm.fleet.node.cpu.usage.ratio", "CPU busy fraction of all cores, from the node's newest telemetry"),
        MEM_USED("edgefm.fleet.node.memory.used.bytes", "Main memory in use, from the node's newest telemetry"),
        MEM_TOTAL("edgefm.fleet.node.memory.total.bytes", "Main memory installed, from the node's newest telemetry"),
        CPU_TEMP("edgefm.fleet.node.cpu.temperature.celsius", "CPU temperature, from the node's newest telemetry (where readable)"),
        POWER("edgefm.fleet.node.power.watts",
                "Power the node reports: the sum of its GPUs' power; on Jetson boards the board's input power"),
        GPU_UTIL("edgefm.fleet.node.gpu.utilization.ratio", "GPU busy fraction, from the node's newest telemetry"),
        GPU_MEM_USED("edgefm.fleet.node.gpu.memory.used.bytes", "GPU memory in use (shared memory on Jetson)"),
        GPU_MEM_TOTAL("edgefm.fleet.node.gpu.memory.total.bytes", "GPU memory (shared memory on Jetson)"),
        GPU_TEMP("edgefm.fleet.node.gpu.temperature.celsius", "GPU temperature, from the node's newest telemetry"),
        INSTANCES("edgefm.fleet.node.service.instances", "Running instances of a service on the node"),
        QUEUE("edgefm.fleet.node.queue.length", "Tasks waiting for a service on the node"),
        IN_FLIGHT("edgefm.fleet.node.in.flight.tasks", "Tasks a service on the node is serving");

        final String name;
        final String help;

        G(String name, String help) {
            this.name = name;
            this.help = help;
        }
    }

    private final Map<G, MultiGauge> gauges = new EnumMap<>(G.class);
    private final MultiGauge fleet;
    private final Function<String, String> nodeLabel;
    private final Function<String, String> serviceLabel;
    private volatile Supplier<List<FleetState.NodeView>> nodes = List::of;
    private volatile Set<String> awaited = Set.of();

    NodeGauges(MeterRegistry registry, Function<String, String> nodeLabel, Function<String, String> serviceLabel) {
        this.nodeLabel = nodeLabel;
        this.serviceLabel = serviceLabel;
        for (G g : G.values()) {
            gauges.put(g, MultiGauge.builder(g.name).description(g.help).register(registry));
        }
        fleet = MultiGauge.builder("edgefm.fleet.nodes")
                .description("Nodes by state: online, stale (telemetry overdue), offline, awaited (pinned, never joined)")
                .register(registry);
        refresh();
    }

    /** Where the nodes come from, and the nodes the scenario pins (shown as down until they join). */
    void source(Supplier<List<FleetState.NodeView>> nodes, Set<String> awaited) {
        this.nodes = nodes;
        this.awaited = Set.copyOf(awaited);
    }

    /** Rebuilds every row from the current fleet state. */
    synchronized void refresh() {
        Map<G, List<MultiGauge.Row<?>>> rows = new EnumMap<>(G.class);
        for (G g : G.values()) {
            rows.put(g, new ArrayList<>());
        }
        Map<String, Integer> states = new java.util.LinkedHashMap<>(Map.of("online", 0, "stale", 0, "offline", 0, "awaited", 0));
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (FleetState.NodeView n : nodes.get()) {
            seen.add(n.node());
            states.merge(n.online() ? "online" : n.sessionAlive() ? "stale" : "offline", 1, Integer::sum);
            String label = nodeLabel.apply(n.node());
            if (label.equals(HostMeters.OTHER)) {
                continue;
            }
            Tags t = Tags.of("node", label);
            add(rows, G.UP, t, n.online() ? 1 : 0);
            if (n.telemetryAgeMs() != null) {
                add(rows, G.AGE, t, Math.max(0, n.telemetryAgeMs()) / 1e3);
            }
            if (n.host() != null) {
                add(rows, G.CPU, t, n.host().cpuLoad());
                add(rows, G.MEM_USED, t, n.host().memUsedBytes());
                add(rows, G.MEM_TOTAL, t, n.host().memTotalBytes());
                if (n.host().cpuTemperatureC() != null) {
                    add(rows, G.CPU_TEMP, t, n.host().cpuTemperatureC());
                }
            }
            double power = 0;
            boolean anyPower = false;
            for (GpuMetrics g : n.gpus()) {
                if (g.index() >= MAX_GPUS) {
                    continue;
                }
                Tags gt = t.and("gpu", Integer.toString(g.index()));
                add(rows, G.GPU_UTIL, gt, g.utilization());
                add(rows, G.GPU_MEM_USED, gt, g.memUsedBytes());
                add(rows, G.GPU_MEM_TOTAL, gt, g.memTotalBytes());
                if (g.temperatureC() != null) {
                    add(rows, G.GPU_TEMP, gt, g.temperatureC());
                }
                if (g.powerW() != null && Double.isFinite(g.powerW())) {
                    power += g.powerW();
                    anyPower = true;
                }
            }
            if (anyPower) {
                add(rows, G.POWER, t, power);
            }
            // services the host does not know are summed under "other": one series per node at most
            Map<String, int[]> svc = new java.util.TreeMap<>();
            for (ServiceMetrics s : n.services()) {
                int[] v = svc.computeIfAbsent(serviceLabel.apply(s.service()), k -> new int[3]);
                v[0] += s.instances();
                v[1] += s.queueLength();
                v[2] += s.inFlight();
            }
            svc.forEach((service, v) -> {
                Tags st = t.and("service", service);
                add(rows, G.INSTANCES, st, v[0]);
                add(rows, G.QUEUE, st, v[1]);
                add(rows, G.IN_FLIGHT, st, v[2]);
            });
        }
        for (String a : awaited) {
            if (seen.contains(a)) {
                continue;
            }
            states.merge("awaited", 1, Integer::sum);
            String label = nodeLabel.apply(a);
            if (!label.equals(HostMeters.OTHER)) {
                add(rows, G.UP, Tags.of("node", label), 0);
            }
        }
        rows.forEach((g, r) -> gauges.get(g).register(r, true));
        List<MultiGauge.Row<?>> fr = new ArrayList<>();
        states.forEach((state, count) -> fr.add(MultiGauge.Row.of(Tags.of("state", state), count)));
        fleet.register(fr, true);
    }

    private static void add(Map<G, List<MultiGauge.Row<?>>> rows, G g, Tags t, double v) {
        if (Double.isFinite(v)) {
            rows.get(g).add(MultiGauge.Row.of(t, v));
        }
    }
}
