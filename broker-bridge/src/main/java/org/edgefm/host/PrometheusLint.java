package org.edgefm.host;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Makes the library meters in the host's registry (Micrometer's JVM and process binders, Vert.x,
 * Netty) pass {@code promtool check metrics}:
 * <ul>
 *   <li>{@code process.cpu.time} (ns) and {@code jvm.compilation.time} (ms) carry abbreviated units
 *       in their names ({@code process_cpu_time_ns_total}): they are left out and registered again in
 *       seconds ({@code process_cpu_time_seconds_total}, {@code jvm_compilation_time_seconds_total});</li>
 *   <li>{@code system.cpu.count} ends in {@code _count}, which Prometheus reserves for histograms and
 *       summaries: it is renamed {@code system.cpu.processors};</li>
 *   <li>meters without a description (Netty's allocator and event-executor meters) get one.</li>
 * </ul>
 */
final class PrometheusLint {
    private PrometheusLint() {
    }

    private static final Map<String, String> HELP = Map.of(
            "netty.allocator.memory.pinned", "Memory of a Netty allocator pinned by buffers in use",
            "netty.allocator.memory.used", "Memory a Netty allocator holds",
            "netty.allocator.pooled.arenas", "Arenas of a pooled Netty allocator",
            "netty.allocator.pooled.cache.size", "Cache size of a pooled Netty allocator",
            "netty.allocator.pooled.chunk.size", "Chunk size of a pooled Netty allocator",
            "netty.allocator.pooled.threadlocal.caches", "Thread-local caches of a pooled Netty allocator",
            "netty.eventexecutor.tasks.pending", "Tasks waiting in a Netty event executor");

    /** The filter: goes into the registry's config before any library binds its meters. */
    static final MeterFilter FILTER = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            if (id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit())
                    || id.getName().equals("jvm.compilation.time") && "ms".equals(id.getBaseUnit())) {
                return MeterFilterReply.DENY;
            }
            return MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            Meter.Id out = id;
            if (id.getName().equals("system.cpu.count")) {
                out = out.withName("system.cpu.processors");
            }
            if (out.getDescription() == null || out.getDescription().isBlank()) {
                String help = HELP.getOrDefault(out.getName(), out.getName().replace('.', ' ') + " (the library gives no description)");
                out = new Meter.Id(out.getName(), io.micrometer.core.instrument.Tags.of(out.getTags()), out.getBaseUnit(), help,
                        out.getType());
            }
            return out;
        }
    };

    /** The two time counters in seconds. */
    static void registerReplacements(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu.time", os, o -> Math.max(0, o.getProcessCpuTime()) / 1e9).baseUnit("seconds")
                    .description("CPU time used by the host's process").register(registry);
        }
        var jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            FunctionCounter.builder("jvm.compilation.time", jit, j -> j.getTotalCompilationTime() / 1e3).baseUnit("seconds")
                    .description("Time the JIT compilers spent compiling").register(registry);
        }
    }
}
