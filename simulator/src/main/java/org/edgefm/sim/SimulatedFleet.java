package org.edgefm.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
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
 * <p>The fleet builds the parts that do this and hands them the events of its {@link EventLoop}:
 * {@link Arrivals} (tasks coming in), {@link TaskFlow} (stages through the stations, node failures),
 * {@link DirectiveApplier} (directives put in force), {@link PartitionedStreams} (seed paper 3's
 * streams), {@link FleetObserver} (snapshots) and {@link SlotCosts} (each slot's charge).
 *
 * <p>The event loop allocates nothing per event: events live in a primitive heap, tasks in
 * parallel primitive arrays reused through a free list. Only finished tasks allocate (their
 * {@link TaskCompletion}). Not thread-safe; one thread drives it.
 */
public final class SimulatedFleet implements Fleet {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);

    private final SystemModel model;
    private final SimSettings settings;
    private final double slotMs;
    private final long seed;
    private final SimStats stats = new SimStats();
    /** The virtual clock and the event heap; it hands each event to {@link Dispatch}. */
    private final EventLoop loop;

    // The model compiled to arrays (nodes, services, task types, users, streams).
    private final CompiledModel m;
    /** Per node: online (written by {@link TaskFlow} on failures and recoveries). */
    private final boolean[] online;
    /** Links under the impairment schedule. */
    private final LinkWindows links;

    // Stations: (node, service) pairs, index node * serviceCount + service; the cost meter.
    private final Stations stations;
    private final SlotCosts costs;

    // Tasks; the parts that move them: arrivals, the flow through the stations, directives put in force.
    private final TaskTable tasks;
    private final Arrivals arrivals;
    private final TaskFlow flow;
    private final DirectiveApplier applier;

    // Sub-models of seed papers 2 and 3 (null when inactive) and the users' channels.
    private final GenAiSubModel genai;
    private final PartitionedStreams partitioned;
    private final UserChannels channels;

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
            Map<String, ?> subModelKeys, List<LinkImpairment> impairments, Twin calibration) {        Objects.requireNonNull(subModelKeys, "subModelKeys is null");
        this.model = Objects.requireNonNull(model, "model is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        Objects.requireNonNull(failures, "failures is null");
        if (!(slotMs > 0)) {
            throw new IllegalArgumentException("slotMs: " + slotMs + " (expected: > 0)");
        }
        this.slotMs = slotMs;
        this.seed = seed;
        loop = new EventLoop(slotMs, stats, new Dispatch());

        m = new CompiledModel(model);
        online = new boolean[m.nodeCount];
        Arrays.fill(online, true);
        int[] incarnation = new int[m.nodeCount];
        long[] sessions = new long[m.nodeCount];
        NodeDirectives directives = new NodeDirectives(m, settings);
        links = new LinkWindows(m.nodeCount, m.nodeIndex, model.topology().links(),
                List.copyOf(Objects.requireNonNull(impairments, "impairments is null")));

        genai = GenAiSubModel.create(subModelKeys, m.nodeSpecs, m.services, slotMs);
        stations = new Stations(m, ComputeRates.factors(model, settings.compute()), settings, genai);
        costs = new SlotCosts(m, settings);
        tasks = new TaskTable(m, settings.stageTimings());
        TaskOutcomes outcomes = new TaskOutcomes(m, tasks, stats);

        // Per stream its arrival draws, the light services' rate draws, routing, channels: split in this order,
        // which fixes every run's draws
        SplittableRandom master = new SplittableRandom(seed);
        SplittableRandom[] streamRandom = new SplittableRandom[m.streamCount];
        for (int i = 0; i < m.streamCount; i++) {
            streamRandom[i] = master.split();
        }
        SplittableRandom serviceRandom = master.split();
        SplittableRandom routeRandom = master.split();
        SplittableRandom channelRandom = master.split();
        // a stream of its own, not split from master: that would move every later draw of runs without admission
        SplittableRandom admissionRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL);
        StageRouting routing = new StageRouting(m, settings, directives.routes, online, stations, links, routeRandom,
                admissionRandom);

        // assumption (sim.channel-coherence): paper 1 draws a channel per task; LyMDO-style block
        // fading (papers.md 4.2) keeps one draw per user for a whole slot.
        channels = new UserChannels(m, channelRandom,
                SimSettings.oneOf(subModelKeys, "sim.channel-coherence", "task", "task", "slot").equals("slot"));
        observer = new FleetObserver(m, stations, outcomes, links, directives, online, sessions, channels.lastSnr,
                calibration);
        partitioned = PartitionedStreams.create(subModelKeys, m, loop, tasks, outcomes, stations, routing, links,
                channels, serviceRandom);

        // The calibrated twin's draws (inactive without a calibration), and whether its stations share cores.
        TwinDraws twin = new TwinDraws(m, calibration, subModelKeys, seed, model.workload());
        double cores = twin.active() ? SharedCores.cores(subModelKeys) : 0;
        SharedCores sharedCores = cores > 0 ? new SharedCores(cores, SharedCores.background(subModelKeys)) : null;

        arrivals = new Arrivals(m, loop, stats, tasks, outcomes, online, routing, links, channels, twin, observer,
                partitioned, streamRandom);
        flow = new TaskFlow(m, settings, loop, online, incarnation, sessions, stations, tasks, outcomes, routing, links,
                twin, sharedCores, genai, serviceRandom);
        applier = new DirectiveApplier(m, loop, stats, directives, stations, online, twin, genai, flow);

        arrivals.scheduleFirst();
        for (FailureEvent f : failures) {
            Integer n = m.nodeIndex.get(f.node());
            if (n == null) {
                throw new IllegalArgumentException("failure names unknown node '" + f.node() + "'");
            }
            loop.push(f.atMs(), EventLoop.FAIL, 0, 0, n);
            if (f.durationMs() != null) {
                loop.push(f.atMs() + f.durationMs(), EventLoop.RECOVER, 0, 0, n);
            }
        }
        for (LinkImpairment w : links.impairments()) {
            loop.push(w.atMs(), EventLoop.LINK, 0, 0, 0);
            if (w.durationMs() != null) {
                loop.push(w.endMs(), EventLoop.LINK, 0, 0, 0);
            }
        }
    }

    // ------------------------------------------------------------------ driving

    @Override
    public double nowMs() {
        return loop.now();
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
        loop.advanceTo(timeMs);
    }

    /** The seed-paper-3 shares of the decision in force (the simulated radio and CPUs follow them at once). */
    public void applyUserAllocations(List<UserAllocation> allocations) {
        Objects.requireNonNull(allocations, "allocations is null");
        if (partitioned != null) {
            partitioned.model().setAllocations(allocations);
        }
    }

    /** The links in force now: the declared ones with the impairments open now applied, cut ones left out. */
    public List<LinkSpec> linksInForce() {
        return links.inForce();
    }

    /** Each event to the part that runs it, and each slot's end to the cost meters. */
    private final class Dispatch implements EventLoop.Handler {
        @Override
        public void event(int kind, int stage, int inc, int index) {
            switch (kind) {
                case EventLoop.ARRIVAL -> arrivals.onArrival(index);
                case EventLoop.INPUT -> flow.onInput(index, stage);
                case EventLoop.DONE -> flow.onDone(index, stage, inc);
                case EventLoop.FAIL -> flow.onFail(index);
                case EventLoop.RECOVER -> flow.onRecover(index);
                case EventLoop.LINK -> onLinkChange();
                case EventLoop.READY -> flow.drain(index);
                case EventLoop.TWIN_APPLY -> applier.applyDeferred(index);
                case EventLoop.CORES -> flow.onCoresEnd(index);
                case EventLoop.PART -> partitioned.onEvent(index, stage, inc);
                default -> throw new AssertionError("event type " + kind);
            }
        }

        /** Charges the slot that just ended with the instances in force (paper 1, eqs. 6 and 7). */
        @Override
        public void slotEnded(long slot) {
            if (genai != null) {
                genai.chargeSlot(stations.instances, online);
            }
            if (partitioned != null) {
                partitioned.model().chargeSlot(loop.now());
            }
            channels.drawSlot();
            costs.charge(slot, stations.instances, stations.parallelism, online, stats);
        }
    }

    /** An impairment window opened or closed: the links in force now, and the paths over them. */
    private void onLinkChange() {
        if (links.update(loop.now())) {
            LOG.debug("t={} ms: links in force changed ({} of {} declared up)", loop.now(), links.inForce().size(),
                    model.topology().links().size());
        }
    }

    // ------------------------------------------------------------------ directives

    @Override
    public void apply(Directive directive) {
        Objects.requireNonNull(directive, "directive is null");
        Integer node = m.nodeIndex.get(directive.nodeId());
        if (node == null) {
            throw new IllegalArgumentException("directive for unknown node '" + directive.nodeId() + "'");
        }
        applier.apply(node, directive);
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
        applier.listener(listener);
    }

    // ------------------------------------------------------------------ observation

    @Override
    public FleetSnapshot snapshot() {
        return observer.snapshot(loop.now(), partitioned == null ? null : partitioned.model(), loop.endedSlots());
    }

    /**
     * The run's statistics so far, with the tasks still in the system counted as of
     * {@link #nowMs()} (those past their deadline are certainly late).
     */
    public SimStats stats() {
        double now = loop.now();
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
        if (partitioned != null) {
            stats.partition = partitioned.model().stats(slotMs);
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
