package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * The host's state, retained on {@code host/state}; the offline variant is the host's MQTT Will.
 *
 * @param schema       schema version
 * @param hostId       the host's id
 * @param state        online or offline
 * @param plannerEpoch the planner epoch in force
 * @param timestampMs  wall clock, ms since the epoch
 */
public record HostState(int schema, String hostId, HostStatus state, long plannerEpoch, long timestampMs)
        implements WireMessage {
    /** Validates every field. */
    public HostState {
        Check.id(hostId, "hostId");
        Check.notNull(state, "state");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.nonNegative(timestampMs, "timestampMs");
    }

    @Override
    public MessageType type() {
        return MessageType.HOST_STATE;
    }
}
