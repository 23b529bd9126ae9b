package org.edgefm.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigKeyTest {
    @Test
    void origin_labelsAreKebabCase_andReadBack() {
        assertThat(KeyOrigin.PAPER_AMBIGUITY.label()).isEqualTo("paper-ambiguity");
        for (KeyOrigin o : KeyOrigin.values()) {
            assertThat(KeyOrigin.ofLabel(o.label())).isEqualTo(o);
        }
        assertThatThrownBy(() -> KeyOrigin.ofLabel("assumption")).hasMessageContaining("'assumption'")
                .hasMessageContaining("paper-ambiguity");
    }

    @Test
    @SuppressWarnings("deprecation")
    void legacyAssumptionFlag_mapsToAnOrigin_andBack() {
        ConfigKey assumed = new ConfigKey("p.a", "1", "d", true);
        ConfigKey stated = new ConfigKey("p.b", "1", "d", false);
        assertThat(assumed.origin()).isEqualTo(KeyOrigin.RECONSTRUCTION);
        assertThat(assumed.assumption()).isTrue();
        assertThat(stated.origin()).isEqualTo(KeyOrigin.PAPER);
        assertThat(stated.assumption()).isFalse();
        assertThat(assumed.basis()).isEmpty();
    }

    @Test
    @SuppressWarnings("deprecation")
    void assumption_isTrueForEveryOriginOfOurs() {
        assertThat(new ConfigKey("p.g", "1", "d", KeyOrigin.GUARD, "why").assumption()).isTrue();
        assertThat(new ConfigKey("p.m", "1", "d", KeyOrigin.PAPER_AMBIGUITY, "eq. 7").assumption()).isTrue();
        assertThat(new ConfigKey("p.s", "1", "d", KeyOrigin.SOLVER, "limit").assumption()).isFalse();
    }

    @Test
    void nullOrigin_isRefusedWithItsName() {
        assertThatThrownBy(() -> new ConfigKey("p.x", "1", "d", null, "")).hasMessageContaining("origin");
    }
}
