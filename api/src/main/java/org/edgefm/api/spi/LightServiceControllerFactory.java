package org.edgefm.api.spi;

import java.util.List;

/** Creates {@link LightServiceController}s; one factory per controller name. */
public interface LightServiceControllerFactory {
    /** Stable kebab-case name, unique across all installed plugins (e.g. {@code ec-lyapunov}). */
    String name();

    /** One line for {@code ./edgefm plugins}. */
    String description();

    /** The configuration keys the controller reads, with defaults. */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /** Creates a controller; a bad setting is a {@link org.edgefm.api.ConfigException} naming the key. */
    LightServiceController create(PlannerConfig config);
}
