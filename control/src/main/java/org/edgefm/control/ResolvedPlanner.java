package org.edgefm.control;

import java.util.Objects;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightServiceControllerFactory;

/**
 * A planner chosen by name: a core-placement planner factory (null for {@code none}) and a
 * light-service controller factory.
 *
 * @param name       the name it was chosen by (a preset or {@code CORE+LIGHT})
 * @param core       the core-placement planner factory, or null when the planner places no core service
 * @param controller the light-service controller factory
 */
public record ResolvedPlanner(String name, CorePlacementPlannerFactory core, LightServiceControllerFactory controller) {
    /** Validates the fields. */
    public ResolvedPlanner {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(controller, "controller is null");
    }

    /** The core planner's name, or {@code none}. */
    public String coreName() {
        return core == null ? org.edgefm.api.spi.PlannerPreset.NO_CORE : core.name();
    }
}
