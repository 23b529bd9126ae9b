package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.edgefm.api.spi.ConfigKey;
import org.junit.jupiter.api.Test;

/**
 * Every {@code sim.*} key the simulator's sources name is declared once in {@link SimKeys}, in kebab
 * case, with an origin and a basis; the deprecated camel-case spellings are still read.
 */
class SimKeysTest {
    private static final Pattern LITERAL = Pattern.compile("\"(sim\\.[A-Za-z0-9.-]+)\"");
    private static final Pattern KEBAB = Pattern.compile("sim(\\.[a-z0-9]+(-[a-z0-9]+)*)+");

    /** Key → the first source file that names it (a string literal in the simulator's main sources). */
    private static Map<String, String> named() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.getFileName().toString().equals("SimKeys.java")) {
                    continue; // the declarations themselves
                }
                Matcher m = LITERAL.matcher(Files.readString(f));
                while (m.find()) {
                    out.putIfAbsent(m.group(1), f.getFileName().toString());
                }
            }
        }
        return out;
    }

    @Test
    void everyKeyTheSourcesName_isDeclared() throws IOException {
        Map<String, String> named = named();
        // the scan must find the keys the settings, the sub-models and the fleet read, or this test passes on nothing
        assertThat(named).containsKeys("sim.routing", "sim.genai.gpu-price", "sim.partition.tx-power-w", "sim.channel-coherence");
        Set<String> declared = SimKeys.DECLARED.stream().map(ConfigKey::name).collect(Collectors.toSet());
        Map<String, String> undeclared = new TreeMap<>(named);
        undeclared.keySet().removeAll(declared);
        undeclared.keySet().removeAll(SimKeys.DEPRECATED_ALIASES.keySet());
        assertThat(undeclared).as("sim.* keys named in the sources (and where) that SimKeys does not declare").isEmpty();
    }

    @Test
    void everyDeclaration_isKebabCase_onceWithOriginAndBasis() {
        assertThat(SimKeys.DECLARED).extracting(ConfigKey::name).doesNotHaveDuplicates();
        assertThat(SimKeys.DECLARED).allSatisfy(k -> {
            assertThat(k.name()).as(k.name()).matches(KEBAB);
            assertThat(k.basis()).as(k.name()).isNotBlank();
            assertThat(k.description()).as(k.name()).isNotBlank();
        });
        assertThat(SimSettings.KEYS).containsExactlyElementsOf(SimKeys.DECLARED.stream().map(ConfigKey::name).toList());
    }

    @Test
    void declaredDefaults_areTheSettingsDefaults() {
        Map<String, String> d = SimKeys.DECLARED.stream().collect(Collectors.toMap(ConfigKey::name, ConfigKey::defaultValue));
        SimSettings s = SimSettings.DEFAULTS;
        assertThat(Double.parseDouble(d.get("sim.parallelism-exponent"))).isEqualTo(s.parallelismExponent());
        assertThat(Boolean.parseBoolean(d.get("sim.enforce-capacity"))).isEqualTo(s.enforceCapacity());
        assertThat(Boolean.parseBoolean(d.get("sim.charge-initial-light-deploy"))).isEqualTo(s.chargeInitialLightDeploy());
        assertThat(Boolean.parseBoolean(d.get("sim.stage-timings"))).isEqualTo(s.stageTimings());
        assertThat(Integer.parseInt(d.get("sim.rate-samples"))).isEqualTo(s.rateSamples());
        assertThat(d.get("sim.routing")).isEqualTo(s.routing().name().toLowerCase(java.util.Locale.ROOT));
        assertThat(d.get("sim.deadline-action")).isEqualTo(s.deadlineAction().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        assertThat(Double.parseDouble(d.get("sim.compute-efficiency"))).isEqualTo(s.compute().efficiency());
    }

    @Test
    void deprecatedCamelCaseSpelling_isStillRead_andMapsToTheDeclaredKey() {
        SimSettings old = SimSettings.from(Map.of("sim.parallelismExponent", "1", "sim.deadlineAction", "drop-expired"));
        assertThat(old.parallelismExponent()).isEqualTo(1.0);
        assertThat(old.deadlineAction()).isEqualTo(SimSettings.DeadlineAction.DROP_EXPIRED);
        assertThat(SimSettings.from(Map.of("sim.parallelism-exponent", "0.5")).parallelismExponent()).isEqualTo(0.5);
        assertThat(SimSettings.canonical("sim.chargeInitialLightDeploy")).isEqualTo("sim.charge-initial-light-deploy");
        assertThat(SimSettings.canonical("sim.routing")).isEqualTo("sim.routing");
        assertThat(SimSettings.canonical("sim.nope")).isNull();
        SimKeys.DEPRECATED_ALIASES.values().forEach(k -> assertThat(SimSettings.KEYS).contains(k));
    }

    @Test
    void undeclaredSimKey_inAScenario_isRefusedWithItsName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SimSettings.from(Map.of("sim.routng", "weighted")))
                .isInstanceOf(org.edgefm.api.ConfigException.class)
                .hasMessageStartingWith("sim.routng: unknown simulator key (known: sim.routing,");
        // planner keys are not the simulator's business
        assertThat(SimSettings.from(Map.of("sparse-ip.xi", "3")).routing()).isEqualTo(SimSettings.DEFAULTS.routing());
    }
}
