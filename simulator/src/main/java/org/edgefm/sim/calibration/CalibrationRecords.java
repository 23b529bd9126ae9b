package org.edgefm.sim.calibration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.control.stats.Quantiles;

/**
 * The parts of a {@link Calibration} document, one record per measurement kind (the workload, a
 * distribution, a station, a link, a preload, the hop overheads, a logged task and its stages, a
 * published directive); {@link Calibration} implements this interface, so each is named
 * {@code Calibration.Dist}, {@code Calibration.Task} and so on. All times are in ms.
 */
public interface CalibrationRecords {
    /**
     * One directive as the trial's host published it.
     *
     * @param atMs         when it was published, ms after the workload's start (negative: before it, while the
     *                     fleet was brought up)
     * @param node         the node it went to
     * @param plannerEpoch its planner epoch
     * @param version      its version
     * @param desired      the desired state (services, instances, parallelism, routes; no peer endpoints)
     */
    public record Issued(double atMs, String node, long plannerEpoch, long version,
            @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = WireState.class) org.edgefm.wire.DesiredState desired) {
        /** Validates. */
        public Issued {
            if (Double.isNaN(atMs) || Double.isInfinite(atMs)) {
                throw new InvalidFieldException("atMs", atMs + " (expected: finite)");
            }
            Check.nodeId(node, "node");
            Check.nonNegative(plannerEpoch, "plannerEpoch");
            Check.positive(version, "version");
            Check.notNull(desired, "desired");
        }

        /** The directive to hand a fleet. */
        public org.edgefm.wire.Directive directive() {
            return new org.edgefm.wire.Directive(org.edgefm.wire.WireCodec.SCHEMA, node, plannerEpoch, version, 0, desired);
        }
    }


    /**
     * The workload the trial drove.
     *
     * @param durationMs how long arrivals were driven
     * @param windowMs   the width of the report's windows
     * @param nodes      the nodes that took part (agents born)
     * @param origins    per scenario user, the node its tasks were sent to
     */
    public record Workload(double durationMs, double windowMs, List<String> nodes, Map<String, String> origins) {
        /** Validates. */
        public Workload {
            Check.nonNegative(durationMs, "durationMs");
            Check.positive(windowMs, "windowMs");
            nodes = Check.listOf(nodes, "nodes");
            origins = Check.mapOf(origins, "origins");
        }
    }

    /**
     * A distribution of measured times.
     *
     * @param n         how many were measured
     * @param meanMs    their mean, or null without any
     * @param p50Ms     median ({@link Quantiles}), or null
     * @param p95Ms     95th percentile, or null
     * @param p99Ms     99th percentile, or null
     * @param samplesMs the samples (at most {@link Calibration#MAX_SAMPLES}; more were thinned to evenly spaced order statistics)
     */
    public record Dist(long n, Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, double[] samplesMs) {
        /** No measurement. */
        public static final Dist EMPTY = new Dist(0, null, null, null, null, new double[0]);

        /** Validates. */
        public Dist {
            Check.nonNegative(n, "n");
            samplesMs = samplesMs == null ? new double[0] : samplesMs;
            if (samplesMs.length > Calibration.MAX_SAMPLES) {
                throw new InvalidFieldException("samplesMs", samplesMs.length + " samples (expected: at most " + Calibration.MAX_SAMPLES + ")");
            }
            for (int i = 0; i < samplesMs.length; i++) {
                if (!(samplesMs[i] >= 0) || Double.isInfinite(samplesMs[i])) {
                    throw new InvalidFieldException("samplesMs[" + i + "]", samplesMs[i] + " (expected: >= 0)");
                }
            }
        }

        /** The distribution of {@code values} (negative ones are clamped to 0: clock granularity). */
        public static Dist of(List<Double> values) {
            double[] v = values.stream().mapToDouble(x -> Math.max(0, x)).sorted().toArray();
            if (v.length == 0) {
                return EMPTY;
            }
            double[] q = Quantiles.of(v, 0.50, 0.95, 0.99);
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            double[] kept = v;
            if (v.length > Calibration.MAX_SAMPLES) {
                kept = new double[Calibration.MAX_SAMPLES];
                for (int i = 0; i < Calibration.MAX_SAMPLES; i++) {
                    kept[i] = v[(int) Math.round(i * (v.length - 1) / (double) (Calibration.MAX_SAMPLES - 1))];
                }
            }
            return new Dist(v.length, round(sum / v.length), round(q[0]), round(q[1]), round(q[2]), kept);
        }

        private static double round(double x) {
            return Math.round(x * 1000) / 1000.0;
        }
    }

    /**
     * One (node, service) that served stages.
     *
     * @param node              the node
     * @param service           the service
     * @param serviceMs         service times of the stages it ran (stage start to end)
     * @param queueMs           waits in the agent's worker pool (queued to start), where the agent reports them
     * @param calibratedMbPerMs the agent's kernel calibration for the service's kernel kind, or null
     */
    public record Station(String node, String service, Dist serviceMs, Dist queueMs, Double calibratedMbPerMs) {
        /** Validates. */
        public Station {
            Check.nodeId(node, "node");
            Check.id(service, "service");
            Check.notNull(serviceMs, "serviceMs");
            queueMs = queueMs == null ? Dist.EMPTY : queueMs;
            if (calibratedMbPerMs != null) {
                Check.nonNegative(calibratedMbPerMs, "calibratedMbPerMs");
            }
        }
    }

    /**
     * A measured link.
     *
     * @param a       one node
     * @param b       the other
     * @param rttMs   smoothed round-trip time (mean of both directions), or null
     * @param mbPerMs smoothed throughput of stage transfers, or null
     * @param samples measurements folded in
     */
    public record Link(String a, String b, Double rttMs, Double mbPerMs, long samples) {
        /** Validates. */
        public Link {
            Check.nodeId(a, "a");
            Check.nodeId(b, "b");
            if (rttMs != null) {
                Check.nonNegative(rttMs, "rttMs");
            }
            if (mbPerMs != null) {
                Check.positive(mbPerMs, "mbPerMs");
            }
            Check.nonNegative(samples, "samples");
        }
    }

    /**
     * Measured preloads of one (node, service).
     *
     * @param node      the node
     * @param service   the service
     * @param preloadMs each instance start's preload
     */
    public record Preload(String node, String service, double[] preloadMs) {
        /** Validates. */
        public Preload {
            Check.nodeId(node, "node");
            Check.id(service, "service");
            preloadMs = preloadMs == null ? new double[0] : preloadMs;
            for (int i = 0; i < preloadMs.length; i++) {
                if (!(preloadMs[i] >= 0) || Double.isInfinite(preloadMs[i])) {
                    throw new InvalidFieldException("preloadMs[" + i + "]", preloadMs[i] + " (expected: >= 0)");
                }
            }
        }

        /** The median preload. */
        public double medianMs() {
            return preloadMs.length == 0 ? 0 : Quantiles.of(preloadMs.clone(), 0.5);
        }
    }

    /**
     * Per-hop overheads: measured times beyond the modelled link ({@code api.model.Latency} with the
     * measured link figures) and the worker pool's wait.
     *
     * @param ingressMs   submission at the origin to the first stage's queue
     * @param localHopMs  a stage's end to the next stage's queue on the same node
     * @param remoteHopMs a stage's end to the next stage's queue on another node
     * @param residualMs  per task, end-to-end latency minus its critical path's service, queue and link times
     */
    public record Overheads(Dist ingressMs, Dist localHopMs, Dist remoteHopMs, Dist residualMs) {
        /** Validates. */
        public Overheads {
            ingressMs = ingressMs == null ? Dist.EMPTY : ingressMs;
            localHopMs = localHopMs == null ? Dist.EMPTY : localHopMs;
            remoteHopMs = remoteHopMs == null ? Dist.EMPTY : remoteHopMs;
            residualMs = residualMs == null ? Dist.EMPTY : residualMs;
        }
    }

    /**
     * One task of the trial's log, and what it measured where it completed.
     *
     * @param atMs      submission, ms after the workload's start
     * @param user      the scenario user of its stream
     * @param taskType  its task type
     * @param origin    the node it was sent to
     * @param latencyMs end-to-end latency where it completed, or null
     * @param success   whether it completed successfully, or null where it never completed
     * @param inFlight  tasks of the workload submitted before it and not yet completed when it was submitted, or null
     * @param residualMs latency minus its critical path's service and link times, or null
     * @param stages    per stage (successful tasks with every stage timed), in the task type's order; empty otherwise
     */
    public record Task(double atMs, String user, String taskType, String origin,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double latencyMs,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean success,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer inFlight,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double residualMs,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StageRun> stages) {
        /** Validates. */
        public Task {
            Check.nonNegative(atMs, "atMs");
            Check.id(user, "user");
            Check.id(taskType, "taskType");
            Check.nodeId(origin, "origin");
            if (latencyMs != null) {
                Check.nonNegative(latencyMs, "latencyMs");
            }
            if (inFlight != null) {
                Check.nonNegative(inFlight, "inFlight");
            }
            stages = stages == null ? List.of() : Check.listOf(stages, "stages");
        }

        /** An arrival without measurements. */
        public Task(double atMs, String user, String taskType, String origin) {
            this(atMs, user, taskType, origin, null, null, null, null, List.of());
        }
    }

    /**
     * One stage of a logged task, on the workload's clock (ms after its start).
     *
     * @param stage      the stage
     * @param node       the node that ran it
     * @param service    its service
     * @param queuedMs   when its input entered the node's worker pool (its start where the agent does not say)
     * @param startMs    start of service
     * @param endMs      end of service
     * @param hop        {@code ingress} (a leaf stage: from the submission), {@code local} or {@code remote}
     *                   (from its last parent on the same node or another one)
     * @param overheadMs the hop's time beyond the modelled link (the time to {@code queuedMs})
     */
    public record StageRun(String stage, String node, String service, double queuedMs, double startMs, double endMs,
            String hop, double overheadMs) {
        /** Validates. */
        public StageRun {
            Check.id(stage, "stage");
            Check.nodeId(node, "node");
            Check.id(service, "service");
            if (!(endMs >= startMs) || !(startMs >= queuedMs)) {
                throw new InvalidFieldException("endMs", queuedMs + " <= " + startMs + " <= " + endMs
                        + " (expected: queued <= start <= end)");
            }
            if (!List.of("ingress", "local", "remote").contains(hop)) {
                throw new InvalidFieldException("hop", Check.quote(hop) + " (expected: ingress, local or remote)");
            }
        }

        /** The service time. */
        public double serviceMs() {
            return endMs - startMs;
        }

        /** The wait in the worker pool. */
        public double waitMs() {
            return startMs - queuedMs;
        }
    }

}
