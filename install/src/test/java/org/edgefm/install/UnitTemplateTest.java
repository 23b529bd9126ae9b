package org.edgefm.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnitTemplateTest {
    static Map<String, String> values(String extra) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("JAVA", "/usr/bin/java");
        v.put("HEAP", "1g");
        v.put("EXTRA", extra);
        return v;
    }

    @Test
    void render_fillsPlaceholders_aMultiLineValueOnItsOwnLineBecomesLines_anEmptyOneNothing() {
        String t = UnitTemplate.load(UnitTemplateTest.class, "test.service");
        assertThat(UnitTemplate.render(t, values("A=1\nB=2")))
                .isEqualTo("[Service]\nExecStart=/usr/bin/java -Xmx1g\nA=1\nB=2\nUser=edgefm\n");
        assertThat(UnitTemplate.render(t, values(""))).isEqualTo("[Service]\nExecStart=/usr/bin/java -Xmx1g\nUser=edgefm\n");
        // inside a line, a multi-line value stays on that line
        assertThat(UnitTemplate.render("X=@JAVA@\n", Map.of("JAVA", "a\nb"))).isEqualTo("X=a b\n");
    }

    @Test
    void render_refusesAMissingValueAndAnUnusedOne() {
        String t = UnitTemplate.load(UnitTemplateTest.class, "/org/edgefm/install/test.service");
        Map<String, String> missing = values("");
        missing.remove("HEAP");
        assertThatThrownBy(() -> UnitTemplate.render(t, missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unit template placeholder @HEAP@ has no value");
        Map<String, String> extra = values("");
        extra.put("FLEET", "lab");
        assertThatThrownBy(() -> UnitTemplate.render(t, extra)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unit template has no placeholder @FLEET@");
    }

    @Test
    void load_aMissingTemplate_namesIt() {
        assertThatThrownBy(() -> UnitTemplate.load(UnitTemplateTest.class, "none.service")).isInstanceOf(IllegalStateException.class)
                .hasMessage("unit template none.service is missing from the jar");
    }
}
