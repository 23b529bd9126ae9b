package org.edgefm.host;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The label values the host's meters may use for names that agents report: a service or task type
 * the host knows (its scenario's) is its own value, any other {@value #OTHER}; the first
 * {@value #MAX_NODE_LABELS} node ids get their own value, later ones {@value #OTHER}. So agents can
 * never grow {@code /metrics} without bound. Thread-safe.
 */
final class MeterLabels {
    /** The label value of every agent-reported name the host does not know. */
    static final String OTHER = "other";
    /** Distinct node label values at most; later nodes share {@value #OTHER}. */
    static final int MAX_NODE_LABELS = 2_048;

    private volatile Set<String> knownServices = Set.of();
    private volatile Set<String> knownTaskTypes = Set.of();
    private final Set<String> nodeLabels = ConcurrentHashMap.newKeySet();

    void knownServices(Collection<String> services) {
        knownServices = Set.copyOf(services);
    }

    void knownTaskTypes(Collection<String> taskTypes) {
        knownTaskTypes = Set.copyOf(taskTypes);
    }

    /** A service name as a label value: the name when the host knows it, else {@value #OTHER}. */
    String service(String service) {
        return service != null && knownServices.contains(service) ? service : OTHER;
    }

    /** A task type as a label value: the id when the host knows it, else {@value #OTHER}. */
    String taskType(String taskType) {
        return taskType != null && knownTaskTypes.contains(taskType) ? taskType : OTHER;
    }

    /**
     * A node id as a label value: node ids are authenticated accounts on a secured broker; on an open
     * one the first {@value #MAX_NODE_LABELS} get their own value, later ones {@value #OTHER}.
     */
    String node(String node) {
        if (nodeLabels.contains(node)) {
            return node;
        }
        if (nodeLabels.size() < MAX_NODE_LABELS) {
            nodeLabels.add(node);
            return node;
        }
        return OTHER;
    }
}
