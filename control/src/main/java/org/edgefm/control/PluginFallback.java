package org.edgefm.control;

import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Declares a loop's fallback controller by name ({@code --fallback-planner}), one rule for host, trial and simulate. */
public final class PluginFallback {
    private static final Logger LOG = LoggerFactory.getLogger(PluginFallback.class);
    /** The name that declares no fallback. */
    public static final String NONE = "none";

    private PluginFallback() {
    }

    /**
     * Finds the fallback controller.
     *
     * @param registry the installed planners
     * @param name     a light controller or a preset (its controller), {@value #NONE}, or null for the default
     *                 ({@link PluginCallGuard#DEFAULT_FALLBACK})
     * @return the factory, or null for none (also when the default is not installed, which is logged)
     * @throws ConfigException when a fallback named explicitly is not installed
     */
    public static LightServiceControllerFactory resolve(PluginRegistry registry, String name) {
        String n = name == null || name.isBlank() ? PluginCallGuard.DEFAULT_FALLBACK : name.strip();
        if (NONE.equals(n)) {
            return null;
        }
        try {
            return registry.resolve(n).controller();
        } catch (ConfigException e) {
            if (PluginCallGuard.DEFAULT_FALLBACK.equals(n)) {
                LOG.info("the default fallback controller '{}' is not installed: no fallback", n);
                return null;
            }
            throw new ConfigException("fallback planner '" + n + "': " + e.getMessage());
        }
    }

    /** Declares the fallback of {@code loop} (see {@link #resolve}); nothing when it resolves to none. */
    public static void declare(ControlLoop loop, PluginRegistry registry, String name) {
        LightServiceControllerFactory f = resolve(registry, name);
        if (f != null && !f.name().equals(loop.planner().controller().name())) {
            loop.fallback(f);
        }
    }
}
