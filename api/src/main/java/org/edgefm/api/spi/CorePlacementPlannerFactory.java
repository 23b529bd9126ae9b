package org.edgefm.api.spi;

import java.util.List;

/** Creates {@link CorePlacementPlanner}s; one factory per planner name. */
public interface CorePlacementPlannerFactory {
    /** {@return stable kebab-case name, unique across all installed plugins (e.g. {@code sparse-ip})} */
    String name();

    /** {@return one line for {@code ./edgefm plugins}} */
    String description();

    /** {@return the configuration keys the planner reads, with defaults} */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /**
     * Creates a planner; a bad setting is a {@link org.edgefm.api.ConfigException} naming the key.
     *
     * @param config the settings (scenario planner section and overrides)
     * @return a new planner
     */
    CorePlacementPlanner create(PlannerConfig config);

    /**
     * A factory from its parts, for plugins that need no factory class of their own.
     *
     * @param name        stable kebab-case name
     * @param description one line for {@code ./edgefm plugins}
     * @param configKeys  the configuration keys the product reads
     * @param create      builds one from a configuration; a bad setting is a
     *                    {@link org.edgefm.api.ConfigException} naming the key
     * @return the factory
     */
    static CorePlacementPlannerFactory of(String name, String description, List<ConfigKey> configKeys,
            java.util.function.Function<PlannerConfig, CorePlacementPlanner> create) {
        org.edgefm.api.Check.id(name, "name");
        org.edgefm.api.Check.notNull(description, "description");
        List<ConfigKey> keys = List.copyOf(configKeys);
        java.util.Objects.requireNonNull(create, "create is null");
        return new CorePlacementPlannerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<ConfigKey> configKeys() {
                return keys;
            }

            @Override
            public CorePlacementPlanner create(PlannerConfig config) {
                return create.apply(config);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
