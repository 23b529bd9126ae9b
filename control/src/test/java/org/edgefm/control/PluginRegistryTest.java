package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.PlannerPlugin;
import org.junit.jupiter.api.Test;

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
                .isInstanceOf(ConfigException.class).hasMessageContaining("'test' is provided twice");
    }
}
