package org.edgefm.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.Topology;
import org.edgefm.api.spi.LinkEstimate;

/**
 * The host's estimate of each link from what the agents measure, and the topology the planners see.
 * Reports of both directions of a pair are folded into one undirected estimate, an exponentially
 * weighted moving average with weight {@code links.ewmaWeight}; an estimate with no report for
 * {@code links.maxAgeMs} expires and the declared link is used again.
 *
 * <p>{@code links.estimate} says what the planners get: {@code declared} the scenario's links
 * unchanged; {@code measured} each measured link as measured (one-way latency = half the round
 * trip, bandwidth = measured throughput); {@code blend} an average that starts at the declared figures
 * and moves towards each report by {@code links.ewmaWeight}. In both {@code measured} and
 * {@code blend}, a measured pair the scenario does not link directly is added as a link.
 *
 * <p>The model handed out stays the same instance until a link appears or expires (a new model at
 * once, but see below for links that keep appearing) or a figure moves by more than its noise and by
 * more than matters to a planner, no sooner than {@code links.rebuildMinIntervalMs} after the last new
 * model; so planners that cache per model do not re-plan on measurement jitter. Per link the samples' mean and mean absolute
 * deviation {@code dev} are kept as moving averages (weights {@code links.ewmaWeight} and
 * {@code links.noiseWeight}). A one-way latency {@code L} has moved when {@code |L - L0| >
 * max(rebuildThreshold * L0, rebuildMinMs, rebuildNoiseK * dev(L))}, {@code L0} the figure the
 * planners have; a bandwidth {@code B} when {@code |B - B0| > max(rebuildThreshold * B0,
 * rebuildNoiseK * dev(B))} and the transfer time of the scenario's largest stage payload {@code S}
 * (largest task input or service output) changes by more than {@code rebuildMinMs}:
 * {@code S * |1/B - 1/B0| > rebuildMinMs}. Planners use a link's bandwidth for transfer times, so a
 * swing between 1,600 and 2,500 Mbit/s under a payload of a few hundred kB is no change, while 1,000
 * to 20 Mbit/s is.
 *
 * <p>Links that keep appearing are coalesced: a link that appears after an observation that brought no new
 * link gives a new model at once (a node that joins alone has its links in the next slot's model), but while
 * every observation brings new links (a fleet joining, its agents' reports arriving over a few slots) the
 * model is held, and the links that appeared meanwhile enter it together at the first observation that
 * brings none, or {@code links.rebuildMinIntervalMs} after the first held one (a fleet that never stops
 * growing still gets its links). A burst of link births so costs the planners two new models, not one per
 * observation (a planner that analyses each new network from scratch pays for each). A link that expires
 * and a new declared model ({@link #redeclare}) publish whatever is held. {@link #release} publishes it at
 * once. Not thread-safe: the control loop's thread uses it.
 */
public final class LinkEstimator {
    /** What the planners' topology is built from. */
    public enum Mode {
        /** The scenario's links. */
        DECLARED,
        /** Measured figures replace the declared ones. */
        MEASURED,
        /** Declared figures moved towards the measured ones. */
        BLEND;

