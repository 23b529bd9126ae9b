package org.edgefm.host;

import java.util.List;
import org.edgefm.api.model.ResourceVector;

/**
 * A node that joined the fleet, as its newest birth announced it.
 *
 * @param id           node id
 * @param profile      device profile name
 * @param capacity     capacity vector from the birth
 * @param labels       labels from the birth (streams may name one as their origin)
 * @param dataEndpoint advertised {@code host:port} of its task and peer endpoint, or blank
 * @param online       session alive and telemetry fresh
 */
public record JoinedNode(String id, String profile, ResourceVector capacity, List<String> labels, String dataEndpoint,
        boolean online) {
    /** Copies the labels. */
    public JoinedNode {
        labels = List.copyOf(labels);
    }
}
