package org.edgefm.trial.parity;

import java.util.List;
import java.util.Map;
import org.edgefm.sim.calibration.Observed;
import org.edgefm.wire.KernelCalibration;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.TaskCompletion;

/**
 * What a live trial's monitor recorded, as parity needs it: the task log, the directives in the
 * order they were published, the agents' measured links, preloads and kernel calibrations, and the
 * age of each node's telemetry when a directive went out. Times are ms since the epoch.
 *
 * @param workloadStartMs when the workload started (-1: it never did)
 * @param workloadMs      how long it was to run
 * @param windowMs        the report's window width
 * @param nodes           the nodes whose agents were born, in order
 * @param tasks           every submitted task
 * @param directives      every directive first published, in order
 * @param peers           per node, the newest link figures it reported per peer
 * @param loads           every instance start an applied ack reported
 * @param calibrations    per node, its birth's kernel calibration
 * @param telemetryAgeMs  per directive published, the age of the receiving node's newest telemetry
 * @param nodeReadings    per slot's snapshot of the host's loop, each node's status (wall-clock {@code atMs})
 * @param linkReadings    each link report a snapshot of the host's loop carried (wall-clock {@code atMs})
 * @param readyMs         when the fleet was found ready (wall clock), or -1 where unknown
 */
public record TrialLog(long workloadStartMs, long workloadMs, long windowMs, List<String> nodes, List<Task> tasks,
        List<DirectiveEvent> directives, Map<String, Map<String, PeerMetrics>> peers, List<Load> loads,
        Map<String, List<KernelCalibration>> calibrations, List<Double> telemetryAgeMs,
        List<Observed.NodeReading> nodeReadings, List<Observed.LinkReading> linkReadings, long readyMs) {

    /** A log without the loop's readings and without the fleet's readiness. */
    public TrialLog(long workloadStartMs, long workloadMs, long windowMs, List<String> nodes, List<Task> tasks,
            List<DirectiveEvent> directives, Map<String, Map<String, PeerMetrics>> peers, List<Load> loads,
            Map<String, List<KernelCalibration>> calibrations, List<Double> telemetryAgeMs) {
        this(workloadStartMs, workloadMs, windowMs, nodes, tasks, directives, peers, loads, calibrations, telemetryAgeMs,
                List.of(), List.of(), -1);
    }

    /** The same log with the fleet found ready at {@code atMs} (wall clock; -1: unknown). */
    public TrialLog withReadyMs(long atMs) {
        return new TrialLog(workloadStartMs, workloadMs, windowMs, nodes, tasks, directives, peers, loads, calibrations,
                telemetryAgeMs, nodeReadings, linkReadings, atMs);
    }

    /** Copies. */
    public TrialLog {
        nodeReadings = List.copyOf(nodeReadings);
        linkReadings = List.copyOf(linkReadings);
        nodes = List.copyOf(nodes);
        tasks = List.copyOf(tasks);
        directives = List.copyOf(directives);
        peers = Map.copyOf(peers);
        loads = List.copyOf(loads);
        calibrations = Map.copyOf(calibrations);
        telemetryAgeMs = List.copyOf(telemetryAgeMs);
    }

    /**
     * One submitted task.
     *
     * @param taskId      its id
     * @param taskType    its type
     * @param user        the scenario user of its stream, or null where not recorded
     * @param origin      the node it was sent to, or null where not recorded
     * @param submittedMs when it was submitted
     * @param refused     whether its agent did not accept it
     * @param completion  its completion, or null
     */
    public record Task(String taskId, String taskType, String user, String origin, long submittedMs, boolean refused,
            TaskCompletion completion) {
    }

    /**
     * A directive as first published.
     *
     * @param atMs      when
     * @param node      to which node
     * @param instances per service, {instances, parallelism}
     * @param directive the directive itself (desired state with its routes, epoch and version; no
     *                  secrets), or null where not recorded
     */
    public record DirectiveEvent(long atMs, String node, Map<String, int[]> instances, org.edgefm.wire.Directive directive) {
        /** An event without the directive. */
        public DirectiveEvent(long atMs, String node, Map<String, int[]> instances) {
            this(atMs, node, instances, null);
        }
    }

    /**
     * One instance start.
     *
     * @param node      the node
     * @param service   the service
     * @param preloadMs the measured preload, or null
     */
    public record Load(String node, String service, Double preloadMs) {
    }
}
