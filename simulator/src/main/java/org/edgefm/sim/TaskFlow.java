package org.edgefm.sim;

import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks through the stations (paper 1, Sec. II): a stage's input reaches its node; the stage starts
 * once all its inputs are in and its station has a free server (or waits in the station's FIFO
 * queue), is served for a drawn (or a twin's measured) time, and hands its output on to the next
 * stage's node, chosen by the routes of the node that hands it on. A node that fails loses the tasks
 * it serves and holds. It is also the fleet as seed paper 2's {@link GenAiSubModel} sees it (its
 * {@link GenAiSubModel.Host}): models ready later, requests of an evicted model sent on.
 */
final class TaskFlow implements GenAiSubModel.Host {
    // the fleet's log: failures and recoveries keep the logger name they always had
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);

    private final CompiledModel m;
    private final SimSettings settings;
    private final EventLoop loop;
    /** Aliases of {@code m}'s counts (read on every event). */
    private final int serviceCount, maxStages;

    // Nodes: online, failure incarnation (events of a failed node's servers are stale), session.
    private final boolean[] online;
    private final int[] incarnation;
    private final long[] sessions;

    private final Stations stations;
    private final TaskTable tasks;
    private final TaskOutcomes outcomes;
    private final StageRouting routing;
    private final LinkWindows links;
    private final TwinDraws twin;
    /** The twin's stations sharing the machine's cores ({@code sim.twin.shared-cores}), or null. */
    private final SharedCores sharedCores;
    /** Seed paper 2's model switching, or null when inactive. */
    private final GenAiSubModel genai;
    /** The light services' rate draws. */
    private final SplittableRandom serviceRandom;

    TaskFlow(CompiledModel m, SimSettings settings, EventLoop loop, boolean[] online, int[] incarnation, long[] sessions,
            Stations stations, TaskTable tasks, TaskOutcomes outcomes, StageRouting routing, LinkWindows links,
            TwinDraws twin, SharedCores sharedCores, GenAiSubModel genai, SplittableRandom serviceRandom) {
        this.m = m;
        this.settings = settings;
        this.loop = loop;
        this.serviceCount = m.serviceCount;
        this.maxStages = m.maxStages;
        this.online = online;
        this.incarnation = incarnation;
        this.sessions = sessions;
        this.stations = stations;
        this.tasks = tasks;
        this.outcomes = outcomes;
        this.routing = routing;
        this.links = links;
        this.twin = twin;
        this.sharedCores = sharedCores;
        this.genai = genai;
        this.serviceRandom = serviceRandom;
    }

    // ------------------------------------------------------------------ stages

    /** An input of {@code stage} of {@code task} reached the stage's node. */
    void onInput(int task, int stage) {
        tasks.outstanding[task]--;
        if (tasks.state[task] != TaskTable.LIVE) {
            tasks.release(task);
            return;
        }
        int k = task * maxStages + stage;
        int node = tasks.stageNode[k];
        if (!online[node]) {
            outcomes.kill(task, "node " + m.nodeIds[node] + " offline", loop.now());
            tasks.release(task);
            return;
        }
        if (--tasks.pending[k] > 0) {
            return;
        }
        int st = node * serviceCount + m.stageService[tasks.type[task]][stage];
        stations.intervalArrivals[st]++;
        if (stations.busy[st] < stations.servers[st] && stations.queueSize[st] == 0 && ready(st)) {
            start(task, stage, st);
        } else {
            stations.enqueue(st, task, stage);
            tasks.outstanding[task]++;
        }
    }

    /** {@code stage} of {@code task} ended its service at a node of incarnation {@code inc}: its output goes on. */
    void onDone(int task, int stage, int inc) {
        double now = loop.now();
        tasks.outstanding[task]--;
        int t = tasks.type[task];
        int k = task * maxStages + stage;
        int node = tasks.stageNode[k];
        if ((incarnation[node] & 0xFFFFF) != inc) {
            // The node failed while serving: its servers were reset then, the task is lost.
            outcomes.kill(task, "node " + m.nodeIds[node] + " failed", now);
            tasks.release(task);
            return;
        }
        int st = node * serviceCount + m.stageService[t][stage];
        stations.busy[st]--;
        stations.intervalCompleted[st]++;
        drain(st);
        if (tasks.state[task] != TaskTable.LIVE) {
            tasks.release(task);
            return;
        }
        if (tasks.end != null) {
            tasks.end[k] = now;
        }
        int next = m.stageNext[t][stage];
        if (next < 0) {
            outcomes.finish(task, now);
            tasks.release(task);
            return;
        }
        int kn = task * maxStages + next;
        int target = tasks.stageNode[kn];
        double mb = m.output[m.stageService[t][stage]];
        if (target < 0) {
            target = routing.choose(t, next, node, m.streamOrigin[tasks.stream[task]], mb);
            if (target < 0) {
                outcomes.kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted", now);
                tasks.release(task);
                return;
            }
            tasks.stageNode[kn] = target;
        }
        double d = links.network().delay(node, target, mb);
        if (d == Double.POSITIVE_INFINITY) {
            outcomes.kill(task, "no path", now);
            tasks.release(task);
            return;
        }
        if (twin.active()) {
            d += twin.hopMs(node == target, now);
        }
        tasks.outstanding[task]++;
        // paper 1, eq. (2): transfer b_m / w plus propagation W / l; 0 when co-located
        loop.push(now + d, EventLoop.INPUT, next, 0, task);
    }

    /** Starts the tasks waiting at station {@code st} while it has free servers and its model is ready. */
    void drain(int st) {
        while (stations.busy[st] < stations.servers[st] && stations.queueSize[st] > 0 && ready(st)) {
            long e = dequeueLive(st);
            if (e >= 0) {
                start((int) (e >>> 8), (int) (e & 0xFF), st);
            }
        }
    }

    /**
     * Takes the next queued stage off station {@code st}: its packed (task, stage), or -1 when that task is no
     * longer live (then released).
     */
    private long dequeueLive(int st) {
        long e = stations.dequeue(st);
        int task = (int) (e >>> 8);
        tasks.outstanding[task]--;
        if (tasks.state[task] != TaskTable.LIVE) {
            tasks.release(task);
            return -1;
        }
        return e;
    }

    private void start(int task, int stage, int st) {
        double now = loop.now();
        int t = tasks.type[task];
        if (settings.deadlineAction() == SimSettings.DeadlineAction.DROP_EXPIRED && now - tasks.arrive[task] > m.deadline[t]) {
            outcomes.kill(task, "deadline passed before stage " + m.stageIds[t][stage], now);
            tasks.release(task);
            return;
        }
        stations.busy[st]++;
        int s = st % serviceCount;
        double rate = m.core[s] ? m.rates[s].mean() * stations.rateFactor[st] : m.rates[s].sample(serviceRandom) * stations.rateFactor[st];
        // paper 1, eq. (3): processing time a_m / f_m
        double ms = m.workload[s] / rate;
        if (twin.measures(st)) {
            // a twin: a measured service time of this (node, service); the planner sees its rate
            ms = twin.serviceMs(st, now);
            rate = m.workload[s] / Math.max(ms, 1e-3);
        }
        stations.sampleRate(st, rate);
        int node = st / serviceCount;
        if (genai != null) {
            genai.onServed(node, s);
        }
        if (tasks.start != null) {
            tasks.start[task * maxStages + stage] = now;
        }
        tasks.outstanding[task]++;
        if (sharedCores == null) {
            loop.push(now + ms, EventLoop.DONE, stage, incarnation[node], task);
        } else {
            // ms is work here: the stage ends when the shared cores have served it
            sharedCores.start(now, ms, EventLoop.pack(EventLoop.DONE, stage, incarnation[node], task));
            scheduleCoresEnd();
        }
    }

    /** The shared cores' next stage end (an event of an older epoch is stale). */
    void onCoresEnd(int epoch) {
        if (epoch != (int) sharedCores.epoch()) {
            return;
        }
        for (long done : sharedCores.finished(loop.now())) {
            onDone(EventLoop.index(done), EventLoop.stage(done), EventLoop.inc(done));
        }
        scheduleCoresEnd();
    }

    private void scheduleCoresEnd() {
        double at = sharedCores.nextEndMs(loop.now());
        if (!Double.isNaN(at)) {
            loop.push(at, EventLoop.CORES, 0, 0, (int) sharedCores.epoch());
        }
    }

    /** False while the station's model is being transferred or preloaded (paper 2). */
    private boolean ready(int st) {
        return genai == null || genai.ready(st, loop.now());
    }

    // ------------------------------------------------------------------ nodes

    /** The node fails: its servers are reset, the tasks queued there are lost (those in service when they end). */
    void onFail(int node) {
        if (!online[node]) {
            return;
        }
        online[node] = false;
        incarnation[node]++;
        for (int s = 0; s < serviceCount; s++) {
            int st = node * serviceCount + s;
            stations.busy[st] = 0;
            while (stations.queueSize[st] > 0) {
                long e = stations.dequeue(st);
                int task = (int) (e >>> 8);
                tasks.outstanding[task]--;
                outcomes.kill(task, "node " + m.nodeIds[node] + " failed", loop.now());
                tasks.release(task);
            }
        }
        LOG.debug("t={} ms: node {} failed", loop.now(), m.nodeIds[node]);
    }

    /** The node is back, with a new session. */
    void onRecover(int node) {
        if (online[node]) {
            return;
        }
        online[node] = true;
        sessions[node]++;
        LOG.debug("t={} ms: node {} recovered", loop.now(), m.nodeIds[node]);
    }

    // ------------------------------------------------------------------ seed paper 2's host

    @Override
    public double nowMs() {
        return loop.now();
    }

    @Override
    public double networkDelay(int from, int to, double mb) {
        return links.network().delay(from, to, mb);
    }

    @Override
    public void readyAt(double atMs, int st) {
        loop.push(atMs, EventLoop.READY, 0, 0, st);
    }

    @Override
    public void forwardQueued(int node, int st) {
        double now = loop.now();
        while (stations.queueSize[st] > 0) {
            long e = dequeueLive(st);
            if (e < 0) {
                continue;
            }
            int task = (int) (e >>> 8);
            int stage = (int) (e & 0xFF);
            int t = tasks.type[task];
            int target = routing.choose(t, stage, node, m.streamOrigin[tasks.stream[task]], m.inputMb[t]);
            if (target < 0) {
                outcomes.kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted", now);
                tasks.release(task);
                continue;
            }
            int k = task * maxStages + stage;
            tasks.stageNode[k] = target;
            tasks.pending[k] = 1;
            tasks.outstanding[task]++;
            loop.push(now + links.network().delay(node, target, m.inputMb[t]), EventLoop.INPUT, stage, 0, task);
        }
    }
}
