package org.edgefm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.edgefm.api.ConfigException;
import org.edgefm.control.PluginInfo;
import org.edgefm.control.PluginRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgefm plugin new NAME}: writes a Maven project of a planner plugin that builds, tests
 * itself with the planner test kit and produces a jar {@code edgefm plugins} lists. Needs no network:
 * the files come from templates inside this jar.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create a planner-plugin project (Maven): a core planner, a light controller and the planner"
                + " NAME pairing them, with contract tests on the planner test kit. No network needed.")
final class PluginNewCommand implements Callable<Integer> {
    /** Plugin names: kebab case, as the host requires. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
    private static final String TEMPLATES = "plugin-template/";
    /** Plugin versions of the generated pom: the same as this build's (root pom, pluginManagement). */
    static final Map<String, String> PLUGIN_VERSIONS = Map.of(
            "CLEAN_PLUGIN", "3.4.0",
            "RESOURCES_PLUGIN", "3.3.1",
            "COMPILER_PLUGIN", "3.14.0",
            "SUREFIRE_PLUGIN", "3.5.4",
            "JAR_PLUGIN", "3.4.2",
            "INSTALL_PLUGIN", "3.1.2");

    @Parameters(index = "0", paramLabel = "NAME", description = "The plugin's name, kebab case (e.g. my-planner):"
            + " the planner NAME, its core planner NAME-core and controller NAME-light; also the project's folder"
            + " and artifactId.")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
            description = "Folder to create the project folder NAME in (default: the current folder).")
    Path dir;

    @Option(names = "--group-id", paramLabel = "G", defaultValue = "org.example.edgefm",
            description = "The project's Maven groupId (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--package", paramLabel = "P",
            description = "Java package of the sources (default: GROUP-ID.NAME without dashes).")
    String javaPackage;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!NAME.matcher(name).matches() || name.length() > 60) {
            throw new CommandLine.ParameterException(spec.commandLine(), "NAME: '" + name
                    + "' (expected: kebab case, a lowercase letter first, e.g. my-planner)");
        }
        if (!PACKAGE.matcher(groupId).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--group-id: '" + groupId
                    + "' (expected: dot-separated lowercase words, e.g. org.example)");
        }
        String pkg = javaPackage != null ? javaPackage : groupId + "." + name.replace("-", "");
        if (!PACKAGE.matcher(pkg).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--package: '" + pkg
                    + "' (expected: dot-separated lowercase Java identifiers)");
        }
        refuseTakenNames();
        Path project = dir.resolve(name).toAbsolutePath().normalize();
        if (Files.exists(project) && (!Files.isDirectory(project) || hasEntries(project))) {
            throw new ConfigException(project + " already exists and is not an empty folder: choose another NAME or --dir");
        }
        Map<String, String> values = values(pkg);
        String pkgPath = pkg.replace('.', '/');
        String cls = values.get("CLASS");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.tmpl");
        files.put("README.md", "README.md.tmpl");
        files.put(".gitignore", "gitignore.tmpl");
        files.put("src/main/java/" + pkgPath + "/" + cls + "Plugin.java", "Plugin.java.tmpl");
        files.put("src/main/resources/META-INF/services/org.edgefm.api.PlannerPlugin", "services.tmpl");
        files.put("src/test/java/" + pkgPath + "/" + cls + "PluginTest.java", "PluginTest.java.tmpl");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = project.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, fill(template(f.getValue()), values), StandardCharsets.UTF_8);
        }
        out.println("created " + project + " (planner " + name + ": " + name + "-core + " + name + "-light)");
        out.println("next:");
        out.println("  cd " + project);
        out.println("  mvn -B package        # needs org.edgefm:edgefm-api and edgefm-planner-testkit " + values.get("EDGEFM_VERSION")
                + " in a Maven repository; from an EdgeFM source tree: mvn -B install -pl api,planner-testkit -am -DskipTests");
        out.println("  cp target/" + name + "-0.1.0-SNAPSHOT.jar <edgefm>/plugins/ && ./edgefm plugins");
        out.println("  ./edgefm compare --planners " + name + ",two-tier --suite quick --out compare-report");
        out.println("  ./edgefm trial --planner " + name + " --duration 30s     # the whole path: docs/plugins.md");
        return 0;
    }

    /** The planner names the project would register must not be taken by an installed plugin. */
    private void refuseTakenNames() {
        PluginRegistry registry = PluginRegistry.load(PluginNewCommand.class.getClassLoader(), null);
        for (String n : List.of(name, name + "-core", name + "-light")) {
            for (PluginInfo i : registry.list()) {
                if (i.name().equals(n)) {
                    throw new ConfigException("plugin name '" + name + "': '" + n + "' is already a planner name (from "
                            + i.source() + "); names must be unique among installed plugins");
                }
            }
        }
    }

    private Map<String, String> values(String pkg) throws IOException {
        Properties p = new Properties();
        try (InputStream in = PluginNewCommand.class.getResourceAsStream("plugin-template.properties")) {
            if (in == null) {
                throw new IOException("plugin-template.properties is missing from the edgefm jar");
            }
            p.load(in);
        }
        Map<String, String> v = new LinkedHashMap<>(PLUGIN_VERSIONS);
        v.put("NAME", name);
        v.put("CLASS", className(name));
        v.put("PACKAGE", pkg);
        v.put("PACKAGE_PATH", pkg.replace('.', '/'));
        v.put("GROUP_ID", groupId);
        v.put("EDGEFM_VERSION", p.getProperty("edgefm.version"));
        v.put("JUNIT_VERSION", p.getProperty("junit.version"));
        return v;
    }

    /** {@code my-planner} to {@code MyPlanner}. */
    static String className(String kebab) {
        StringBuilder b = new StringBuilder();
        for (String part : kebab.split("-")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return Character.isDigit(b.charAt(0)) ? "P" + b : b.toString();
    }

    private static String template(String file) throws IOException {
        try (InputStream in = PluginNewCommand.class.getResourceAsStream(TEMPLATES + file)) {
            if (in == null) {
                throw new IOException("template " + file + " is missing from the edgefm jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String fill(String text, Map<String, String> values) {
        String s = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            s = s.replace("@" + e.getKey() + "@", e.getValue());
        }
        return s;
    }

    private static boolean hasEntries(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.findAny().isPresent();
        }
    }
}
