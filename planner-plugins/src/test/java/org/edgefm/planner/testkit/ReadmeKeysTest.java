package org.edgefm.planner.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The module README names every preset, points to the generated keys table, and names no key that the
 * planners do not declare (a renamed or removed key would otherwise live on in the prose).
 */
class ReadmeKeysTest {
    private static final Pattern KEY = Pattern.compile(
            "`((?:sparse-ip|ec-lyapunov|light|latency|genai|genai-ga|lymdo|reference)\\.[a-z0-9.-]+)`");

    @Test
    void readme_namesOnlyDeclaredKeys_andLinksTheGeneratedTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        PluginCatalog c = PluginCatalog.load();
        Set<String> declared = new HashSet<>();
        c.corePlanners().values().forEach(f -> f.configKeys().forEach(k -> declared.add(k.name())));
        c.lightControllers().values().forEach(f -> f.configKeys().forEach(k -> declared.add(k.name())));
        Set<String> named = new TreeSet<>();
        Matcher m = KEY.matcher(readme);
        while (m.find()) {
            named.add(m.group(1).replaceAll("[.]$", ""));
        }
        assertThat(named).as("keys the README names").hasSizeGreaterThan(10);
        named.removeAll(declared);
        assertThat(named).as("keys the README names that no planner declares").isEmpty();
        assertThat(readme).contains("](../docs/keys.md)");
        for (String planner : c.presets().keySet()) {
            assertThat(readme).as(planner).contains("`" + planner + "`");
        }
    }
}
