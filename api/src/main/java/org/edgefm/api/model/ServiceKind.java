package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Paper 1's two kinds of microservice. */
public enum ServiceKind {
    /**
     * Heavyweight, stateful, slow to start (backbones, encoders): placed statically, one task at a
     * time per instance, deterministic processing rate.
     */
    @JsonProperty("core") CORE,
    /**
     * Small and stateless (pre/post-processing, adapters, heads): re-planned every slot, serves up to
     * its parallelism level of tasks at once, random processing rate.
     */
    @JsonProperty("light") LIGHT
}
