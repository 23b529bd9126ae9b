package org.edgefm.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.SystemModel;
import org.edgefm.scenario.FailureEvent;
import org.edgefm.scenario.LinkImpairment;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.UserAllocation;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.control.Fleet;
import org.edgefm.control.FleetSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discrete-event model of a scenario's fleet in virtual time, driven by the same control loop as
 * a real fleet. A driver alternates {@link #advanceTo(double)} (simulate up to the end of a slot)
 * and the control loop's step ({@link #snapshot()}, then {@link #apply(Directive)} for each changed
 * node, which takes effect at once).
 *
 * <p>What it models (paper 1, Sec. II; choices the paper leaves open are {@link SimSettings}):
 * <ul>
 *   <li>Poisson (or periodic) arrivals per (user, task type), scaled by the load factor.</li>
 *   <li>Uplink {@code A_n / (b_u log2(1 + γ))} with γ drawn per task from the user's channel
 *       (Nakagami fading, eq. 1); the user's device then forwards the input to every leaf stage.</li>
 *   <li>In-tree DAGs: a stage starts when the outputs of all its parents have arrived (eq. 4);
 *       the sink's end is the task's end (eq. 5).</li>
 *   <li>Per (node, service) a FIFO queue. A core instance serves one task at a time at its
 *       deterministic rate times the (node, service) compute factor ({@link ComputeRates}: the
 *       device-profiles roofline or the node's speed factor); a light instance serves up to y tasks at
 *       once, each at a Gamma (or empirical) rate drawn per task, times {@code y^(−α)}.</li>
 *   <li>Transfers {@code b_m / w} plus propagation between nodes (eq. 2; 0 when co-located).</li>
 *   <li>Deadlines {@code D_n} (eq. 9), node failures and recoveries on the scenario's schedule
 *       (tasks at or sent to an offline node are lost).</li>
 *   <li>Link impairments on the scenario's schedule ({@link LinkImpairment}): a window's bandwidth
 *       factor, added latency or cut applies to transfers that start inside it (a transfer already
 *       under way keeps the delay it started with; assumption); from a window's start on, every slot's
 *       snapshot reports each link that has been impaired with its figures then (as agents' link probes
 *       would), so the host's link estimator ({@code links.estimate}) hands the planners what they
 *       would measure live. Links never impaired are not reported: the planners keep the declared ones.</li>
 *   <li>Run-time routing by the routing tables of the directives (the table of the node that
 *       hands the data on), and the cost {@code C^cr + C^lt} of eqs. (6)–(7) charged per slot.</li>
 *   <li>Seed paper 2's model switching ({@link GenAiSubModel}, when services have switching
 *       profiles) and seed paper 3's partitioned serial queues ({@link PartitionSubModel},
 *       {@code sim.partition = serial}); {@code sim.channel-coherence = slot} draws each user's
 *       channel once per slot (block fading) instead of per task.</li>
 * </ul>
 *
 * <p>The event loop allocates nothing per event: events live in a primitive heap, tasks in
 * parallel primitive arrays reused through a free list. Only finished tasks allocate (their
 * {@link TaskCompletion}). Not thread-safe; one thread drives it.
 */
