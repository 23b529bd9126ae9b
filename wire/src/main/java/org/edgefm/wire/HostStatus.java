package org.edgefm.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the planner host is up. */
public enum HostStatus {
    /** The host is running its control loop. */
    @JsonProperty("online") ONLINE,
    /** The host stopped or lost its broker connection (its Will). */
    @JsonProperty("offline") OFFLINE
}
