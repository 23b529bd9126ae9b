package org.edgefm.host;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Recent samples of the host's timers (ms) and the gauges that publish their p50 and p99 over the
 * last 20 to 30 s ({@code NAME_p50_seconds}, {@code NAME_p99_seconds}), by the project's one
 * quantile definition ({@link org.edgefm.control.stats.Quantiles}). Part of {@link HostMeters};
 * windows are added while the meters are built, then only recorded into and read.
 */
final class TimerWindows {
    /** Percentiles cover roughly the last 20 to 30 s. */
    private static final Duration WINDOW = Duration.ofSeconds(30);
    /** Samples each timer's window keeps per 10 s (a uniform sample beyond that). */
    private static final int WINDOW_SAMPLES = 8_192;
    private static final double[] WINDOW_QUANTILES = {0.5, 0.99};

    private final MeterRegistry registry;
    private final Map<Timer, WindowedQuantiles> windows = new IdentityHashMap<>();

    TimerWindows(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Keeps a window of {@code timer}'s samples and registers its gauges {@code NAME.p50} and {@code NAME.p99}. */
    void add(Timer timer, String name, String what) {
        WindowedQuantiles w = new WindowedQuantiles(WINDOW.toNanos(), WINDOW_SAMPLES, System::nanoTime);
        windows.put(timer, w);
        for (double q : WINDOW_QUANTILES) {
            // a gauge per quantile: Prometheus reserves the "quantile" label for summaries
            String p = "p" + Math.round(q * 100);
            // 0 while the window is empty, as Micrometer's percentiles (a NaN sample breaks rate rules and dashboards)
            Gauge.builder(name + "." + p, w, x -> {
                double v = x.quantile(q);
                return Double.isNaN(v) ? 0 : v / 1e3;
            })
                    .description(what + ": " + p + " over the last 20 to 30 s (nearest rank, as every EdgeFM percentile)")
                    .baseUnit("seconds").register(registry);
        }
    }

    /** Records one sample of {@code timer} (negative values count as 0). */
    void record(Timer timer, long nanos) {
        windows.get(timer).record(Math.max(0, nanos) / 1e6);
    }

    /** The {@code q}-quantile (ms) of {@code timer}'s window; NaN without samples or for a timer without a window. */
    double quantileMs(Timer timer, double q) {
        WindowedQuantiles w = windows.get(timer);
        return w == null ? Double.NaN : w.quantile(q);
    }
}
