package org.edgefm.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One service instance a directive started or stopped on a node, as the node's applied ack reports
 * it (a model loaded or unloaded).
 *
 * @param node         the node
 * @param kind         load (instance started) or unload (instance stopped)
 * @param service      service id
 * @param plannerEpoch the directive's planner epoch
 * @param version      the directive's version
 * @param ackMs        the ack's timestamp (agent wall clock, ms since the epoch)
 * @param preloadMs    the agent's measured weight load time of a load, ms; null for an unload and for
 *                     a service without a kernel
 * @param weights      where a load's weights came from ({@code npy FILE} or {@code generated}); null
 *                     for an unload and for a service without a kernel
 */
public record ModelSwitch(String node, Kind kind, String service, long plannerEpoch, long version, long ackMs,
        Double preloadMs, String weights) {
    /** Whether a switch started or stopped a service instance. */
    public enum Kind {
        /** An instance started: its model's weights were loaded. */
        @JsonProperty("load") LOAD,
        /** An instance stopped: its weights were released. */
        @JsonProperty("unload") UNLOAD
    }
}
