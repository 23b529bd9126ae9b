package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A complete planner as users select it by name ({@code --planner two-tier}): a core-placement
 * planner plus a light-service controller. {@code CORE+LIGHT} (e.g. {@code sparse-ip+prop-avg})
 * combines parts of different plugins without a preset. The core planner name {@value #NO_CORE}
 * means "no core placement" (planners that only act per slot).
 *
 * @param name        stable kebab-case name
 * @param corePlanner name of a core-placement planner, or {@value #NO_CORE}
 * @param controller  name of a light-service controller
 * @param description one line for {@code ./edgefm plugins}
 */
public record PlannerPreset(String name, String corePlanner, String controller, String description) {
    /** The core planner name that places no core service. */
    public static final String NO_CORE = "none";

    /**
     * A complete planner made of one light controller alone (no core placement), named and described
     * like the controller: the shape of planners that act per slot only.
     *
     * @param controller the controller's factory
     * @return the preset
     */
    public static PlannerPreset perSlot(LightServiceControllerFactory controller) {
        return new PlannerPreset(controller.name(), NO_CORE, controller.name(), controller.description());
    }

    /**
     * Validates every field.
     *
     * @param name stable kebab-case name
     * @param corePlanner name of a core-placement planner, or {@value #NO_CORE}
     * @param controller name of a light-service controller
     * @param description one line for {@code ./edgefm plugins}
     */
    public PlannerPreset {
        Check.id(name, "name");
        Check.id(corePlanner, "corePlanner");
        Check.id(controller, "controller");
        Check.notNull(description, "description");
    }
}
