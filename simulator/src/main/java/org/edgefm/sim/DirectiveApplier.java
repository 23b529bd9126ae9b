package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.wire.Directive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts nodes' directives in force: a stale one (older than the one in force) is ignored, a calibrated
 * twin first waits for the instances a directive starts to preload, a directive the node cannot run
 * is refused; otherwise every station of the node takes its new instances and parallelism (seed
 * paper 2's models switched in or evicted), the node's queues drain, and the listener hears of it.
 */
final class DirectiveApplier {
    // the fleet's log: a refusal keeps the logger name it always had
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);

    private final CompiledModel m;
    private final EventLoop loop;
    private final SimStats stats;
    private final NodeDirectives directives;
    private final Stations stations;
    private final boolean[] online;
    private final TwinDraws twin;
    /** Seed paper 2's model switching, or null when inactive. */
    private final GenAiSubModel genai;
    private final TaskFlow flow;
    /** Directives waiting for their instances' preload (a twin), by the index their event carries. */
    private final List<Directive> deferred = new ArrayList<>();
    /** Told of each directive put in force or refused, or null. */
    private SimulatedFleet.Applied listener;

    DirectiveApplier(CompiledModel m, EventLoop loop, SimStats stats, NodeDirectives directives, Stations stations,
            boolean[] online, TwinDraws twin, GenAiSubModel genai, TaskFlow flow) {
        this.m = m;
        this.loop = loop;
        this.stats = stats;
        this.directives = directives;
        this.stations = stations;
        this.online = online;
        this.twin = twin;
        this.genai = genai;
        this.flow = flow;
    }

    /** Tells {@code listener} of every directive put in force or refused from now on (null: nobody). */
    void listener(SimulatedFleet.Applied listener) {
        this.listener = listener;
    }

    /** A directive for {@code node} arrives now: in force at once, after a twin's preload, or not at all. */
    void apply(int node, Directive directive) {
        if (directives.stale(node, directive)) {
            return;
        }
        double now = loop.now();
        double preload = now > 0 ? twin.preloadMs(node, directive, stations.instances) : 0;
        if (preload > 0) {
            // a twin: the agent loads the instances the directive starts, then swaps the whole state in
            deferred.add(directive);
            loop.push(now + preload, EventLoop.TWIN_APPLY, 0, 0, deferred.size() - 1);
            return;
        }
        applyNow(directive);
    }

    /** The preload of deferred directive {@code index} is over. */
    void applyDeferred(int index) {
        applyNow(deferred.set(index, null));
    }

    private void applyNow(Directive directive) {
        int node = m.nodeIndex.get(directive.nodeId());
        if (directives.stale(node, directive)) {
            return; // a newer one was applied while this one's instances loaded
        }
        NodeDirectives.Decoded decoded = directives.decode(node, directive);
        if (decoded.refusal() != null) {
            refuse(directive, decoded.refusal());
            return;
        }
        int[] inst = decoded.instances();
        int[] par = decoded.parallelism();
        int serviceCount = m.serviceCount;
        for (int s = 0; s < serviceCount; s++) {
            int st = node * serviceCount + s;
            if (genai != null && genai.switchable(node, s)) {
                genai.instancesChange(node, s, stations.instances[st], inst[s], flow);
            }
            stations.instances[st] = inst[s];
            stations.parallelism[st] = par[s];
            stations.update(st, genai);
        }
        directives.accept(node, directive);
        if (online[node]) {
            for (int s = 0; s < serviceCount; s++) {
                flow.drain(node * serviceCount + s);
            }
        }
        if (genai != null) {
            genai.forwardEvicted(node, stations.servers, stations.queueSize, flow);
        }
        if (listener != null) {
            listener.applied(loop.now(), directive);
        }
    }

    private void refuse(Directive d, String why) {
        stats.refusedDirectives++;
        if (listener != null) {
            listener.refused(loop.now(), d, why);
        }
        LOG.warn("t={} ms: node {} refuses directive version {}: {}", loop.now(), d.nodeId(), d.version(), why);
    }
}
