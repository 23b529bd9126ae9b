package org.edgefm.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an agent did with a directive. */
public enum AckOutcome {
    /** Persisted and applied. */
    @JsonProperty("applied") APPLIED,
    /** Refused (malformed or impossible); the error text says why and the previous state stays. */
    @JsonProperty("rejected") REJECTED,
    /** Not applied because it is older than the state in force (older epoch or version). */
    @JsonProperty("stale") STALE
}
