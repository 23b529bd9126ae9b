package org.edgefm.host.broker;

import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefm.api.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-client limits on inbound PUBLISH packets: retained payload size, and a token bucket of
 * {@link EmbeddedBroker.Limits#publishesPerSecond()} (the host's own connections are exempt). A
 * refused publish is answered with QUOTA_EXCEEDED (MQTT 5) and never delivered; the client stays
 * connected.
 */
final class PublishLimiter implements PublishInboundInterceptor {
    /** Logs under the broker's name, which operators' log settings address. */
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** Buckets by client id; cleared if it ever holds more clients than this (an open broker's churn). */
    private static final int MAX_BUCKETS = 100_000;
    private final EmbeddedBroker.Limits limits;
    private final RefusalCounts refusals;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

    PublishLimiter(EmbeddedBroker.Limits limits, RefusalCounts refusals) {
        this.limits = Objects.requireNonNull(limits, "limits is null");
        this.refusals = Objects.requireNonNull(refusals, "refusals is null");
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        String role = input.getConnectionInformation().getConnectionAttributeStore()
                .getAsString(BrokerAccess.ROLE_ATTRIBUTE).orElse("");
        if (role.equals(BrokerPolicy.Role.HOST.name())) {
            return;
        }
        String clientId = input.getClientInformation().getClientId();
        var packet = input.getPublishPacket();
        EmbeddedBroker.Limits l = limits;
        if (packet.getRetain()) {
            int size = packet.getPayload().map(ByteBuffer::remaining).orElse(0);
            if (size > l.maxRetainedBytes()) {
                refusals.count("retained-size");
                LOG.warn("refused a retained message of {} bytes from client {} on {} (limit {} bytes)", size,
                        Check.quote(clientId), Check.quote(packet.getTopic()), l.maxRetainedBytes());
                output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED, "retained message larger than "
                        + l.maxRetainedBytes() + " bytes");
                return;
            }
        }
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear();
        }
        double[] b = buckets.computeIfAbsent(clientId, k -> new double[] {l.publishBurst(), System.nanoTime()});
        boolean allowed;
        synchronized (b) {
            long now = System.nanoTime();
            b[0] = Math.min(l.publishBurst(), b[0] + (now - (long) b[1]) / 1e9 * l.publishesPerSecond());
            b[1] = now;
            allowed = b[0] >= 1;
            if (allowed) {
                b[0] -= 1;
            }
        }
        if (!allowed) {
            refusals.count("rate");
            output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED, "more than " + l.publishesPerSecond()
                    + " publishes per second");
        }
    }
}
