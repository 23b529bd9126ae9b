package org.edgefm.api.spi;

import java.util.List;

/** Creates {@link CorePlacementPlanner}s; one factory per planner name. */
public interface CorePlacementPlannerFactory {
    /** Stable kebab-case name, unique across all installed plugins (e.g. {@code sparse-ip}). */
    String name();

    /** One line for {@code ./edgefm plugins}. */
    String description();

    /** The configuration keys the planner reads, with defaults. */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /** Creates a planner; a bad setting is a {@link org.edgefm.api.ConfigException} naming the key. */
    CorePlacementPlanner create(PlannerConfig config);
}
