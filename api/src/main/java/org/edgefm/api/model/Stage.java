package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.edgefm.api.Check;

/**
 * One vertex of a task type's in-tree DAG: a stage that runs a service and hands its output to at
 * most one successor (multimodal fusion makes DAGs in-trees: several parents, one child).
 *
 * @param id      stage id, unique within its task type
 * @param service id of the service that runs this stage
 * @param next    id of the successor stage, or null for the sink (the final stage)
 */
public record Stage(String id, String service, String next) {
    /**
     * Validates the ids.
     *
     * @param id stage id, unique within its task type
     * @param service id of the service that runs this stage
     * @param next id of the successor stage, or null for the sink (the final stage)
     */
    public Stage {
        Check.id(id, "id");
        Check.id(service, "service");
        if (next != null) {
            Check.id(next, "next");
        }
    }

    /** {@return true for the sink stage} */
    @JsonIgnore
    public boolean isSink() {
        return next == null;
    }
}
