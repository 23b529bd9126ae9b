package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a node is: an edge device (ED), an edge server (ES) or a cloud data centre. */
public enum NodeKind {
    /** An edge device such as a Jetson board; users attach to these. */
    @JsonProperty("device") DEVICE,
    /** An edge server with one or more GPUs. */
    @JsonProperty("edge-server") EDGE_SERVER,
    /** A cloud node: large capacity, far away. */
    @JsonProperty("cloud") CLOUD
}
