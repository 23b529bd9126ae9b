package org.edgefm.host.fleet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.JoinedNode;
import org.edgefm.control.ModelSwitch;
import org.edgefm.control.NodeStatus;
import org.edgefm.wire.Ack;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Death;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.Result;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;

/**
 * The host's view of every node of a real fleet, built from validated births, deaths, telemetry and
 * results (Sparkplug-style host behaviour), and each node's model switches from its applied acks (the
 * service instances a directive started, with the agent's measured preload, and stopped: the newest
 * {@value #RECENT_SWITCHES} per node and totals). Session epochs tie each death to its birth: a death or
 * telemetry from an older session never changes a fresh one. Telemetry sequence gaps within a session
 * are reported so the bridge can ask for a rebirth. Thread-safe (network threads write, the control
 * loop and the HTTP API read).
 *
 * <p>This class keeps the sessions, membership and staleness of the fleet, tells its observers and
 * assembles snapshots; each node's own records and rows are a {@link NodeRecord}, the task
 * completions and the arrival rates they give are {@link TaskCompletions}.
 */
public final class FleetState {
    /**
     * Sees what the host takes in, as it takes it in: only validated messages that change this state (an
     * older session's birth, death or telemetry never reaches it). Called on the receiving thread while this
     * state's lock is held: MUST return at once and never call back into this state.
     */
    public interface Observer {
        /**
         * A birth was accepted.
         *
         * @param newSession true when it opens a session other than the node's last birth's (not a birth
         *                   published again within a session, after calibrating or on the host's request)
         */
        default void onBirth(Birth birth, boolean newSession) {
        }

        /** A death of the node's current (or a newer) session was accepted. */
        default void onDeath(Death death) {
        }

        /** Telemetry of the current session with new content (not a duplicate delivery) was taken in. */
        default void onTelemetry(Telemetry telemetry) {
        }

        /**
         * A validated ack.
         *
         * @param switches the model switches it added (once per directive: {@link AckSwitches#NONE} for a
         *                 rejected or stale ack, one delivered again, or an older directive's)
         */
        default void onAck(Ack ack, AckSwitches switches) {
        }

        /**
         * A validated task completion.
         *
         * @param repeat true when its task was counted already (a result delivered again)
         */
        default void onCompletion(TaskCompletion completion, boolean repeat) {
        }
    }

    /** What the bridge should do after a telemetry message. */
    public enum TelemetryVerdict {
        /** In sequence. */
        OK,
        /** Messages were lost within the session: ask for a rebirth. */
        GAP,
        /** No birth is known for this session (host restarted, birth lost): ask for a rebirth. */
        UNKNOWN_SESSION,
        /** From a session older than the current one: ignored. */
        STALE_SESSION
    }

    /**
     * One node as the HTTP API shows it.
     *
     * @param node           node id
     * @param online         session alive and telemetry fresh
     * @param sessionAlive   a birth without a matching death
     * @param stale          no telemetry within the stale limit
     * @param sessionEpoch   current session epoch
     * @param profile        device profile from the birth, or null
     * @param dataEndpoint   data endpoint from the birth, or null
     * @param appliedEpoch   planner epoch of the applied desired state
     * @param appliedVersion applied desired-state version
     * @param telemetryAgeMs age of the newest telemetry, or null
     * @param lastSeq        last telemetry sequence number, or -1
     * @param gaps           sequence gaps seen
     * @param cpuLoad        last CPU load, or null
     * @param services       last per-service metrics (each with its running instances' measured preloads)
     * @param switches       the node's model switches from its applied acks
     * @param host           the newest telemetry's operating-system readings (memory, temperature), or null
     * @param gpus           the newest telemetry's GPU readings (utilisation, memory, temperature, power)
     */
    public record NodeView(String node, boolean online, boolean sessionAlive, boolean stale, long sessionEpoch,
            String profile, String dataEndpoint, long appliedEpoch, long appliedVersion, Double telemetryAgeMs,
            long lastSeq, long gaps, Double cpuLoad, List<ServiceMetrics> services, SwitchView switches,
            org.edgefm.wire.HostMetrics host, List<org.edgefm.wire.GpuMetrics> gpus) {
    }