public final class SimulatedFleet implements Fleet {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);

    private static final int EV_ARRIVAL = 1;
    private static final int EV_INPUT = 2;
    private static final int EV_DONE = 3;
    private static final int EV_FAIL = 4;
    private static final int EV_RECOVER = 5;
    private static final int EV_READY = 6;
    private static final int EV_PART = 7;
    private static final int EV_LINK = 8;
    private static final int EV_TWIN_APPLY = 9;
    private static final int EV_CORES = 10;

    private final SystemModel model;
    private final SimSettings settings;
    private final double slotMs;
    private final long seed;
    private final EventQueue events = new EventQueue();
    private final SimStats stats = new SimStats();
    private double now;

    // The model compiled to arrays (nodes, services, task types, users, streams).
    private final CompiledModel m;
    /** Aliases of {@code m}'s counts (read on every event). */
    private final int nodeCount, serviceCount, maxStages;

    // Nodes: online, failure incarnation (events of a failed node's servers are stale), session.
    private final boolean[] online;
    private final int[] incarnation;
    private final long[] sessions;
    /** The directive in force per node and its routing table. */
    private final NodeDirectives directives;

    // Links under the impairment schedule, and run-time routing over them.
    private final LinkWindows links;
    /** Transfer times over the links in force now ({@link LinkWindows#network()}). */
    private Network network;
    private final StageRouting routing;

    // Stations: (node, service) pairs, index node * serviceCount + service; the cost meter.
    private final Stations stations;
    private final SlotCosts costs;
    private long chargedSlots;

    // Per stream its arrival draws; the light services' rate draws.
    private final SplittableRandom[] streamRandom;
    private final SplittableRandom serviceRandom;

    // Tasks and how they ended.
    private final TaskTable tasks;
    private final TaskOutcomes outcomes;

    // Sub-models of seed papers 2 and 3 (null when inactive) and the users' channels.
    private final GenAiSubModel genai;
    private final PartitionSubModel partition;
    private final UserChannels channels;
    private final boolean[] streamPartitioned;

    // The calibrated twin's draws (inactive without a calibration); directives waiting for their
    // instances' preload.
    private final TwinDraws twin;
    /** The twin's stations sharing the machine's cores ({@code sim.twin.shared-cores}), or null. */
    private final SharedCores sharedCores;
    private final List<Directive> deferred = new ArrayList<>();
    /** Told of each directive put in force or refused, or null. */
    private Applied appliedListener;

    private final FleetObserver observer;
    private boolean closed;

    /**
     * A simulated fleet for a scenario at a load factor; {@link SimSettings} come from the
     * scenario's {@code sim.*} planner keys.
     *
     * @param scenario the scenario
     * @param seed     the random seed of this run
     * @param load     factor on every arrival rate ({@code --load})
     */
    public SimulatedFleet(Scenario scenario, long seed, double load) {
        this(scenario.model().withLoad(load), scenario.run().slotMs(), scenario.failures(), seed,
                SimSettings.from(scenario.planner()), scenario.planner(), scenario.impairments());
    }

    /**
     * A simulated fleet without the seed papers' sub-model keys (their defaults apply).
     *
     * @param model    nodes, links, services, task types, users and workload (already load-scaled)
     * @param slotMs   slot length Δt: the period at which eqs. (6)–(7) charge costs
     * @param failures the failure schedule
     * @param seed     the random seed
     * @param settings the modelling settings
     */
    public SimulatedFleet(SystemModel model, double slotMs, List<FailureEvent> failures, long seed, SimSettings settings) {
        this(model, slotMs, failures, seed, settings, Map.of());
    }

    /**
     * A simulated fleet.
     *
     * @param model    nodes, links, services, task types, users and workload (already load-scaled)
     * @param slotMs   slot length Δt: the period at which eqs. (6)–(7) charge costs
     * @param failures the failure schedule
     * @param seed     the random seed
     * @param settings the modelling settings
     * @param subModelKeys the scenario's planner section: the {@code sim.genai.*},
     *                 {@code sim.partition*} and {@code sim.channel-coherence} keys of the seed papers'
     *                 sub-models (docs/simulator.md)
     */
    public SimulatedFleet(SystemModel model, double slotMs, List<FailureEvent> failures, long seed, SimSettings settings,
            Map<String, ?> subModelKeys) {
        this(model, slotMs, failures, seed, settings, subModelKeys, List.of(), null);
    }

    /**
     * A simulated fleet with link impairments.
     *
     * @param model    nodes, links, services, task types, users and workload (already load-scaled)
     * @param slotMs   slot length Δt: the period at which eqs. (6)–(7) charge costs
     * @param failures the failure schedule
     * @param seed     the random seed
     * @param settings the modelling settings
     * @param subModelKeys the scenario's planner section (the seed papers' sub-model keys)
     * @param impairments the link impairment schedule; each must name a link of the model
     */
    public SimulatedFleet(SystemModel model, double slotMs, List<FailureEvent> failures, long seed, SimSettings settings,
            Map<String, ?> subModelKeys, List<LinkImpairment> impairments) {
        this(model, slotMs, failures, seed, settings, subModelKeys, impairments, null);
    }

    /**
     * A simulated fleet calibrated as a twin of a measured one ({@link Twin}: measured service times,
     * preloads and hop overheads, optionally a recorded task log in place of the arrival processes).
     *
     * @param model    nodes, links, services, task types, users and workload (already load-scaled)
     * @param slotMs   slot length Δt
     * @param failures the failure schedule
     * @param seed     the random seed
     * @param settings the modelling settings
     * @param subModelKeys the scenario's planner section (the seed papers' sub-model keys)
     * @param twin     the calibration, or null for the model alone
     * @throws IllegalArgumentException when the twin's task log names a (user, task type) without a
     *                                  stream in the workload
     */
    public SimulatedFleet(SystemModel model, double slotMs, List<FailureEvent> failures, long seed, SimSettings settings,
            Map<String, ?> subModelKeys, Twin twin) {
        this(model, slotMs, failures, seed, settings, subModelKeys, List.of(), twin);
    }

    /**
     * A simulated fleet with link impairments, calibrated as a twin of a measured one or not.
     *
     * @param model    nodes, links, services, task types, users and workload (already load-scaled)
     * @param slotMs   slot length Δt: the period at which eqs. (6)–(7) charge costs
     * @param failures the failure schedule
     * @param seed     the random seed
     * @param settings the modelling settings
     * @param subModelKeys the scenario's planner section (the seed papers' sub-model keys)
     * @param impairments the link impairment schedule; each must name a link of the model
     * @param calibration the calibration ({@link Twin}), or null for the model alone
     */
    public SimulatedFleet(SystemModel model, double slotMs, List<FailureEvent> failures, long seed, SimSettings settings,
            Map<String, ?> subModelKeys, List<LinkImpairment> impairments, Twin calibration) {
        Objects.requireNonNull(subModelKeys, "subModelKeys is null");
        this.model = Objects.requireNonNull(model, "model is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        Objects.requireNonNull(failures, "failures is null");
        if (!(slotMs > 0)) {
            throw new IllegalArgumentException("slotMs: " + slotMs + " (expected: > 0)");
        }
        this.slotMs = slotMs;
        this.seed = seed;

        m = new CompiledModel(model);
        nodeCount = m.nodeCount;
        serviceCount = m.serviceCount;
        maxStages = m.maxStages;
        online = new boolean[nodeCount];
        Arrays.fill(online, true);
        incarnation = new int[nodeCount];
        sessions = new long[nodeCount];
        directives = new NodeDirectives(m, settings);
        links = new LinkWindows(nodeCount, m.nodeIndex, model.topology().links(),
                List.copyOf(Objects.requireNonNull(impairments, "impairments is null")));
        network = links.network();

        genai = GenAiSubModel.create(subModelKeys, m.nodeSpecs, m.services, slotMs);
        stations = new Stations(m, ComputeRates.factors(model, settings.compute()), settings, genai);
        costs = new SlotCosts(m, settings);
        tasks = new TaskTable(m, settings.stageTimings());
        outcomes = new TaskOutcomes(m, tasks, stats);

        SplittableRandom master = new SplittableRandom(seed);
        List<Demand> workloadList = model.workload();
        streamRandom = new SplittableRandom[m.streamCount];
        for (int i = 0; i < m.streamCount; i++) {
            streamRandom[i] = master.split();
        }
        serviceRandom = master.split();
        SplittableRandom routeRandom = master.split();
        SplittableRandom channelRandom = master.split();
        // a stream of its own, not split from master: that would move every later draw of runs without admission
        SplittableRandom admissionRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL);
        routing = new StageRouting(m, settings, directives.routes, online, stations, links, routeRandom, admissionRandom);

        // assumption (sim.channel-coherence): paper 1 draws a channel per task; LyMDO-style block
        // fading (papers.md 4.2) keeps one draw per user for a whole slot.
        channels = new UserChannels(m, channelRandom,
                SimSettings.oneOf(subModelKeys, "sim.channel-coherence", "task", "task", "slot").equals("slot"));
        observer = new FleetObserver(m, stations, outcomes, links, directives, online, sessions, channels.lastSnr,
                calibration);

        boolean serial = SimSettings.oneOf(subModelKeys, "sim.partition", "off", "off", "serial").equals("serial");
        streamPartitioned = new boolean[m.streamCount];
        if (serial) {
            double[] devicePower = new double[m.userIds.length];
            for (int u = 0; u < devicePower.length; u++) {
                devicePower[u] = m.nodeSpecs[m.userNode[u]].capacity().get(Resource.POWER);
            }
            partition = new PartitionSubModel(subModelKeys, m.userIds, m.userBandwidth, devicePower, nodeCount,
                    new PartitionHost());
            for (int i = 0; i < m.streamCount; i++) {
                streamPartitioned[i] = m.chainStages[m.streamType[i]] != null
                        && m.nodeSpecs[m.streamOrigin[i]].kind() == NodeKind.DEVICE;
            }
        } else {
            partition = null;
        }

        twin = new TwinDraws(m, calibration, subModelKeys, seed, workloadList);
        sharedCores = twin.active() && SharedCores.cores(subModelKeys) > 0
                ? new SharedCores(SharedCores.cores(subModelKeys), SharedCores.background(subModelKeys)) : null;
        if (twin.replays()) {
            for (int i = 0; i < m.streamCount; i++) {
                double at = twin.nextArrival(i);
                if (!Double.isNaN(at)) {
                    events.push(at, pack(EV_ARRIVAL, 0, 0, i));
                }
            }
        } else {
            for (int i = 0; i < m.streamCount; i++) {
                events.push(m.arrivals[i].nextGapMs(streamRandom[i], 0), pack(EV_ARRIVAL, 0, 0, i));
            }
        }
        for (FailureEvent f : failures) {
            Integer n = m.nodeIndex.get(f.node());
            if (n == null) {
                throw new IllegalArgumentException("failure names unknown node '" + f.node() + "'");
            }
            events.push(f.atMs(), pack(EV_FAIL, 0, 0, n));
            if (f.durationMs() != null) {
                events.push(f.atMs() + f.durationMs(), pack(EV_RECOVER, 0, 0, n));
            }
        }
        for (LinkImpairment w : links.impairments()) {
            events.push(w.atMs(), pack(EV_LINK, 0, 0, 0));
            if (w.durationMs() != null) {
                events.push(w.endMs(), pack(EV_LINK, 0, 0, 0));
            }
        }
    }

    // ------------------------------------------------------------------ driving

    @Override
    public double nowMs() {
        return now;
    }

    /** The slot length Δt used for cost accounting. */
    public double slotMs() {
        return slotMs;
    }

    /** The seed of this run. */
    public long seed() {
        return seed;
    }

    /** The settings in force. */
    public SimSettings settings() {
        return settings;
    }

    /**
     * Runs every event up to and including virtual time {@code timeMs} and charges the slots that
     * ended on the way; afterwards {@link #nowMs()} is {@code timeMs}.
     *
     * @throws IllegalArgumentException when {@code timeMs} lies before {@link #nowMs()}
     */
    public void advanceTo(double timeMs) {
        if (closed) {
            throw new IllegalStateException("the fleet is closed");
        }
        if (timeMs < now) {
            throw new IllegalArgumentException("advanceTo: " + timeMs + " (expected: >= now " + now + ")");
        }
        double boundary = (chargedSlots + 1) * slotMs;
        while (!events.isEmpty() && events.peekTime() <= timeMs) {
            double t = events.peekTime();
            if (t > boundary) {
                now = boundary;
                chargeSlot();
                boundary = (chargedSlots + 1) * slotMs;
                continue;
            }
            long p = events.peekPayload();
            events.pop();
            now = t;
            stats.events++;
            dispatch(p);
        }
        while (boundary <= timeMs) {
            now = boundary;
            chargeSlot();
            boundary = (chargedSlots + 1) * slotMs;
        }
        now = timeMs;
    }

    /** The seed-paper-3 shares of the decision in force (the simulated radio and CPUs follow them at once). */
    public void applyUserAllocations(List<UserAllocation> allocations) {
        Objects.requireNonNull(allocations, "allocations is null");
        if (partition != null) {
            partition.setAllocations(allocations);
        }
    }

    private void dispatch(long p) {
        int type = (int) (p >>> 60);
        int stage = (int) ((p >>> 52) & 0xFF);
        int inc = (int) ((p >>> 32) & 0xFFFFF);
        int idx = (int) p;
        switch (type) {
            case EV_ARRIVAL -> onArrival(idx);
            case EV_INPUT -> onInput(idx, stage);
            case EV_DONE -> onDone(idx, stage, inc);
            case EV_FAIL -> onFail(idx);
            case EV_RECOVER -> onRecover(idx);
            case EV_LINK -> onLinkChange();
            case EV_READY -> drain(idx);
            case EV_TWIN_APPLY -> applyNow(deferred.set(idx, null));
            case EV_CORES -> onCoresEnd(idx);
            case EV_PART -> {
                tasks.outstanding[idx]--;
                partition.onEvent(idx, stage, inc);
                release(idx);
            }
            default -> throw new AssertionError("event type " + type);
        }
    }

    private static long pack(int type, int stage, int inc, int idx) {
        return ((long) type << 60) | ((long) stage << 52) | ((long) (inc & 0xFFFFF) << 32) | (idx & 0xFFFFFFFFL);
    }

    // ------------------------------------------------------------------ events

    private void onArrival(int stream) {
        if (!twin.replays()) {
            events.push(now + m.arrivals[stream].nextGapMs(streamRandom[stream], now), pack(EV_ARRIVAL, 0, 0, stream));
        } else {
            double at = twin.nextArrival(stream);
            if (!Double.isNaN(at)) {
                events.push(at, pack(EV_ARRIVAL, 0, 0, stream));
            }
        }
        observer.arrived(stream);
        stats.submitted++;
        int t = m.streamType[stream];
        int task = tasks.alloc(t, stream, now);
        int origin = m.streamOrigin[stream];
        if (!online[origin]) {
            kill(task, "node " + m.nodeIds[origin] + " offline");
            release(task);
            return;
        }
        int u = m.streamUser[stream];
        if (streamPartitioned[stream]) {
            arrivePartitioned(task, stream, t, origin, u);
            release(task);
            return;
        }
        double snr = channels.snr(u);
        // paper 1, eq. (1): uplink A_n / (b_u log2(1 + γ_u)); a twin: the measured ingress instead
        double uplink = twin.active() ? twin.ingressMs(now) : Latency.uplinkMs(m.inputMb[t], m.userBandwidth[u], snr);
        int base = task * maxStages;
        if (routing.rejected(t, origin)) {
            kill(task, "rejected by admission control");
            release(task);
            return;
        }
        for (int leaf : m.leaves[t]) {
            int target = routing.choose(t, leaf, origin, origin, m.inputMb[t]);
            if (target < 0) {
                kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted");
                break;
            }
            tasks.stageNode[base + leaf] = target;
            tasks.outstanding[task]++;
            events.push(now + uplink + network.delay(origin, target, m.inputMb[t]), pack(EV_INPUT, leaf, 0, task));
        }
        release(task);
    }

    private void onInput(int task, int stage) {
        tasks.outstanding[task]--;
        if (tasks.state[task] != TaskTable.LIVE) {
            release(task);
            return;
        }
        int k = task * maxStages + stage;
        int node = tasks.stageNode[k];
        if (!online[node]) {
            kill(task, "node " + m.nodeIds[node] + " offline");
            release(task);
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

    private void onDone(int task, int stage, int inc) {
        tasks.outstanding[task]--;
        int t = tasks.type[task];
        int k = task * maxStages + stage;
        int node = tasks.stageNode[k];
        if ((incarnation[node] & 0xFFFFF) != inc) {
            // The node failed while serving: its servers were reset then, the task is lost.
            kill(task, "node " + m.nodeIds[node] + " failed");
            release(task);
            return;
        }
        int st = node * serviceCount + m.stageService[t][stage];
        stations.busy[st]--;
        stations.intervalCompleted[st]++;
        drain(st);
        if (tasks.state[task] != TaskTable.LIVE) {
            release(task);
            return;
        }
        if (tasks.end != null) {
            tasks.end[k] = now;
        }
        int next = m.stageNext[t][stage];
        if (next < 0) {
            finish(task);
            release(task);
            return;
        }
        int kn = task * maxStages + next;
        int target = tasks.stageNode[kn];
        double mb = m.output[m.stageService[t][stage]];
        if (target < 0) {
            target = routing.choose(t, next, node, m.streamOrigin[tasks.stream[task]], mb);
            if (target < 0) {
                kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted");
                release(task);
                return;
            }
            tasks.stageNode[kn] = target;
        }
        double d = network.delay(node, target, mb);
        if (d == Double.POSITIVE_INFINITY) {
            kill(task, "no path");
            release(task);
            return;
        }
        if (twin.active()) {
            d += twin.hopMs(node == target, now);
        }
        tasks.outstanding[task]++;
        // paper 1, eq. (2): transfer b_m / w plus propagation W / l; 0 when co-located
        events.push(now + d, pack(EV_INPUT, next, 0, task));
    }

    private void onFail(int node) {
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
                kill(task, "node " + m.nodeIds[node] + " failed");
                release(task);
            }
        }
        LOG.debug("t={} ms: node {} failed", now, m.nodeIds[node]);
    }

    private void onRecover(int node) {
        if (online[node]) {
            return;
        }
        online[node] = true;
        sessions[node]++;
        LOG.debug("t={} ms: node {} recovered", now, m.nodeIds[node]);
    }

    /** An impairment window opened or closed: the links in force now, and the paths over them. */
    private void onLinkChange() {
        if (links.update(now)) {
            network = links.network();
            LOG.debug("t={} ms: links in force changed ({} of {} declared up)", now, links.inForce().size(),
                    model.topology().links().size());
        }
    }

    /** The links in force now: the declared ones with the impairments open now applied, cut ones left out. */
    public List<LinkSpec> linksInForce() {
        return links.inForce();
    }

    // ------------------------------------------------------------------ stations

    private void start(int task, int stage, int st) {
        int t = tasks.type[task];
        if (settings.deadlineAction() == SimSettings.DeadlineAction.DROP_EXPIRED && now - tasks.arrive[task] > m.deadline[t]) {
            kill(task, "deadline passed before stage " + m.stageIds[t][stage]);
            release(task);
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
        long done = pack(EV_DONE, stage, incarnation[node], task);
        if (sharedCores == null) {
            events.push(now + ms, done);
        } else {
            // ms is work here: the stage ends when the shared cores have served it
            sharedCores.start(now, ms, done);
            scheduleCoresEnd();
        }
    }

    /** The shared cores' next stage end (an event of an older epoch is stale). */
    private void onCoresEnd(int epoch) {
        if (epoch != (int) sharedCores.epoch()) {
            return;
        }
        for (long done : sharedCores.finished(now)) {
            dispatch(done);
        }
        scheduleCoresEnd();
    }

    private void scheduleCoresEnd() {
        double at = sharedCores.nextEndMs(now);
        if (!Double.isNaN(at)) {
            events.push(at, pack(EV_CORES, 0, 0, (int) sharedCores.epoch()));
        }
    }

    private void drain(int st) {
        while (stations.busy[st] < stations.servers[st] && stations.queueSize[st] > 0 && ready(st)) {
            long e = stations.dequeue(st);
            int task = (int) (e >>> 8);
            int stage = (int) (e & 0xFF);
            tasks.outstanding[task]--;
            if (tasks.state[task] != TaskTable.LIVE) {
                release(task);
                continue;
            }
            start(task, stage, st);
        }
    }

    // ------------------------------------------------------------------ seed papers 2 and 3

    /** False while the station's model is being transferred or preloaded (paper 2). */
    private boolean ready(int st) {
        return genai == null || genai.ready(st, now);
    }

    /** A model's instances at an edge node change from {@code before} to {@code after} (paper 2). */
    private void switchModel(int node, int s, int before, int after) {
        if (before == 0 && after > 0) {
            int cloud = genai.cloudSource();
            double transfer = cloud < 0 ? 0 : network.delay(cloud, node, m.services[s].switching().transferMb());
            double readyAt = genai.switchIn(node, s, now, transfer == Double.POSITIVE_INFINITY ? 0 : transfer);
            events.push(readyAt, pack(EV_READY, 0, 0, node * serviceCount + s));
        } else if (before > 0 && after == 0) {
            genai.evict(node, s);
        }
    }

    /** Requests queued for a model the node no longer runs go where the node's new routes say (paper 2). */
    private void forwardEvicted(int node) {
        for (int s = 0; s < serviceCount; s++) {
            int st = node * serviceCount + s;
            if (stations.servers[st] > 0 || stations.queueSize[st] == 0 || !genai.isModel(s)) {
                continue;
            }
            while (stations.queueSize[st] > 0) {
                long e = stations.dequeue(st);
                int task = (int) (e >>> 8);
                int stage = (int) (e & 0xFF);
                tasks.outstanding[task]--;
                if (tasks.state[task] != TaskTable.LIVE) {
                    release(task);
                    continue;
                }
                int t = tasks.type[task];
                int target = routing.choose(t, stage, node, m.streamOrigin[tasks.stream[task]], m.inputMb[t]);
                if (target < 0) {
                    kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted");
                    release(task);
                    continue;
                }
                int k = task * maxStages + stage;
                tasks.stageNode[k] = target;
                tasks.pending[k] = 1;
                tasks.outstanding[task]++;
                events.push(now + network.delay(node, target, m.inputMb[t]), pack(EV_INPUT, stage, 0, task));
            }
        }
    }

    /** Paper 3: the task's cut from its origin's routes, then the serial queues of the sub-model. */
    private void arrivePartitioned(int task, int stream, int t, int origin, int u) {
        int[] stages = m.chainStages[t];
        int cut = 0;
        int edgeNode = origin;
        while (cut < stages.length) {
            double mb = cut == 0 ? m.inputMb[t] : m.output[m.chainServices[t][cut - 1]];
            int target = routing.choose(t, stages[cut], origin, origin, mb);
            if (target < 0) {
                kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted");
                return;
            }
            if (target != origin) {
                edgeNode = target;
                break;
            }
            cut++;
        }
        double upMb = cut == 0 ? m.inputMb[t] : m.output[m.chainServices[t][cut - 1]];
        partition.arrive(task, u, origin, edgeNode, m.chainServices[t], cut, upMb);
    }

    /** The fleet as the partition sub-model sees it. */
    private final class PartitionHost implements PartitionSubModel.Host {
        @Override
        public void push(double afterMs, int phase, int task, int epoch) {
            tasks.outstanding[task]++;
            events.push(now + afterMs, pack(EV_PART, phase, epoch, task));
        }

        @Override
        public double processingMs(int s, int node) {
            double rate = m.core[s] ? m.rates[s].mean() : m.rates[s].sample(serviceRandom);
            return m.workload[s] / (rate * stations.computeFactor[node * serviceCount + s]);
        }

        @Override
        public double networkDelay(int from, int to, double mb) {
            return network.delay(from, to, mb);
        }

        @Override
        public double nowMs() {
            return now;
        }

        @Override
        public double snr(int u) {
            return channels.snr(u);
        }

        @Override
        public boolean slotChannels() {
            return channels.perSlot();
        }

        @Override
        public void finish(int task) {
            SimulatedFleet.this.finish(task);
        }
    }

    // ------------------------------------------------------------------ tasks

    private void release(int task) {
        tasks.release(task);
    }

    private void finish(int task) {
        outcomes.finish(task, now);
    }

    private void kill(int task, String why) {
        outcomes.kill(task, why, now);
    }

    // ------------------------------------------------------------------ directives and cost

    @Override
    public void apply(Directive directive) {
        Objects.requireNonNull(directive, "directive is null");
        Integer boxed = m.nodeIndex.get(directive.nodeId());
        if (boxed == null) {
            throw new IllegalArgumentException("directive for unknown node '" + directive.nodeId() + "'");
        }
        int node = boxed;
        if (directives.stale(node, directive)) {
            return;
        }
        double preload = now > 0 ? twin.preloadMs(node, directive, stations.instances) : 0;
        if (preload > 0) {
            // a twin: the agent loads the instances the directive starts, then swaps the whole state in
            deferred.add(directive);
            events.push(now + preload, pack(EV_TWIN_APPLY, 0, 0, deferred.size() - 1));
            return;
        }
        applyNow(directive);
    }

    /** Sees which directives a fleet put in force and which it refused (a directives replay checks them). */
    public interface Applied {
        /** {@code directive} took effect at virtual time {@code nowMs}. */
        void applied(double nowMs, Directive directive);

        /** {@code directive} was refused at {@code nowMs}, for {@code why}. */
        void refused(double nowMs, Directive directive, String why);
    }

    /** Tells {@code listener} of every directive put in force or refused from now on (null: nobody). */
    public void onApplied(Applied listener) {
        this.appliedListener = listener;
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
        for (int s = 0; s < serviceCount; s++) {
            int st = node * serviceCount + s;
            if (genai != null && genai.switchable(node, s)) {
                switchModel(node, s, stations.instances[st], inst[s]);
            }
            stations.instances[st] = inst[s];
            stations.parallelism[st] = par[s];
            stations.update(st, genai);
        }
        directives.accept(node, directive);
        if (online[node]) {
            for (int s = 0; s < serviceCount; s++) {
                drain(node * serviceCount + s);
            }
        }
        if (genai != null) {
            forwardEvicted(node);
        }
        if (appliedListener != null) {
            appliedListener.applied(now, directive);
        }
    }

    private void refuse(Directive d, String why) {
        stats.refusedDirectives++;
        if (appliedListener != null) {
            appliedListener.refused(now, d, why);
        }
        LOG.warn("t={} ms: node {} refuses directive version {}: {}", now, d.nodeId(), d.version(), why);
    }

    /** Charges the slot that just ended with the instances in force (paper 1, eqs. 6 and 7). */
    private void chargeSlot() {
        if (genai != null) {
            genai.chargeSlot(stations.instances, online);
        }
        if (partition != null) {
            partition.chargeSlot(now);
        }
        channels.drawSlot();
        costs.charge(chargedSlots++, stations.instances, stations.parallelism, online, stats);
    }

    // ------------------------------------------------------------------ observation

    @Override
    public FleetSnapshot snapshot() {
        return observer.snapshot(now, partition, chargedSlots);
    }

    /**
     * The run's statistics so far, with the tasks still in the system counted as of
     * {@link #nowMs()} (those past their deadline are certainly late).
     */
    public SimStats stats() {
        long pending = 0;
        long overdue = 0;
        for (int task = 0; task < tasks.high; task++) {
            if (tasks.state[task] == TaskTable.LIVE) {
                pending++;
                if (now - tasks.arrive[task] > m.deadline[tasks.type[task]]) {
                    overdue++;
                }
            }
        }
        stats.pending = pending;
        stats.pendingOverdue = overdue;
        if (genai != null) {
            stats.genai = genai.stats(stats.latencySum, stats.completed);
        }
        if (partition != null) {
            stats.partition = partition.stats(slotMs);
        }
        return stats;
    }

    /** True while the node is online. */
    public boolean online(String node) {
        Integer n = m.nodeIndex.get(node);
        if (n == null) {
            throw new IllegalArgumentException("unknown node '" + node + "'");
        }
        return online[n];
    }

    /** The system model this fleet simulates (load-scaled). */
    public SystemModel model() {
        return model;
    }

    @Override
    public void close() {
        closed = true;
    }
}
