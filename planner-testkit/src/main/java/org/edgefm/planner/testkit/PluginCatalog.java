package org.edgefm.planner.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.edgefm.api.ConfigException;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;

/**
 * The planners installed on a class path, found with {@link ServiceLoader}: core planners, light
 * controllers and presets by name, duplicates refused naming both plugins. {@link #resolve} turns
 * a planner name ({@code two-tier}) or a {@code CORE+LIGHT} combination into its two parts.
 */
public final class PluginCatalog {
    private final List<PlannerPlugin> plugins = new ArrayList<>();
    private final Map<String, CorePlacementPlannerFactory> cores = new LinkedHashMap<>();
    private final Map<String, LightServiceControllerFactory> lights = new LinkedHashMap<>();
    private final Map<String, PlannerPreset> presets = new LinkedHashMap<>();
    private final Map<String, String> owner = new LinkedHashMap<>();

    /**
     * A complete planner resolved by name.
     *
     * @param name  the name asked for
     * @param core  the core planner, or null for {@link PlannerPreset#NO_CORE}
     * @param light the light controller
     */
    public record Resolved(String name, CorePlacementPlannerFactory core, LightServiceControllerFactory light) {
    }

    /**
     * Loads every plugin visible to {@code loader}.
     *
     * @param loader the class loader to search
     * @return the catalog
     */
    public static PluginCatalog load(ClassLoader loader) {
        PluginCatalog c = new PluginCatalog();
        for (PlannerPlugin p : ServiceLoader.load(PlannerPlugin.class, loader)) {
            c.register(p);
        }
        return c;
    }

    /**
     * Loads every plugin visible to this class's loader.
     *
     * @return the catalog
     */
    public static PluginCatalog load() {
        return load(PluginCatalog.class.getClassLoader());
    }

    /**
     * Adds one plugin; a name already taken is a {@link ConfigException} naming both plugins.
     *
     * @param plugin a plugin found by the loader
     */
    public void register(PlannerPlugin plugin) {
        plugins.add(plugin);
        for (CorePlacementPlannerFactory f : plugin.corePlacementPlanners()) {
            claim("core planner", f.name(), plugin);
            cores.put(f.name(), f);
        }
        for (LightServiceControllerFactory f : plugin.lightServiceControllers()) {
            claim("light controller", f.name(), plugin);
            lights.put(f.name(), f);
        }
        for (PlannerPreset p : plugin.planners()) {
            claim("planner", p.name(), plugin);
            presets.put(p.name(), p);
        }
    }

    private void claim(String kind, String name, PlannerPlugin plugin) {
        String prev = owner.putIfAbsent(kind + ":" + name, plugin.name());
        if (prev != null) {
            throw new ConfigException(kind + " '" + name + "' is provided by both plugin '" + prev + "' and plugin '"
                    + plugin.name() + "'");
        }
    }

    /** {@return the plugins, in load order} */
    public List<PlannerPlugin> plugins() {
        return List.copyOf(plugins);
    }

    /** {@return core planners by name} */
    public Map<String, CorePlacementPlannerFactory> corePlanners() {
        return Map.copyOf(cores);
    }

    /** {@return light controllers by name} */
    public Map<String, LightServiceControllerFactory> lightControllers() {
        return Map.copyOf(lights);
    }

    /** {@return presets by name} */
    public Map<String, PlannerPreset> presets() {
        return Map.copyOf(presets);
    }

    /**
     * Resolves a preset name or {@code CORE+LIGHT}; an unknown name is a {@link ConfigException} listing the known ones.
     *
     * @param name a preset name or {@code CORE+LIGHT}
     * @return the core-planner factory (null for a preset without one) and the controller factory
     */
    public Resolved resolve(String name) {
        String core;
        String light;
        PlannerPreset p = presets.get(name);
        if (p != null) {
            core = p.corePlanner();
            light = p.controller();
        } else if (name.contains("+")) {
            core = name.substring(0, name.indexOf('+'));
            light = name.substring(name.indexOf('+') + 1);
        } else {
            throw new ConfigException("planner '" + name + "' is unknown (expected one of: " + String.join(", ", presets.keySet())
                    + ", or CORE+LIGHT)");
        }
        CorePlacementPlannerFactory cf = null;
        if (!core.equals(PlannerPreset.NO_CORE)) {
            cf = cores.get(core);
            if (cf == null) {
                throw new ConfigException("planner '" + name + "': core planner '" + core + "' is unknown (expected one of: "
                        + String.join(", ", cores.keySet()) + ", none)");
            }
        }
        LightServiceControllerFactory lf = lights.get(light);
        if (lf == null) {
            throw new ConfigException("planner '" + name + "': light controller '" + light + "' is unknown (expected one of: "
                    + String.join(", ", lights.keySet()) + ")");
        }
        return new Resolved(name, cf, lf);
    }
}
