package org.edgefm.trial;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.SystemModel;
import org.edgefm.control.ControlLoop;
import org.edgefm.wire.Directive;

/**
 * Whether a live fleet is ready for a trial's workload: every agent taking part was born, the host's
 * loop placed its core services for the fleet that joined (no join pending, no placement being computed,
 * a placement in force where the model has core services), its light controller decided, and every
 * node acknowledged the newest directive the loop handed it as applied. An agent acknowledges a
 * directive only after it loaded the instances the directive starts (kernels and weights), so an
 * applied ack of the newest directive means that node's instances are loaded.
 */
public final class FleetReadiness {
    private FleetReadiness() {
    }

    /**
     * What the host's loop has in force, read without waiting for a step beyond its lock.
     *
     * @param placed     core placement is settled: the loop started, no join pending, none being computed, and a
     *                   placement in force where the model has core services and the planner places them
     * @param decided    the light controller (or its fallback) decided at least once
     * @param directives the newest directive handed to each node
     */
    public record Loop(boolean placed, boolean decided, Map<String, Directive> directives) {
        /** Copies the directives. */
        public Loop {
            directives = Map.copyOf(directives);
        }

        /** Reads a live loop (null: no loop, nothing planned). */
        public static Loop of(ControlLoop loop) {
            if (loop == null) {
                return new Loop(false, false, Map.of());
            }
            SystemModel model = loop.model();
            boolean needsCore = model != null && loop.planner().core() != null
                    && model.services().stream().anyMatch(s -> s.kind() == ServiceKind.CORE);
            boolean placed = model != null && !loop.joinPending() && !loop.corePlanning()
                    && (!needsCore || !loop.placement().assignments().isEmpty());
            return new Loop(placed, loop.decision() != null, loop.directives());
        }
    }

    /**
     * The outcome of one check.
     *
     * @param ready   true when the fleet is ready
     * @param status  one line: what holds and what is still awaited
     * @param applied nodes that applied their newest directive
     * @param given   nodes that were handed a directive
     */
    public record State(boolean ready, String status, int applied, int given) {
    }

    /**
     * Checks readiness.
     *
     * @param loop    the host loop's state
     * @param nodes   the agents taking part (each must be born and have applied its newest directive)
     * @param monitor the trial's monitor (births and applied acks as the broker carried them)
     */
    public static State check(Loop loop, Collection<String> nodes, TrialMonitor monitor) {
        Objects.requireNonNull(loop, "loop is null");
        List<String> waiting = new ArrayList<>();
        long born = nodes.stream().filter(n -> monitor.endpoint(n) != null).count();
        if (born < nodes.size()) {
            waiting.add((nodes.size() - born) + " agent(s) to be born");
        }
        if (!loop.placed()) {
            waiting.add("the core placement");
        }
        if (!loop.decided()) {
            waiting.add("the light controller's first decision");
        }
        Map<String, Directive> ds = new TreeMap<>(loop.directives());
        int applied = 0;
        List<String> pending = new ArrayList<>();
        for (Directive d : ds.values()) {
            if (monitor.appliedAck(d.nodeId(), d.plannerEpoch(), d.version())) {
                applied++;
            } else {
                pending.add(d.nodeId() + " v" + d.version());
            }
        }
        List<String> noDirective = nodes.stream().filter(n -> !ds.containsKey(n)).sorted().toList();
        if (!noDirective.isEmpty()) {
            waiting.add("a directive for " + String.join(", ", noDirective));
        }
        if (!pending.isEmpty()) {
            waiting.add("applied acks (instances loaded) of " + String.join(", ", pending.subList(0, Math.min(4,
                    pending.size()))) + (pending.size() > 4 ? " and " + (pending.size() - 4) + " more" : ""));
        }
        String head = String.format(Locale.ROOT, "%d/%d agents up, %d/%d newest directives applied", born, nodes.size(),
                applied, ds.size());
        boolean ready = waiting.isEmpty();
        return new State(ready, ready ? head : head + "; waiting for " + String.join("; ", waiting), applied, ds.size());
    }
}
