package org.edgefm.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param preloadMs          measured weight load time of each running instance, ms, in instance order
 *                           (optional: omitted for a service without a kernel and by older agents)
 */
public record ServiceMetrics(String service, int instances, int parallelism, int queueLength, int inFlight,
        int arrivals, int completed, Double latencyP50Ms, Double latencyP95Ms, List<Double> rateSamplesMbPerMs,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Double> preloadMs) {
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
        preloadMs = Check.listOf(preloadMs, "preloadMs");
        for (int i = 0; i < preloadMs.size(); i++) {
            Check.nonNegative(preloadMs.get(i), "preloadMs[" + i + "]");
        }
    }

    /** Metrics without per-instance preload times. */
    public ServiceMetrics(String service, int instances, int parallelism, int queueLength, int inFlight, int arrivals,
            int completed, Double latencyP50Ms, Double latencyP95Ms, List<Double> rateSamplesMbPerMs) {
        this(service, instances, parallelism, queueLength, inFlight, arrivals, completed, latencyP50Ms, latencyP95Ms,
                rateSamplesMbPerMs, List.of());
    }
}
