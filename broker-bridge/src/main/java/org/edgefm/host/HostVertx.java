package org.edgefm.host;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the host's {@link Vertx} with Vert.x's own Micrometer metrics in the host's registry, so that
 * one {@code /metrics} scrape shows the {@code edgefm_} meters and Vert.x's:
 * <ul>
 *   <li>HTTP server ({@code vertx_http_server_*}): requests, response time and sizes, labelled by the
 *       matched route template ({@code route}) and status code ({@code code}), never by the raw path,
 *       the method or the client address, so a scan of unknown paths adds no series;</li>
 *   <li>named pools ({@code vertx_pool_*}): queue time, pending and in-use counts of the worker and
 *       internal blocking pools ({@code pool_type}, {@code pool_name});</li>
 *   <li>Netty ({@code netty_eventexecutor_tasks_pending} per event loop, {@code netty_allocator_*});</li>
 *   <li>the JVM ({@code jvm_*}, {@code process_*}, {@code system_*}) from Micrometer's binders.</li>
 * </ul>
 * The event bus, clients, TCP and UDP servers and verticles are not measured: the host does not use
 * them for anything an operator watches.
 */
final class HostVertx {
    /** Vert.x keeps its metrics backends in a static map by name: one name per host keeps hosts in one JVM apart. */
    private static final AtomicLong HOSTS = new AtomicLong();

    private HostVertx() {
    }

    /** A new Vertx whose metrics go to {@code registry}. */
    static Vertx create(MeterRegistry registry) {
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(metricsOptions("edgefm-host-" + HOSTS.incrementAndGet())))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /** The metrics options: bounded labels and only the domains listed in the class comment. */
    static MicrometerMetricsOptions metricsOptions(String registryName) {
        MicrometerMetricsOptions o = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(registryName)
                .setJvmMetricsEnabled(true)
                .setNettyMetricsEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
        for (MetricsDomain d : EnumSet.of(MetricsDomain.EVENT_BUS, MetricsDomain.HTTP_CLIENT, MetricsDomain.NET_CLIENT,
                MetricsDomain.NET_SERVER, MetricsDomain.DATAGRAM_SOCKET, MetricsDomain.VERTICLES)) {
            o.addDisabledMetricsCategory(d);
        }
        return o;
    }
}
