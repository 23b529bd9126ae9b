package org.edgefm.host;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.PluginBudgets;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.control.ShadowPlanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the host's shadow planner ({@code shadowPlanner}) with the live planner's settings and budgets,
 * and registers its meters, each with a fixed, bounded label set:
 * {@code edgefm_shadow_slots_total{outcome}} (agree, differ, failed, no-decision),
 * {@code edgefm_shadow_slots_skipped_total}, {@code edgefm_shadow_differences{kind}} (core, allocation,
 * route: in the newest compared slot) and {@code edgefm_shadow_plugin_failures_total{reason}}.
 */
final class ShadowSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowSetup.class);

    private ShadowSetup() {
    }

    static ShadowPlanner start(PluginRegistry registry, String name, PlannerConfig config, double coreBudgetMs,
            double slotMs, double planningEpochMs, HostMeters meters, ResolvedPlanner live) {
        ResolvedPlanner p = registry.resolve(name);
        ShadowPlanner shadow = new ShadowPlanner(p, config, Duration.ofMillis((long) coreBudgetMs), PluginBudgets.light(slotMs),
                planningEpochMs, System::currentTimeMillis);
        register(meters.registry(), shadow);
        LOG.info("shadow planner {} (core {}, controller {}) decides on the live observations of {} on its own thread;"
                + " its decisions are compared with the live ones and never applied (GET /api/shadow)", p.name(),
                p.coreName(), p.controller().name(), live.name());
        return shadow;
    }

    static void register(MeterRegistry registry, ShadowPlanner shadow) {
        for (String outcome : ShadowPlanner.OUTCOMES) {
            FunctionCounter.builder("edgefm.shadow.slots", shadow, s -> s.count(outcome)).tag("outcome", outcome)
                    .description("Slots the shadow planner decided and compared with the live decision, by outcome")
                    .register(registry);
        }
        FunctionCounter.builder("edgefm.shadow.slots.skipped", shadow, ShadowPlanner::skipped)
                .description("Live slots the shadow planner skipped because it was still deciding an earlier one")
                .register(registry);
        differences(registry, shadow, "core", ShadowPlanner.Slot::coreDiffs);
        differences(registry, shadow, "allocation", ShadowPlanner.Slot::allocationDiffs);
        differences(registry, shadow, "route", ShadowPlanner.Slot::routeDiffs);
        for (String reason : PluginHealth.REASONS) {
            FunctionCounter.builder("edgefm.shadow.plugin.failures", shadow, s -> failures(s, reason)).tag("reason", reason)
                    .description("Failed calls of the shadow planner's plugins, by reason (never applied to the fleet)")
                    .register(registry);
        }
    }

    private static void differences(MeterRegistry registry, ShadowPlanner shadow, String kind,
            ToDoubleFunction<ShadowPlanner.Slot> f) {
        Gauge.builder("edgefm.shadow.differences", shadow, s -> {
            ShadowPlanner.Slot last = s.latest();
            return last == null ? 0 : f.applyAsDouble(last);
        }).tag("kind", kind).description("Differences between the shadow's and the live decision in the newest compared"
                + " slot: core (node, service) pairs, light allocations, routes").register(registry);
    }

    private static double failures(ShadowPlanner s, String reason) {
        return s.health().planners().stream().mapToLong(p -> p.failures().getOrDefault(reason, 0L)).sum();
    }
}
