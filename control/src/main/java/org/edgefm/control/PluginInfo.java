package org.edgefm.control;

import java.util.List;

/**
 * One registered planner part, as {@code ./edgefm plugins} lists it.
 *
 * @param name        the part's name (what {@code --planner} refers to)
 * @param roles       {@code core-planner}, {@code light-controller} or {@code preset}
 * @param plugin      the name of the plugin that provides it
 * @param version     the plugin's version
 * @param source      {@code classpath} or the jar file it came from
 * @param description one line
 */
public record PluginInfo(String name, List<String> roles, String plugin, String version, String source,
        String description) {
    /** Role of a core-placement planner. */
    public static final String CORE = "core-planner";
    /** Role of a light-service controller. */
    public static final String LIGHT = "light-controller";
    /** Role of a named core + controller pair. */
    public static final String PRESET = "preset";

    /** Copies the roles. */
    public PluginInfo {
        roles = List.copyOf(roles);
    }
}
