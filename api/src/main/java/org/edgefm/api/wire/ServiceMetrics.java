package org.edgefm.api.wire;

import java.util.List;
import org.edgefm.api.Check;

/**
 * One service's state on an agent since the previous telemetry message.
 *
 * @param service            service id
 * @param instances          running instances
 * @param parallelism        parallelism level y per instance
 * @param queueLength        tasks waiting
 * @param inFlight           tasks being served
 * @param arrivals           tasks that arrived since the previous message
 * @param completed          tasks completed since the previous message
 * @param latencyP50Ms       median stage latency, or null when no task completed
 * @param latencyP95Ms       95th-percentile stage latency, or null when no task completed
 * @param rateSamplesMbPerMs measured per-task rates (workload MB / service ms), for effective capacity
 */
public record ServiceMetrics(String service, int instances, int parallelism, int queueLength, int inFlight,
        int arrivals, int completed, Double latencyP50Ms, Double latencyP95Ms, List<Double> rateSamplesMbPerMs) {
    /** Validates every field. */
    public ServiceMetrics {
        Check.id(service, "service");
        Check.nonNegative(instances, "instances");
        Check.nonNegative(parallelism, "parallelism");
        Check.nonNegative(queueLength, "queueLength");
        Check.nonNegative(inFlight, "inFlight");
        Check.nonNegative(arrivals, "arrivals");
        Check.nonNegative(completed, "completed");
        rateSamplesMbPerMs = Check.listOf(rateSamplesMbPerMs, "rateSamplesMbPerMs");
    }
}
