package org.edgefm.trial.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefm.host.HostMeters;
import org.edgefm.host.PlannerHost;
import org.edgefm.host.broker.EmbeddedBroker;

/**
 * The host-side counters of a load benchmark at one moment (messages, directives, slots, broker,
 * planners' work, this process's CPU and heap, the machine's load); the runner takes one when the
 * window begins, one per progress line and one at its end, and reports differences.
 */
record LoadBenchSample(long nanos, long cpuNanos, long heapUsed, long telemetryIn, long directivesOut, long resent,
        long slots, long skipped, EmbeddedBroker.Counts broker, long corePlacements, long lightOverruns,
        double loadAverage, long modelChanges, long lightCalls, long fallbackCalls) {
    static LoadBenchSample take(PlannerHost host) {
        HostMeters m = host.meters();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        org.edgefm.control.PluginHealth ph = host.loop().pluginHealth();
        return new LoadBenchSample(System.nanoTime(), VirtualAgentsRunner.cpuNanos(), heap.getUsed(), m.messagesIn("telemetry"),
                m.messagesOut("directive"), m.directivesResent(), m.decisionLagSummary(0).count(), host.skippedSlots(),
                host.broker() == null ? null : host.broker().counts(), m.corePlacements(),
                m.pluginFailures(org.edgefm.control.PluginInfo.LIGHT, "overran"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), host.loop().modelChanges(),
                calls(ph, org.edgefm.control.PluginInfo.LIGHT), calls(ph, org.edgefm.control.PluginHealth.FALLBACK_ROLE));
    }

    private static long calls(org.edgefm.control.PluginHealth h, String role) {
        return h.planners().stream().filter(p -> p.role().equals(role)).mapToLong(org.edgefm.control.PluginHealth.Planner::calls)
                .sum();
    }

    /**
     * The planners' work from {@code from} to this sample, counts that do not depend on how busy the machine
     * is: slots that gave the controller a new model, its calls and overruns, the fallback's calls, core
     * placements that came into force.
     */
    Map<String, Object> workSince(LoadBenchSample from) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("newModels", modelChanges - (from == null ? 0 : from.modelChanges));
        w.put("controllerCalls", lightCalls - (from == null ? 0 : from.lightCalls));
        w.put("controllerOverruns", lightOverruns - (from == null ? 0 : from.lightOverruns));
        w.put("fallbackCalls", fallbackCalls - (from == null ? 0 : from.fallbackCalls));
        w.put("corePlacements", corePlacements - (from == null ? 0 : from.corePlacements));
        return w;
    }
}
