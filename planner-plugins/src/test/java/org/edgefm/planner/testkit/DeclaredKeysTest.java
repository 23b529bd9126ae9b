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
 * Every configuration key the built-in planners read is declared by a factory (so {@code ./edgefm keys}
 * and the generated {@code docs/keys.md} list it), every declared key is kebab-case, and every
 * declaration names its origin and basis, the same for every part that declares the key. The keys read are found in
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

    @Test
    void everyDeclaredKey_namesItsOriginAndBasis_andOneDeclarationPerKey() {
        PluginCatalog c = PluginCatalog.load();
        Map<String, ConfigKey> first = new TreeMap<>();
        Map<String, String> conflicting = new TreeMap<>();
        java.util.List<ConfigKey> keys = new java.util.ArrayList<>();
        c.corePlanners().values().forEach(f -> keys.addAll(f.configKeys()));
        c.lightControllers().values().forEach(f -> keys.addAll(f.configKeys()));
        for (ConfigKey k : keys) {
            ConfigKey prev = first.putIfAbsent(k.name(), k);
            if (prev != null && !prev.equals(k)) {
                conflicting.put(k.name(), prev + " vs " + k);
            }
        }
        assertThat(conflicting).as("keys declared differently by two parts").isEmpty();
        assertThat(first.values()).allSatisfy(k -> {
            assertThat(k.origin()).as(k.name()).isNotNull();
            assertThat(k.basis()).as(k.name() + ": the paper symbol, or the reason and evidence").isNotBlank();
        });
        // paper keys name the paper's symbol and where it is; guards name their evidence
        assertThat(first.values()).filteredOn(k -> k.origin() == org.edgefm.api.spi.KeyOrigin.PAPER)
                .allSatisfy(k -> assertThat(k.basis()).as(k.name()).containsPattern("eq\\. \\(\\d+\\)"));
        assertThat(first.values()).filteredOn(k -> k.origin() == org.edgefm.api.spi.KeyOrigin.GUARD)
                .allSatisfy(k -> assertThat(k.basis()).as(k.name()).containsPattern("docs/|Test"));
    }
}
