package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.cli.Main;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.PluginInfo;
import org.edgefm.wire.Directive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin author's first steps, end to end: {@code edgefm plugin new} writes a project; Maven builds it
 * offline ({@code mvn -o package}: its own contract tests on the planner test kit run and pass) against
 * this build's {@code edgefm-api} and {@code edgefm-planner-testkit}, laid out in a private local
 * repository exactly as {@code mvn install} would (the shared one is only read, as a file mirror); the
 * jar is dropped into a plugins folder, listed by {@code edgefm plugins}, and a real host plans with it.
 */
@Timeout(300)
class PluginTemplateIT {
    static final String NAME = "it-template";
    static final String VERSION = "0.1.0-SNAPSHOT";

    @TempDir
    Path dir;

    @Test
    void generatedProject_buildsOfflineWithItsKitTests_andAHostPlansWithItsJar() throws Exception {
        Path mvn = which("mvn");
        Assumptions.assumeTrue(mvn != null, "mvn is not on the PATH (apt-get install maven)");
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path apiJar = root.resolve("api/target/edgefm-api-" + VERSION + ".jar");
        Path kitJar = root.resolve("planner-testkit/target/edgefm-planner-testkit-" + VERSION + ".jar");
        assertThat(apiJar).as("built by the reactor before this test").exists();
        assertThat(kitJar).exists();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new String[] {"plugin", "new", NAME, "--dir", dir.toString(), "--group-id", "it.example"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).as(err.toString()).isZero();
        Path project = dir.resolve(NAME);

        // What `mvn install -pl api,planner-testkit -am` puts in a local repository, in a private one.
        Path repo = dir.resolve("m2");
        install(repo, "edgefm-parent", root.resolve("pom.xml"), null);
        install(repo, "edgefm-api", root.resolve("api/pom.xml"), apiJar);
        install(repo, "edgefm-planner-testkit", root.resolve("planner-testkit/pom.xml"), kitJar);
        Path shared = Path.of(System.getProperty("edgefm.it.localRepository",
                System.getProperty("user.home") + "/.m2/repository"));
        Path settings = Files.writeString(dir.resolve("settings.xml"), "<settings><localRepository>" + repo
                + "</localRepository><mirrors><mirror><id>cache</id><mirrorOf>*</mirrorOf><url>" + shared.toUri()
                + "</url></mirror></mirrors></settings>");

        Path log = dir.resolve("mvn.log");
        long t0 = System.nanoTime();
        // -o: no network; file:// stays allowed so the private repository can copy from the shared cache
        Process p = new ProcessBuilder(mvn.toString(), "-B", "-o", "-s", settings.toString(),
                "-Daether.offline.protocols=file", "package")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mvn package of the generated project did not finish in 240 s; log: " + tail(log));
        }
        double buildS = (System.nanoTime() - t0) / 1e9;
        assertThat(p.exitValue()).as("mvn -o package of the generated project: " + tail(log)).isZero();
        String build = Files.readString(log);
        assertThat(build).contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0").contains("BUILD SUCCESS");
        Path jar = project.resolve("target/" + NAME + "-0.1.0-SNAPSHOT.jar");
        assertThat(jar).exists();
        System.out.printf(java.util.Locale.ROOT, "[figures] PluginTemplateIT.build: mvn_offline_package_s=%.1f, jar_bytes=%d%n",
                buildS, Files.size(jar));

        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        out = new StringWriter();
        err = new StringWriter();
        rc = Main.run(new String[] {"plugins", "--json", "--strict", "--plugins-dir", plugins.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).as(err.toString()).isZero();
        JsonNode listed = new ObjectMapper().readTree(out.toString());
        List<String> ours = new ArrayList<>();
        for (JsonNode n : listed.get("plugins")) {
            if (n.get("source").asText().equals(plugins.resolve(jar.getFileName()).toString())) {
                ours.add(n.get("name").asText());
                assertThat(n.get("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
            }
        }
        assertThat(ours).containsExactlyInAnyOrder(NAME, NAME + "-core", NAME + "-light");

        try (HostHarness h = new HostHarness(dir)) {
            h.start(NAME, Map.of());
            try (FakeAgent agent = h.agent("agx-orin")) {
                agent.autoAck = true;
                agent.birth(0, 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.directives.stream()
                        .anyMatch(d -> !d.desired().services().isEmpty()));
                Directive d = agent.directives.stream().filter(x -> !x.desired().services().isEmpty()).findFirst()
                        .orElseThrow();
                assertThat(d.desired().services()).isNotEmpty();
                await().atMost(Duration.ofSeconds(10)).until(() -> light(h.host.loop().pluginHealth()).usable() > 0);
                PluginHealth.Planner light = light(h.host.loop().pluginHealth());
                assertThat(light.failures()).isEmpty();
                assertThat(h.host.loop().pluginHealth().slotsOnFallback()).isZero();
            }
        }
    }

    private static PluginHealth.Planner light(PluginHealth h) {
        return h.planners().stream().filter(x -> x.role().equals(PluginInfo.LIGHT) && x.name().equals(NAME + "-light"))
                .findFirst().orElseThrow(() -> new AssertionError("no books for " + NAME + "-light: " + h));
    }

    /** Lays out one artifact as {@code mvn install} does: {@code org/edgefm/A/V/A-V.pom} and {@code .jar}. */
    private static void install(Path repo, String artifact, Path pom, Path jar) throws IOException {
        Path d = Files.createDirectories(repo.resolve("org/edgefm/" + artifact + "/" + VERSION));
        Files.copy(pom, d.resolve(artifact + "-" + VERSION + ".pom"));
        if (jar != null) {
            Files.copy(jar, d.resolve(artifact + "-" + VERSION + ".jar"));
        }
    }

    private static Path which(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path c = Path.of(d, command);
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        return null;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
