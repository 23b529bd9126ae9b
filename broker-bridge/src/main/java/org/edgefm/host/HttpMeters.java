package org.edgefm.host;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.util.Arrays;

/**
 * Shapes the HTTP server meters that the host's Vert.x writes into its registry ({@link HostVertx}):
 * requests that matched no route get {@code route="unmatched"}, and the HTTP response time gets a few
 * fixed histogram buckets ({@link MeterBuckets#HTTP}). Part of {@link HostMeters}.
 */
final class HttpMeters {
    private HttpMeters() {
    }

    /** The {@code route} label of HTTP requests that matched no route (Vert.x leaves it empty). */
    static final String UNMATCHED_ROUTE = "unmatched";

    /** Empty {@code route} label values become {@value #UNMATCHED_ROUTE}. */
    static MeterFilter unmatchedRoute() {
        return MeterFilter.replaceTagValues("route", v -> v.isEmpty() ? UNMATCHED_ROUTE : v);
    }

    /** The buckets of {@code vertx.http.server.response.time}. */
    static MeterFilter responseTimeBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("vertx.http.server.response.time")) {
                    return config;
                }
                double[] slos = Arrays.stream(MeterBuckets.HTTP).mapToDouble(d -> d.toNanos()).toArray();
                return DistributionStatisticConfig.builder().serviceLevelObjectives(slos).build().merge(config);
            }
        };
    }
}
