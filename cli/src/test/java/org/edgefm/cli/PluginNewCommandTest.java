package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.edgefm.planner.testkit.PlannerTestKit;
import org.edgefm.planner.testkit.TestScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgefm plugin new}: the files it writes, compiled here against this build's api and test kit
 * and run through the kit the way the generated tests run it (the Maven build of a generated project,
 * offline, and the jar in a host: {@code PluginTemplateIT}).
 */
@Timeout(120)
class PluginNewCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void newPlugin_writesAProjectWhoseSourcesCompileAndPassTheKit() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "plugin", "new", "acme-greedy", "--dir", dir.toString(), "--group-id", "com.acme");
        assertThat(rc).as(err.toString()).isZero();
        Path p = dir.resolve("acme-greedy");
        assertThat(out.toString()).contains("created " + p);
        Path main = p.resolve("src/main/java/com/acme/acmegreedy/AcmeGreedyPlugin.java");
        Path test = p.resolve("src/test/java/com/acme/acmegreedy/AcmeGreedyPluginTest.java");
        assertThat(main).exists();
        assertThat(test).exists();
        assertThat(p.resolve("src/main/resources/META-INF/services/org.edgefm.api.PlannerPlugin"))
                .hasContent("com.acme.acmegreedy.AcmeGreedyPlugin");
        String pom = Files.readString(p.resolve("pom.xml"));
        assertThat(pom).contains("<groupId>com.acme</groupId>").contains("<artifactId>acme-greedy</artifactId>")
                .contains("<artifactId>edgefm-api</artifactId>").contains("<scope>provided</scope>")
                .contains("<artifactId>edgefm-planner-testkit</artifactId>").doesNotContain("@");
        try (Stream<Path> s = Files.walk(p)) {
            s.filter(Files::isRegularFile).forEach(f -> assertThat(read(f)).as(f.toString()).doesNotContainPattern("@[A-Z_]+@"));
        }

        Path classes = Files.createDirectories(dir.resolve("classes"));
        compile(classes, main, test);
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.copy(p.resolve("src/main/resources/META-INF/services/org.edgefm.api.PlannerPlugin"),
                classes.resolve("META-INF/services/org.edgefm.api.PlannerPlugin"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            PlannerTestKit.planner("acme-greedy").loader(loader).slots(5).run()
                    .assertCorePlanned().assertWithinCapacity().assertEveryStageRouted();
            PlannerTestKit.planner("acme-greedy").loader(loader).on(TestScenarios.fleet(10)).slotMs(500).slots(4).run()
                    .assertWithinBudget();
            assertThat(PlannerTestKit.planner("acme-greedy").loader(loader).config(Map.of("acme-greedy.parallelism", "3"))
                    .run().lastDecision().allocations()).isNotEmpty().allMatch(a -> a.parallelism() == 3);
        }
    }

    @Test
    void generatedPom_pinsTheBuildsPluginVersions() throws IOException {
        String root = Files.readString(Path.of("..", "pom.xml"));
        Map<String, String> ids = Map.of("CLEAN_PLUGIN", "maven-clean-plugin", "RESOURCES_PLUGIN", "maven-resources-plugin",
                "COMPILER_PLUGIN", "maven-compiler-plugin", "SUREFIRE_PLUGIN", "maven-surefire-plugin",
                "JAR_PLUGIN", "maven-jar-plugin", "INSTALL_PLUGIN", "maven-install-plugin");
        assertThat(PluginNewCommand.PLUGIN_VERSIONS.keySet()).isEqualTo(ids.keySet());
        ids.forEach((key, artifact) -> {
            Matcher m = Pattern.compile("<artifactId>" + artifact + "</artifactId>\\s*<version>([^<]+)</version>").matcher(root);
            assertThat(m.find()).as(artifact + " in the root pom").isTrue();
            assertThat(PluginNewCommand.PLUGIN_VERSIONS.get(key)).as(artifact).isEqualTo(m.group(1));
        });
    }

    @Test
    void badName_isAUsageError() {
        for (String bad : List.of("MyPlanner", "my_planner", "-x", "9lives", "a--b")) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(run(out, err, "plugin", "new", bad, "--dir", dir.toString())).as(bad).isEqualTo(Main.EXIT_USAGE);
            assertThat(err.toString()).as(bad).contains("kebab case");
        }
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void builtInName_orExistingFolder_isRefusedWithoutWritingAnything() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "plugin", "new", "reference", "--dir", dir.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("'reference' is already a planner name");
        Files.writeString(Files.createDirectories(dir.resolve("mine")).resolve("keep.txt"), "mine");
        assertThat(run(out, err, "plugin", "new", "mine", "--dir", dir.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("already exists and is not an empty folder");
        try (Stream<Path> s = Files.list(dir.resolve("mine"))) {
            assertThat(s.toList()).containsExactly(dir.resolve("mine/keep.txt"));
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void compile(Path classes, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // only what the generated pom gives it: the api (and its Jackson), the test kit and JUnit
        String cp = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.matches(".*(/api/target/classes|/planner-testkit/target/classes|edgefm-api|edgefm-planner-testkit"
                        + "|junit|opentest4j|apiguardian|jackson).*"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", cp,
                "--release", "17", "-Xlint:all", "-Werror"));
        for (Path s : sources) {
            args.add(s.toString());
        }
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, log, log, args.toArray(String[]::new));
        assertThat(rc).as("javac of the generated sources: " + log.toString(StandardCharsets.UTF_8)).isZero();
    }
}
