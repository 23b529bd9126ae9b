package org.edgefm.trial.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.planner.latency.LatencyModel;
import org.edgefm.planner.latency.NetworkPaths;

/**
 * The service quality of the streams of a fleet whose agents run no tasks (the load benchmark's
 * virtual agents), estimated from the host's decision in force: each stream's task follows, at every
 * stage, the route's target of the largest weight; a stream is <em>routed</em> when every stage has a
 * target in the planners' topology that its inputs can reach, and <em>on time</em> when, in addition,
 * its mean end-to-end latency (paper 1, eqs. (4)-(5) with mean rates and mean channel, the shared
 * {@link LatencyModel}) is within its task type's deadline. Shares are weighted by the streams' mean
 * arrival rates. An estimate: mean values, no queueing; agents that run tasks measure on-time instead.
 *
 * @param streams        streams in the model
 * @param routedShare    arrival-weighted share of routed streams
 * @param onTimeShare    arrival-weighted share of streams on time by the estimate
 * @param meanLatencyMs  arrival-weighted mean end-to-end latency of the routed streams, NaN without one
 */
public record StreamQuality(int streams, double routedShare, double onTimeShare, double meanLatencyMs) {

    /** Evaluates the routing in force against the planners' model. */
    public static StreamQuality of(SystemModel model, RoutingTable routing) {
        LatencyModel latency = new LatencyModel(model, new NetworkPaths(model.topology()));
        Map<String, UserSpec> users = new HashMap<>();
        model.users().forEach(u -> users.put(u.id(), u));
        double total = 0;
        double routed = 0;
        double onTime = 0;
        double latencySum = 0;
        for (Demand d : model.workload()) {
            double rate = d.arrivals().meanRatePerMs();
            total += rate;
            UserSpec u = users.get(d.user());
            TaskType type = model.taskType(d.taskType());
            Map<String, String> placement = new HashMap<>();
            for (Stage s : type.stages()) {
                List<WeightedTarget> targets = routing.targets(type.id(), s.id(), u.node());
                WeightedTarget best = null;
                for (WeightedTarget t : targets) {
                    if (best == null || t.weight() > best.weight()) {
                        best = t;
                    }
                }
                if (best == null || model.topology().node(best.node()).isEmpty()) {
                    placement = null;
                    break;
                }
                placement.put(s.id(), best.node());
            }
            if (placement == null) {
                continue;
            }
            double e2e = latency.meanCompletionTimes(type, u, placement).get(type.sink().id());
            if (!Double.isFinite(e2e)) {
                continue;
            }
            routed += rate;
            latencySum += rate * e2e;
            if (e2e <= type.deadlineMs()) {
                onTime += rate;
            }
        }
        return new StreamQuality(model.workload().size(), total == 0 ? 0 : routed / total, total == 0 ? 0 : onTime / total,
                routed == 0 ? Double.NaN : latencySum / routed);
    }
}
