package org.edgefm.host;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import org.edgefm.host.broker.EmbeddedBroker;

/**
 * The embedded broker's meters: {@code edgefm_broker_connections} (clients connected), PUBLISH
 * packets received and sent, messages dropped, and connections or publishes the broker refused (by
 * reason); each reads the broker's own counters at scrape time; and whether the host's own MQTT client
 * is connected to its broker. Part of {@link HostMeters}.
 */
final class BrokerMeters {
    private BrokerMeters() {
    }

    static void register(MeterRegistry registry, EmbeddedBroker broker) {
        FunctionCounter.builder("edgefm.broker.publishes.received", broker,
                b -> b.counts().publishesIn()).description("PUBLISH packets the embedded broker received from clients")
                .register(registry);
        FunctionCounter.builder("edgefm.broker.publishes.sent", broker,
                b -> b.counts().publishesOut()).description("PUBLISH packets the embedded broker sent to subscribers")
                .register(registry);
        FunctionCounter.builder("edgefm.broker.messages.dropped", broker,
                b -> b.counts().dropped()).description("Messages the embedded broker dropped (full queues, QoS 0 to slow clients)")
                .register(registry);
        Gauge.builder("edgefm.broker.connections", broker, b -> b.connections())
                .description("Clients connected to the embedded broker").register(registry);
        for (String kind : EmbeddedBroker.REFUSAL_KINDS) {
            FunctionCounter.builder("edgefm.broker.refusals", broker,
                    b -> b.refusals().getOrDefault(kind, 0L)).tag("reason", kind)
                    .description("Connections and publishes the embedded broker refused, by reason").register(registry);
        }
    }

    /** {@code edgefm_broker_connected}: 1 while the host's own MQTT client is connected to its broker. */
    static void registerLink(MeterRegistry registry, BooleanSupplier connected) {
        Gauge.builder("edgefm.broker.connected", connected, c -> c.getAsBoolean() ? 1 : 0).strongReference(true)
                .description("1 while the host's MQTT client is connected to the broker").register(registry);
    }
}
