package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.DoubleStream;
import org.edgefm.control.stats.Quantiles;
import org.junit.jupiter.api.Test;

/** The host's windowed quantiles on a fake clock: the project's quantile definition, the window, the bound. */
class WindowedQuantilesTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(7 * S);

    @Test
    void inTheWindow_theQuantilesAreThoseOfQuantiles() {
        WindowedQuantiles w = new WindowedQuantiles(30 * S, 10_000, now::get);
        SplittableRandom r = new SplittableRandom(3);
        double[] v = DoubleStream.generate(() -> r.nextDouble() * 300).limit(997).toArray();
        for (int i = 0; i < v.length; i++) {
            w.record(v[i]);
            now.addAndGet(15_000_000L); // 15 s in all: within the window
        }
        assertThat(w.size()).isEqualTo(997);
        double[] expected = Quantiles.of(v, 0.5, 0.99);
        assertThat(w.quantiles(0.5, 0.99)).containsExactly(expected);
        assertThat(w.quantile(1.0)).isEqualTo(DoubleStream.of(v).max().orElseThrow());
    }

    @Test
    void samplesOlderThanTheWindowAreForgotten() {
        WindowedQuantiles w = new WindowedQuantiles(30 * S, 1_000, now::get);
        for (int i = 0; i < 100; i++) {
            w.record(500); // a slow spell
        }
        now.addAndGet(10 * S);
        for (int i = 0; i < 100; i++) {
            w.record(10);
        }
        assertThat(w.quantile(0.99)).as("the slow spell is 10 s old").isEqualTo(500);
        now.addAndGet(21 * S); // the slow spell's bucket has rotated out; the 10 ms one not yet
        assertThat(w.size()).isEqualTo(100);
        assertThat(w.quantile(0.99)).isEqualTo(10);
        now.addAndGet(3600 * S);
        assertThat(w.size()).isZero();
        assertThat(w.quantile(0.5)).isNaN();
    }

    @Test
    void memoryIsBounded_andALargeBucketIsSampledUniformly() {
        WindowedQuantiles w = new WindowedQuantiles(30 * S, 500, now::get);
        for (int i = 0; i < 100_000; i++) {
            w.record(i % 1_000); // uniform on 0..999
        }
        assertThat(w.size()).isEqualTo(500);
        assertThat(w.quantile(0.5)).isBetween(400.0, 600.0);
        assertThat(w.quantile(0.99)).isGreaterThan(930.0);
    }

    @Test
    void badSamplesAreIgnored_badSettingsRefused() {
        WindowedQuantiles w = new WindowedQuantiles(30 * S, 10, now::get);
        w.record(Double.NaN);
        w.record(-1);
        w.record(Double.POSITIVE_INFINITY);
        assertThat(w.size()).isZero();
        assertThatThrownBy(() -> new WindowedQuantiles(2, 10, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowedQuantiles(30 * S, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostMeters_publishTheWindowsQuantiles() {
        HostMeters m = new HostMeters();
        double[] lags = new double[100];
        for (int i = 1; i <= 100; i++) {
            m.decisionLag(i * 1_000_000L); // 1..100 ms
            lags[i - 1] = i;
        }
        double p99 = m.windowQuantileMs(m.decisionLagTimer(), 0.99);
        assertThat(p99).isEqualTo(Quantiles.of(lags, 0.99)).isCloseTo(99.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(m.windowQuantileMs(m.decisionLagTimer(), 0.5)).isCloseTo(50.0, org.assertj.core.data.Offset.offset(0.05));
        String scrape = m.registry().scrape();
        assertThat(scrape).containsPattern("edgefm_decision_lag_window_p99_seconds 0\\.099");
        assertThat(scrape).doesNotContain("edgefm_decision_lag_seconds{quantile=");
    }
}
