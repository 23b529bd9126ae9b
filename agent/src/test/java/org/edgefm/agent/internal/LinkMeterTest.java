package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.edgefm.agent.AgentConfig;
import org.edgefm.wire.PeerMetrics;
import org.junit.jupiter.api.Test;

class LinkMeterTest {
    private final LinkMeter meter = new LinkMeter(new AgentConfig.Links(null, null, 10_000, null, 0.5, 60.0, 1));

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

    @Test
    void warmUpOutlier_doesNotReachTheFigure() {
        LinkMeter median = new LinkMeter(new AgentConfig.Links(null, null, 10_000, null, 0.3, 60.0, 5));
        median.roundTrip("b", 1500, 1000); // first request over a new connection, cold receiver
        assertThat(median.metrics(1000).get(0).rttMs()).isEqualTo(1500.0); // nothing else known yet
        median.roundTrip("b", 3, 1100);
        assertThat(median.metrics(1100).get(0).rttMs()).isEqualTo(3.0);
        for (int i = 0; i < 10; i++) {
            median.roundTrip("b", 3 + (i % 2), 1200 + i);
        }
        assertThat(median.metrics(1300).get(0).rttMs()).isBetween(3.0, 4.0);
        // The plain EWMA (window 1) still carries the outlier after the same twelve samples.
        LinkMeter plain = new LinkMeter(new AgentConfig.Links(null, null, 10_000, null, 0.3, 60.0, 1));
        plain.roundTrip("b", 1500, 1000);
        for (int i = 0; i < 11; i++) {
            plain.roundTrip("b", 3 + (i % 2), 1100 + i);
        }
        assertThat(plain.metrics(1300).get(0).rttMs()).isGreaterThan(10.0);
    }

    @Test
    void stepChange_reachesTheFigureOnceItHoldsHalfTheWindow() {
        LinkMeter m = new LinkMeter(new AgentConfig.Links(null, null, 10_000, null, 1.0, 60.0, 5));
        for (int i = 0; i < 5; i++) {
            m.roundTrip("b", 2, 1000 + i);
        }
        m.roundTrip("b", 40, 2000);
        m.roundTrip("b", 40, 2001);
        assertThat(m.metrics(2001).get(0).rttMs()).isEqualTo(2.0); // two of five: still an outlier
        m.roundTrip("b", 40, 2002);
        assertThat(m.metrics(2002).get(0).rttMs()).isEqualTo(40.0); // three of five: the new level
    }

    @Test
    void throughputSamples_haveTheirOwnWindow() {
        LinkMeter m = new LinkMeter(new AgentConfig.Links(null, null, 10_000, null, 0.3, 60.0, 3));
        m.roundTrip("b", 0, 1000);
        m.transfer("b", 1_000_000, 1000, 0, 1001); // 0.001 MB/ms: a stalled first transfer
        m.transfer("b", 1_000_000, 10, 0, 1002);   // 0.1
        m.transfer("b", 1_000_000, 10, 0, 1003);   // 0.1
        assertThat(m.metrics(1003).get(0).throughputMbPerMs()).isCloseTo(0.1, within(1e-9));
        assertThat(m.metrics(1003).get(0).samples()).isEqualTo(4L);
    }

    @Test
    void windowOutsideItsRange_isRefusedNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AgentConfig.Links(null, null, null, null, null, null, 0))
                .hasMessageContaining("links.window: 0");
    }

    @Test
    void samplesWhileLoadingParts_areDiscardedAndCounted_andTheLinkKeepsItsFigure() {
        meter.roundTrip("b", 2, 1000);
        meter.loadingStarted();
        meter.roundTrip("b", 400, 2000);
        meter.transfer("b", 1_000_000, 500, Double.NaN, 2100);
        meter.loadingEnded(3000);
        PeerMetrics p = meter.metrics(3000).get(0);
        assertThat(p.rttMs()).isEqualTo(2.0);
        assertThat(p.throughputMbPerMs()).isNull();
        assertThat(p.samples()).isEqualTo(1L);
        assertThat(meter.discarded()).isEqualTo(2L);
    }

    @Test
    void sampleThatBeganBeforeALoadEnded_isDiscarded_oneThatBeganAfter_isKept() {
        meter.loadingStarted();
        meter.loadingEnded(5000);
        meter.roundTrip("b", 30, 5020); // sent at 4990, while loading
        assertThat(meter.metrics(5020)).isEmpty();
        meter.roundTrip("b", 10, 5020); // sent at 5010, after the load
        assertThat(meter.metrics(5020).get(0).rttMs()).isEqualTo(10.0);
        assertThat(meter.discarded()).isEqualTo(1L);
        assertThat(meter.loading()).isFalse();
    }

    @Test
    void nestedLoads_keepDiscardingUntilTheLastEnds() {
        meter.loadingStarted();
        meter.loadingStarted();
        meter.loadingEnded(1000);
        assertThat(meter.loading()).isTrue();
        meter.roundTrip("b", 1, 2000);
        meter.loadingEnded(2500);
        meter.roundTrip("b", 1, 3000);
        assertThat(meter.discarded()).isEqualTo(1L);
        assertThat(meter.metrics(3000).get(0).samples()).isEqualTo(1L);
    }
}
