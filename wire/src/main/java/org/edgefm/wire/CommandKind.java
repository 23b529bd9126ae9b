package org.edgefm.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Requests the host can make of an agent. */
public enum CommandKind {
    /** Publish a new birth (the host saw a telemetry gap or lost its state). */
    @JsonProperty("rebirth") REBIRTH,
    /** Time the kernels again and publish the rates in a new birth. */
    @JsonProperty("calibrate") CALIBRATE
}
