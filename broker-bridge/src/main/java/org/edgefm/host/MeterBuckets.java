package org.edgefm.host;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * The fixed histogram buckets of the host's timers, one set per kind of duration. Part of
 * {@link HostMeters}.
 */
final class MeterBuckets {
    private MeterBuckets() {
    }

    /** Buckets of the loop's timers (decision lag, step, light decision, core placement): 1 ms to 10 s. */
    static final Duration[] LOOP = ms(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);
    /** Buckets of message timings (telemetry lag, publish to acknowledgement): 5 ms to 30 s. */
    static final Duration[] MESSAGE = ms(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000);
    /** Buckets of {@code edgefm_task_latency_seconds}: 10 ms to 60 s (deadlines of edge tasks lie in this range). */
    static final Duration[] TASK = ms(10, 25, 50, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000,
            3_000, 5_000, 10_000, 30_000, 60_000);
    /** Buckets of Vert.x's {@code vertx_http_server_response_time_seconds} histogram: 5 ms to 5 s. */
    static final Duration[] HTTP = LongStream.of(5, 25, 100, 250, 1_000, 5_000)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    private static Duration[] ms(double... ms) {
        return Arrays.stream(ms).mapToObj(m -> Duration.ofNanos((long) (m * 1e6))).toArray(Duration[]::new);
    }
}
