package org.edgefm.api;

import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;

import java.util.List;

/**
 * The entry point of a planner plugin, found with {@link java.util.ServiceLoader} through a
 * {@code META-INF/services/org.edgefm.api.PlannerPlugin} file in the plugin jar.
 *
 * <p>Every extension kind is a {@code default} method returning factories, so a plugin written
 * against an older API keeps compiling when a new kind is added. Names MUST be stable kebab-case and
 * unique across installed plugins; the host refuses duplicates, naming both sources.
 */
public interface PlannerPlugin {
    /** {@return the plugin's name (kebab case), e.g. {@code paper1}} */
    String name();

    /** {@return the plugin's version, shown by {@code ./edgefm plugins}} */
    default String version() {
        Package p = getClass().getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@return core-placement planners this plugin provides} */
    default List<CorePlacementPlannerFactory> corePlacementPlanners() {
        return List.of();
    }

    /** {@return light-service controllers this plugin provides} */
    default List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of();
    }

    /** {@return complete planners (core planner + controller pairs) this plugin names} */
    default List<PlannerPreset> planners() {
        return List.of();
    }
}
