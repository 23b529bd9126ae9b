package org.edgefm.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.edgefm.api.model.Resource;
import org.edgefm.api.spi.Route;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;

/**
 * The directives in force in a simulated fleet, per node: the planner epoch and version applied
 * last, the routing table compiled from its routes, and the check a new directive passes before it
 * takes effect (newer than the one in force, known services, within the node's capacity under
 * {@code sim.enforce-capacity}), as an agent checks it.
 */
final class NodeDirectives {
    /** A directive's instances and parallelism per service, or the reason it is refused. */
    record Decoded(int[] instances, int[] parallelism, String refusal) {
    }

    private final CompiledModel m;
    private final SimSettings settings;
    final long[] appliedEpoch;
    final long[] appliedVersion;
    /** Per node the routing table in force, or null before its first directive. */
    final RouteTable[] routes;

    NodeDirectives(CompiledModel m, SimSettings settings) {
        this.m = m;
        this.settings = settings;
        appliedEpoch = new long[m.nodeCount];
        appliedVersion = new long[m.nodeCount];
        routes = new RouteTable[m.nodeCount];
    }

    /** True when {@code node} already applied {@code directive} or a newer one. */
    boolean stale(int node, Directive directive) {
        return directive.plannerEpoch() < appliedEpoch[node]
                || (directive.plannerEpoch() == appliedEpoch[node] && directive.version() <= appliedVersion[node]);
    }

    /** The directive's services as per-service arrays, or why {@code node} refuses it. */
    Decoded decode(int node, Directive directive) {
        int[] inst = new int[m.serviceCount];
        int[] par = new int[m.serviceCount];
        Arrays.fill(par, 1);
        double[] used = new double[Resource.values().length];
        for (DesiredService d : directive.desired().services()) {
            Integer s = m.serviceIndex.get(d.service());
            if (s == null) {
                return new Decoded(null, null, "unknown service '" + d.service() + "'");
            }
            inst[s] = d.instances();
            par[s] = m.core[s] ? 1 : d.parallelism();
            for (Resource r : Resource.values()) {
                used[r.ordinal()] += m.services[s].demand().get(r) * d.instances();
            }
        }
        if (settings.enforceCapacity()) {
            for (Resource r : Resource.values()) {
                double cap = m.nodeSpecs[node].capacity().get(r);
                if (used[r.ordinal()] > cap + 1e-9) {
                    return new Decoded(null, null, String.format(Locale.ROOT, "needs %s %.3f, node has %.3f",
                            r.jsonName(), used[r.ordinal()], cap));
                }
            }
        }
        return new Decoded(inst, par, null);
    }

    /** Records {@code directive} as in force at {@code node} and puts its routes in force. */
    void accept(int node, Directive directive) {
        appliedEpoch[node] = directive.plannerEpoch();
        appliedVersion[node] = directive.version();
        routes[node] = reuse(directive.desired().routing(), routes[node]);
    }

    /** Compiled tables are shared between nodes that got the same route list (the control loop's case). */
    private RouteTable reuse(List<Route> list, RouteTable previous) {
        if (previous != null && (previous.source == list || previous.source.equals(list))) {
            return previous;
        }
        for (RouteTable r : routes) {
            if (r != null && r.source == list) {
                return r;
            }
        }
        return new RouteTable(m, list);
    }
}
