package org.edgefm.planner.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.edgefm.api.spi.ConfigKey;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key the built-in planners read is declared by a factory (so {@code ./edgefm
 * plugins} and the README list it), and every declared key is kebab-case. The keys read are found in
 * the sources: a literal passed to a {@code PlannerConfig} getter, or to a settings helper that takes
 * the configuration first ({@code positive(c, "sparse-ip.xi", ...)}).
 */
class DeclaredKeysTest {
    private static final Pattern GETTER = Pattern.compile("\\.get(?:String|Double|Int|Boolean|Choice)\\(\\s*\"([^\"]+)\"");
    private static final Pattern HELPER = Pattern.compile("\\w+\\(\\s*(?:c|config|cfg)\\s*,\\s*\"([a-z0-9-]+\\.[A-Za-z0-9.-]+)\"");
    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)+");

    private static Set<String> declared() {
        PluginCatalog c = PluginCatalog.load();
        Set<String> keys = new HashSet<>();
        c.corePlanners().values().forEach(f -> f.configKeys().forEach(k -> keys.add(k.name())));
        c.lightControllers().values().forEach(f -> f.configKeys().forEach(k -> keys.add(k.name())));
        return keys;
    }

    /** Key → the first source file that reads it. */
    private static Map<String, String> read() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String s = Files.readString(f);
                for (Pattern p : new Pattern[] {GETTER, HELPER}) {
                    Matcher m = p.matcher(s);
                    while (m.find()) {
                        out.putIfAbsent(m.group(1), f.getFileName().toString());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyKeyRead_isDeclaredByAFactory() throws IOException {
        Map<String, String> read = read();
        // the scan itself must find the planners' keys, or this test would pass on nothing
        assertThat(read).hasSizeGreaterThan(60);
        Set<String> declared = declared();
        Map<String, String> undeclared = new TreeMap<>(read);
        undeclared.keySet().removeAll(declared);
        assertThat(undeclared).as("keys read (and where) that no factory declares").isEmpty();
    }

    @Test
    void everyDeclaredKey_isKebabCaseUnderItsPlannerPrefix() {
        PluginCatalog c = PluginCatalog.load();
        Set<ConfigKey> keys = new HashSet<>();
        c.corePlanners().values().forEach(f -> keys.addAll(f.configKeys()));
        c.lightControllers().values().forEach(f -> keys.addAll(f.configKeys()));
        assertThat(keys).isNotEmpty();
        assertThat(keys).allSatisfy(k -> assertThat(k.name()).as(k.name()).matches(KEBAB));
    }
}
