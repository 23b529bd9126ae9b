package org.edgefm.agent.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.agent.AgentConfig;
import org.edgefm.wire.PeerMetrics;

/**
 * Smoothed round-trip time and throughput per peer, from request-response times of real stage
 * transfers and of probes. A transfer of at least {@code links.minThroughputBytes} is a throughput
 * sample: its bytes over its time less the smoothed round trip (at least a tenth of its time, so a
 * noisy round trip never makes the rate explode); a smaller one, and every round-trip probe, is a
 * round-trip sample. Each figure is robust to single outliers (the first requests over a new
 * connection, a garbage-collection pause): a sample enters a window of the last
 * {@code links.window} samples, and the window's median is one step of an exponentially weighted
 * moving average with weight {@code links.ewmaWeight}; until the window is full (and when it first
 * is) the figure is the median of the samples so far (the lower one of an even count). Thread-safe.
 *
 * <p>Samples taken while an end of the link is loading model parts are not link measurements: the
 * load saturates the CPU (memory-mapping and converting weights, JIT), so a probe or transfer then
 * measures the busy process, not the network, and a few such samples would make the planners see a
 * slow link for minutes. A sample is discarded (and counted, {@link #discarded()}) when this agent
 * was loading at any time during it ({@link #loadingStarted()}, {@link #loadingEnded(long)}) or when
 * the peer's answer said it was loading ({@link #LOADING_HEADER}).
 */
public final class LinkMeter {
    /** The last samples of one figure and its smoothed value. */
    private static final class Figure {
        private final double[] window;
        private final double[] sorted;
        private int count;
        private int next;
        double value = Double.NaN;

        Figure(int size) {
            window = new double[size];
            sorted = new double[size];
        }

        void add(double sample, double weight) {
            boolean filling = count < window.length; // the first full window also starts the average
            window[next] = sample;
            next = (next + 1) % window.length;
            count = Math.min(count + 1, window.length);
            System.arraycopy(window, 0, sorted, 0, count);
            Arrays.sort(sorted, 0, count);
            double median = sorted[(count - 1) / 2];
            value = filling ? median : (1 - weight) * value + weight * median;
        }
    }

    private final class Link {
        final Figure rtt = new Figure(window);
        final Figure rate = new Figure(window);
        long samples;
        long lastMs;
    }

    private final int window;
    private final double weight;
    private final int minThroughputBytes;
    private final double minSendShare;
    private final long maxAgeMs;
    private final Map<String, Link> links = new TreeMap<>();
    /** Loads in progress on this agent. */
    private int loading;
    /** When the last load ended (ms), or {@link Long#MIN_VALUE}. */
    private long loadEndedMs = Long.MIN_VALUE;
    private long discarded;

    /**
     * The response header an agent sets on its answers (probes and stage transfers) while it loads
     * model parts; a sample whose answer carries it is discarded.
     */
    public static final String LOADING_HEADER = "EdgeFM-Loading";

    /** A meter with the agent's {@code links.*} settings. */
    public LinkMeter(AgentConfig.Links settings) {
        this.weight = settings.ewmaWeight();
        this.window = settings.window();
        this.minThroughputBytes = settings.minThroughputBytes();
        this.minSendShare = settings.minSendShare();
        this.maxAgeMs = (long) (settings.maxAgeS() * 1000);
    }

    /** This agent starts loading model parts (calls nest: each start needs its {@link #loadingEnded}). */
    public synchronized void loadingStarted() {
        loading++;
    }

    /** A load that {@link #loadingStarted()} announced ended at {@code nowMs}. */
    public synchronized void loadingEnded(long nowMs) {
        loading = Math.max(0, loading - 1);
        loadEndedMs = Math.max(loadEndedMs, nowMs);
    }

    /** True while this agent loads model parts (its answers then carry {@link #LOADING_HEADER}). */
    public synchronized boolean loading() {
        return loading > 0;
    }

    /** Samples discarded because an end of the link was loading model parts. */
    public synchronized long discarded() {
        return discarded;
    }

    /**
     * A sample that the peer's answer marked as taken while it loaded model parts: counted, not used.
     */
    public synchronized void discardPeerLoading() {
        discarded++;
    }

    /** True (and counted) when a sample that took {@code elapsedMs} up to {@code nowMs} overlaps a load here. */
    private boolean duringLoad(double elapsedMs, long nowMs) {
        if (loading > 0 || (loadEndedMs != Long.MIN_VALUE && loadEndedMs >= nowMs - Math.ceil(elapsedMs))) {
            discarded++;
            return true;
        }
        return false;
    }

    /** A round-trip sample to {@code peer}, measured at {@code nowMs}. */
    public synchronized void roundTrip(String peer, double rttMs, long nowMs) {
        if (duringLoad(rttMs, nowMs)) {
            return;
        }
        Link l = links.computeIfAbsent(peer, k -> new Link());
        l.rtt.add(rttMs, weight);
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
        if (duringLoad(elapsedMs, nowMs)) {
            return;
        }
        Link l = links.computeIfAbsent(peer, k -> new Link());
        double rtt = !Double.isNaN(rttMs) ? rttMs : Double.isNaN(l.rtt.value) ? 0 : l.rtt.value;
        double sendMs = Math.max(elapsedMs - rtt, elapsedMs * minSendShare);
        if (sendMs > 0) {
            l.rate.add(bytes / 1e6 / sendMs, weight);
            l.samples++;
            l.lastMs = nowMs;
        }
    }

    /** The links measured within {@code links.maxAgeS} of {@code nowMs}; older ones are forgotten. */
    public synchronized List<PeerMetrics> metrics(long nowMs) {
        links.values().removeIf(l -> nowMs - l.lastMs > maxAgeMs);
        List<PeerMetrics> out = new ArrayList<>();
        links.forEach((peer, l) -> out.add(new PeerMetrics(peer, Double.isNaN(l.rtt.value) ? null : l.rtt.value,
                Double.isNaN(l.rate.value) ? null : l.rate.value, l.samples, Math.max(0, nowMs - l.lastMs))));
        return out;
    }
}
