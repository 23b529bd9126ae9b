package org.edgefm.trial;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.wire.Birth;
import org.edgefm.wire.KernelCalibration;

/**
 * A trial's agents as the host's fleet state tells them: each one's data endpoint while alive, profile,
 * sessions (births the host counted as new), uptime from birth to death, and kernel calibrations.
 * Not thread-safe: {@link TrialMonitor} holds its lock around every call.
 */
final class AgentBook {
    private final Map<String, String> endpoints = new HashMap<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();
    private final Map<String, Long> bornAt = new HashMap<>();
    private final Map<String, Double> upMs = new LinkedHashMap<>();
    /** Sessions per node, as the host's fleet state tells them apart. */
    private final Map<String, Integer> sessions = new HashMap<>();
    private final Map<String, List<KernelCalibration>> kernelCalibrations = new TreeMap<>();

    /** A birth the host accepted at {@code now}. */
    void born(Birth b, boolean newSession, long now) {
        endpoints.put(b.nodeId(), b.dataEndpoint());
        profiles.put(b.nodeId(), b.profile());
        bornAt.putIfAbsent(b.nodeId(), now);
        if (newSession) {
            sessions.merge(b.nodeId(), 1, Integer::sum);
        }
        kernelCalibrations.put(b.nodeId(), List.copyOf(b.calibration()));
        upMs.putIfAbsent(b.nodeId(), 0.0);
    }

    /** A death the host accepted at {@code now}: the node's uptime since its birth is added. */
    void died(String node, long now) {
        endpoints.remove(node);
        Long since = bornAt.remove(node);
        if (since != null) {
            upMs.merge(node, (double) (now - since), Double::sum);
        }
    }

    /** The trial ends at {@code endMs}: the uptimes of agents still alive end then. */
    void close(long endMs) {
        for (Map.Entry<String, Long> e : bornAt.entrySet()) {
            upMs.merge(e.getKey(), (double) (endMs - e.getValue()), Double::sum);
        }
        bornAt.clear();
    }

    /** The data endpoint of a live agent, or null. */
    String endpoint(String node) {
        return endpoints.get(node);
    }

    /** The agents that took part, in order of their first birth. */
    Set<String> nodes() {
        return profiles.keySet();
    }

    /** Each agent's kernel calibrations from its newest birth, by node. */
    Map<String, List<KernelCalibration>> kernelCalibrations() {
        return kernelCalibrations;
    }

    /** Per agent: its profile, uptime in seconds and sessions. */
    Map<String, TrialSummary.Agent> agents() {
        Map<String, TrialSummary.Agent> agents = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : upMs.entrySet()) {
            agents.put(e.getKey(), new TrialSummary.Agent(profiles.get(e.getKey()), e.getValue() / 1000.0,
                    sessions.getOrDefault(e.getKey(), 0)));
        }
        return agents;
    }
}
