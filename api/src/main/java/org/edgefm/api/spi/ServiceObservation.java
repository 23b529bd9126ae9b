package org.edgefm.api.spi;

import java.util.Arrays;
import org.edgefm.api.Check;

/**
 * The state of one service at one node over the last slot, as agents report it in telemetry (or
 * the simulator computes it).
 *
 * @param node               node id
 * @param service            service id
 * @param instances          running instances
 * @param parallelism        parallelism level {@code y} of each instance (1 for core services)
 * @param queueLength        tasks waiting for an instance
 * @param inFlight           tasks being served
 * @param arrivals           tasks that arrived during the slot ({@code z_{v,m,t}})
 * @param completed          tasks completed during the slot
 * @param rateSamplesMbPerMs measured per-task processing rates (for empirical effective capacity);
 *                           may be empty
 * @param latencyP95Ms       measured 95th-percentile stage latency, or null when unknown
 */
public record ServiceObservation(String node, String service, int instances, int parallelism, int queueLength,
        int inFlight, int arrivals, int completed, double[] rateSamplesMbPerMs, Double latencyP95Ms) {
    /**
     * Validates every field and copies the samples.
     *
     * @param node node id
     * @param service service id
     * @param instances running instances
     * @param parallelism parallelism level {@code y} of each instance (1 for core services)
     * @param queueLength tasks waiting for an instance
     * @param inFlight tasks being served
     * @param arrivals tasks that arrived during the slot ({@code z_{v,m,t}})
     * @param completed tasks completed during the slot
     * @param rateSamplesMbPerMs measured per-task processing rates (for empirical effective capacity); may be empty
     * @param latencyP95Ms measured 95th-percentile stage latency, or null when unknown
     */
    public ServiceObservation {
        Check.id(node, "node");
        Check.id(service, "service");
        Check.nonNegative(instances, "instances");
        Check.nonNegative(parallelism, "parallelism");
        Check.nonNegative(queueLength, "queueLength");
        Check.nonNegative(inFlight, "inFlight");
        Check.nonNegative(arrivals, "arrivals");
        Check.nonNegative(completed, "completed");
        rateSamplesMbPerMs = rateSamplesMbPerMs == null ? new double[0] : rateSamplesMbPerMs.clone();
    }

    /** {@return a copy of the measured rates, in MB/ms} */
    @Override
    public double[] rateSamplesMbPerMs() {
        return rateSamplesMbPerMs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceObservation s && node.equals(s.node) && service.equals(s.service)
                && instances == s.instances && parallelism == s.parallelism && queueLength == s.queueLength
                && inFlight == s.inFlight && arrivals == s.arrivals && completed == s.completed
                && Arrays.equals(rateSamplesMbPerMs, s.rateSamplesMbPerMs)
                && java.util.Objects.equals(latencyP95Ms, s.latencyP95Ms);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(node, service, instances, parallelism, queueLength, inFlight, arrivals,
                completed, Arrays.hashCode(rateSamplesMbPerMs), latencyP95Ms);
    }
}
