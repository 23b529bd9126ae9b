package org.edgefm.trial.bench;

import java.nio.file.Path;

/**
 * What {@code edgefm bench virtual-agents} was asked for, one field per flag.
 *
 * @param broker            the broker, {@code tcp://host:port}
 * @param fleet             fleet name
 * @param scenario          scenario name or file; agent i runs as its node i
 * @param cells             the scenario is one cell, repeated to {@code agents} nodes in this process
 * @param agents            how many agents
 * @param telemetryPeriodMs telemetry period of every agent
 * @param sessionEpoch      the agents' session epoch
 * @param eventLoops        Vert.x event loops the agents share
 * @param summary           where to write what the agents sent and received
 */
public record VirtualAgentsOptions(String broker, String fleet, String scenario, boolean cells, int agents,
        long telemetryPeriodMs, long sessionEpoch, int eventLoops, Path summary) {
}
