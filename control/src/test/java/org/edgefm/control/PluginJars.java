package org.edgefm.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.edgefm.api.PlannerPlugin;

/**
 * Real plugin jars for tests, compiled at test time with {@code javax.tools} against the api jar (or
 * classes folder) the test runs with: a working one, ones that throw, sleep or burn CPU on every call,
 * and broken ones (not a zip, a services file naming a missing class, a class that is not a
 * {@link PlannerPlugin}). Each working jar holds one plugin with one light controller; its decision
 * runs one instance of every light service on every online node and routes every stage of every task
 * type to the online nodes (the {@code route-all} rule), so a fleet can complete tasks with it.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /** Decides every call. */
    public static final String DECIDE = "return PlanResult.planned(decision(o));";
    /** Throws on every call. */
    public static final String THROW = "throw new IllegalStateException(\"broken on purpose in slot \" + o.slot());";
    /** Returns an infeasible result with a reason on every call. */
    public static final String INFEASIBLE = "return PlanResult.infeasible(List.of(new Reason(\"test\", \"never feasible\")), null);";
    /** Returns null on every call. */
    public static final String NULL = "return null;";

    /** Sleeps {@code ms} per call, then decides. */
    public static String sleep(long ms) {
        return "try { Thread.sleep(" + ms + "L); } catch (InterruptedException e) { throw new IllegalStateException(e); } "
                + DECIDE;
    }

    /** Burns {@code ms} of CPU time per call, then decides. */
    public static String burn(long ms) {
        return "long end = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() + "
                + ms + "_000_000L; long x = 0; while (java.lang.management.ManagementFactory.getThreadMXBean()"
                + ".getCurrentThreadCpuTime() < end) { x += System.nanoTime() % 7; } if (x == -1) { return null; } " + DECIDE;
    }

    /**
     * Writes a plugin jar with one light controller.
     *
     * @param dir        the folder
     * @param jarName    file name without {@code .jar}
     * @param pluginName the plugin's name (also the controller's name)
     * @param decideBody body of {@code decide(SlotObservation o)}: {@link #DECIDE}, {@link #THROW}, {@link #sleep}...
     * @return the jar
     */
    public static Path plugin(Path dir, String jarName, String pluginName, String decideBody) {
        String pkg = "jar." + pluginName.replaceAll("[^A-Za-z0-9]", "_");
        String src = """
                package %s;

                import java.util.*;
                import org.edgefm.api.PlannerPlugin;
                import org.edgefm.api.model.*;
                import org.edgefm.api.spi.*;

                public final class P implements PlannerPlugin {
                    public String name() { return "%s"; }
                    public String version() { return "9.9"; }
                    public List<LightServiceControllerFactory> lightServiceControllers() {
                        return List.of(LightServiceControllerFactory.of("%s", "test jar controller", List.of(), c -> o -> { %s }));
                    }
                    static LightDecision decision(SlotObservation o) {
                        List<String> up = new ArrayList<>();
                        for (NodeObservation n : o.nodes()) { if (n.online()) { up.add(n.node()); } }
                        List<ServiceAllocation> al = new ArrayList<>();
                        for (String n : up) {
                            for (ServiceSpec s : o.model().services(ServiceKind.LIGHT)) { al.add(new ServiceAllocation(n, s.id(), 1, 1)); }
                        }
                        List<Route> routes = new ArrayList<>();
                        for (TaskType t : o.model().taskTypes()) {
                            for (Stage st : t.stages()) {
                                List<WeightedTarget> ts = new ArrayList<>();
                                for (String n : up) {
                                    boolean core = o.model().service(st.service()).kind() == ServiceKind.CORE;
                                    if (!core || !o.corePlacement().onNode(n).stream().filter(a -> a.service().equals(st.service())).toList().isEmpty()) {
                                        ts.add(new WeightedTarget(n, 1.0));
                                    }
                                }
                                if (!ts.isEmpty()) { routes.add(new Route(t.id(), st.id(), null, ts)); }
                            }
                        }
                        return new LightDecision(o.slot(), al, new RoutingTable(routes), List.of(), List.of());
                    }
                }
                """.formatted(pkg, pluginName, pluginName, decideBody);
        Map<String, byte[]> classes = compile(pkg + ".P", src);
        return write(dir.resolve(jarName + ".jar"), classes, pkg + ".P\n");
    }

    /** A file named {@code .jar} that is not a zip. */
    public static Path notAJar(Path dir, String jarName) {
        try {
            return Files.writeString(dir.resolve(jarName + ".jar"), "this is not a zip file\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jar whose services file names a class the jar lacks. */
    public static Path missingClass(Path dir, String jarName, String className) {
        return write(dir.resolve(jarName + ".jar"), Map.of(), className + "\n");
    }

    /** A jar whose services file names a class that is not a {@link PlannerPlugin}. */
    public static Path notAPlugin(Path dir, String jarName) {
        String cls = "jar.notplugin.Thing";
        Map<String, byte[]> classes = compile(cls, "package jar.notplugin; public final class Thing implements Runnable { public void run() { } }");
        return write(dir.resolve(jarName + ".jar"), classes, cls + "\n");
    }

    private static Path write(Path jar, Map<String, byte[]> classes, String services) {
        try (OutputStream fo = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(fo)) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey().replace('.', '/') + ".class"));
                out.write(e.getValue());
                out.closeEntry();
            }
            if (services != null) {
                out.putNextEntry(new JarEntry("META-INF/services/" + PlannerPlugin.class.getName()));
                out.write(services.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** The api's jar or classes folder, for the compiler's class path. */
    private static String apiClassPath() {
        try {
            return Path.of(PlannerPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> compile(String className, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler: tests need a JDK, not a JRE");
        }
        Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
        StandardJavaFileManager std = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        JavaFileObject src = new SimpleJavaFileObject(URI.create("string:///" + className.replace('.', '/') + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        ForwardingJavaFileManager<StandardJavaFileManager> fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind,
                    FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out.computeIfAbsent(name, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        java.io.StringWriter diagnostics = new java.io.StringWriter();
        boolean ok = javac.getTask(diagnostics, fm, null, List.of("-classpath", apiClassPath(), "--release", "17",
                "-proc:none"), null, List.of(src)).call();
        if (!ok) {
            throw new IllegalStateException("test plugin " + className + " does not compile: " + diagnostics);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }
}
