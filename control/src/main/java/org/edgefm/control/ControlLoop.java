package org.edgefm.control;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.wire.Directive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one control loop of EdgeFM, over a {@link Fleet} that may be real or simulated. It is driven
 * from outside: {@link #start()} once, then {@link #step()} once per slot, from one thread (a
 * simulator calls it in virtual time, {@code org.edgefm.host.RealTimeDriver} on a Vert.x timer in the field).
 *
 * <p>Each step takes a snapshot, turns it into a {@link SlotObservation}, asks the light-service
 * controller for a decision, diffs (core placement + decision) against what each node was last
 * given, and hands every changed node a new {@link Directive}. The core-placement planner runs at
 * start, every planning epoch, and when a node hosting core services goes offline; in that case the
 * placement's failover plan is applied at once, then the planner is asked to re-place onto the
 * survivors. Every plugin call is timed; a plugin that throws, returns nothing usable or overruns its
 * budget is reported by name ({@link Listener#onPluginFailure}) and counted ({@link #pluginHealth()}); the
 * last good decision stays, or the declared {@link #fallback} decides while there has been none.
 *
 * <p>This class runs the step's phases in order and publishes the {@link View}; its parts are
 * {@link PlanningModel} (the model in force, joins, measured links), {@link CoreScheduler} (the core
 * placement and when it is asked for), {@link SlotObservations} (the controller's observation),
 * {@link PluginCallGuard} (the controller's calls with budget and fallback) and {@link DirectiveBuilder}
 * (desired states, diff, directives).
 */
public final class ControlLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    /**
     * How the loop runs.
     *
     * @param slotMs          slot length Δt in ms
     * @param planningEpochMs period of core re-placement in ms; 0 = only at start and on node loss
     * @param coreBudget      time budget of one core-placement call
     * @param lightBudget     time budget of one light-controller call
     * @param plannerEpoch    the planner epoch stamped on every directive (increases per host run)
     * @param enforceBudget   true: plugin calls run on their own thread and are abandoned at the
     *                        budget; false: run inline, an overrun is measured only (virtual time)
     * @param wallClock       ms since the Unix epoch, for {@link Directive#issuedAtMs()}
     * @param backgroundCore  true: core placement runs off the loop's thread; the placement in force
     *                        stays and the light controller keeps deciding every slot until the new one
     *                        arrives (wall-clock runs); false: each placement completes inside its step
     *                        (virtual time, where a step takes no time)
     */
    public record Settings(double slotMs, double planningEpochMs, Duration coreBudget, Duration lightBudget,
            long plannerEpoch, boolean enforceBudget, LongSupplier wallClock, boolean backgroundCore) {
        /** Validates every field. */
        public Settings {
            if (!(slotMs > 0)) {
                throw new IllegalArgumentException("slotMs: " + slotMs + " (expected: > 0)");
            }
            if (!(planningEpochMs >= 0)) {
                throw new IllegalArgumentException("planningEpochMs: " + planningEpochMs + " (expected: >= 0)");
            }
            Objects.requireNonNull(coreBudget, "coreBudget is null");
            Objects.requireNonNull(lightBudget, "lightBudget is null");
            if (plannerEpoch < 0) {
                throw new IllegalArgumentException("plannerEpoch: " + plannerEpoch + " (expected: >= 0)");
            }
            Objects.requireNonNull(wallClock, "wallClock is null");
        }

        /** Settings whose core placement runs in the background exactly when budgets are enforced (wall-clock runs). */
        public Settings(double slotMs, double planningEpochMs, Duration coreBudget, Duration lightBudget,
                long plannerEpoch, boolean enforceBudget, LongSupplier wallClock) {
            this(slotMs, planningEpochMs, coreBudget, lightBudget, plannerEpoch, enforceBudget, wallClock, enforceBudget);
        }

        /** Field defaults: {@link PluginBudgets}, budgets enforced, core placement in the background. */
        public static Settings of(double slotMs, double planningEpochMs, long plannerEpoch) {
            return new Settings(slotMs, planningEpochMs, PluginBudgets.core(), PluginBudgets.light(slotMs), plannerEpoch,
                    true, System::currentTimeMillis, true);
        }
    }

    /** Receives what the loop does (journal, metrics, HTTP API). Called on the loop's thread. */
    public interface Listener {
        /** A snapshot was taken at the start of {@code slot}. */
        default void onSnapshot(long slot, FleetSnapshot snapshot) {
        }

        /** A core placement came into force. */
        default void onCorePlacement(CorePlacementContext.Trigger trigger, CorePlacement placement, double elapsedMs) {
        }

        /** The controller decided for {@code slot}. */
        default void onDecision(long slot, LightDecision decision, double elapsedMs) {
        }

        /** A directive was handed to the fleet. */
        default void onDirective(Directive directive) {
        }

        /**
         * A plugin failed; the last good decision stays.
         *
         * @param plugin the failing planner's name
         * @param role   {@code core-planner} or {@code light-controller}
         * @param reason {@code threw}, {@code overran}, {@code infeasible} or {@code empty} ({@link PluginHealth#REASONS})
         * @param detail one line
         */
        default void onPluginFailure(String plugin, String role, String reason, String detail) {
        }

        /** The planners got a new topology from the measured links, for {@code change} (never {@code NONE}). */
        default void onTopologyChange(LinkEstimator.Change change) {
        }

        /**
         * A core placement computed in the background was dropped because the fleet changed under it
         * (it places core services on nodes that went offline or left); the placement in force stays.
         *
         * @param trigger what the dropped placement was computed for
         * @param reason  one line
         */
        default void onCorePlacementDropped(CorePlacementContext.Trigger trigger, String reason) {
        }

        /**
         * The slot's observation as the controller got it, and the light decision in force after this slot's
         * call (null before the first): for observers that plan alongside without applying anything (a
         * {@link ShadowPlanner}). Called once per planned slot; MUST return at once (hand the work to another
         * thread), or the live loop waits.
         */
        default void onObservation(long slot, SlotObservation observation, LightDecision inForce) {
        }
    }

    /**
     * What one step did.
     *
     * @param slot       the slot index
     * @param decided    true when the controller produced a new decision
     * @param directives directives handed to the fleet in this step
     * @param phases     the step's wall time by phase
     */
    public record StepReport(long slot, boolean decided, List<Directive> directives, StepPhases phases) {
    }

    /**
     * A step's wall time by phase, in ns (0 where the step ended before the phase): what a slot's decision
     * lag is made of besides the wait before the step started.
     *
     * @param observeNanos the snapshot, the model, the measured links, the core tier's step and the observation
     * @param decideNanos  the controller's call through the guard (its budget, or the fallback)
     * @param handOutNanos the listeners of the decision, the desired states and the directives handed to the
     *                     fleet (its outbox) and to the listeners (the journal's queue)
     * @param publishNanos the published view
     */
    public record StepPhases(long observeNanos, long decideNanos, long handOutNanos, long publishNanos) {
        /** No phase ran. */
        public static final StepPhases NONE = new StepPhases(0, 0, 0, 0);
    }

    /**
     * In a fleet that joins, every node's directive names every node with an endpoint as a peer (so each
     * agent measures its links to all of them) while the fleet has at most this many; a larger fleet names
     * the routes' targets only (its links come from what those agents measure).
     */
    public static final int PROBE_ALL_PEERS_UP_TO = 64;

    private final Fleet fleet;
    private final ResolvedPlanner planner;
    private final Settings settings;
    private final Listener listener;
    /** The controller's calls, failures and fallback ({@link PluginCallGuard}). */
    private final PluginCallGuard guard;
    private final PlannerConfig config;
    private final PlanningModel models;
    private final CoreScheduler core;
    private final SlotObservations observations;
    private final DirectiveBuilder directives;

    private LightDecision decision;
    /** The model the controller got in the previous slot, and how many slots brought it a different one. */
    private SystemModel lastObserved;
    private volatile long modelChanges;
    private long slot;
    private boolean started;
    /** The start's snapshot, until the first slot hands out its completions. */
    private FleetSnapshot carried;

    /**
     * Creates the loop and the planner instances.
     *
     * @param fleet    the fleet it controls
     * @param model    the system model the planners get
     * @param planner  the resolved planner
     * @param config   planner settings
     * @param settings slot length, epoch, budgets
     * @param listener observer of what it does, or null
     * @throws org.edgefm.api.ConfigException when a planner refuses its configuration
     */
    public ControlLoop(Fleet fleet, SystemModel model, ResolvedPlanner planner, PlannerConfig config,
            Settings settings, Listener listener) {
        this(fleet, model, planner, config, settings, LinkEstimator.Settings.defaults(), listener);
    }

    /**
     * Creates the loop and the planner instances, with the host's {@code links.*} settings.
     *
     * @param fleet    the fleet it controls
     * @param model    the declared system model; the planners get it with measured links as {@code links} says
     * @param planner  the resolved planner
     * @param config   planner settings
     * @param settings slot length, epoch, budgets
     * @param links    how measured links enter the planners' topology
     * @param listener observer of what it does, or null
     * @throws org.edgefm.api.ConfigException when a planner refuses its configuration
     */
    public ControlLoop(Fleet fleet, SystemModel model, ResolvedPlanner planner, PlannerConfig config,
            Settings settings, LinkEstimator.Settings links, Listener listener) {
        this(fleet, Objects.requireNonNull(model, "model is null"), null, planner, config, settings, links, listener);
    }

    /**
     * Creates the loop over the fleet that joins: the planners' model is built by {@code fleetModel}
     * from the fleet's births and grows as nodes join (a core re-placement follows once joins have
     * settled); no slot is planned before the first node joined.
     *
     * @param fleet      the fleet it controls
     * @param fleetModel builds the model from the nodes that joined
     * @param planner    the resolved planner
     * @param config     planner settings
     * @param settings   slot length, epoch, budgets
     * @param links      how measured links enter the planners' topology
     * @param listener   observer of what it does, or null
     */
    public ControlLoop(Fleet fleet, FleetModel fleetModel, ResolvedPlanner planner, PlannerConfig config,
            Settings settings, LinkEstimator.Settings links, Listener listener) {
        this(fleet, fleetModel.current(), Objects.requireNonNull(fleetModel, "fleetModel is null"), planner, config,
                settings, links, listener);
    }

    private ControlLoop(Fleet fleet, SystemModel model, FleetModel fleetModel, ResolvedPlanner planner,
            PlannerConfig config, Settings settings, LinkEstimator.Settings links, Listener listener) {
        this.fleet = Objects.requireNonNull(fleet, "fleet is null");
        Objects.requireNonNull(links, "links is null");
        this.planner = Objects.requireNonNull(planner, "planner is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.listener = listener == null ? new Listener() { } : listener;
        PlannerConfig cfg = config == null ? PlannerConfig.EMPTY : config;
        var corePlanner = planner.core() == null ? null : planner.core().create(cfg);
        LightServiceController controller = planner.controller().create(cfg);
        this.config = cfg;
        this.guard = new PluginCallGuard(planner.controller().name(), controller, settings.lightBudget(),
                settings.slotMs(), settings.enforceBudget(), this.listener);
        Map<String, ServiceSpec> catalog = (model != null ? model.services() : fleetModel.spec().services()).stream()
                .collect(java.util.stream.Collectors.toMap(ServiceSpec::id, x -> x, (a, b) -> a, LinkedHashMap::new));
        this.models = new PlanningModel(fleet, model, fleetModel, links);
        this.core = new CoreScheduler(planner, corePlanner, settings, this.listener, guard, catalog, models, () -> slot);
        this.observations = new SlotObservations(catalog, settings.slotMs());
        this.directives = new DirectiveBuilder(fleet, settings, this.listener, catalog, models);
    }

    /**
     * The system model in force (the planners' topology before measured links), or null before any node
     * joined. Never blocks: it does not wait for a step in progress.
     */
    public SystemModel model() {
        return models.model();
    }

    /**
     * What the loop has in force at the end of its latest {@link #start()} or {@link #step()}: an
     * immutable value, published through a {@code volatile} reference. Readers on other threads (the
     * host's HTTP handlers run on a Vert.x event loop) never wait for a step in progress, which holds
     * the loop's lock for as long as a plugin call takes (a core re-plan may take its whole budget).
     *
     * @param slot       the next slot index
     * @param placement  the core placement in force
     * @param decision   the light decision in force, or null before the first one
     * @param directives the newest directive handed to each node, by node id (sorted)
     */
    public record View(long slot, CorePlacement placement, LightDecision decision, Map<String, Directive> directives) {
        /** Copies {@code directives}. */
        public View {
            Objects.requireNonNull(placement, "placement is null");
            directives = Collections.unmodifiableMap(new TreeMap<>(directives));
        }
    }

    private volatile View view = new View(0, CorePlacement.EMPTY, null, Map.of());

    /** The model the planners get (with the measured links), or null before any node joined. */
    public synchronized SystemModel plannersModel() {
        return models.links() == null ? null : models.links().model();
    }

    /** True while nodes joined since the last core placement (a re-placement follows once joins settle). */
    public synchronized boolean joinPending() {
        return models.joinPending() || (models.joins() && !started);
    }

    /** The planner this loop runs. */
    public ResolvedPlanner planner() {
        return planner;
    }

    /** What is in force as of the latest start or step; never blocks. */
    public View view() {
        return view;
    }

    /** The core placement in force (as of the latest start or step; never blocks). */
    public CorePlacement placement() {
        return view.placement();
    }

    /** The light decision in force, or null before the first one (never blocks). */
    public LightDecision decision() {
        return view.decision();
    }

    /** The next slot index (never blocks). */
    public long slot() {
        return view.slot();
    }

    /** The newest directive handed to each node (never blocks). */
    public Map<String, Directive> directives() {
        return view.directives();
    }

    /** Publishes what is in force now; called by the loop's thread at the end of a start or step. */
    private void publish() {
        view = new View(slot, core.placement(), decision, directives.lastDirectives());
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** Places core services for the first time (trigger {@code START}). Idempotent. */
    public synchronized void start() {
        if (started) {
            return;
        }
        FleetSnapshot s = fleet.snapshot();
        carried = carried == null ? s : SlotObservations.merge(carried, s);
        if (!models.refresh(s.nowMs())) {
            return;
        }
        if (models.joins()) {
            // the links measured while the fleet joins go into the first slot's model and the first core
            // placement, rather than arriving over the first slots as one new model after another
            models.links().observe(s.links(), s.nowMs());
        }
        if (models.joins() && !models.joinsSettled(s.nowMs())) {
            return; // the first placement waits until joins settle: a fleet that joins at once is placed once
        }
        LinkEstimator.Change first = models.joins() ? models.links().release(s.nowMs()) : LinkEstimator.Change.NONE;
        if (first != LinkEstimator.Change.NONE) {
            LOG.info("planners' first topology: {}", models.links().describe());
            listener.onTopologyChange(first);
        }
        started = true;
        models.joinsPlaced();
        core.start(SlotObservations.offline(s), s.nowMs());
        publish();
    }

    /**
     * The snapshot with the completions, submissions and model switches of the start's snapshot added,
     * once: those arrived before the first slot (results an agent stored while no host was up) and would
     * otherwise never reach the listeners.
     */
    private FleetSnapshot withCarried(FleetSnapshot s) {
        FleetSnapshot c = carried;
        carried = null;
        if (c == null || (c.completions().isEmpty() && c.submitted() == 0 && c.switches().isEmpty())) {
            return s;
        }
        return SlotObservations.merge(c, s);
    }

    /**
     * Runs one slot; calls {@link #start()} first if needed. Its phases, in order: the snapshot, the model
     * and measured links, the core tier ({@link CoreScheduler#step}), the controller's decision through
     * the guard, the directives of the nodes whose desired state changed, the published view.
     */
    public synchronized StepReport step() {
        guard.slotStarted(System.nanoTime());
        start();
        if (!started) {
            // no node has joined yet (or joins have not settled): nothing is planned and slot 0 is still to come;
            // the snapshot's completions wait in the carried one
            return new StepReport(slot, false, List.of(), StepPhases.NONE);
        }
        long t0 = System.nanoTime();
        FleetSnapshot snap = withCarried(fleet.snapshot());
        listener.onSnapshot(slot, snap);
        models.refresh(snap.nowMs());
        Set<String> offline = SlotObservations.offline(snap);
        observeLinks(snap);
        core.step(offline, snap.nowMs());

        SlotObservation obs = observations.of(slot, snap, models.model(), models.links(), core.placement(), decision);
        if (obs.model() != lastObserved) {
            lastObserved = obs.model();
            modelChanges++;
        }
        boolean decided = false;
        long t1 = System.nanoTime();
        PluginCallGuard.Decided d = guard.decide(obs); // failures, fallback and their books: PluginCallGuard
        long t2 = System.nanoTime();
        if (d != null) {
            decision = d.decision();
            decided = true;
            listener.onDecision(slot, decision, d.elapsedMs());
        }
        guard.endOfSlot(obs);
        listener.onObservation(slot, obs, decision);
        List<Directive> sent = directives.handOut(core.placement(), decision, slot);
        long t3 = System.nanoTime();
        long thisSlot = slot;
        slot++;
        publish();
        return new StepReport(thisSlot, decided, sent, new StepPhases(t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3));
    }

    /** The measured links into the planners' topology; a change is logged and told to the listener. */
    private void observeLinks(FleetSnapshot snap) {
        LinkEstimator links = models.links();
        LinkEstimator.Change change = links.observe(snap.links(), snap.nowMs());
        if (change != LinkEstimator.Change.NONE) {
            // a moved figure is routine (at most one per links.rebuildMinIntervalMs); a link that comes or goes is news
            if (change == LinkEstimator.Change.MOVED) {
                LOG.debug("planners get a new topology ({}): {}", change.label(), links.describe());
            } else {
                LOG.info("planners get a new topology ({}): {}", change.label(), links.describe());
            }
            listener.onTopologyChange(change);
        }
    }

    /** True while a core placement is being computed off the loop's thread (never blocks). */
    public boolean corePlanning() {
        return core.planning();
    }

    /**
     * Declares the fallback controller, which decides while the controller has not produced a usable
     * decision (see {@link PluginCallGuard}). Call before the first step.
     */
    public synchronized void fallback(LightServiceControllerFactory factory) {
        guard.fallback(factory.name(), factory.create(config), settings.enforceBudget());
    }

    /**
     * The slots whose observation gave the controller a model other than the previous slot's (the first slot's
     * included): a new network for it, which a planner that caches per model analyses again (any thread).
     */
    public long modelChanges() {
        return modelChanges;
    }

    /** The plugin calls' books: calls, failures by reason, slots on the fallback (any thread). */
    public PluginHealth pluginHealth() {
        return guard.health();
    }

    /** Tests and benchmarks: compute every node's desired state every slot, also when nothing it depends on changed. */
    public synchronized void diffEverySlot() {
        directives.diffEverySlot();
    }

    /**
     * Hands the completions and counters the fleet gathered since the last slot to the listeners,
     * without deciding anything: called once the fleet stopped receiving, so that nothing it took
     * in is left out of the meters and the journal.
     */
    public synchronized void finalSnapshot() {
        listener.onSnapshot(slot, withCarried(fleet.snapshot()));
    }

    /** Stops the plugin threads; the fleet is not closed. */
    @Override
    public void close() {
        core.close();
        guard.close();
    }
}
