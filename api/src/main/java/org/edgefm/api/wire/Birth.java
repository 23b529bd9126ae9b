package org.edgefm.api.wire;

import java.util.List;
import org.edgefm.api.Check;

/**
 * Published retained by an agent on every (re)connect (Sparkplug-style birth).
 *
 * @param schema         schema version
 * @param nodeId         the node
 * @param sessionEpoch   strictly increasing per (re)connect; ties deaths to births
 * @param timestampMs    wall clock at publication, ms since the epoch
 * @param profile        device profile name
 * @param agentVersion   agent software version
 * @param capabilities   capacity, architecture, backend, kernel kinds
 * @param appliedVersion version of the desired state the agent runs (0 = none)
 * @param plannerEpoch   planner epoch of that desired state (0 = none)
 * @param calibration    measured kernel rates
 * @param dataEndpoint   {@code host:port} where peers send task data (and the workload its tasks)
 * @param labels         the node's labels (as {@code camera}), which streams may name as their origin;
 *                       at most {@value #MAX_LABELS}, each an id; absent in older births (empty)
 */
public record Birth(int schema, String nodeId, long sessionEpoch, long timestampMs, String profile, String agentVersion,
        Capabilities capabilities, long appliedVersion, long plannerEpoch, List<KernelCalibration> calibration,
        String dataEndpoint, List<String> labels) implements NodeMessage {
    /** Labels a birth may carry. */
    public static final int MAX_LABELS = 16;

    /** Validates every field. */
    public Birth {
        Check.id(nodeId, "nodeId");
        Check.nonNegative(sessionEpoch, "sessionEpoch");
        Check.nonNegative(timestampMs, "timestampMs");
        Check.notNull(profile, "profile");
        Check.notNull(agentVersion, "agentVersion");
        Check.notNull(capabilities, "capabilities");
        Check.nonNegative(appliedVersion, "appliedVersion");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        calibration = Check.listOf(calibration, "calibration");
        Check.notNull(dataEndpoint, "dataEndpoint");
        labels = Check.listOf(labels, "labels");
        if (labels.size() > MAX_LABELS) {
            throw new org.edgefm.api.InvalidFieldException("labels", labels.size() + " labels (expected: at most "
                    + MAX_LABELS + ")");
        }
        for (int i = 0; i < labels.size(); i++) {
            Check.id(labels.get(i), "labels[" + i + "]");
        }
    }

    /** A birth without labels. */
    public Birth(int schema, String nodeId, long sessionEpoch, long timestampMs, String profile, String agentVersion,
            Capabilities capabilities, long appliedVersion, long plannerEpoch, List<KernelCalibration> calibration,
            String dataEndpoint) {
        this(schema, nodeId, sessionEpoch, timestampMs, profile, agentVersion, capabilities, appliedVersion, plannerEpoch,
                calibration, dataEndpoint, List.of());
    }

    @Override
    public MessageType type() {
        return MessageType.BIRTH;
    }
}
