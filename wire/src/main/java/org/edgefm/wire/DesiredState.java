package org.edgefm.wire;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.spi.Route;

/**
 * The complete desired state of one node. Applying it is idempotent: the node runs exactly these
 * services and routes by exactly this table.
 *
 * @param services the services to run, at most one entry per service
 * @param routing  where the stages this node hands on go next (routes of the whole fleet, or the
 *                 subset relevant to this node)
 * @param peers    data endpoints ({@code host:port}) of the nodes named in the routes
 */
public record DesiredState(List<DesiredService> services, List<Route> routing, Map<String, String> peers) {
    /** The state with no service. */
    public static final DesiredState EMPTY = new DesiredState(List.of(), List.of(), Map.of());

    /** Validates every field. */
    public DesiredState {
        services = Check.listOf(services, "services");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < services.size(); i++) {
            if (!seen.add(services.get(i).service())) {
                throw new InvalidFieldException("services[" + i + "].service",
                        Check.quote(services.get(i).service()) + " is listed twice");
            }
        }
        routing = Check.listOf(routing, "routing");
        peers = Check.mapOf(peers, "peers");
        for (String peer : peers.keySet()) {
            Check.id(peer, "peers");
        }
    }
}
