package org.edgefm.wire;

/** Who may publish a message type (the broker's topic ACLs enforce it). */
public enum Publisher {
    /** The agent of the node named in the topic (its Will, for deaths, is published by the broker). */
    AGENT,
    /** The planner host. */
    HOST
}
