package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * One service instance an agent stopped while applying a directive (its weights released).
 *
 * @param service service id
 */
public record InstanceStop(String service) {
    /** Validates the service id. */
    public InstanceStop {
        Check.id(service, "service");
    }
}
