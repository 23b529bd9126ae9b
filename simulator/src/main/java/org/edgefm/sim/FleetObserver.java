package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.UserObservation;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.NodeStatus;
import org.edgefm.wire.TaskCompletion;

/**
 * What a simulated fleet reports to the control loop each slot, as agents' telemetry would: node
 * status (online, session, directive in force), per-station observations (instances, queue, busy,
 * arrivals, completions, rate samples since the last snapshot), per-stream demand rates, users' SNR
 * (and seed paper 3's energy), link probe reports and the tasks that ended. A twin replaying a trial
 * with {@link RecordedReadings} reports the live host's node readings and link reports instead.
 */
final class FleetObserver {
    private final CompiledModel m;
    private final Stations stations;
    private final TaskOutcomes outcomes;
    private final LinkWindows links;
    private final NodeDirectives directives;
    private final boolean[] online;
    private final long[] sessions;
    private final double[] lastSnr;
    /** What the live host observed, reported in place of the twin's own node readings and link probes, or null. */
    private final RecordedReadings recorded;
    private final int[] streamArrivals;
    private long submitted;
    private double lastSnapshotMs;

    FleetObserver(CompiledModel m, Stations stations, TaskOutcomes outcomes, LinkWindows links, NodeDirectives directives,
            boolean[] online, long[] sessions, double[] lastSnr, Twin twin) {
        this.m = m;
        this.stations = stations;
        this.outcomes = outcomes;
        this.links = links;
        this.directives = directives;
        this.online = online;
        this.sessions = sessions;
        this.lastSnr = lastSnr;
        this.recorded = twin == null ? null : twin.readings();
        streamArrivals = new int[m.streamCount];
    }

    /** A task of {@code stream} was submitted. */
    void arrived(int stream) {
        streamArrivals[stream]++;
        submitted++;
    }

    /** The snapshot at {@code now}; a new interval begins. {@code partition} is null without seed paper 3's sub-model. */
    FleetSnapshot snapshot(double now, PartitionSubModel partition, long chargedSlots) {
        double interval = now - lastSnapshotMs;
        List<NodeStatus> nodes = new ArrayList<>(m.nodeCount);
        for (int n = 0; n < m.nodeCount; n++) {
            RecordedReadings.Node r = recorded == null ? null : recorded.at(m.nodeIds[n], now);
            // replaying a trial: the live host's verdict, telemetry age and CPU load at this moment (a node
            // the twin has down stays down); otherwise the twin's own, telemetry of age 0
            nodes.add(new NodeStatus(m.nodeIds[n], online[n] && (r == null || r.online()), sessions[n],
                    directives.appliedEpoch[n], directives.appliedVersion[n], r == null ? 0.0 : r.telemetryAgeMs(),
                    r == null ? null : r.cpuLoad()));
        }
        List<ServiceObservation> obs = new ArrayList<>();
        for (int n = 0; n < m.nodeCount; n++) {
            for (int s = 0; s < m.serviceCount; s++) {
                int st = n * m.serviceCount + s;
                if (stations.idle(st)) {
                    continue;
                }
                int arrived = stations.intervalArrivals[st];
                int completed = stations.intervalCompleted[st];
                double[] samples = stations.takeInterval(st);
                obs.add(new ServiceObservation(m.nodeIds[n], m.serviceIds[s], online[n] ? stations.instances[st] : 0,
                        m.core[s] ? 1 : stations.parallelism[st], stations.queueSize[st], stations.busy[st], arrived,
                        completed, samples, null));
            }
        }
        List<DemandEstimate> demand = new ArrayList<>(m.streamCount);
        for (int i = 0; i < m.streamCount; i++) {
            double rate = interval > 0 ? streamArrivals[i] / interval : 0;
            demand.add(new DemandEstimate(m.userIds[m.streamUser[i]], m.typeIds[m.streamType[i]], rate));
            streamArrivals[i] = 0;
        }
        List<UserObservation> users = new ArrayList<>(m.userIds.length);
        for (int u = 0; u < m.userIds.length; u++) {
            users.add(new UserObservation(m.userIds[u], lastSnr[u],
                    partition != null && chargedSlots > 0 ? partition.lastSlotEnergyJ(u) : null));
        }
        List<TaskCompletion> done = outcomes.take();
        long count = submitted;
        submitted = 0;
        List<LinkEstimate> probes = links.reports();
        if (recorded != null) {
            // the link reports the live host received since the last snapshot; those from before the workload in
            // every snapshot at time 0 (the loop's start takes one whose link reports it does not fold in)
            probes = new ArrayList<>(probes);
            probes.addAll(recorded.between(lastSnapshotMs, now, now <= 0));
        }
        lastSnapshotMs = now;
        return new FleetSnapshot(now, nodes, obs, demand, users, probes, done, count);
    }
}
