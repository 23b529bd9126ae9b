package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.edgefm.api.ConfigException;
import org.edgefm.control.LinkEstimator;
import org.junit.jupiter.api.Test;

/** The host configuration's {@code links.*} keys. */
class HostConfigLinksTest {
    @Test
    void hostConfig_readsTheLinksKeys() {
        HostConfig c = HostConfig.defaults().with(Map.of("links.estimate", "blend", "links.ewmaWeight", "0.5"));
        assertThat(c.links().mode()).isEqualTo(LinkEstimator.Mode.BLEND);
        assertThat(c.links().ewmaWeight()).isEqualTo(0.5);
        assertThat(c.links().maxAgeMs()).isEqualTo(30_000);
        assertThat(HostConfig.defaults().links().mode()).isEqualTo(LinkEstimator.Mode.MEASURED);
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.estimate", "guess")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("links.estimate: 'guess' (expected: measured, declared or blend)");
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.ewmaWeight", "0")))
                .hasMessage("links.ewmaWeight: 0.0 (expected: in (0, 1])");
        HostConfig r = HostConfig.defaults().with(Map.of("links.rebuildNoiseK", "3", "links.rebuildMinIntervalMs", "0"));
        assertThat(r.links().rebuildNoiseK()).isEqualTo(3);
        assertThat(r.links().rebuildMinIntervalMs()).isZero();
        assertThat(HostConfig.defaults().links().rebuildNoiseK()).isEqualTo(3);
        assertThat(HostConfig.defaults().links().noiseWeight()).isEqualTo(0.1);
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.noiseWeight", "1.5")))
                .hasMessage("links.noiseWeight: 1.5 (expected: in (0, 1])");
        assertThat(HostConfig.defaults().links().rebuildMinIntervalMs()).isEqualTo(10_000);
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.rebuildNoiseK", "-1")))
                .hasMessage("links.rebuildNoiseK: -1.0 (expected: >= 0)");
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.rebuildMinIntervalMs", "-5")))
                .hasMessage("links.rebuildMinIntervalMs: -5.0 (expected: >= 0)");
    }
}
