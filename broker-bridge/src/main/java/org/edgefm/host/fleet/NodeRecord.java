package org.edgefm.host.fleet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.control.ModelSwitch;
import org.edgefm.control.NodeStatus;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.Telemetry;

/**
 * What the host knows of one node, for {@link FleetState}: its session, newest birth and telemetry,
 * the arrivals, completions and rate samples reported since the last snapshot, the link samples
 * already counted, and its model switches. Turns that into the node's rows of a snapshot and of the
 * HTTP API. Not thread-safe: {@link FleetState} holds its lock around every call.
 */
final class NodeRecord {
    private static final int MAX_RATE_SAMPLES = 64;

    final String id;
    long sessionEpoch = -1;
    boolean alive;
    Birth birth;
    Telemetry last;
    long lastTelemetryAtMs = -1;
    long lastSeq = -1;
    long gaps;
    long appliedEpoch;
    long appliedVersion;
    private final Map<String, int[]> counts = new LinkedHashMap<>();
    private final Map<String, List<Double>> rates = new LinkedHashMap<>();
    /** Per peer, the link sample count already counted as measurements. */
    private final Map<String, Long> peerSamples = new TreeMap<>();
    private final Deque<ModelSwitch> switches = new ArrayDeque<>();
    private long loads;
    private long unloads;
    private long timedLoads;
    private double preloadSumMs;
    private double preloadMaxMs;
    /** (planner epoch, version) of the newest directive whose switches were recorded; -1 before any. */
    private long switchEpoch = -1;
    private long switchVersion = -1;
    /** Telemetry or a new session since the last snapshot: its figures and links are news. */
    private boolean fresh = true;
    /**
     * The service rows of {@link #last} for a snapshot interval without telemetry (no arrival, no completion,
     * no rate sample), built once per telemetry message and handed to every such snapshot; null until needed.
     */
    private List<ServiceObservation> idle;
    /** At the last snapshot with news, every link's sample count of {@link #last} was recorded as reported. */
    private boolean peersSettled;

    NodeRecord(String id) {
        this.id = id;
    }

    /** A session newer than the known one began: sequence numbers and link sample counts start again. */
    void newSession() {
        lastSeq = -1;
        peerSamples.clear(); // a restarted agent counts its link samples from 0 again
        fresh = true;
    }

    /** Takes in telemetry with new content: the newest figures, and arrivals, completions and rate samples to add up. */
    void takeTelemetry(Telemetry t, double nowMs) {
        last = t;
        fresh = true;
        idle = null;
        lastTelemetryAtMs = (long) nowMs;
        appliedVersion = Math.max(appliedVersion, t.appliedVersion());
        for (ServiceMetrics s : t.services()) {
            int[] c = counts.computeIfAbsent(s.service(), k -> new int[2]);
            c[0] += s.arrivals();
            c[1] += s.completed();
            List<Double> r = rates.computeIfAbsent(s.service(), k -> new ArrayList<>());
            for (Double x : s.rateSamplesMbPerMs()) {
                if (r.size() < MAX_RATE_SAMPLES && x != null) {
                    r.add(x);
                }
            }
        }
    }

    /**
     * Records the model switches of an applied ack, once per directive (see {@link FleetState#onAck}).
     *
     * @return the switches added, oldest first (stops, then starts), empty when the ack adds none
     */
    List<ModelSwitch> recordSwitches(Ack a, int keep) {
        if (a.outcome() != AckOutcome.APPLIED || (a.started().isEmpty() && a.stopped().isEmpty())) {
            return List.of();
        }
        if (a.plannerEpoch() < switchEpoch || (a.plannerEpoch() == switchEpoch && a.version() <= switchVersion)) {
            return List.of();
        }
        switchEpoch = a.plannerEpoch();
        switchVersion = a.version();
        List<ModelSwitch> added = new ArrayList<>();
        for (InstanceStop s : a.stopped()) {
            unloads++;
            added.add(new ModelSwitch(id, ModelSwitch.Kind.UNLOAD, s.service(), a.plannerEpoch(), a.version(),
                    a.timestampMs(), null, null));
        }
        for (InstanceStart s : a.started()) {
            loads++;
            if (s.preloadMs() != null) {
                timedLoads++;
                preloadSumMs += s.preloadMs();
                preloadMaxMs = Math.max(preloadMaxMs, s.preloadMs());
            }
            added.add(new ModelSwitch(id, ModelSwitch.Kind.LOAD, s.service(), a.plannerEpoch(), a.version(),
                    a.timestampMs(), s.preloadMs(), s.weights()));
        }
        switches.addAll(added);
        while (switches.size() > keep) {
            switches.removeFirst();
        }
        return added;
    }

