package org.edgefm.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;

/**
 * Each node's share of the routing table in a large fleet that joins (more than
 * {@link ControlLoop#PROBE_ALL_PEERS_UP_TO} nodes): every route of the streams (task type, origin) it is the
 * origin of; for each stage of a stream it is a target of, the route of the stage that follows (where
 * it sends the output); and the origin-less fallback routes cut to their {@link #FALLBACK_TARGETS}
 * heaviest targets. Its peers are those routes' targets. A node given the whole table would get hundreds of kilobytes (thousands of routes, more
 * than one MQTT message of the wire carries) and a new directive whenever any stream's route moved.
 * An agent that forwards a task of a stream it has no route for uses the fallback route.
 */
final class RouteSlices {
    /** The most targets an origin-less fallback route keeps in a node's share of the routing table. */
    static final int FALLBACK_TARGETS = 16;

    private final List<Route> fallback = new ArrayList<>();
    /** Per node, the routes it gets (by identity, in table order). */
    private final Map<String, java.util.BitSet> of = new java.util.HashMap<>();
    /** Each route's positions in the table (by identity). */
    private final Map<Route, List<Integer>> at = new java.util.IdentityHashMap<>();
    private final List<Route> all;
    private final Map<String, String> endpoints;

    RouteSlices(List<Route> routes, Map<String, String> endpoints, SystemModel model) {
        this.endpoints = endpoints;
        this.all = routes;
        Map<String, Route> byStage = new java.util.HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            at.computeIfAbsent(routes.get(i), x -> new ArrayList<>(1)).add(i);
        }
        for (Route r : routes) {
            if (r.origin() != null) {
                byStage.put(r.taskType() + "|" + r.origin() + "|" + r.stage(), r);
            }
        }
        Map<String, org.edgefm.api.model.TaskType> types = new java.util.HashMap<>();
        model.taskTypes().forEach(t -> types.put(t.id(), t));
        for (Route r : routes) {
            if (r.origin() == null) {
                fallback.add(heaviest(r));
                continue;
            }
            mark(r.origin(), r);
            org.edgefm.api.model.TaskType t = types.get(r.taskType());
            String next = null;
            if (t != null) {
                try {
                    next = t.stage(r.stage()).next();
                } catch (IllegalArgumentException e) {
                    next = null;
                }
            }
            Route following = next == null ? null : byStage.get(r.taskType() + "|" + r.origin() + "|" + next);
            if (following == null) {
                continue;
            }
            for (WeightedTarget w : r.targets()) {
                mark(w.node(), following);
            }
        }
    }

    /** Gives {@code node} the route {@code r} (at each of its positions in the table). */
    private void mark(String node, Route r) {
        java.util.BitSet b = of.computeIfAbsent(node, x -> new java.util.BitSet());
        for (int i : at.get(r)) {
            b.set(i);
        }
    }

    private static Route heaviest(Route r) {
        if (r.targets().size() <= FALLBACK_TARGETS) {
            return r;
        }
        List<WeightedTarget> t = new ArrayList<>(r.targets());
        t.sort(java.util.Comparator.comparingDouble(WeightedTarget::weight).reversed()
                .thenComparing(WeightedTarget::node));
        return new Route(r.taskType(), r.stage(), null, List.copyOf(t.subList(0, FALLBACK_TARGETS)));
    }

    List<Route> routes(String node) {
        List<Route> out = new ArrayList<>(fallback);
        java.util.BitSet mine = of.get(node);
        if (mine != null) {
            // the node's routes in table order, found without a scan of the whole table per node
            for (int i = mine.nextSetBit(0); i >= 0; i = mine.nextSetBit(i + 1)) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** The endpoints of the targets of {@code routes} (a node's share). */
    Map<String, String> peers(List<Route> routes) {
        Map<String, String> out = new TreeMap<>();
        for (Route r : routes) {
            for (WeightedTarget t : r.targets()) {
                String ep = endpoints.get(t.node());
                if (ep != null) {
                    out.put(t.node(), ep);
                }
            }
        }
        return out;
    }
}
