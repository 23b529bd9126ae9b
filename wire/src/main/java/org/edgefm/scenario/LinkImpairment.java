package org.edgefm.scenario;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.LinkSpec;

/**
 * A scheduled impairment of a declared link: from {@code atMs} for {@code durationMs} (to the end of
 * the run, when null) the link between {@code a} and {@code b} carries {@code bandwidthFactor} of its
 * bandwidth and {@code extraLatencyMs} more one-way latency, or is cut ({@code down}). Several
 * impairments of one link that overlap combine: factors multiply, latencies add, a cut wins.
 *
 * <p>It is what {@code tc tbf} (a bandwidth cap) and a delay or a pulled cable do to a real link; the
 * simulator applies it to transfers that start inside the window and reports the link's figures, as
 * agents' probes would, from the window's start on.
 *
 * @param a               one end of a link in {@code topology.links}
 * @param b               the other end
 * @param atMs            start in ms from the start of the run
 * @param durationMs      length in ms, or null: until the end of the run
 * @param bandwidthFactor share of the declared bandwidth left, in (0, 1] (default 1)
 * @param extraLatencyMs  one-way latency added, in ms, {@code >= 0} (default 0)
 * @param down            true: the link carries nothing (traffic takes another path if there is one);
 *                        then {@code bandwidthFactor} and {@code extraLatencyMs} must be absent (or 1 and 0)
 */
public record LinkImpairment(String a, String b, double atMs, Double durationMs, Double bandwidthFactor,
        Double extraLatencyMs, Boolean down) {
    /** Validates every field; an impairment must change something. */
    public LinkImpairment {
        Check.id(a, "a");
        Check.id(b, "b");
        if (a.equals(b)) {
            throw new InvalidFieldException("b", Check.quote(b) + " (expected: a node other than a)");
        }
        Check.nonNegative(atMs, "atMs");
        if (durationMs != null) {
            Check.positive(durationMs, "durationMs");
        }
        down = down != null && down;
        if (down && ((bandwidthFactor != null && bandwidthFactor != 1.0) || (extraLatencyMs != null && extraLatencyMs != 0.0))) {
            throw new InvalidFieldException("down", "true with bandwidthFactor or extraLatencyMs (expected: a cut link"
                    + " or a degraded one, not both)");
        }
        bandwidthFactor = bandwidthFactor == null ? 1.0 : bandwidthFactor;
        if (!(bandwidthFactor > 0 && bandwidthFactor <= 1)) {
            throw new InvalidFieldException("bandwidthFactor", bandwidthFactor + " (expected: in (0, 1]; a cut link is"
                    + " \"down\": true)");
        }
        extraLatencyMs = Check.nonNegative(extraLatencyMs == null ? 0.0 : extraLatencyMs, "extraLatencyMs");
        if (!down && bandwidthFactor == 1.0 && extraLatencyMs == 0.0) {
            throw new InvalidFieldException("bandwidthFactor", "1 and extraLatencyMs 0 (expected: an impairment that"
                    + " changes the link: a bandwidthFactor below 1, an extraLatencyMs above 0, or \"down\": true)");
        }
    }

    /** A bandwidth and latency impairment. */
    public static LinkImpairment degraded(String a, String b, double atMs, Double durationMs, double bandwidthFactor,
            double extraLatencyMs) {
        return new LinkImpairment(a, b, atMs, durationMs, bandwidthFactor, extraLatencyMs, false);
    }

    /** A cut link. */
    public static LinkImpairment cut(String a, String b, double atMs, Double durationMs) {
        return new LinkImpairment(a, b, atMs, durationMs, null, null, true);
    }

    /** True for the link {@code a-b} in either direction. */
    public boolean concerns(LinkSpec link) {
        return (link.a().equals(a) && link.b().equals(b)) || (link.a().equals(b) && link.b().equals(a));
    }

    /** The end of the window in ms, infinite when it lasts to the end of the run. */
    public double endMs() {
        return durationMs == null ? Double.POSITIVE_INFINITY : atMs + durationMs;
    }

    /** True while the impairment is in force at {@code tMs} (start inclusive, end exclusive). */
    public boolean activeAt(double tMs) {
        return tMs >= atMs && tMs < endMs();
    }
}
