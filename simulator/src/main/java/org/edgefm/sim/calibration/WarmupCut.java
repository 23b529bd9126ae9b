package org.edgefm.sim.calibration;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.scenario.Scenario;

/**
 * Where a calibration's warm-up ends and which stations it measured only during it: a twin draws a
 * station's service times from the samples taken after {@code endMs} (those before it only for the
 * twin's own warm-up), and a station with none after it takes what {@link ColdStation#drawsFrom} says.
 *
 * @param endMs        the warm-up's end, ms after the workload's start
 * @param basis        {@value #FIRST_WINDOW} (the report's first window: the workload waited for a ready
 *                     fleet, so the warm-up is a fresh JVM's first calls) or {@value #FLEET_READY} (the
 *                     workload started before the fleet was ready: until then, or the first window if later)
 * @param coldStations the stations with samples during the warm-up only
 */
public record WarmupCut(double endMs, String basis, List<ColdStation> coldStations) {
    /** The warm-up is the report's first window. */
    public static final String FIRST_WINDOW = "first-window";
    /** The warm-up lasts until the fleet was ready. */
    public static final String FLEET_READY = "fleet-ready";
    /** A cold station takes the same service's steady samples at the other nodes. */
    public static final String SAME_SERVICE = "same-service";
    /** A cold station keeps the scenario's compute model (no other node measured the service after the warm-up). */
    public static final String MODEL = "model";

    /** Validates. */
    public WarmupCut {
        if (!(endMs >= 0) || Double.isInfinite(endMs)) {
            throw new InvalidFieldException("endMs", endMs + " (expected: >= 0)");
        }
        if (!FIRST_WINDOW.equals(basis) && !FLEET_READY.equals(basis)) {
            throw new InvalidFieldException("basis", Check.quote(basis) + " (expected: " + FIRST_WINDOW + " or "
                    + FLEET_READY + ")");
        }
        coldStations = Check.listOf(coldStations, "coldStations");
    }

    /**
     * A station measured only during the warm-up, and what the twin draws there after it.
     *
     * @param node          the node
     * @param service       the service
     * @param warmupSamples its samples, all taken during the warm-up
     * @param drawsFrom     {@value #SAME_SERVICE} or {@value #MODEL}
     * @param fromNodes     for {@value #SAME_SERVICE}, the nodes whose steady samples it takes (scaled by
     *                      the ratio of the agents' kernel calibrations for the service's kernel kind, 1
     *                      where either is unknown)
     */
    public record ColdStation(String node, String service, long warmupSamples, String drawsFrom, List<String> fromNodes) {
        /** Validates. */
        public ColdStation {
            Check.nodeId(node, "node");
            Check.id(service, "service");
            Check.nonNegative(warmupSamples, "warmupSamples");
            if (!SAME_SERVICE.equals(drawsFrom) && !MODEL.equals(drawsFrom)) {
                throw new InvalidFieldException("drawsFrom", Check.quote(drawsFrom) + " (expected: " + SAME_SERVICE
                        + " or " + MODEL + ")");
            }
            fromNodes = fromNodes == null ? List.of() : Check.listOf(fromNodes, "fromNodes");
        }
    }

    /**
     * The cut of a trial's calibration at {@code endMs}: which of its stations have no sample after it,
     * and what stands for them ({@link SteadyStations}, as the twin does).
     *
     * @param c        the calibration (its task log's stage timings)
     * @param endMs    the warm-up's end on the workload's clock
     * @param basis    {@value #FIRST_WINDOW} or {@value #FLEET_READY}
     * @param scenario the scenario (the services' kernel kinds), or null
     */
    public static WarmupCut of(Calibration c, double endMs, String basis, Scenario scenario) {
        return new WarmupCut(endMs, basis, SteadyStations.split(TwinBuilder.timeline(c).service(), endMs, c, scenario).cold());
    }
}