    /**
     * A node's model switches: totals since the host started and the newest switches.
     *
     * @param loads         instances started
     * @param unloads       instances stopped
     * @param timedLoads    loads with a measured preload (services with a kernel)
     * @param meanPreloadMs mean measured preload of the timed loads, or null without one
     * @param maxPreloadMs  largest measured preload, or null without one
     * @param recent        the newest switches (at most {@value FleetState#RECENT_SWITCHES}), oldest first
     */
    public record SwitchView(long loads, long unloads, long timedLoads, Double meanPreloadMs, Double maxPreloadMs,
            List<ModelSwitch> recent) {
    }

    /** The new switches of one applied ack (empty lists for a duplicate, rejected or stale ack). */
    public record AckSwitches(List<InstanceStart> started, List<InstanceStop> stopped) {
        static final AckSwitches NONE = new AckSwitches(List.of(), List.of());

        /** True when the ack reported no switch not already recorded. */
        public boolean isEmpty() {
            return started.isEmpty() && stopped.isEmpty();
        }
    }

    /** Model switches kept per node for the HTTP API. */
    public static final int RECENT_SWITCHES = 50;
    private static final int MAX_PENDING_SWITCHES = 10_000;

    private final double staleAfterMs;
    /** Reuse what did not change since the last snapshot (false only in tests, as the reference). */
    private final boolean incremental;
    private final Map<String, NodeRecord> nodes = new TreeMap<>();
    private final TaskCompletions tasks = new TaskCompletions();
    /** Model switches since the previous snapshot, for the snapshot (and so the trial journal). */
    private final Deque<ModelSwitch> sinceSnapshot = new ArrayDeque<>();
    private double lastSnapshotMs = -1;
    /** Grows when a node joins for the first time or a birth changes its profile, capacity, labels or endpoint. */
    private long membershipVersion;
    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FleetState.class);

    /**
     * Creates an empty state.
     *
     * @param staleAfterMs telemetry older than this marks a node stale (offline for the planners)
     * @param users        the scenario's users (to attribute arrivals), may be empty
     */
    public FleetState(double staleAfterMs, List<UserSpec> users) {
        this(staleAfterMs, users, true);
    }

    /**
     * Creates an empty state; with {@code incremental} false every snapshot builds every node's service rows
     * and reads every link anew (the reference the incremental snapshots are tested and benchmarked against).
     */
    public FleetState(double staleAfterMs, List<UserSpec> users, boolean incremental) {
        this.incremental = incremental;
        this.staleAfterMs = staleAfterMs;
        tasks.users(users);
    }

    /** Adds an observer of what this state takes in from now on. */
    public void observe(Observer observer) {
        observers.add(java.util.Objects.requireNonNull(observer, "observer is null"));
    }

    /** Hands an event to every observer; one that throws is logged and never stops the host taking messages in. */
    private void tell(java.util.function.Consumer<Observer> event) {
        for (Observer o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                LOG.warn("fleet state observer {} failed: {}", o.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private NodeRecord node(String id) {
        return nodes.computeIfAbsent(id, NodeRecord::new);
    }

    /** Records a birth; returns false when it is older than the current session (ignored). */
    public synchronized boolean onBirth(Birth b, double nowMs) {
        NodeRecord n = node(b.nodeId());
        if (b.sessionEpoch() < n.sessionEpoch) {
            return false;
        }
        if (b.sessionEpoch() > n.sessionEpoch) {
            n.newSession();
        }
        n.sessionEpoch = b.sessionEpoch();
        n.alive = true;
        Birth was = n.birth;
        boolean newSession = was == null || was.sessionEpoch() != b.sessionEpoch();
        if (was == null || !was.profile().equals(b.profile()) || !was.capabilities().capacity().equals(b.capabilities().capacity())
                || !was.labels().equals(b.labels()) || !was.dataEndpoint().equals(b.dataEndpoint())) {
            membershipVersion++;
        }
        n.birth = b;
        n.appliedEpoch = b.plannerEpoch();
        n.appliedVersion = b.appliedVersion();
        n.lastTelemetryAtMs = (long) nowMs; // a birth counts as a sign of life
        tell(o -> o.onBirth(b, newSession));
        return true;
    }

    /**
     * Records a death; returns false when it belongs to an older session (a stale disconnect that
     * must not end the fresh session). A death of a newer session whose birth was missed ends it.
     */
    public synchronized boolean onDeath(Death d) {
        NodeRecord n = node(d.nodeId());
        if (d.sessionEpoch() < n.sessionEpoch) {
            return false;
        }
        if (d.sessionEpoch() > n.sessionEpoch) {
            n.sessionEpoch = d.sessionEpoch();
            n.lastSeq = -1;
        }
        n.alive = false;
        tell(o -> o.onDeath(d));
        return true;
    }

    /** Records telemetry and says whether a rebirth is needed. */
    public synchronized TelemetryVerdict onTelemetry(Telemetry t, double nowMs) {
        NodeRecord n = node(t.nodeId());
        if (t.sessionEpoch() < n.sessionEpoch) {
            return TelemetryVerdict.STALE_SESSION;
        }
        TelemetryVerdict v = TelemetryVerdict.OK;
        if (t.sessionEpoch() > n.sessionEpoch || !n.alive) {
            v = TelemetryVerdict.UNKNOWN_SESSION;
        } else if (n.lastSeq >= 0 && t.seq() > n.lastSeq + 1) {
            n.gaps++;
            v = TelemetryVerdict.GAP;
        }
        if (t.sessionEpoch() == n.sessionEpoch && t.seq() <= n.lastSeq) {
            return TelemetryVerdict.OK; // duplicate or reordered QoS 1 delivery: nothing new
        }
        if (t.sessionEpoch() == n.sessionEpoch) {
            n.lastSeq = t.seq();
        }
        n.takeTelemetry(t, nowMs);
        tell(o -> o.onTelemetry(t));
        return v;
    }

    /**
     * Records the model switches of an applied ack, once per directive: an ack for a directive at or
     * below the newest one already recorded for the node (a re-delivered ack, or the ack of a re-sent
     * version in force) adds nothing. Rejected and stale acks add nothing.
     *
     * @return the switches this ack added, for the meters
     */
    public synchronized AckSwitches onAck(Ack a) {
        AckSwitches added = switchesOf(a);
        tell(o -> o.onAck(a, added));
        return added;
    }

    private AckSwitches switchesOf(Ack a) {
        List<ModelSwitch> added = node(a.nodeId()).recordSwitches(a, RECENT_SWITCHES);
        if (added.isEmpty()) {
            return AckSwitches.NONE;
        }
        for (ModelSwitch s : added) {
            sinceSnapshot.addLast(s);
            if (sinceSnapshot.size() > MAX_PENDING_SWITCHES) {
                sinceSnapshot.removeFirst(); // no control loop takes snapshots (a host without a planner)
            }
        }
        return new AckSwitches(a.started(), a.stopped());
    }

    /**
     * Marks task ids as already counted (by the previous run of the host), so that a result an agent
     * publishes again after a host restart is not counted a second time.
     */
    public synchronized void alreadyCounted(List<String> taskIds) {
        tasks.alreadyCounted(taskIds);
    }

    /** Records task completions; a task id already seen (a re-sent result) is counted once. */
    public synchronized int onResult(Result r) {
        int added = 0;
        for (TaskCompletion c : r.completions()) {
            boolean fresh = tasks.add(c);
            tell(o -> o.onCompletion(c, !fresh));
            if (fresh) {
                added++;
            }
        }
        return added;
    }

    /** The applied (planner epoch, version) of a node as its birth and telemetry report it. */
    public synchronized long[] applied(String node) {
        NodeRecord n = nodes.get(node);
        return n == null ? new long[] {0, 0} : new long[] {n.appliedEpoch, n.appliedVersion};
    }

    /** True while the node's session is alive (its telemetry may be stale). */
    public synchronized boolean sessionAlive(String node) {
        NodeRecord n = nodes.get(node);
        return n != null && n.alive;
    }

    /**
     * Replaces the users whose completions count as arrivals of their streams: each user by the node
     * its tasks enter at (the fleet model binds users to joined nodes).
     */
    public synchronized void users(List<UserSpec> users) {
        tasks.users(users);
    }

    /** A counter that grows whenever the set of joined nodes or what their births announce changes. */
    public synchronized long membershipVersion() {
        return membershipVersion;
    }

    /** True when the node has announced a birth to this host. */
    public synchronized boolean everBorn(String node) {
        NodeRecord n = nodes.get(node);
        return n != null && n.birth != null;
    }

    /** Every node that announced a birth, by id, as its newest birth says. */
    public synchronized List<JoinedNode> joined(double nowMs) {
        List<JoinedNode> out = new ArrayList<>();
        double reference = staleReference(nowMs);
        for (NodeRecord n : nodes.values()) {
            if (n.birth != null) {
                out.add(new JoinedNode(n.id, n.birth.profile(), n.birth.capabilities().capacity(), n.birth.labels(),
                        n.birth.dataEndpoint(), n.alive && !n.stale(reference, staleAfterMs)));
            }
        }
        return out;
    }

    /** Data endpoints from births, by node (unmodifiable; the same map while no birth changed one). */
    public synchronized Map<String, String> dataEndpoints() {
        // births that change an endpoint or add a node grow membershipVersion: until then the map stands
        if (endpoints == null || endpointsVersion != membershipVersion) {
            Map<String, String> m = new TreeMap<>();
            nodes.values().forEach(n -> {
                if (n.birth != null && !n.birth.dataEndpoint().isBlank()) {
                    m.put(n.id, n.birth.dataEndpoint());
                }
            });
            endpoints = java.util.Collections.unmodifiableMap(m);
            endpointsVersion = membershipVersion;
        }
        return endpoints;
    }

    /** {@link #dataEndpoints()} as of {@link #endpointsVersion}, or null. */
    private Map<String, String> endpoints;
    private long endpointsVersion;

    /**
     * The time telemetry ages are measured against: now, unless two or more live nodes have all gone
     * silent together, in which case the newest telemetry of any live node. A whole fleet falling
     * silent at once says that the host (a long pause of this process, a loaded machine) or the broker
     * stopped delivering, not that every node failed: failing every node over would leave nowhere to
     * place its services and make each agent reload its parts once the messages flow again (seen on a
     * loaded machine while agents loaded real models' parts). One node that stops while others keep
     * talking is still stale after {@code staleAfterMs}; a node whose session ends is offline at once
     * (its Will), whatever the others do.
     */
    private double staleReference(double nowMs) {
        int alive = 0;
        long newest = -1;
        for (NodeRecord n : nodes.values()) {
            if (n.alive) {
                alive++;
                newest = Math.max(newest, n.lastTelemetryAtMs);
            }
        }
        return alive >= 2 && newest >= 0 && nowMs - newest > staleAfterMs ? newest : nowMs;
    }

    /** Every node as the HTTP API shows it. */
    public synchronized List<NodeView> view(double nowMs) {
        List<NodeView> out = new ArrayList<>();
        double reference = staleReference(nowMs);
        for (NodeRecord n : nodes.values()) {
            out.add(n.view(nowMs, n.stale(reference, staleAfterMs)));
        }
        return out;
    }

    /**
     * The snapshot at {@code nowMs}: counters since the previous snapshot are reset, completions and
     * model switches are handed out once.
     */
    public synchronized FleetSnapshot snapshot(double nowMs) {
        List<NodeStatus> st = new ArrayList<>();
        List<ServiceObservation> services = new ArrayList<>();
        List<LinkEstimate> links = new ArrayList<>();
        double reference = staleReference(nowMs);
        for (NodeRecord n : nodes.values()) {
            n.snapshot(nowMs, n.stale(reference, staleAfterMs), incremental, st, services, links);
        }
        double interval = lastSnapshotMs < 0 ? 0 : nowMs - lastSnapshotMs;
        List<DemandEstimate> arrivals = tasks.arrivals(interval);
        lastSnapshotMs = nowMs;
        List<TaskCompletion> done = tasks.drain();
        long sub = tasks.drainSubmitted();
        List<ModelSwitch> switched = List.copyOf(sinceSnapshot);
        sinceSnapshot.clear();
        return new FleetSnapshot(nowMs, st, services, arrivals, List.of(), links, done, sub, switched);
    }
}
