package org.edgefm.planner.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.spi.ConfigKey;
import org.junit.jupiter.api.Test;

/** The module README documents every configuration key with its default and assumption flag. */
class ReadmeKeysTest {
    @Test
    void readme_listsEveryKeyWithDefaultAndAssumptionFlag() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        PluginCatalog c = PluginCatalog.load();
        List<ConfigKey> keys = new ArrayList<>();
        c.corePlanners().values().forEach(f -> keys.addAll(f.configKeys()));
        c.lightControllers().values().forEach(f -> keys.addAll(f.configKeys()));
        for (ConfigKey k : keys) {
            assertThat(readme).as(k.name()).contains("| `" + k.name() + "` | `" + k.defaultValue() + "` | "
                    + (k.assumption() ? "yes" : "no") + " |");
        }
        for (String planner : c.presets().keySet()) {
            assertThat(readme).as(planner).contains("`" + planner + "`");
        }
    }
}
