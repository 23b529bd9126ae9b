package org.edgefm.agent.internal;

import java.util.Map;
import java.util.TreeMap;
import org.edgefm.agent.internal.TaskVerticle.Header;
import org.edgefm.agent.internal.TaskVerticle.Pins;
import org.edgefm.agent.kernel.DecodeStep;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.Directive;
import org.edgefm.wire.routing.StageRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a task goes next, read from this agent's applied directive: the node of a stage (the
 * routing table through {@link StageRouter}, the same reading the simulator uses, with a draw
 * decided by the task id), admission control at the task's origin, and the fusion-stage pins that
 * make all parents of a join meet on one node. No I/O: {@link TaskVerticle} sends the data.
 */
final class TaskRouting {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRouting.class);

    private final AgentContext ctx;

    TaskRouting(AgentContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The node serving a stage: for a fusion stage the node the task's origin pinned (see
     * {@link #pinned}), else the route for this origin, else the route for any origin, else this
     * node if it hosts the service.
     */
    String route(Header h) {
        Stage stage = h.taskType().stage(h.stage());
        Directive d = ctx.applied();
        Route own = routeOf(d, h.taskType(), stage, h.origin());
        String pin = pinned(h, stage, d, own);
        return pin != null ? pin : choose(own, key(h.taskId(), h.decode()), stage);
    }

    /**
     * What the choice among a route's targets is keyed by: the task id, or for a step of a generation
     * its sequence id, so that every step of a sequence reaches the same instance of each stage (whose
     * key/value cache of the sequence it continues) on every agent with the same routing table. A new
     * routing table may move the sequence; the part there answers with a miss and the origin replays it.
     */
    static String key(String taskId, DecodeStep step) {
        return StageRouter.taskKey(taskId, step == null ? null : step.sequence());
    }

    /** The route of a stage in a routing table ({@link StageRouter#routeOf}); null if none. */
    private static Route routeOf(Directive d, TaskType tt, Stage stage, String origin) {
        return d == null ? null : StageRouter.routeOf(d.desired().routing(), tt.id(), stage.id(), origin);
    }

    /**
     * Admission control ({@code WeightedTarget.REJECT}): the task is refused with the largest reject
     * share among its entry stages' routes for this origin, decided by the task id so that it is
     * reproducible.
     */
    boolean admissionRejects(TaskType tt, String taskId) {
        Directive d = ctx.applied();
        double share = 0;
        for (Stage leaf : tt.leaves()) {
            Route r = routeOf(d, tt, leaf, ctx.nodeId());
            if (r != null) {
                share = Math.max(share, StageRouter.rejectShare(r.targets()));
            }
        }
        return StageRouter.rejects(share, StageRouter.keyed(taskId + "/admission"));
    }

    /** A node of a route, or this node if there is no route and it hosts the service. */
    private String choose(Route route, String taskId, Stage stage) {
        if (route == null) {
            if (ctx.runtime().hosts(stage.service())) {
                return ctx.nodeId();
            }
            throw new EdgeFmException("stage '" + stage.id() + "' (service '" + stage.service()
                    + "'): no route, and the service does not run on node '" + ctx.nodeId() + "'");
        }
        // the admission target is decided at submission (admissionRejects); the real targets share the
        // rest, by the task id, so a task's stage goes to the same node on every agent that has the same
        // routing table, and a retry of the task goes where the first try went
        if (route.targets().stream().allMatch(WeightedTarget::isReject)) {
            throw new EdgeFmException("stage '" + stage.id() + "' (service '" + stage.service()
                    + "'): the route rejects every task (admission control)");
        }
        WeightedTarget t = StageRouter.pick(route.targets(), this::usable, StageRouter.keyed(taskId + "/" + stage.id()));
        if (t == null) {
            throw new EdgeFmException("stage '" + stage.id() + "' (service '" + stage.service()
                    + "'): no node of its route has a data endpoint");
        }
        return t.node();
    }

    /**
     * Whether this agent can send a stage to a route's target (the simulator's "online, runs the
     * service and reachable", as far as an agent knows): this node, or a peer with a data endpoint in
     * the applied directive. A directive naming a peer without one is refused, so every target of a
     * table in force is usable today; whether a node runs the service is its own to say (a stage sent
     * to a node that does not run it fails there, naming the node).
     */
    private boolean usable(WeightedTarget t) {
        if (t.node().equals(ctx.nodeId())) {
            return true;
        }
        Directive d = ctx.applied();
        return d != null && d.desired().peers().get(t.node()) != null;
    }

    /**
     * At a task's origin: the node of each of its fusion stages, from this agent's routing table;
     * null for a task type without fusion stages. A fusion stage without a route is not pinned
     * (each forwarder then reports the missing route itself).
     */
    Pins pins(TaskType tt, String taskId) {
        Directive d = ctx.applied();
        Map<String, String> nodes = new TreeMap<>();
        for (Stage s : tt.stages()) {
            if (tt.parents(s.id()).size() > 1) {
                try {
                    nodes.put(s.id(), choose(routeOf(d, tt, s, ctx.nodeId()), taskId, s));
                } catch (EdgeFmException e) {
                    LOG.debug("task {}: stage '{}' not pinned: {}", taskId, s.id(), e.getMessage());
                }
            }
        }
        return nodes.isEmpty() ? null : new Pins(d == null ? 0 : d.plannerEpoch(), d == null ? 0 : d.issuedAtMs(), nodes);
    }

    /**
     * The pinned node of a fusion stage, or null to use this agent's own route. The pin is used
     * when this agent can send there (the node is this one or a peer with an endpoint in its
     * applied directive) and either the stage's service is expected there (this node runs it, or
     * this agent's route for the stage names the node) or this agent's routing table is not newer
     * than the origin's, so cannot know better. Otherwise the pin is dropped: a node without an
     * endpoint cannot be sent to at all, and a node that a newer table no longer routes the stage
     * to would fail it; the other parents' agents, applying the same rule to the same tables,
     * mostly make the same choice. A pinned node that no longer runs the service when the parents
     * arrive fails the stage there, saying that the origin chose the node.
     */
    private String pinned(Header h, Stage stage, Directive d, Route own) {
        Pins p = h.pins();
        String node = p == null || p.nodes() == null ? null : p.nodes().get(stage.id());
        if (node == null || h.taskType().parents(stage.id()).size() <= 1) {
            return null;
        }
        boolean self = node.equals(ctx.nodeId());
        if (!self && (d == null || d.desired().peers().get(node) == null)) {
            return null;
        }
        boolean expected = self && ctx.runtime().hosts(stage.service())
                || own != null && own.targets().stream().anyMatch(t -> t.node().equals(node));
        boolean newer = d != null && (d.plannerEpoch() > p.plannerEpoch()
                || d.plannerEpoch() == p.plannerEpoch() && d.issuedAtMs() > p.issuedAtMs());
        return expected || !newer ? node : null;
    }

    /** True when this node is the one the task's origin pinned for the header's (fusion) stage. */
    boolean pinnedHere(Header h) {
        return h.pins() != null && h.pins().nodes() != null && ctx.nodeId().equals(h.pins().nodes().get(h.stage()))
                && h.taskType().parents(h.stage()).size() > 1;
    }
}
