package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.control.LinkEstimator;
import org.edgefm.control.PluginInfo;

/**
 * The control loop's and planners' meters: step time and decision lag (with the whole run's lag
 * samples), light-controller call time, core placements (time, count by trigger, dropped ones), plugin
 * failures (by plugin, role and reason) and new planners' topologies from the measured links (by
 * reason). Part of {@link HostMeters}; thread-safe.
 */
final class LoopMeters {
    /** Every reason a plugin call fails for ({@code ControlLoop}): the failure counters start at 0 with these. */
    static final List<String> PLUGIN_FAILURE_REASONS = List.of("threw", "overran", "no-plan");
    private static final String PLUGIN_FAILURES_HELP = "Planner plugin calls that failed (threw, overran their budget or"
            + " returned no usable plan); the host kept the last good decision";
    private static final String TOPOLOGY_HELP = "New topologies handed to the planners from the measured links, by reason";

    private final MeterRegistry registry;
    private final TimerWindows windows;
    private final Timer decisionTimer;
    private final Timer placementTimer;
    private final Timer stepTime;
    private final Timer decisionLag;
    /** Every decision lag of the run, for whole-run percentiles. */
    private final LagSamples lagSamples = new LagSamples();

    LoopMeters(MeterRegistry registry, TimerWindows windows) {
        this.registry = registry;
        this.windows = windows;
        decisionTimer = Timer.builder("edgefm.decision.time").description("Light-controller call time")
                .serviceLevelObjectives(MeterBuckets.LOOP)
                .register(registry);
        placementTimer = Timer.builder("edgefm.placement.time").description("Core-placement call time")
                .serviceLevelObjectives(MeterBuckets.LOOP).register(registry);
        stepTime = Timer.builder("edgefm.step.time")
                .description("One control-loop slot: snapshot, decision, diff, directives handed out")
                .serviceLevelObjectives(MeterBuckets.LOOP)
                .register(registry);
        decisionLag = Timer.builder("edgefm.decision.lag")
                .description("From a slot's start to its directives handed to the fleet (timer delay, queueing, step)")
                .serviceLevelObjectives(MeterBuckets.LOOP)
                .register(registry);
        windows.add(decisionTimer, "edgefm.decision.time.window", "Light-controller call time");
        windows.add(stepTime, "edgefm.step.time.window", "Control-loop step time");
        windows.add(decisionLag, "edgefm.decision.lag.window", "Decision lag");
    }

    /** Registers {@code edgefm_topology_rebuilds_total} at 0 for every reason. */
    void registerTopologyReasons() {
        for (LinkEstimator.Change c : LinkEstimator.Change.values()) {
            if (c != LinkEstimator.Change.NONE) {
                counter("edgefm.topology.rebuilds", TOPOLOGY_HELP, "reason", c.label());
            }
        }
    }

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    /** Records one control-loop step's wall time. */
    void stepTime(long nanos) {
        stepTime.record(nanos, TimeUnit.NANOSECONDS);
        windows.record(stepTime, nanos);
    }

    /** Records one slot's decision lag: slot start to directives handed to the fleet. */
    void decisionLag(long nanos) {
        decisionLag.record(nanos, TimeUnit.NANOSECONDS);
        windows.record(decisionLag, nanos);
        lagSamples.add(nanos);
    }

    /** Decision lag of the slots after the first {@code skip}. */
    HostMeters.LagSummary decisionLagSummary(long skip) {
        return lagSamples.summary(skip);
    }

    HostMeters.LagSummary decisionLagSummary(long skip, long upTo) {
        return lagSamples.summary(skip, upTo);
    }

    /** Records one light-controller call. */
    void decision(double elapsedMs) {
        decisionTimer.record((long) (elapsedMs * 1e6), TimeUnit.NANOSECONDS);
        windows.record(decisionTimer, (long) (elapsedMs * 1e6));
    }

    /** Records one core placement that came into force. */
    void corePlacement(CorePlacementContext.Trigger trigger, double elapsedMs) {
        placementTimer.record((long) (elapsedMs * 1e6), TimeUnit.NANOSECONDS);
        counter("edgefm.placements", "Core placements computed, by trigger", "trigger", trigger.name().toLowerCase()).increment();
    }

    /** Counts a core placement computed in the background and dropped because the fleet changed under it. */
    void corePlacementDropped(CorePlacementContext.Trigger trigger) {
        registry.counter("edgefm.placements.dropped", "trigger", trigger.name().toLowerCase()).increment();
    }

    /** Core placements that came into force so far (every trigger). */
    long corePlacements() {
        return (long) registry.find("edgefm.placements").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Background core placements dropped so far. */
    long corePlacementsDropped() {
        return (long) registry.find("edgefm.placements.dropped").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Registers the plugin-failure counters at 0 for the planners in use, every reason. */
    void pluginsInUse(String corePlanner, String lightController) {
        for (String reason : PLUGIN_FAILURE_REASONS) {
            counter("edgefm.plugin.failures", PLUGIN_FAILURES_HELP, "plugin", corePlanner, "role", PluginInfo.CORE, "reason", reason);
            counter("edgefm.plugin.failures", PLUGIN_FAILURES_HELP, "plugin", lightController, "role", PluginInfo.LIGHT,
                    "reason", reason);
        }
    }

    /** Counts one failed plugin call. */
    void pluginFailure(String plugin, String role, String reason) {
        counter("edgefm.plugin.failures", PLUGIN_FAILURES_HELP, "plugin", plugin, "role", role, "reason", reason).increment();
    }

    /** Plugin failures so far of one role and reason. */
    long pluginFailures(String role, String reason) {
        return (long) registry.find("edgefm.plugin.failures").tag("role", role).tag("reason", reason).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Counts a new planners' topology for {@code change}. */
    void topologyChange(LinkEstimator.Change change) {
        counter("edgefm.topology.rebuilds", TOPOLOGY_HELP, "reason", change.label()).increment();
    }

    /** New planners' topologies so far for {@code change}. */
    long topologyRebuilds(LinkEstimator.Change change) {
        return (long) counter("edgefm.topology.rebuilds", TOPOLOGY_HELP, "reason", change.label()).count();
    }

    /** New planners' topologies so far, all reasons. */
    long topologyRebuilds() {
        return (long) registry.find("edgefm.topology.rebuilds").counters().stream().mapToDouble(Counter::count).sum();
    }

    Timer decisionTimer() {
        return decisionTimer;
    }

    Timer placementTimer() {
        return placementTimer;
    }

    Timer stepTimer() {
        return stepTime;
    }

    Timer decisionLagTimer() {
        return decisionLag;
    }
}
