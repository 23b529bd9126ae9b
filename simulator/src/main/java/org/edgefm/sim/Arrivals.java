package org.edgefm.sim;

import java.util.SplittableRandom;
import org.edgefm.api.model.Latency;

/**
 * Tasks coming in: each stream's next arrival (drawn from its arrival process with the stream's own
 * generator, or a twin's replayed task log), and a new task's way in: its origin must be online,
 * admission control may reject it, then the uplink (eq. 1) and the network carry its input to the
 * node of every leaf stage; a stream of seed paper 3 goes to {@link PartitionedStreams} instead.
 */
final class Arrivals {
    private final CompiledModel m;
    private final EventLoop loop;
    private final SimStats stats;
    private final TaskTable tasks;
    private final TaskOutcomes outcomes;
    private final boolean[] online;
    private final StageRouting routing;
    private final LinkWindows links;
    private final UserChannels channels;
    private final TwinDraws twin;
    private final FleetObserver observer;
    /** Seed paper 3's streams, or null when {@code sim.partition} is off. */
    private final PartitionedStreams partitioned;
    /** Per stream its arrival draws. */
    private final SplittableRandom[] streamRandom;

    Arrivals(CompiledModel m, EventLoop loop, SimStats stats, TaskTable tasks, TaskOutcomes outcomes, boolean[] online,
            StageRouting routing, LinkWindows links, UserChannels channels, TwinDraws twin, FleetObserver observer,
            PartitionedStreams partitioned, SplittableRandom[] streamRandom) {
        this.m = m;
        this.loop = loop;
        this.stats = stats;
        this.tasks = tasks;
        this.outcomes = outcomes;
        this.online = online;
        this.routing = routing;
        this.links = links;
        this.channels = channels;
        this.twin = twin;
        this.observer = observer;
        this.partitioned = partitioned;
        this.streamRandom = streamRandom;
    }

    /** Schedules each stream's first arrival (a replayed stream without arrivals gets none). */
    void scheduleFirst() {
        if (twin.replays()) {
            for (int i = 0; i < m.streamCount; i++) {
                double at = twin.nextArrival(i);
                if (!Double.isNaN(at)) {
                    loop.push(at, EventLoop.ARRIVAL, 0, 0, i);
                }
            }
        } else {
            for (int i = 0; i < m.streamCount; i++) {
                loop.push(m.arrivals[i].nextGapMs(streamRandom[i], 0), EventLoop.ARRIVAL, 0, 0, i);
            }
        }
    }

    /** A task of {@code stream} arrives now; the stream's next arrival is scheduled. */
    void onArrival(int stream) {
        double now = loop.now();
        if (!twin.replays()) {
            loop.push(now + m.arrivals[stream].nextGapMs(streamRandom[stream], now), EventLoop.ARRIVAL, 0, 0, stream);
        } else {
            double at = twin.nextArrival(stream);
            if (!Double.isNaN(at)) {
                loop.push(at, EventLoop.ARRIVAL, 0, 0, stream);
            }
        }
        observer.arrived(stream);
        stats.submitted++;
        int t = m.streamType[stream];
        int task = tasks.alloc(t, stream, now);
        int origin = m.streamOrigin[stream];
        if (!online[origin]) {
            outcomes.kill(task, "node " + m.nodeIds[origin] + " offline", now);
            tasks.release(task);
            return;
        }
        int u = m.streamUser[stream];
        if (partitioned != null && partitioned.partitions(stream)) {
            partitioned.arrive(task, t, origin, u);
            tasks.release(task);
            return;
        }
        double snr = channels.snr(u);
        // paper 1, eq. (1): uplink A_n / (b_u log2(1 + γ_u)); a twin: the measured ingress instead
        double uplink = twin.active() ? twin.ingressMs(now) : Latency.uplinkMs(m.inputMb[t], m.userBandwidth[u], snr);
        int base = task * m.maxStages;
        if (routing.rejected(t, origin)) {
            outcomes.kill(task, "rejected by admission control", now);
            tasks.release(task);
            return;
        }
        Network network = links.network();
        for (int leaf : m.leaves[t]) {
            int target = routing.choose(t, leaf, origin, origin, m.inputMb[t]);
            if (target < 0) {
                outcomes.kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted", now);
                break;
            }
            tasks.stageNode[base + leaf] = target;
            tasks.outstanding[task]++;
            loop.push(now + uplink + network.delay(origin, target, m.inputMb[t]), EventLoop.INPUT, leaf, 0, task);
        }
        tasks.release(task);
    }
}
