package org.edgefm.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.wire.PeerMetrics;

/**
 * Smoothed round-trip time and throughput per peer, from request-response times of real stage
 * transfers and of probes. A transfer of at least {@code links.minThroughputBytes} is a throughput
 * sample: its bytes over its time less the smoothed round trip (at least a tenth of its time, so a
 * noisy round trip never makes the rate explode); a smaller one, and every round-trip probe, is a
 * round-trip sample. Both figures are exponentially weighted moving averages with weight
 * {@code links.ewmaWeight}. Thread-safe.
 */
public final class LinkMeter {
    private static final class Link {
        double rttMs = Double.NaN;
        double mbPerMs = Double.NaN;
        long samples;
        long lastMs;
    }

    private final double weight;
    private final int minThroughputBytes;
    private final double minSendShare;
    private final long maxAgeMs;
    private final Map<String, Link> links = new TreeMap<>();

    /** A meter with the agent's {@code links.*} settings. */
    public LinkMeter(AgentConfig.Links settings) {
        this.weight = settings.ewmaWeight();
        this.minThroughputBytes = settings.minThroughputBytes();
        this.minSendShare = settings.minSendShare();
        this.maxAgeMs = (long) (settings.maxAgeS() * 1000);
    }

    /** A round-trip sample to {@code peer}, measured at {@code nowMs}. */
    public synchronized void roundTrip(String peer, double rttMs, long nowMs) {
        Link l = links.computeIfAbsent(peer, k -> new Link());
        l.rttMs = ewma(l.rttMs, rttMs);
        l.samples++;
        l.lastMs = nowMs;
    }

    /**
     * A completed transfer of {@code bytes} to {@code peer} that took {@code elapsedMs} from sending
     * the request to receiving the answer; {@code rttMs} is a round trip measured just before it, or
     * NaN to use the smoothed one.
     */
    public synchronized void transfer(String peer, long bytes, double elapsedMs, double rttMs, long nowMs) {
        if (bytes < minThroughputBytes) {
            roundTrip(peer, elapsedMs, nowMs);
            return;
        }
        Link l = links.computeIfAbsent(peer, k -> new Link());
        double rtt = !Double.isNaN(rttMs) ? rttMs : Double.isNaN(l.rttMs) ? 0 : l.rttMs;
        double sendMs = Math.max(elapsedMs - rtt, elapsedMs * minSendShare);
        if (sendMs > 0) {
            l.mbPerMs = ewma(l.mbPerMs, bytes / 1e6 / sendMs);
            l.samples++;
            l.lastMs = nowMs;
        }
    }

    private double ewma(double old, double sample) {
        return Double.isNaN(old) ? sample : (1 - weight) * old + weight * sample;
    }

    /** The links measured within {@code links.maxAgeS} of {@code nowMs}; older ones are forgotten. */
    public synchronized List<PeerMetrics> metrics(long nowMs) {
        links.values().removeIf(l -> nowMs - l.lastMs > maxAgeMs);
        List<PeerMetrics> out = new ArrayList<>();
        links.forEach((peer, l) -> out.add(new PeerMetrics(peer, Double.isNaN(l.rttMs) ? null : l.rttMs,
                Double.isNaN(l.mbPerMs) ? null : l.mbPerMs, l.samples, Math.max(0, nowMs - l.lastMs))));
        return out;
    }
}