    /** The node's model switches: totals and the newest kept. */
    FleetState.SwitchView switchView() {
        boolean timed = timedLoads > 0;
        return new FleetState.SwitchView(loads, unloads, timedLoads, timed ? preloadSumMs / timedLoads : null,
                timed ? preloadMaxMs : null, List.copyOf(switches));
    }

    /** True when no telemetry (nor birth) arrived within {@code staleAfterMs} of {@code referenceMs}. */
    boolean stale(double referenceMs, double staleAfterMs) {
        return lastTelemetryAtMs < 0 || referenceMs - lastTelemetryAtMs > staleAfterMs;
    }

    /** The node as the HTTP API shows it. */
    FleetState.NodeView view(double nowMs, boolean stale) {
        return new FleetState.NodeView(id, alive && !stale, alive, stale, Math.max(0, sessionEpoch),
                birth == null ? null : birth.profile(), birth == null ? null : birth.dataEndpoint(),
                appliedEpoch, appliedVersion, lastTelemetryAtMs < 0 ? null : nowMs - lastTelemetryAtMs,
                lastSeq, gaps, last == null ? null : last.host().cpuLoad(),
                last == null ? List.of() : last.services(), switchView(), last == null ? null : last.host(),
                last == null ? List.of() : last.gpus());
    }

    /**
     * The node's part of a snapshot: its status, its service rows and the links it measured anew are
     * added to the lists; then what it reported since the previous snapshot is reset.
     *
     * @param incremental reuse what did not change since the previous snapshot
     */
    void snapshot(double nowMs, boolean stale, boolean incremental, List<NodeStatus> statuses,
            List<ServiceObservation> services, List<LinkEstimate> links) {
        statuses.add(new NodeStatus(id, alive && !stale, Math.max(0, sessionEpoch), appliedEpoch,
                appliedVersion, lastTelemetryAtMs < 0 ? null : nowMs - lastTelemetryAtMs,
                last == null ? null : last.host().cpuLoad()));
        if (last != null) {
            serviceRows(incremental, services);
            measuredLinks(incremental, links);
        }
        if (fresh && last != null) {
            peersSettled = settled();
        }
        counts.clear();
        rates.clear();
        fresh = false;
    }

    private void serviceRows(boolean incremental, List<ServiceObservation> services) {
        boolean isIdle = incremental && counts.isEmpty() && rates.isEmpty();
        if (isIdle && idle != null) {
            services.addAll(idle); // nothing reported since: the rows built once for this telemetry
            return;
        }
        int from = services.size();
        for (ServiceMetrics s : last.services()) {
            int[] c = counts.getOrDefault(s.service(), new int[2]);
            List<Double> r = rates.getOrDefault(s.service(), List.of());
            double[] samples = r.stream().mapToDouble(Double::doubleValue).toArray();
            services.add(new ServiceObservation(id, s.service(), s.instances(), s.parallelism(),
                    s.queueLength(), s.inFlight(), c[0], c[1], samples, s.latencyP95Ms()));
        }
        if (isIdle) {
            idle = List.copyOf(services.subList(from, services.size()));
        }
    }

    private void measuredLinks(boolean incremental, List<LinkEstimate> links) {
        for (PeerMetrics p : last.peers()) {
            if (p.rttMs() == null || p.throughputMbPerMs() == null) {
                continue;
            }
            if (incremental && !fresh && peersSettled && p.samples() != null) {
                // the same telemetry as at the previous snapshot, which recorded this count: no new sample
                continue;
            }
            // a link is reported in every telemetry; only a grown sample count is a new measurement
            // (an agent that does not send the count: every snapshot counts)
            Long seen = peerSamples.get(p.peer());
            if (p.samples() == null || seen == null || p.samples() > seen) {
                links.add(new LinkEstimate(id, p.peer(), p.rttMs(), p.throughputMbPerMs()));
            }
            if (p.samples() != null) {
                peerSamples.put(p.peer(), p.samples());
            }
        }
    }

    /**
     * True when the sample count recorded for every link of the newest telemetry is the count that
     * telemetry reports, so reading it again finds nothing new (false when it lists a peer twice).
     */
    private boolean settled() {
        for (PeerMetrics p : last.peers()) {
            if (p.rttMs() != null && p.throughputMbPerMs() != null && p.samples() != null
                    && !p.samples().equals(peerSamples.get(p.peer()))) {
                return false;
            }
        }
        return true;
    }
}
