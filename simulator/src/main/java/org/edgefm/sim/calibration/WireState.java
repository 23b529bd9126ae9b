package org.edgefm.sim.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.edgefm.wire.internal.Json;

/**
 * Reads a recorded desired state as an agent reads a directive's ({@link Json#WIRE}: the wire's
 * records may carry derived or newer properties that the file's strict mapper would refuse).
 */
final class WireState extends com.fasterxml.jackson.databind.JsonDeserializer<org.edgefm.wire.DesiredState> {
    @Override
    public org.edgefm.wire.DesiredState deserialize(com.fasterxml.jackson.core.JsonParser p,
            com.fasterxml.jackson.databind.DeserializationContext ctx) throws IOException {
        JsonNode tree = ctx.readTree(p);
        return Json.WIRE.treeToValue(tree, org.edgefm.wire.DesiredState.class);
    }
}

