package org.edgefm.host;

import java.util.List;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.WireCodec;

/** Valid wire messages for tests. */
final class WireSamples {
    private WireSamples() {
    }

    static Birth birth(String node, long session, long appliedEpoch, long appliedVersion) {
        return new Birth(WireCodec.SCHEMA, node, session, 1000, "test-profile", "test",
                new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "nd4j-cpu", List.of()), appliedVersion,
                appliedEpoch, List.of(), "127.0.0.1:9000");
    }

    static Death death(String node, long session) {
        return new Death(WireCodec.SCHEMA, node, session, 1000, "will");
    }

    static Telemetry telemetry(String node, long session, long seq, long appliedVersion) {
        return new Telemetry(WireCodec.SCHEMA, node, session, seq, 1000, appliedVersion,
                new HostMetrics(0.5, List.of(), 1, 2, 0, 0, 1, 2, 0, 0, null, 1), List.of(), List.of(), List.of());
    }

    static Directive directive(String node, long epoch, long version) {
        return new Directive(WireCodec.SCHEMA, node, epoch, version, 1000, DesiredState.EMPTY);
    }
}
