package org.edgefm.it.host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds a planner plugin jar in a test: compiles Java sources against the test class path. */
final class PluginJars {
    private PluginJars() {
    }

    /**
     * Compiles {@code sources} (class name → source) and writes a jar with a
     * {@code META-INF/services/org.edgefm.api.PlannerPlugin} entry naming {@code pluginClass}.
     */
    static Path build(Path work, Path jar, String pluginClass, String version, Map<String, String> sources)
            throws IOException {
        Path src = Files.createDirectories(work.resolve("src-" + jar.getFileName()));
        Path classes = Files.createDirectories(work.resolve("classes-" + jar.getFileName()));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "--release", "17", "-proc:none"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("plugin sources did not compile (see stderr)");
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                out.putNextEntry(new JarEntry(name));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/org.edgefm.api.PlannerPlugin"));
            OutputStream o = out;
            o.write((pluginClass + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /**
     * The source of a plugin {@code pluginName} with one light controller {@code controllerName}:
     * every online node runs {@code instances} instances of every light service. With
     * {@code throwFromSlot >= 0} it throws from that slot on, and its parallelism is the slot + 1 (so
     * every slot would otherwise produce a new decision).
     */
    static Map<String, String> controllerPlugin(String pkg, String pluginName, String controllerName, int instances,
            int throwFromSlot) {
        String cls = pkg + ".ItPlugin";
        String src = """
                package PKG;

                import java.util.ArrayList;
                import java.util.List;
                import org.edgefm.api.PlannerPlugin;
                import org.edgefm.api.model.ServiceKind;
                import org.edgefm.api.model.ServiceSpec;
                import org.edgefm.api.spi.*;

                public final class ItPlugin implements PlannerPlugin {
                    public String name() { return "PLUGIN"; }

                    public List<LightServiceControllerFactory> lightServiceControllers() {
                        return List.of(new LightServiceControllerFactory() {
                            public String name() { return "CONTROLLER"; }
                            public String description() { return "integration-test controller"; }
                            public LightServiceController create(PlannerConfig config) {
                                return o -> {
                                    if (THROW >= 0 && o.slot() >= THROW) {
                                        throw new IllegalStateException("CONTROLLER fails on purpose at slot " + o.slot());
                                    }
                                    int par = THROW >= 0 ? (int) o.slot() + 1 : 1;
                                    List<ServiceAllocation> al = new ArrayList<>();
                                    for (NodeObservation n : o.nodes()) {
                                        if (n.online()) {
                                            for (ServiceSpec s : o.model().services(ServiceKind.LIGHT)) {
                                                al.add(new ServiceAllocation(n.node(), s.id(), INSTANCES, par));
                                            }
                                        }
                                    }
                                    return PlanResult.planned(new LightDecision(o.slot(), al, RoutingTable.EMPTY,
                                            List.of(), List.of()));
                                };
                            }
                        });
                    }
                }
                """.replace("PKG", pkg).replace("PLUGIN", pluginName).replace("CONTROLLER", controllerName)
                .replace("THROW", Integer.toString(throwFromSlot)).replace("INSTANCES", Integer.toString(instances));
        return Map.of(cls, src);
    }
}
