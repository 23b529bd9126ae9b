package org.edgefm.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
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
 * share one namespace. A source that cannot be loaded, or whose names are taken, is quarantined
 * with its reason (the first source to take a name keeps it; the class path comes first, then the
 * jars in name order) and everything else keeps working. Immutable once built; thread-safe.
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
    private final List<QuarantinedPlugin> quarantined = new ArrayList<>();
    private static final String SERVICES = "META-INF/services/" + PlannerPlugin.class.getName();

    private PluginRegistry() {
    }

    /**
     * Loads the plugins on {@code hostLoader}'s class path and in {@code pluginsDir}. Each source (the
     * class path's plugins one by one, each jar as a whole) loads on its own: a broken one is
     * quarantined with its reason ({@link #quarantined()}), logged as one warning line, and the others
     * keep working.
     *
     * @param hostLoader the host's class loader (it holds {@code org.edgefm.api})
     * @param pluginsDir a folder of plugin jars, or null; a missing folder holds no plugins
     * @throws EdgeFmException when the folder exists but cannot be listed
     */
    public static PluginRegistry load(ClassLoader hostLoader, Path pluginsDir) {
        PluginRegistry r = new PluginRegistry();
        r.loadClasspath(hostLoader);
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            List<Path> jars;
            try (Stream<Path> s = Files.list(pluginsDir)) {
                jars = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            } catch (IOException e) {
                throw new EdgeFmException("plugins folder " + pluginsDir + ": cannot list: " + e.getMessage(), e);
            }
            for (Path jar : jars) {
                r.loadJar(jar, hostLoader);
            }
        }
        return r;
    }

    /** A registry of the given plugins (tests, embedding); a duplicate name is refused. */
    public static PluginRegistry of(List<? extends PlannerPlugin> plugins) {
        PluginRegistry r = new PluginRegistry();
        for (PlannerPlugin p : plugins) {
            String problem = r.tryRegister(List.of(p), CLASSPATH);
            if (problem != null) {
                throw new ConfigException("plugin " + p.getClass().getName() + ": " + problem);
            }
        }
        return r;
    }

    private void loadClasspath(ClassLoader hostLoader) {
        Iterator<PlannerPlugin> it = ServiceLoader.load(PlannerPlugin.class, hostLoader).iterator();
        // A provider that fails is skipped and the iteration goes on (ServiceLoader allows it); the bound
        // keeps a loader that fails forever from looping.
        for (int guard = 0; guard < 10_000; guard++) {
            PlannerPlugin p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                quarantine(CLASSPATH, "cannot load: " + oneLine(e));
                continue;
            }
            String problem = tryRegister(List.of(p), CLASSPATH);
            if (problem != null) {
                quarantine(CLASSPATH, p.getClass().getName() + ": " + problem);
            }
        }
    }

    private void loadJar(Path jar, ClassLoader hostLoader) {
        String source = jar.toString();
        List<String> providers;
        try (JarFile jf = new JarFile(jar.toFile())) {
            JarEntry e = jf.getJarEntry(SERVICES);
            if (e == null) {
                quarantine(source, "no " + SERVICES + " entry");
                return;
            }
            try (InputStream in = jf.getInputStream(e)) {
                providers = providerNames(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            quarantine(source, "not a jar: " + oneLine(e));
            return;
        }
        if (providers.isEmpty()) {
            quarantine(source, SERVICES + " names no class");
            return;
        }
        PluginClassLoader cl;
        try {
            cl = new PluginClassLoader(jar.toUri().toURL(), hostLoader);
        } catch (MalformedURLException e) {
            quarantine(source, "not a jar: " + e.getMessage());
            return;
        }
        String problem = checkProviders(providers, cl);
        List<PlannerPlugin> found = new ArrayList<>();
        if (problem == null) {
            try {
                for (PlannerPlugin p : ServiceLoader.load(PlannerPlugin.class, cl)) {
                    found.add(p);
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                problem = "cannot load: " + oneLine(e);
            }
        }
        if (problem == null) {
            problem = tryRegister(found, source);
        }
        if (problem != null) {
            quarantine(source, problem);
            try {
                cl.close();
            } catch (IOException ignored) {
                // nothing of it is in use
            }
            return;
        }
        loaders.add(cl);
    }

    /** Checks each class a services file names: present, loadable, a {@link PlannerPlugin}. */
    private static String checkProviders(List<String> providers, ClassLoader cl) {
        for (String name : providers) {
            Class<?> c;
            try {
                c = Class.forName(name, false, cl);
            } catch (ClassNotFoundException e) {
                return "missing class " + name;
            } catch (NoClassDefFoundError e) {
                return "missing class " + String.valueOf(e.getMessage()).replace('/', '.') + " (needed by " + name + ")";
            } catch (LinkageError e) {
                return "cannot load " + name + ": " + oneLine(e);
            }
            if (!PlannerPlugin.class.isAssignableFrom(c)) {
                return name + " is not a PlannerPlugin";
            }
        }
        return null;
    }

    private static List<String> providerNames(String servicesFile) {
        List<String> out = new ArrayList<>();
        for (String line : servicesFile.split("\\R")) {
            int hash = line.indexOf('#');
            String n = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return out;
    }

    private void quarantine(String source, String reason) {
        quarantined.add(new QuarantinedPlugin(source, reason));
        LOG.warn("plugin {} skipped: {}", source, reason);
    }

    /** One part a plugin offers. */
    private record Part(String name, String role, String description, Object factory) {
    }

    /** What one plugin offers, read before anything is registered. */
    private record Offer(PlannerPlugin plugin, String name, String version, List<Part> parts) {
    }

    /**
     * Registers all of {@code plugins} from {@code source}, or none of them.
     *
     * @return null when registered, else the reason why none was
     */
    private String tryRegister(List<PlannerPlugin> plugins, String source) {
        List<Offer> offers = new ArrayList<>();
        for (PlannerPlugin p : plugins) {
            String cls = p.getClass().getName();
            String step = "name()";
            try {
                String name = p.name();
                step = "version()";
                String version = p.version();
                List<Part> parts = new ArrayList<>();
                step = "corePlacementPlanners()";
                for (CorePlacementPlannerFactory f : p.corePlacementPlanners()) {
                    parts.add(new Part(f.name(), PluginInfo.CORE, f.description(), f));
                }
                step = "lightServiceControllers()";
                for (LightServiceControllerFactory f : p.lightServiceControllers()) {
                    parts.add(new Part(f.name(), PluginInfo.LIGHT, f.description(), f));
                }
                step = "planners()";
                for (PlannerPreset preset : p.planners()) {
                    parts.add(new Part(preset.name(), PluginInfo.PRESET, preset.description(), preset));
                }
                if (name == null || name.isBlank()) {
                    return cls + ": name() returned no name";
                }
                for (Part part : parts) {
                    if (part.name() == null || part.name().isBlank()) {
                        return cls + ": a " + part.role() + " has no name";
                    }
                }
                offers.add(new Offer(p, name, version, parts));
            } catch (RuntimeException | LinkageError e) {
                return cls + ": " + step + " threw " + oneLine(e);
            }
        }
        // Names taken before, or twice within this source: nothing is registered.
        Map<String, String> plugin = new LinkedHashMap<>();
        Map<String, String> partOwner = new LinkedHashMap<>();
        Map<String, List<String>> partRoles = new LinkedHashMap<>();
        for (Offer o : offers) {
            String prev = pluginSources.get(o.name());
            if (prev != null) {
                return "duplicate name " + o.name() + ", also in " + prev;
            }
            if (plugin.putIfAbsent(o.name(), source) != null) {
                return "duplicate name " + o.name() + " within " + source;
            }
            for (Part part : o.parts()) {
                PluginInfo taken = infos.get(part.name());
                if (taken != null) {
                    return "duplicate name " + part.name() + ", also in " + taken.source();
                }
                String owner = partOwner.putIfAbsent(part.name(), o.name());
                List<String> roles = partRoles.computeIfAbsent(part.name(), k -> new ArrayList<>());
                // One name may carry several roles within one plugin (a preset named like its controller).
                if ((owner != null && !owner.equals(o.name())) || roles.contains(part.role())) {
                    return "duplicate name " + part.name() + " within " + source;
                }
                roles.add(part.role());
            }
        }
        for (Offer o : offers) {
            pluginSources.put(o.name(), source);
            for (Part part : o.parts()) {
                claim(part.name(), o.name(), o.version(), source, part.role(), part.description());
                switch (part.role()) {
                    case PluginInfo.CORE -> cores.put(part.name(), (CorePlacementPlannerFactory) part.factory());
                    case PluginInfo.LIGHT -> controllers.put(part.name(), (LightServiceControllerFactory) part.factory());
                    default -> presets.put(part.name(), (PlannerPreset) part.factory());
                }
            }
            if (CLASSPATH.equals(source)) {
                LOG.debug("registered plugin {} {} from {}", o.name(), o.version(), source); // built in: `edgefm plugins` lists them
            } else {
                LOG.info("registered plugin {} {} from {}", o.name(), o.version(), source);
            }
        }
        return null;
    }

    private static String oneLine(Throwable e) {
        String s = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The sources skipped at load, with their reasons, in the order met. */
    public List<QuarantinedPlugin> quarantined() {
        return List.copyOf(quarantined);
    }

    private void claim(String name, String plugin, String version, String source, String role, String description) {
        PluginInfo prev = infos.get(name);
        if (prev != null) {
            List<String> roles = new ArrayList<>(prev.roles());
            roles.add(role);
            infos.put(name, new PluginInfo(name, roles, plugin, version, source, prev.description()));
            return;
        }
        infos.put(name, new PluginInfo(name, List.of(role), plugin, version, source, description));
    }

    /**
     * The configuration keys each core planner and light controller declares, by part name, in
     * registration order. A part whose declaration throws is listed with no keys (a plugin bug that
     * must not stop a listing).
     */
    public Map<String, List<org.edgefm.api.spi.ConfigKey>> configKeys() {
        Map<String, List<org.edgefm.api.spi.ConfigKey>> out = new LinkedHashMap<>();
        cores.forEach((n, f) -> out.put(n, declared(n, f::configKeys)));
        controllers.forEach((n, f) -> out.put(n, declared(n, f::configKeys)));
        return out;
    }

    private static List<org.edgefm.api.spi.ConfigKey> declared(String part,
            java.util.function.Supplier<List<org.edgefm.api.spi.ConfigKey>> keys) {
        try {
            List<org.edgefm.api.spi.ConfigKey> k = keys.get();
            return k == null ? List.of() : List.copyOf(k);
        } catch (RuntimeException e) {
            LOG.warn("planner part {}: its config keys could not be read ({}); listed without keys", part, e.toString());
            return List.of();
        }
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