        /** Parses {@code declared}, {@code measured} or {@code blend}. */
        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s.trim())) {
                    return m;
                }
            }
            throw new ConfigException("links.estimate: '" + s + "' (expected: measured, declared or blend)");
        }
    }

    /**
     * The {@code links.*} host settings.
     *
     * @param mode             {@code links.estimate} (default measured)
     * @param ewmaWeight       {@code links.ewmaWeight}, weight of a new report in (0, 1] (default 0.3)
     * @param maxAgeMs         {@code links.maxAgeMs}, an estimate with no report for this long expires (default 30000)
     * @param rebuildThreshold {@code links.rebuildThreshold}, relative change that gives the planners a new
     *                         topology (default 0.2)
     * @param rebuildMinMs     {@code links.rebuildMinMs}, smallest change in ms, of the one-way latency or of
     *                         the largest stage payload's transfer time, that does (default 1)
     * @param kmPerMs          {@code links.kmPerMs}, propagation speed to turn a declared length into latency
     *                         (default 200, light in fibre)
     * @param rebuildNoiseK    {@code links.rebuildNoiseK}, a change must also exceed this many mean absolute
     *                         deviations of the link's own samples (default 3)
     * @param noiseWeight      {@code links.noiseWeight}, weight of a new report in the samples' mean absolute
     *                         deviation, in (0, 1] (default 0.1: steadier than the estimate itself)
     * @param rebuildMinIntervalMs {@code links.rebuildMinIntervalMs}, fleet-clock ms between a new model and
     *                         the next one for moved figures; a link that appears or expires does not wait
     *                         (default 10000)
     */
    public record Settings(Mode mode, double ewmaWeight, double maxAgeMs, double rebuildThreshold, double rebuildMinMs,
            double kmPerMs, double rebuildNoiseK, double noiseWeight, double rebuildMinIntervalMs) {
        /** Validates every field. */
        public Settings {
            Objects.requireNonNull(mode, "mode is null");
            if (!(ewmaWeight > 0 && ewmaWeight <= 1)) {
                throw new ConfigException("links.ewmaWeight: " + ewmaWeight + " (expected: in (0, 1])");
            }
            if (!(maxAgeMs > 0)) {
                throw new ConfigException("links.maxAgeMs: " + maxAgeMs + " (expected: > 0)");
            }
            if (!(rebuildThreshold >= 0)) {
                throw new ConfigException("links.rebuildThreshold: " + rebuildThreshold + " (expected: >= 0)");
            }
            if (!(rebuildMinMs >= 0)) {
                throw new ConfigException("links.rebuildMinMs: " + rebuildMinMs + " (expected: >= 0)");
            }
            if (!(kmPerMs > 0)) {
                throw new ConfigException("links.kmPerMs: " + kmPerMs + " (expected: > 0)");
            }
            if (!(rebuildNoiseK >= 0) || Double.isInfinite(rebuildNoiseK)) {
                throw new ConfigException("links.rebuildNoiseK: " + rebuildNoiseK + " (expected: >= 0)");
            }
            if (!(noiseWeight > 0 && noiseWeight <= 1)) {
                throw new ConfigException("links.noiseWeight: " + noiseWeight + " (expected: in (0, 1])");
            }
            if (!(rebuildMinIntervalMs >= 0) || Double.isInfinite(rebuildMinIntervalMs)) {
                throw new ConfigException("links.rebuildMinIntervalMs: " + rebuildMinIntervalMs + " (expected: >= 0)");
            }
        }

        /**
         * Settings with the default {@code links.rebuildNoiseK}, {@code links.noiseWeight} and
         * {@code links.rebuildMinIntervalMs}.
         */
        public Settings(Mode mode, double ewmaWeight, double maxAgeMs, double rebuildThreshold, double rebuildMinMs,
                double kmPerMs) {
            this(mode, ewmaWeight, maxAgeMs, rebuildThreshold, rebuildMinMs, kmPerMs, DEFAULT_NOISE_K,
                    DEFAULT_NOISE_WEIGHT, DEFAULT_MIN_INTERVAL_MS);
        }

        /** The defaults. */
        public static Settings defaults() {
            return new Settings(Mode.MEASURED, 0.3, 30_000, 0.2, 1.0, Latency.DEFAULT_KM_PER_MS);
        }
    }

    /** Default {@code links.rebuildNoiseK}. */
    public static final double DEFAULT_NOISE_K = 3.0;
    /** Default {@code links.noiseWeight}. */
    public static final double DEFAULT_NOISE_WEIGHT = 0.1;
    /** Default {@code links.rebuildMinIntervalMs}. */
    public static final double DEFAULT_MIN_INTERVAL_MS = 10_000;

    /** Why {@link #observe} gave the planners a new model, or {@link #NONE}. */
    public enum Change {
        /** The model stays the same instance. */
        NONE,
        /** A measured link entered the model. */
        APPEARED,
        /** A measured link expired; the declared one, if any, applies again. */
        EXPIRED,
        /** A measured figure moved beyond its noise and the rebuild floors (routine). */
        MOVED;

        /** The label for logs and meters: {@code link-appeared}, {@code link-expired} or {@code moved}. */
        public String label() {
            return switch (this) {
                case NONE -> "none";
                case APPEARED -> "link-appeared";
                case EXPIRED -> "link-expired";
                case MOVED -> "moved";
            };
        }
    }

    private static final double MIN_MB_PER_MS = 1e-9;
    /** Measured links a log line names; a large fleet's are counted, not listed. */
    static final int DESCRIBED_LINKS = 20;
    /** 1 MB/ms = 8,000 Mbit/s. */
    private static final double MBIT_PER_MB_PER_MS = 8_000;

    private static final class Estimate {
        /** What the planners get (in blend: from the declared figures towards the reports). */
        double rttMs;
        double mbPerMs;
        /** The samples' own moving mean and mean absolute deviation (their noise). */
        double sampleRttMs;
        double sampleMbPerMs;
        double rttDevMs;
        double mbPerMsDev;
        double lastMs;

        void sample(LinkEstimate r, double w, double dw) {
            rttDevMs = (1 - dw) * rttDevMs + dw * Math.abs(r.rttMs() - sampleRttMs);
            mbPerMsDev = (1 - dw) * mbPerMsDev + dw * Math.abs(r.bandwidthMbPerMs() - sampleMbPerMs);
            sampleRttMs = (1 - w) * sampleRttMs + w * r.rttMs();
            sampleMbPerMs = (1 - w) * sampleMbPerMs + w * r.bandwidthMbPerMs();
        }
    }

    private final Settings settings;
    private SystemModel declared;
    private Set<String> nodes;
    private final Map<String, Estimate> estimates = new TreeMap<>();
    /** The largest payload that crosses a link, MB: any task input or service output. */
    private final double payloadMb;
    private SystemModel effective;
    private Map<String, LinkSpec> effectiveLinks;
    /** The measured links in {@link #effective}. */
    private Set<String> publishedMeasured = Set.of();
    private double lastRebuildMs = Double.NaN;
    /** The previous observation brought a link not estimated before. */
    private boolean grewLast;
    /** Fleet clock of the first appearance held back, NaN when none is held. */
    private double heldSinceMs = Double.NaN;
    /** Appearances held back so far (each an observation whose new links waited). */
    private long held;

    /** An estimator over the declared model's topology. */
    public LinkEstimator(Settings settings, SystemModel declared) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.declared = Objects.requireNonNull(declared, "declared is null");
        this.nodes = declared.topology().nodesById().keySet();
        this.effective = declared;
        Map<String, LinkSpec> links = new TreeMap<>();
        declared.topology().links().forEach(l -> links.put(key(l.a(), l.b()), l));
        this.effectiveLinks = links;
        double payload = 0;
        for (TaskType t : declared.taskTypes()) {
            payload = Math.max(payload, t.inputMb());
        }
        for (ServiceSpec sv : declared.services()) {
            payload = Math.max(payload, sv.outputMb());
        }
        this.payloadMb = payload;
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    /** The round trip of a link spec in ms: twice its one-way latency (propagation plus fixed latency). */
    public double specRttMs(LinkSpec l) {
        return Latency.roundTripMs(l, settings.kmPerMs());
    }

    /**
     * Folds in new reports (each a new measurement) received up to {@code nowMs}, expires stale
     * estimates and gives the planners a new model when one of the rules in the class comment says so.
     *
     * @return why {@link #model()} is a new instance, or {@link Change#NONE}
     */
    public Change observe(List<LinkEstimate> reports, double nowMs) {
        boolean grew = false;
        for (LinkEstimate r : reports) {
            if (r.a().equals(r.b()) || !nodes.contains(r.a()) || !nodes.contains(r.b())) {
                continue;
            }
            String k = key(r.a(), r.b());
            Estimate e = estimates.get(k);
            if (e == null) {
                e = new Estimate();
                LinkSpec d = declared.topology().link(r.a(), r.b()).orElse(null);
                boolean seedDeclared = settings.mode() == Mode.BLEND && d != null;
                e.rttMs = seedDeclared ? specRttMs(d) : r.rttMs();
                e.mbPerMs = seedDeclared ? d.bandwidthMbPerMs() : r.bandwidthMbPerMs();
                e.sampleRttMs = r.rttMs();
                e.sampleMbPerMs = r.bandwidthMbPerMs();
                estimates.put(k, e);
                grew = true;
                if (!seedDeclared) {
                    e.lastMs = nowMs;
                    continue;
                }
            }
            double w = settings.ewmaWeight();
            e.rttMs = (1 - w) * e.rttMs + w * r.rttMs();
            e.mbPerMs = (1 - w) * e.mbPerMs + w * r.bandwidthMbPerMs();
            e.sample(r, w, settings.noiseWeight());
            e.lastMs = nowMs;
        }
        estimates.values().removeIf(e -> nowMs - e.lastMs > settings.maxAgeMs());
        Change c = change(nowMs);
        boolean keepAppearing = grew && grewLast;
        grewLast = grew;
        if (c == Change.APPEARED && keepAppearing
                && (Double.isNaN(heldSinceMs) || nowMs - heldSinceMs < settings.rebuildMinIntervalMs())) {
            // links keep appearing: held until an observation brings none, or the interval since the first held one
            if (Double.isNaN(heldSinceMs)) {
                heldSinceMs = nowMs;
            }
            held++;
            return Change.NONE;
        }
        if (c != Change.NONE) {
            rebuild();
            lastRebuildMs = nowMs;
        }
        return c;
    }

    /**
     * Publishes the links held back while they kept appearing (the planners are about to get their first
     * model, so waiting buys nothing).
     *
     * @return why the model is a new instance, or {@link Change#NONE}
     */
    public Change release(double nowMs) {
        if (settings.mode() == Mode.DECLARED || estimates.keySet().equals(publishedMeasured)) {
            return Change.NONE;
        }
        Change c = publishedMeasured.containsAll(estimates.keySet()) ? Change.EXPIRED : Change.APPEARED;
        rebuild();
        lastRebuildMs = nowMs;
        return c;
    }

    /** Observations whose new links were held back while links kept appearing, so far. */
    public long heldAppearances() {
        return held;
    }

    private Change change(double nowMs) {
        if (settings.mode() == Mode.DECLARED) {
            return Change.NONE;
        }
        if (!estimates.keySet().equals(publishedMeasured)) {
            return publishedMeasured.containsAll(estimates.keySet()) ? Change.EXPIRED : Change.APPEARED;
        }
        if (!Double.isNaN(lastRebuildMs) && nowMs - lastRebuildMs < settings.rebuildMinIntervalMs()) {
            return Change.NONE;
        }
        for (Map.Entry<String, Estimate> en : estimates.entrySet()) {
            if (moved(en.getValue(), effectiveLinks.get(en.getKey()))) {
                return Change.MOVED;
            }
        }
        return Change.NONE;
    }

    /** Whether an estimate differs from the link the planners have by more than its noise and the floors. */
    private boolean moved(Estimate e, LinkSpec was) {
        double k = settings.rebuildNoiseK();
        double rel = settings.rebuildThreshold();
        double floorMs = settings.rebuildMinMs();
        double latWas = specRttMs(was) / 2;
        double dLat = Math.abs(e.rttMs / 2 - latWas);
        if (dLat > Math.max(Math.max(rel * latWas, floorMs), k * e.rttDevMs / 2)) {
            return true;
        }
        double bwWas = was.bandwidthMbPerMs();
        double bw = Math.max(MIN_MB_PER_MS, e.mbPerMs);
        double dBw = Math.abs(bw - bwWas);
        if (!(dBw > Math.max(rel * bwWas, k * e.mbPerMsDev))) {
            return false;
        }
        // assumption: planners use bandwidth for transfer times; a change that moves the transfer of the
        // largest stage payload by no more than links.rebuildMinMs does not matter to them
        return payloadMb * Math.abs(1 / bw - 1 / bwWas) > floorMs;
    }

    /** The live estimates (undirected, {@code a < b}), for the planners' observation and reports. */
    public List<LinkEstimate> current() {
        List<LinkEstimate> out = new ArrayList<>();
        estimates.forEach((k, e) -> {
            int bar = k.indexOf('|');
            out.add(new LinkEstimate(k.substring(0, bar), k.substring(bar + 1), e.rttMs, e.mbPerMs));
        });
        return out;
    }

    /** The system model the planners get now; the same instance until {@link #observe} says otherwise. */
    public SystemModel model() {
        return effective;
    }

    private void rebuild() {
        Map<String, LinkSpec> links = new TreeMap<>();
        for (LinkSpec l : declared.topology().links()) {
            links.put(key(l.a(), l.b()), l);
        }
        estimates.forEach((k, e) -> {
            int bar = k.indexOf('|');
            // assumption: the measured one-way latency is half the round trip, all of it fixed latency
            links.put(k, new LinkSpec(k.substring(0, bar), k.substring(bar + 1), Math.max(MIN_MB_PER_MS, e.mbPerMs), 0,
                    e.rttMs / 2));
        });
        effectiveLinks = links;
        publishedMeasured = Set.copyOf(estimates.keySet());
        heldSinceMs = Double.NaN;
        Topology t = new Topology(declared.topology().nodes(), List.copyOf(links.values()));
        effective = new SystemModel(t, declared.services(), declared.taskTypes(), declared.users(), declared.workload());
    }

    /**
     * Takes a new declared model (the fleet that joined has grown): its nodes and declared links,
     * with every live estimate between its nodes kept; {@link #model()} is a new instance.
     */
    public void redeclare(SystemModel model) {
        this.declared = Objects.requireNonNull(model, "model is null");
        this.nodes = model.topology().nodesById().keySet();
        estimates.keySet().removeIf(k -> {
            int bar = k.indexOf('|');
            return !nodes.contains(k.substring(0, bar)) || !nodes.contains(k.substring(bar + 1));
        });
        if (settings.mode() == Mode.DECLARED) {
            Map<String, LinkSpec> links = new TreeMap<>();
            model.topology().links().forEach(l -> links.put(key(l.a(), l.b()), l));
            effectiveLinks = links;
            effective = model;
        } else {
            rebuild();
        }
    }

    /** The largest stage payload in MB whose transfer time the bandwidth test weighs. */
    public double payloadMb() {
        return payloadMb;
    }

    /**
     * One line on what the planners see, for the log: the mode, the count of measured links and each
     * measured link as the planners have it ({@code a-b RTT ms, MBIT Mbit/s}).
     */
    public String describe() {
        int measured = settings.mode() == Mode.DECLARED ? 0 : publishedMeasured.size();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "links.estimate=%s: %d measured link(s) in the planners' topology",
                settings.mode().name().toLowerCase(Locale.ROOT), measured));
        String sep = ": ";
        List<String> keys = publishedMeasured.stream().sorted().toList();
        for (String k : keys.subList(0, Math.min(keys.size(), DESCRIBED_LINKS))) {
            LinkSpec l = effectiveLinks.get(k);
            b.append(sep).append(String.format(Locale.ROOT, "%s-%s %.1f ms, %.0f Mbit/s", l.a(), l.b(), specRttMs(l),
                    l.bandwidthMbPerMs() * MBIT_PER_MB_PER_MS));
            sep = "; ";
        }
        if (keys.size() > DESCRIBED_LINKS) {
            b.append("; and ").append(keys.size() - DESCRIBED_LINKS).append(" more");
        }
        return b.toString();
    }
}
