package org.edgefm.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ControlLoop}'s directives: each node's desired state under the core placement and light
 * decision in force (its core and light services, the routing table or, in a large joined fleet, its
 * {@link RouteSlices share} of it, and the peers it needs), diffed against what the node was last
 * given; each changed node gets a new {@link Directive} (its version one higher) through
 * {@link Fleet#apply}, then one {@link Fleet#flush}. Work is in proportion to what changed: when the
 * model, placement, allocations, routes and peers' endpoints are those of the last slot, nothing is
 * computed. Used on the loop's thread only.
 */
final class DirectiveBuilder {
    // logs under the loop's name: what the loop does is found in one place in the logs
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    /**
     * What the desired states are computed from: the model, the placement, the decision's allocations and
     * routes, the peers' endpoints. When none changed since the last slot, no node's desired state did.
     */
    private record DesiredInputs(SystemModel model, CorePlacement placement, List<ServiceAllocation> allocations,
            List<Route> routes, Map<String, String> endpoints) {
        boolean sameAs(DesiredInputs o) {
            return o != null && model == o.model && Objects.equals(placement, o.placement)
                    && Objects.equals(allocations, o.allocations) && routes.equals(o.routes) && endpoints.equals(o.endpoints);
        }
    }

    private final Fleet fleet;
    private final ControlLoop.Settings settings;
    private final ControlLoop.Listener listener;
    private final Map<String, ServiceSpec> catalog;
    private final PlanningModel models;
    private final Map<String, DesiredState> given = new TreeMap<>();
    private final Map<String, Long> versions = new TreeMap<>();
    private final Map<String, Directive> lastDirectives = new TreeMap<>();
    /** The inputs of the last desired states handed out, or null. */
    private DesiredInputs lastInputs;
    /** False: every slot computes every node's desired state (the reference the skip is tested against). */
    private boolean skipUnchanged = true;
    private List<Route> lastRoutes = List.of();
    private Map<String, String> lastPeers = Map.of();

    DirectiveBuilder(Fleet fleet, ControlLoop.Settings settings, ControlLoop.Listener listener, Map<String, ServiceSpec> catalog,
            PlanningModel models) {
        this.fleet = fleet;
        this.settings = settings;
        this.listener = listener;
        this.catalog = catalog;
        this.models = models;
    }

    /** Tests and benchmarks: compute every node's desired state every slot, also when nothing it depends on changed. */
    void diffEverySlot() {
        skipUnchanged = false;
    }

    /** The newest directive handed to each node, by node id (the live map: copy it to publish it). */
    Map<String, Directive> lastDirectives() {
        return lastDirectives;
    }

    /**
     * Hands every node whose desired state changed a new directive.
     *
     * @param decision the light decision in force, or null before the first
     * @param slot     the slot, for the debug log
     * @return the directives handed to the fleet
     */
    List<Directive> handOut(CorePlacement placement, LightDecision decision, long slot) {
        DesiredInputs in = new DesiredInputs(models.model(), placement, decision == null ? null : decision.allocations(),
                decision == null ? List.of() : decision.routing().routes(), fleet.peerEndpoints());
        if (skipUnchanged && in.sameAs(lastInputs)) {
            return List.of(); // every node's desired state is the one it was given
        }
        List<Directive> sent = apply(desired(in, placement, decision), slot);
        lastInputs = in;
        return sent;
    }

    /** The desired state of every node under the placement and decision in force. */
    private Map<String, DesiredState> desired(DesiredInputs in, CorePlacement placement, LightDecision decision) {
        SystemModel model = models.model();
        Map<String, Map<String, DesiredService>> perNode = new TreeMap<>();
        for (NodeSpec n : model.topology().nodes()) {
            perNode.put(n.id(), new LinkedHashMap<>());
        }
        for (CoreAssignment a : placement.assignments()) {
            ServiceSpec spec = catalog.get(a.service());
            if (spec == null) {
                continue;
            }
            perNode.computeIfAbsent(a.node(), k -> new LinkedHashMap<>()).put(a.service(),
                    new DesiredService(a.service(), ServiceKind.CORE, a.instances(), 1, null, spec.workloadMb(), spec.kernel()));
        }
        List<Route> routes = decision == null ? List.of() : decision.routing().routes();
        if (decision != null) {
            for (ServiceAllocation a : decision.allocations()) {
                ServiceSpec spec = catalog.get(a.service());
                if (a.instances() == 0 || spec == null || spec.kind() == ServiceKind.CORE) {
                    continue;
                }
                perNode.computeIfAbsent(a.node(), k -> new LinkedHashMap<>()).put(a.service(),
                        new DesiredService(a.service(), ServiceKind.LIGHT, a.instances(), a.parallelism(),
                                a.computeShare(), spec.workloadMb(), spec.kernel()));
            }
        }
        Map<String, String> endpoints = in.endpoints();
        Map<String, String> peers = new TreeMap<>();
        if (models.joins() && endpoints.size() <= ControlLoop.PROBE_ALL_PEERS_UP_TO) {
            // a fleet that joins declares no links: the planners learn them from what the agents measure, and
            // an agent measures the peers its directive names. Routes alone would name none (without a link no
            // node reaches another, so nothing is routed): every node is named, so the links appear
            peers.putAll(endpoints);
        }
        for (Route r : routes) {
            for (WeightedTarget t : r.targets()) {
                String ep = endpoints.get(t.node());
                if (ep != null) {
                    peers.put(t.node(), ep);
                }
            }
        }
        // every node gets the same routing table and peers: when they did not change since the last slot, a
        // node whose services did not change keeps the state it was given (compared once here, not route by
        // route and peer by peer for each of a thousand nodes, and no new state validated per node)
        boolean routingChanged = !routes.equals(lastRoutes) || !peers.equals(lastPeers);
        lastRoutes = routes;
        lastPeers = peers;
        Map<String, DesiredState> out = new TreeMap<>();
        boolean slice = models.joins() && perNode.size() > ControlLoop.PROBE_ALL_PEERS_UP_TO;
        RouteSlices[] slices = {null};
        perNode.forEach((node, services) -> {
            List<DesiredService> list = List.copyOf(services.values());
            DesiredState prev = given.get(node);
            if (!routingChanged && prev != null && prev.services().equals(list)) {
                out.put(node, prev);
            } else if (slice && !routingChanged && prev != null) {
                out.put(node, new DesiredState(list, prev.routing(), prev.peers()));
            } else if (slice) {
                if (slices[0] == null) {
                    slices[0] = new RouteSlices(routes, endpoints, model);
                }
                List<Route> mine = slices[0].routes(node);
                out.put(node, new DesiredState(list, mine, slices[0].peers(mine)));
            } else {
                out.put(node, new DesiredState(list, routes, peers));
            }
        });
        return out;
    }

    private List<Directive> apply(Map<String, DesiredState> desired, long slot) {
        List<Directive> sent = new ArrayList<>();
        for (Map.Entry<String, DesiredState> e : desired.entrySet()) {
            String node = e.getKey();
            if (e.getValue().equals(given.get(node))) {
                continue;
            }
            long version = versions.merge(node, 1L, Long::sum);
            Directive d = new Directive(WireCodec.SCHEMA, node, settings.plannerEpoch(), version,
                    settings.wallClock().getAsLong(), e.getValue());
            if (LOG.isDebugEnabled()) {
                LOG.debug("slot {}: directive {} v{} (epoch {}): {} service(s), {} route(s)", slot, node, version,
                        settings.plannerEpoch(), e.getValue().services().size(), e.getValue().routing().size());
            }
            given.put(node, e.getValue());
            lastDirectives.put(node, d);
            fleet.apply(d);
            listener.onDirective(d);
            sent.add(d);
        }
        if (!sent.isEmpty()) {
            fleet.flush();
        }
        return sent;
    }
}
