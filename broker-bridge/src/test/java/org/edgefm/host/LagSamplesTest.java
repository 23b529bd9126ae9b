package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whole-run decision-lag percentiles over a window of slots. */
class LagSamplesTest {
    @Test
    void summary_ofAWindow_leavesOutTheSlotsBeforeAndAfterIt() {
        LagSamples s = new LagSamples();
        s.add(900_000_000L); // joining
        for (int i = 1; i <= 100; i++) {
            s.add(i * 1_000_000L);
        }
        s.add(700_000_000L); // the fleet going away after the window
        HostMeters.LagSummary window = s.summary(1, 101);
        assertThat(window.count()).isEqualTo(100);
        assertThat(window.maxMs()).isEqualTo(100.0);
        assertThat(window.p50Ms()).isBetween(50.0, 51.0);
        HostMeters.LagSummary open = s.summary(1);
        assertThat(open.count()).isEqualTo(101);
        assertThat(open.maxMs()).isEqualTo(700.0);
        assertThat(s.summary(90, 10).count()).isZero();
        assertThat(s.summary(0, 1_000).count()).isEqualTo(102);
    }
}
