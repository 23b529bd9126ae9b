package org.edgefm.api.spi;

import java.util.List;

/** Creates {@link LightServiceController}s; one factory per controller name. */
public interface LightServiceControllerFactory {
    /** {@return stable kebab-case name, unique across all installed plugins (e.g. {@code ec-lyapunov})} */
    String name();

    /** {@return one line for {@code ./edgefm plugins}} */
    String description();

    /** {@return the configuration keys the controller reads, with defaults} */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /**
     * Creates a controller; a bad setting is a {@link org.edgefm.api.ConfigException} naming the key.
     *
     * @param config the settings (scenario planner section and overrides)
     * @return a new controller, with its own state
     */
    LightServiceController create(PlannerConfig config);

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
    static LightServiceControllerFactory of(String name, String description, List<ConfigKey> configKeys,
            java.util.function.Function<PlannerConfig, LightServiceController> create) {
        org.edgefm.api.Check.id(name, "name");
        org.edgefm.api.Check.notNull(description, "description");
        List<ConfigKey> keys = List.copyOf(configKeys);
        java.util.Objects.requireNonNull(create, "create is null");
        return new LightServiceControllerFactory() {
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
            public LightServiceController create(PlannerConfig config) {
                return create.apply(config);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
