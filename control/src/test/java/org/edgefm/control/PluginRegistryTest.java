package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.PlannerPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    @Test
    void load_classpath_findsTestPluginWithRoles() {
        PluginRegistry r = PluginRegistry.load(getClass().getClassLoader(), null);
        assertThat(r.list()).extracting(PluginInfo::name).contains("first-fit", "one-each", "test-pair");
        PluginInfo ff = r.list().stream().filter(i -> i.name().equals("first-fit")).findFirst().orElseThrow();
        assertThat(ff.roles()).containsExactly(PluginInfo.CORE);
        assertThat(ff.source()).isEqualTo(PluginRegistry.CLASSPATH);
    }

    @Test
    void resolve_presetCombinationAndControllerAlone() {
        PluginRegistry r = PluginRegistry.of(List.of(new TestPlugin()));
        assertThat(r.resolve("test-pair").coreName()).isEqualTo("first-fit");
        assertThat(r.resolve("none+one-each").core()).isNull();
        assertThat(r.resolve("first-fit+sleepy").controller().name()).isEqualTo("sleepy");
        assertThat(r.resolve("one-each").core()).isNull();
    }

    @Test
    void resolve_unknown_namesWhatIsInstalled() {
        PluginRegistry r = PluginRegistry.of(List.of(new TestPlugin()));
        assertThatThrownBy(() -> r.resolve("nope")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope").hasMessageContaining("one-each");
        assertThatThrownBy(() -> r.resolve("ip+one-each")).hasMessageContaining("no core planner named 'ip'");
    }

    @Test
    void register_duplicatePluginName_isRefusedNamingBoth() {
        PlannerPlugin other = () -> "test";
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new TestPlugin(), other)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("duplicate name test, also in classpath");
    }

    @Test
    void load_brokenJars_areQuarantinedWithReasonsAndTheOthersWork(@TempDir Path dir) {
        PluginJars.plugin(dir, "a-good", "jar-good", PluginJars.DECIDE);
        PluginJars.notAJar(dir, "b-text");
        PluginJars.missingClass(dir, "c-missing", "com.example.Gone");
        PluginJars.notAPlugin(dir, "d-runnable");
        PluginJars.plugin(dir, "e-dup", "jar-good", PluginJars.DECIDE);
        PluginJars.plugin(dir, "f-builtin-name", "one-each", PluginJars.DECIDE);

        PluginRegistry r = PluginRegistry.load(getClass().getClassLoader(), dir);

        assertThat(r.list()).extracting(PluginInfo::name).contains("first-fit", "one-each", "test-pair", "jar-good");
        assertThat(r.resolve("jar-good").controller().name()).isEqualTo("jar-good");
        assertThat(r.resolve("one-each").controller().description()).doesNotContain("test jar"); // the built-in kept it
        assertThat(r.quarantined()).extracting(q -> dir.relativize(Path.of(q.source())).toString(), QuarantinedPlugin::reason)
                .containsExactly(
                        tuple("b-text.jar", "not a jar: ZipException: zip END header not found"),
                        tuple("c-missing.jar", "missing class com.example.Gone"),
                        tuple("d-runnable.jar", "jar.notplugin.Thing is not a PlannerPlugin"),
                        tuple("e-dup.jar", "duplicate name jar-good, also in " + dir.resolve("a-good.jar")),
                        tuple("f-builtin-name.jar", "duplicate name one-each, also in classpath"));
    }

    @Test
    void load_jarWithoutServicesEntry_isQuarantinedSayingSo(@TempDir Path dir) throws Exception {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("empty.jar")))) {
            out.putNextEntry(new java.util.jar.JarEntry("README.txt"));
            out.write("nothing".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        PluginRegistry r = PluginRegistry.load(getClass().getClassLoader(), dir);
        assertThat(r.quarantined()).singleElement().extracting(QuarantinedPlugin::reason)
                .isEqualTo("no META-INF/services/org.edgefm.api.PlannerPlugin entry");
    }

    @Test
    void folder_givenByFlagOrEnvironment_mustExist_defaultIsNextToTheInstallation(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> PluginsFolder.resolve(missing, null, null)).isInstanceOf(ConfigException.class)
                .hasMessage("plugins folder " + missing + " (from --plugins-dir): does not exist");
        assertThatThrownBy(() -> PluginsFolder.resolve(null, missing.toString(), "/opt/edgefm"))
                .hasMessage("plugins folder " + missing + " (from EDGEFM_PLUGINS): does not exist");
        assertThat(PluginsFolder.resolve(null, dir.toString(), "/opt/edgefm")).isEqualTo(new PluginsFolder(dir, "EDGEFM_PLUGINS"));
        assertThat(PluginsFolder.resolve(dir, dir.resolve("x").toString(), null).origin()).isEqualTo("--plugins-dir");
        PluginsFolder d = PluginsFolder.resolve(null, null, missing.toString());
        assertThat(d).isEqualTo(new PluginsFolder(missing.resolve("plugins"), PluginsFolder.DEFAULT));
        assertThat(d.exists()).isFalse();
        assertThat(PluginsFolder.resolve(null, " ", null).path()).isEqualTo(Path.of("plugins"));
    }
}
