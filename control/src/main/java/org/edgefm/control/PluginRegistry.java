package org.edgefm.control;

import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.edgefm.api.ConfigException;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerPreset;
import org.edgefm.control.internal.PluginClassLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed planner plugins: found with {@link ServiceLoader} on the host's class path and in
 * every {@code *.jar} of a plugins folder (each jar in its own {@link PluginClassLoader}, which shares
 * only {@code org.edgefm.api}). Plugin names and part names (core planners, controllers, presets)
 * share one namespace; a duplicate is refused with a message naming both sources. Immutable once
 * built; thread-safe.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    /** The source name of plugins found on the host's class path. */
    public static final String CLASSPATH = "classpath";

    private final Map<String, PluginInfo> infos = new LinkedHashMap<>();
    private final Map<String, String> pluginSources = new LinkedHashMap<>();
    private final Map<String, CorePlacementPlannerFactory> cores = new LinkedHashMap<>();
    private final Map<String, LightServiceControllerFactory> controllers = new LinkedHashMap<>();
    private final Map<String, PlannerPreset> presets = new LinkedHashMap<>();
    private final List<PluginClassLoader> loaders = new ArrayList<>();

    private PluginRegistry() {
    }

    /**
     * Loads the plugins on {@code hostLoader}'s class path and in {@code pluginsDir}.
     *
     * @param hostLoader the host's class loader (it holds {@code org.edgefm.api})
     * @param pluginsDir a folder of plugin jars, or null; a missing folder holds no plugins
     * @throws EdgeFmException when a plugin cannot be loaded or a name is taken twice
     */
    public static PluginRegistry load(ClassLoader hostLoader, Path pluginsDir) {
        PluginRegistry r = new PluginRegistry();
        for (PlannerPlugin p : loadAll(ServiceLoader.load(PlannerPlugin.class, hostLoader), CLASSPATH)) {
            r.register(p, CLASSPATH);
        }
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            List<Path> jars;
            try (Stream<Path> s = Files.list(pluginsDir)) {
                jars = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            } catch (IOException e) {
                throw new EdgeFmException("plugins folder " + pluginsDir + ": cannot list: " + e.getMessage(), e);
            }
            for (Path jar : jars) {
                PluginClassLoader cl;
                try {
                    cl = new PluginClassLoader(jar.toUri().toURL(), hostLoader);
                } catch (MalformedURLException e) {
                    throw new EdgeFmException("plugin jar " + jar + ": " + e.getMessage(), e);
                }
                r.loaders.add(cl);
                List<PlannerPlugin> found = loadAll(ServiceLoader.load(PlannerPlugin.class, cl), jar.toString());
                if (found.isEmpty()) {
                    LOG.warn("plugin jar {} has no META-INF/services/org.edgefm.api.PlannerPlugin entry; ignored", jar);
                }
                for (PlannerPlugin p : found) {
                    r.register(p, jar.toString());
                }
            }
        }
        return r;
    }

    /** A registry of the given plugins (tests, embedding). */
    public static PluginRegistry of(List<? extends PlannerPlugin> plugins) {
        PluginRegistry r = new PluginRegistry();
        for (PlannerPlugin p : plugins) {
            r.register(p, CLASSPATH);
        }
        return r;
    }

    private static List<PlannerPlugin> loadAll(ServiceLoader<PlannerPlugin> loader, String source) {
        List<PlannerPlugin> out = new ArrayList<>();
        try {
            for (PlannerPlugin p : loader) {
                out.add(p);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new EdgeFmException("plugin source " + source + ": cannot load: " + e.getMessage(), e);
        }
        return out;
    }

    private void register(PlannerPlugin p, String source) {
        String plugin;
        String version;
        try {
            plugin = p.name();
            version = p.version();
        } catch (RuntimeException | LinkageError e) {
            throw new EdgeFmException("plugin " + p.getClass().getName() + " from " + source + ": name() failed: " + e, e);
        }
        String prev = pluginSources.putIfAbsent(plugin, source);
        if (prev != null) {
            throw new ConfigException("plugin name '" + plugin + "' is provided twice: by " + prev + " and by " + source);
        }
        for (CorePlacementPlannerFactory f : p.corePlacementPlanners()) {
            claim(f.name(), plugin, version, source, PluginInfo.CORE, f.description());
            cores.put(f.name(), f);
        }
        for (LightServiceControllerFactory f : p.lightServiceControllers()) {
            claim(f.name(), plugin, version, source, PluginInfo.LIGHT, f.description());
            controllers.put(f.name(), f);
        }
        for (PlannerPreset preset : p.planners()) {
            claim(preset.name(), plugin, version, source, PluginInfo.PRESET, preset.description());
            presets.put(preset.name(), preset);
        }
        if (CLASSPATH.equals(source)) {
            LOG.debug("registered plugin {} {} from {}", plugin, version, source); // built in: `edgefm plugins` lists them
        } else {
            LOG.info("registered plugin {} {} from {}", plugin, version, source);
        }
    }

    private void claim(String name, String plugin, String version, String source, String role, String description) {
        PluginInfo prev = infos.get(name);
        if (prev != null) {
            // One name may carry several roles within one plugin (a preset named like its controller).
            if (!prev.plugin().equals(plugin) || prev.roles().contains(role)) {
                throw new ConfigException("planner name '" + name + "' is provided twice: by " + prev.source()
                        + " (plugin " + prev.plugin() + ") and by " + source + " (plugin " + plugin + ")");
            }
            List<String> roles = new ArrayList<>(prev.roles());
            roles.add(role);
            infos.put(name, new PluginInfo(name, roles, plugin, version, source, prev.description()));
            return;
        }
        infos.put(name, new PluginInfo(name, List.of(role), plugin, version, source, description));
    }

    /** Every registered part, in registration order. */
    public List<PluginInfo> list() {
        return List.copyOf(infos.values());
    }

    /**
     * Resolves a planner name: a preset, a light controller alone (no core placement), or
     * {@code CORE+LIGHT} where CORE may be {@code none}.
     *
     * @throws ConfigException naming what is unknown and what is installed
     */
    public ResolvedPlanner resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigException("planner: missing (expected: a preset or CORE+LIGHT; installed: " + names() + ")");
        }
        PlannerPreset preset = presets.get(name);
        if (preset != null) {
            return new ResolvedPlanner(name, core(preset.corePlanner(), name), controller(preset.controller(), name));
        }
        int plus = name.indexOf('+');
        if (plus > 0) {
            return new ResolvedPlanner(name, core(name.substring(0, plus), name), controller(name.substring(plus + 1), name));
        }
        if (controllers.containsKey(name)) {
            return new ResolvedPlanner(name, null, controllers.get(name));
        }
        throw new ConfigException("planner '" + name + "': no such preset or light controller (installed: " + names() + ")");
    }

    private CorePlacementPlannerFactory core(String n, String asked) {
        if (PlannerPreset.NO_CORE.equals(n)) {
            return null;
        }
        CorePlacementPlannerFactory f = cores.get(n);
        if (f == null) {
            throw new ConfigException("planner '" + asked + "': no core planner named '" + n + "' (core planners: "
                    + (cores.isEmpty() ? "none installed" : String.join(", ", cores.keySet())) + ")");
        }
        return f;
    }

    private LightServiceControllerFactory controller(String n, String asked) {
        LightServiceControllerFactory f = controllers.get(n);
        if (f == null) {
            throw new ConfigException("planner '" + asked + "': no light controller named '" + n + "' (controllers: "
                    + (controllers.isEmpty() ? "none installed" : String.join(", ", controllers.keySet())) + ")");
        }
        return f;
    }

    private String names() {
        return infos.isEmpty() ? "none" : String.join(", ", infos.keySet());
    }
}
