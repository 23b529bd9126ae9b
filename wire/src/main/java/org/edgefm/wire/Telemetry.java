package org.edgefm.wire;

import java.util.List;
import org.edgefm.api.Check;

/**
 * Periodic metrics of one node. {@code seq} increases by one per message within a session; a gap
 * tells the host that messages were lost, and the host answers with a rebirth request.
 *
 * @param schema         schema version
 * @param nodeId         the node
 * @param sessionEpoch   the agent's current session
 * @param seq            sequence number within the session, from 0
 * @param timestampMs    wall clock, ms since the epoch
 * @param appliedVersion version of the desired state the agent runs
 * @param host           operating-system metrics
 * @param gpus           GPU metrics, empty when there is none
 * @param services       per-service state
 * @param peers          measured links to peers
 */
public record Telemetry(int schema, String nodeId, long sessionEpoch, long seq, long timestampMs, long appliedVersion,
        HostMetrics host, List<GpuMetrics> gpus, List<ServiceMetrics> services, List<PeerMetrics> peers)
        implements NodeMessage {
    /** Validates every field. */
    public Telemetry {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(sessionEpoch, "sessionEpoch");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(timestampMs, "timestampMs");
        Check.nonNegative(appliedVersion, "appliedVersion");
        Check.notNull(host, "host");
        gpus = Check.listOf(gpus, "gpus");
        services = Check.listOf(services, "services");
        peers = Check.listOf(peers, "peers");
    }

    @Override
    public MessageType type() {
        return MessageType.TELEMETRY;
    }
}
