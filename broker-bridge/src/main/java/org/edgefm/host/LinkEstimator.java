package org.edgefm.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.SystemModel;
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
 * {@code blend}, a measured pair the scenario does not link directly is added as a link. The model
 * handed out stays the same instance until some figure moves by more than
 * {@code links.rebuildThreshold} (relative) and {@code links.rebuildMinMs} (latency), or a link
 * appears or expires, so planners that cache per model do not rebuild every slot. Not
 * thread-safe: the control loop's thread uses it.
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
     * @param rebuildMinMs     {@code links.rebuildMinMs}, smallest latency change in ms that does (default 1)
     * @param kmPerMs          {@code links.kmPerMs}, propagation speed to turn a declared length into latency
     *                         (default 200, light in fibre)
     */
    public record Settings(Mode mode, double ewmaWeight, double maxAgeMs, double rebuildThreshold, double rebuildMinMs,
            double kmPerMs) {
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
        }

        /** The defaults. */
        public static Settings defaults() {
            return new Settings(Mode.MEASURED, 0.3, 30_000, 0.2, 1.0, 200.0);
        }
    }

    private static final double MIN_MB_PER_MS = 1e-9;

    private static final class Estimate {
        double rttMs;
        double mbPerMs;
        double lastMs;
    }

    private final Settings settings;
    private final SystemModel declared;
    private final Set<String> nodes;
    private final Map<String, Estimate> estimates = new TreeMap<>();
    private SystemModel effective;
    private Map<String, LinkSpec> effectiveLinks;

    /** An estimator over the declared model's topology. */
    public LinkEstimator(Settings settings, SystemModel declared) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.declared = Objects.requireNonNull(declared, "declared is null");
        this.nodes = declared.topology().nodesById().keySet();
        this.effective = declared;
        Map<String, LinkSpec> links = new TreeMap<>();
        declared.topology().links().forEach(l -> links.put(key(l.a(), l.b()), l));
        this.effectiveLinks = links;
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
        return 2 * (l.lengthKm() / settings.kmPerMs() + l.extraLatencyMs());
    }

    /** Folds in new reports (each a new measurement) received up to {@code nowMs}. */
    public void observe(List<LinkEstimate> reports, double nowMs) {
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
                estimates.put(k, e);
                if (!seedDeclared) {
                    e.lastMs = nowMs;
                    continue;
                }
            }
            double w = settings.ewmaWeight();
            e.rttMs = (1 - w) * e.rttMs + w * r.rttMs();
            e.mbPerMs = (1 - w) * e.mbPerMs + w * r.bandwidthMbPerMs();
            e.lastMs = nowMs;
        }
        estimates.values().removeIf(e -> nowMs - e.lastMs > settings.maxAgeMs());
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

    /** The system model the planners get now; the same instance as last time unless a link moved enough. */
    public SystemModel model() {
        if (settings.mode() == Mode.DECLARED) {
            return declared;
        }
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
        if (!moved(links)) {
            return effective;
        }
        effectiveLinks = links;
        Topology t = new Topology(declared.topology().nodes(), List.copyOf(links.values()));
        effective = new SystemModel(t, declared.services(), declared.taskTypes(), declared.users(), declared.workload());
        return effective;
    }

    private boolean moved(Map<String, LinkSpec> links) {
        if (!links.keySet().equals(effectiveLinks.keySet())) {
            return true;
        }
        for (Map.Entry<String, LinkSpec> e : links.entrySet()) {
            LinkSpec now = e.getValue();
            LinkSpec was = effectiveLinks.get(e.getKey());
            double latWas = specRttMs(was) / 2;
            double dLat = Math.abs(specRttMs(now) / 2 - latWas);
            if (dLat > settings.rebuildMinMs() && dLat > settings.rebuildThreshold() * latWas) {
                return true;
            }
            if (Math.abs(now.bandwidthMbPerMs() - was.bandwidthMbPerMs()) > settings.rebuildThreshold() * was.bandwidthMbPerMs()) {
                return true;
            }
        }
        return false;
    }

    /** One line on what the planners see, for the log. */
    public String describe() {
        return String.format(Locale.ROOT, "links.estimate=%s: %d measured link(s) in the planners' topology",
                settings.mode().name().toLowerCase(Locale.ROOT), settings.mode() == Mode.DECLARED ? 0 : estimates.size());
    }
}
