package org.edgefm.api.model;

import org.edgefm.api.Check;

/**
 * A node of the network graph (paper 1: {@code v ∈ V}) with its capacity vector {@code R_v}.
 *
 * @param id          unique node id; also the agent's MQTT node id
 * @param kind        device, edge server or cloud
 * @param capacity    the capacity vector {@code R_v}
 * @param profile     name of a device profile (see the device-profiles module), or null
 * @param speedFactor multiplier on every service's processing rate at this node; 1.0 reproduces
 *                    paper 1, where rates depend on the service only (assumption: heterogeneous
 *                    hardware is expressed through this factor or through the profile); null = 1.0
 */
public record NodeSpec(String id, NodeKind kind, ResourceVector capacity, String profile, Double speedFactor) {
    /**
     * Validates every field.
     *
     * @param id unique node id; also the agent's MQTT node id
     * @param kind device, edge server or cloud
     * @param capacity the capacity vector {@code R_v}
     * @param profile name of a device profile (see the device-profiles module), or null
     * @param speedFactor multiplier on every service's processing rate at this node; 1.0 reproduces paper 1, where
     *     rates depend on the service only (assumption: heterogeneous hardware is expressed through this factor or
     *     through the profile); null = 1.0
     */
    public NodeSpec {
        Check.id(id, "id");
        Check.notNull(kind, "kind");
        Check.notNull(capacity, "capacity");
        if (speedFactor == null) {
            speedFactor = 1.0;
        }
        Check.positive(speedFactor, "speedFactor");
    }

    /**
     * A node without a device profile and with speed factor 1.
     *
     * @param id unique node id
     * @param kind device, edge server or cloud
     * @param capacity the capacity vector {@code R_v}
     */
    public NodeSpec(String id, NodeKind kind, ResourceVector capacity) {
        this(id, kind, capacity, null, 1.0);
    }
}
