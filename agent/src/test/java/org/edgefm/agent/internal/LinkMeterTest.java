package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.wire.PeerMetrics;
import org.junit.jupiter.api.Test;

class LinkMeterTest {
    private final LinkMeter meter = new LinkMeter(new AgentConfig.Links(null, null, 10_000, null, 0.5, 60.0));

    @Test
    void roundTrips_areSmoothedWithTheEwmaWeight() {
        meter.roundTrip("b", 10, 1000);
        meter.roundTrip("b", 20, 1100);
        PeerMetrics p = meter.metrics(1300).get(0);
        assertThat(p.rttMs()).isCloseTo(15.0, within(1e-9));
        assertThat(p.throughputMbPerMs()).isNull();
        assertThat(p.samples()).isEqualTo(2L);
        assertThat(p.ageMs()).isEqualTo(200L);
    }

    @Test
    void smallTransfer_isARoundTripSample() {
        meter.transfer("b", 500, 4, Double.NaN, 1000);
        PeerMetrics p = meter.metrics(1000).get(0);
        assertThat(p.rttMs()).isEqualTo(4.0);
        assertThat(p.throughputMbPerMs()).isNull();
    }

    @Test
    void largeTransfer_countsItsTimeLessTheRoundTrip() {
        meter.roundTrip("b", 2, 1000);
        // 1 MB in 12 ms of which 2 ms is round trip: 0.1 MB/ms
        meter.transfer("b", 1_000_000, 12, Double.NaN, 1001);
        assertThat(meter.metrics(1001).get(0).throughputMbPerMs()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void transferFasterThanTheRoundTrip_isBoundedByATenthOfItsTime() {
        meter.roundTrip("b", 50, 1000);
        meter.transfer("b", 1_000_000, 20, Double.NaN, 1001);
        assertThat(meter.metrics(1001).get(0).throughputMbPerMs()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void peerNotMeasuredWithinMaxAge_isForgotten() {
        meter.roundTrip("b", 1, 1000);
        meter.roundTrip("c", 1, 50_000);
        List<PeerMetrics> m = meter.metrics(61_001);
        assertThat(m).extracting(PeerMetrics::peer).containsExactly("c");
    }

    @Test
    void transferWithItsOwnRoundTrip_usesItInsteadOfTheSmoothedOne() {
        meter.roundTrip("b", 50, 1000);
        // 1 MB in 60 ms right after a 10 ms round trip: 0.02 MB/ms, whatever the smoothed 50 ms says
        meter.transfer("b", 1_000_000, 60, 10, 1001);
        assertThat(meter.metrics(1001).get(0).throughputMbPerMs()).isCloseTo(0.02, within(1e-9));
    }
}
