package org.edgefm.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.WireCodec;
import org.edgefm.control.internal.BackgroundCall;
import org.edgefm.control.internal.PluginCaller;
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
     */
    public record StepReport(long slot, boolean decided, List<Directive> directives) {
    }

    private final Fleet fleet;
    /** The model in force; null while a fleet model waits for the first node. */
    // volatile: model() is read by HTTP handlers without the loop's lock (an immutable value)
    private volatile SystemModel model;
    /** Builds the model from the nodes that joined, or null for a fixed model. */
    private final FleetModel fleetModel;
    private final LinkEstimator.Settings linkSettings;
    private long seenMembership = -1;
    /** The model grew (nodes joined) since the last core placement. */
    private boolean joinPending;
    /** Fleet clock when the model first grew since the last core placement (or first appeared), NaN when none. */
    private double growingSinceMs = Double.NaN;
    private boolean waitingLogged;
    private final ResolvedPlanner planner;
    private final Settings settings;
    private final Listener listener;
    private final CorePlacementPlanner corePlanner;
    private final LightServiceController controller;
    private final PluginCaller coreCaller;
    /** The core placement off the loop's thread ({@link Settings#backgroundCore}), else null. */
    private final BackgroundCall<PlanResult<CorePlacement>> coreJob;
    /** What the pending background placement was asked for, or null. */
    private CorePlacementContext.Trigger coreJobTrigger;
    /** The pending background placement ran past its budget (reported); its result is dropped. */
    private boolean coreJobAbandoned;
    /** Nodes offline when the pending background placement was asked for. */
    private Set<String> coreJobOffline = Set.of();
    /** The pending background placement was started in the current start or step (it may be waited for). */
    private boolean coreJobJustStarted;
    /** A placement asked for while one ran: started once the running one is collected; null when none. */
    private CorePlacementContext.Trigger queuedTrigger;
    private volatile boolean corePlanning;
    /** The controller's calls, failures and fallback ({@link PluginCallGuard}). */
    private final PluginCallGuard guard;
    private final PlannerConfig config;
    private final Map<String, ServiceSpec> catalog;
    private LinkEstimator links;

    private CorePlacement placement = CorePlacement.EMPTY;
    private LightDecision decision;
    private long slot;
    private double lastPlanMs = Double.NaN;
    /** The trigger of the last core call that failed (threw, overran, infeasible, empty); null after one that came into force. */
    private CorePlacementContext.Trigger failedCoreTrigger;
    /** The trigger of the last core call asked for. */
    private CorePlacementContext.Trigger lastCoreTrigger;
    /** How long after a failed core call another is asked for while core services lack a placement; doubles up to the cap. */
    private double coreRetryMs = CORE_RETRY_FIRST_MS;
    /** The first wait before a failed core placement is asked for again (then doubled per failure, up to {@link #CORE_RETRY_MAX_MS}). */
    static final double CORE_RETRY_FIRST_MS = 5_000;
    /** The longest wait between two retries of a failed core placement. */
    static final double CORE_RETRY_MAX_MS = 120_000;
    private boolean started;
    /** The start's snapshot, until the first slot hands out its completions. */
    private FleetSnapshot carried;
    private final Set<String> lostCoreNodes = new HashSet<>();
    private final Map<String, DesiredState> given = new TreeMap<>();
    private final Map<String, Long> versions = new TreeMap<>();
    private final Map<String, Directive> lastDirectives = new TreeMap<>();

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
        this.model = model;
        this.fleetModel = fleetModel;
        this.linkSettings = Objects.requireNonNull(links, "links is null");
        this.planner = Objects.requireNonNull(planner, "planner is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.listener = listener == null ? new Listener() { } : listener;
        PlannerConfig cfg = config == null ? PlannerConfig.EMPTY : config;
        this.corePlanner = planner.core() == null ? null : planner.core().create(cfg);
        this.controller = planner.controller().create(cfg);
        this.coreCaller = corePlanner == null || settings.backgroundCore() ? null
                : new PluginCaller("edgefm-core-" + planner.coreName(), settings.enforceBudget());
        this.coreJob = corePlanner == null || !settings.backgroundCore() ? null
                : new BackgroundCall<>("edgefm-core-" + planner.coreName());
        this.config = cfg;
        this.guard = new PluginCallGuard(planner.controller().name(), controller, settings.lightBudget(),
                settings.enforceBudget(), this.listener);
        this.catalog = (model != null ? model.services() : fleetModel.spec().services()).stream()
                .collect(java.util.stream.Collectors.toMap(ServiceSpec::id, x -> x, (a, b) -> a, LinkedHashMap::new));
        this.links = model == null ? null : new LinkEstimator(links, model);
        if (fleetModel != null && model != null) {
            fleet.users(model.users());
        }
    }

    /**
     * Asks the fleet model for the model in force when the fleet's membership changed.
     *
     * @return false while no node has joined (nothing to plan for)
     */
    private boolean refreshModel(double nowMs) {
        if (fleetModel == null) {
            return true;
        }
        long v = fleet.membershipVersion();
        if (v != seenMembership || model == null) {
            seenMembership = v;
            SystemModel m = fleetModel.refresh(fleet.joined(), nowMs);
            if (m != null && m != model) {
                boolean first = model == null;
                model = m;
                if (links == null) {
                    links = new LinkEstimator(linkSettings, m);
                } else {
                    links.redeclare(m);
                }
                fleet.users(m.users());
                joinPending = !first;
                if (Double.isNaN(growingSinceMs)) {
                    growingSinceMs = nowMs;
                }
                LOG.info("planners' fleet: {} node(s) joined, {} stream(s) bound to them{}", m.topology().nodes().size(),
                        m.workload().size(), first ? "" : "; core re-placement once joins settle");
            }
        }
        if (model == null && !waitingLogged) {
            waitingLogged = true;
            LOG.info("waiting for the first node to join before planning");
        }
        return model != null;
    }

    /**
     * True when no node has joined for {@code fleet.joinSettleMs}, or the model has kept growing for ten
     * times that (a fleet that never stops joining is still placed).
     */
    private boolean joinsSettled(double nowMs) {
        if (fleetModel == null) {
            return true; // a scenario's fixed fleet: nothing joins
        }
        double settle = fleetModel.settings().joinSettleMs();
        if (Double.isNaN(fleetModel.changedAtMs())) {
            return true; // fleet.model=declared: the model never grows
        }
        return nowMs - fleetModel.changedAtMs() >= settle || (!Double.isNaN(growingSinceMs) && nowMs - growingSinceMs >= 10 * settle);
    }

    /**
     * The system model in force (the planners' topology before measured links), or null before any node
     * joined. Never blocks: it does not wait for a step in progress.
     */
    public SystemModel model() {
        return model;
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
        return links == null ? null : links.model();
    }

    /** True while nodes joined since the last core placement (a re-placement follows once joins settle). */
    public synchronized boolean joinPending() {
        return joinPending || (fleetModel != null && !started);
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
        view = new View(slot, placement, decision, lastDirectives);
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
        carried = carried == null ? s : merge(carried, s);
        if (!refreshModel(s.nowMs())) {
            return;
        }
        if (fleetModel != null && !joinsSettled(s.nowMs())) {
            return; // the first placement waits until joins settle: a fleet that joins at once is placed once
        }
        started = true;
        joinPending = false;
        growingSinceMs = Double.NaN;
        Set<String> offline = offline(s);
        planCore(CorePlacementContext.Trigger.START, offline, s.nowMs());
        collectCore(offline, s.nowMs(), true);
        publish();
    }

    private static FleetSnapshot merge(FleetSnapshot c, FleetSnapshot s) {
        List<TaskCompletion> all = new ArrayList<>(c.completions());
        all.addAll(s.completions());
        List<ModelSwitch> switches = new ArrayList<>(c.switches());
        switches.addAll(s.switches());
        return new FleetSnapshot(s.nowMs(), s.nodes(), s.services(), s.arrivals(), s.users(), s.links(), all,
                c.submitted() + s.submitted(), switches);
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
        return merge(c, s);
    }

    /** Runs one slot; calls {@link #start()} first if needed. */
    public synchronized StepReport step() {
        start();
        if (!started) {
            // no node has joined yet (or joins have not settled): nothing is planned and slot 0 is still to come;
            // the snapshot's completions wait in the carried one
            return new StepReport(slot, false, List.of());
        }
        FleetSnapshot snap = withCarried(fleet.snapshot());
        listener.onSnapshot(slot, snap);
        refreshModel(snap.nowMs());
        Set<String> offline = offline(snap);
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

        // A placement computed in the background since the last slot comes into force first.
        collectCore(offline, snap.nowMs(), false);

        // Node loss: failover at once, then a re-placement onto the survivors.
        List<String> newlyLost = new ArrayList<>();
        for (String n : offline) {
            if (!placement.onNode(n).isEmpty() && lostCoreNodes.add(n)) {
                newlyLost.add(n);
            }
        }
        // Nodes whose core services were failed over and that are back (their telemetry resumed in the same
        // session, e.g. after a stall or a short partition) are planned for again, as a join is.
        List<String> returned = lostCoreNodes.stream().filter(n -> !offline.contains(n)).sorted().toList();
        lostCoreNodes.retainAll(offline);
        if (!returned.isEmpty()) {
            LOG.info("nodes {} that lost their core services are back online; core re-placement once joins settle", returned);
            joinPending = true;
        }
        if (!newlyLost.isEmpty()) {
            CorePlacement failed = placement;
            for (String n : newlyLost) {
                failed = failed.withoutNode(n);
            }
            LOG.warn("nodes {} hosting core services are offline; failover applied, re-placing", newlyLost);
            placement = failed;
            listener.onCorePlacement(CorePlacementContext.Trigger.NODE_LOST, placement, 0);
            planCore(CorePlacementContext.Trigger.NODE_LOST, offline, snap.nowMs());
        } else if (joinPending && joinsSettled(snap.nowMs())) {
            joinPending = false;
            growingSinceMs = Double.NaN;
            planCore(CorePlacementContext.Trigger.NODE_JOINED, offline, snap.nowMs());
        } else if (settings.planningEpochMs() > 0 && !Double.isNaN(lastPlanMs)
                && snap.nowMs() - lastPlanMs >= settings.planningEpochMs()) {
            planCore(CorePlacementContext.Trigger.EPOCH, offline, snap.nowMs());
        } else if (coreRetryDue(snap.nowMs())) {
            CorePlacementContext.Trigger retry = failedCoreTrigger;
            LOG.info("core services {} have no placement after the core planner's {} call failed; asking again ({} ms after"
                    + " the last call)", unplacedCoreServices(), retry, Math.round(coreRetryMs));
            coreRetryMs = Math.min(CORE_RETRY_MAX_MS, 2 * coreRetryMs);
            planCore(retry, offline, snap.nowMs());
        }
        // a placement started in this step that returns within the light budget is applied in this step
        collectCore(offline, snap.nowMs(), true);

        SlotObservation obs = observe(snap);
        boolean decided = false;
        PluginCallGuard.Decided d = guard.decide(obs); // failures, fallback and their books: PluginCallGuard
        if (d != null) {
            decision = d.decision();
            decided = true;
            listener.onDecision(slot, decision, d.elapsedMs());
        }
        guard.endOfSlot(obs);
        listener.onObservation(slot, obs, decision);
        List<Directive> sent = diffAndApply();
        StepReport report = new StepReport(slot, decided, sent);
        slot++;
        publish();
        return report;
    }

    /**
     * Asks the core planner for a placement. Inline (virtual time): the result is in force when this
     * returns. In the background: the call starts on the core planner's thread (or, while one runs,
     * is queued and started once that one is collected; the latest request's trigger wins, a node loss
     * before all) and {@link #collectCore} brings its result into force in a later step.
     */
    private void planCore(CorePlacementContext.Trigger trigger, Set<String> offline, double nowMs) {
        lastPlanMs = nowMs;
        lastCoreTrigger = trigger;
        if (corePlanner == null) {
            return;
        }
        CorePlacementContext ctx = new CorePlacementContext(links.model(), declaredDemand(), offline, placement, trigger,
                settings.coreBudget());
        if (coreJob != null) {
            if (coreJob.pending()) {
                if (queuedTrigger != CorePlacementContext.Trigger.NODE_LOST) {
                    queuedTrigger = trigger;
                }
                return;
            }
            coreJob.submit(() -> corePlanner.place(ctx));
            coreJobTrigger = trigger;
            coreJobAbandoned = false;
            coreJobOffline = Set.copyOf(offline);
            coreJobJustStarted = true;
            corePlanning = true;
            return;
        }
        PluginCaller.Outcome<PlanResult<CorePlacement>> out = coreCaller.call(() -> corePlanner.place(ctx),
                settings.coreBudget());
        if (out instanceof PluginCaller.Returned<PlanResult<CorePlacement>> r) {
            accept(trigger, r, offline);
        } else if (out instanceof PluginCaller.Failed<PlanResult<CorePlacement>> f) {
            coreFailure(f.reason(), f.detail(), f.elapsedMs());
        }
    }

    /** Brings a returned placement into force, unless it is empty or uses an offline node (reported as the planner's failure). */
    private void accept(CorePlacementContext.Trigger trigger, PluginCaller.Returned<PlanResult<CorePlacement>> r, Set<String> offline) {
        if (r.value() == null || r.value().plan().isEmpty()) {
            coreFailure(r.value() == null ? PluginHealth.EMPTY : PluginHealth.INFEASIBLE,
                    r.value() == null ? "returned null" : "no plan: " + r.value().reasons(), r.elapsedMs());
            return;
        }
        CorePlacement p = r.value().plan().get();
        List<String> onOffline = p.assignments().stream().map(CoreAssignment::node).filter(offline::contains)
                .distinct().toList();
        if (!onOffline.isEmpty()) {
            coreFailure(PluginHealth.INFEASIBLE, "placed core services on offline nodes " + onOffline, r.elapsedMs());
            return;
        }
        guard.coreCall(slot, planner.coreName(), null, null, r.elapsedMs());
        failedCoreTrigger = null;
        coreRetryMs = CORE_RETRY_FIRST_MS;
        placement = p;
        listener.onCorePlacement(trigger, p, r.elapsedMs());
    }

    /**
     * Collects the background placement (nothing inline). With {@code wait}, first waits for it up to
     * the light budget, so a placement that takes less comes into force in the step that asked for it,
     * as inline. A placement past its budget is reported once as overrun and dropped when it returns.
     * A returned placement whose nodes went offline or left the model while it ran was computed for a
     * fleet that no longer exists: it is dropped ({@link Listener#onCorePlacementDropped}) and the
     * failover already applied stays; the re-placement that the loss asked for follows. Then a queued
     * request starts.
     */
    private void collectCore(Set<String> offline, double nowMs, boolean wait) {
        if (coreJob == null || !coreJob.pending()) {
            return;
        }
        if (wait && coreJobJustStarted) {
            coreJob.await(settings.lightBudget().toNanos() / 1e6);
        }
        if (wait) {
            coreJobJustStarted = false;
        }
        double budgetMs = settings.coreBudget().toNanos() / 1e6;
        PluginCaller.Outcome<PlanResult<CorePlacement>> out = coreJob.poll();
        if (out == null) {
            if (!coreJobAbandoned && coreJob.runningMs() > budgetMs) {
                coreJobAbandoned = true;
                coreFailure("overran", "still running after its budget of " + Math.round(budgetMs)
                        + " ms; its result will be dropped", coreJob.runningMs());
            }
            return;
        }
        corePlanning = false;
        CorePlacementContext.Trigger trigger = coreJobTrigger;
        if (coreJobAbandoned) {
            LOG.info("core placement ({}) returned after its budget; dropped", trigger);
        } else if (out instanceof PluginCaller.Failed<PlanResult<CorePlacement>> f) {
            coreFailure(f.reason(), f.detail(), f.elapsedMs());
        } else if (out instanceof PluginCaller.Returned<PlanResult<CorePlacement>> r) {
            String stale = staleness(r.value(), offline);
            if (stale != null) {
                LOG.info("core placement ({}) computed in the background dropped: {}; the placement in force stays", trigger,
                        stale);
                listener.onCorePlacementDropped(trigger, stale);
                if (queuedTrigger == null) {
                    queuedTrigger = CorePlacementContext.Trigger.NODE_LOST;
                }
            } else {
                accept(trigger, r, offline);
            }
        }
        if (queuedTrigger != null) {
            CorePlacementContext.Trigger next = queuedTrigger;
            queuedTrigger = null;
            planCore(next, offline, nowMs);
        }
    }

    /** Why a placement computed for an earlier fleet cannot come into force now (nodes gone), or null. */
    private String staleness(PlanResult<CorePlacement> result, Set<String> offline) {
        if (result == null || result.plan().isEmpty()) {
            return null; // reported as no-plan by accept
        }
        Set<String> gone = new java.util.TreeSet<>();
        Set<String> known = model.topology().nodesById().keySet();
        for (CoreAssignment a : result.plan().get().assignments()) {
            // a node offline already when the placement was asked for is the planner's error (accept reports it)
            boolean left = offline.contains(a.node()) && !coreJobOffline.contains(a.node());
            if (left || !known.contains(a.node())) {
                gone.add(a.node());
            }
        }
        return gone.isEmpty() ? null : "it places core services on " + gone + ", which left while it was computed";
    }

    /** True while a core placement is being computed off the loop's thread (never blocks). */
    public boolean corePlanning() {
        return corePlanning;
    }

    /** Reports and counts a failed core placement ({@link PluginCallGuard#coreCall}); the placement in force stays. */
    private void coreFailure(String reason, String detail, double elapsedMs) {
        guard.coreCall(slot, planner.coreName(), reason, detail, elapsedMs);
        if (failedCoreTrigger == null) {
            failedCoreTrigger = lastCoreTrigger;
        }
    }

    /**
     * True when a failed core call left core services without a placement (e.g. the first placement
     * overran its budget: no join, loss or epoch would ask again) and the retry wait since the last
     * call has passed; no call is running.
     */
    private boolean coreRetryDue(double nowMs) {
        return corePlanner != null && failedCoreTrigger != null && !corePlanning && (coreJob == null || !coreJob.pending())
                && !Double.isNaN(lastPlanMs) && nowMs - lastPlanMs >= coreRetryMs && !unplacedCoreServices().isEmpty();
    }

    /** The declared core services that no node hosts in the placement in force. */
    private List<String> unplacedCoreServices() {
        List<String> out = new ArrayList<>();
        for (ServiceSpec spec : catalog.values()) {
            if (spec.kind() == ServiceKind.CORE && placement.nodesHosting(spec.id()).isEmpty()) {
                out.add(spec.id());
            }
        }
        return out;
    }

    /**
     * Declares the fallback controller, which decides while the controller has not produced a usable
     * decision (see {@link PluginCallGuard}). Call before the first step.
     */
    public synchronized void fallback(LightServiceControllerFactory factory) {
        guard.fallback(factory.name(), factory.create(config), settings.enforceBudget());
    }

    /** The plugin calls' books: calls, failures by reason, slots on the fallback (any thread). */
    public PluginHealth pluginHealth() {
        return guard.health();
    }

    private List<DemandEstimate> declaredDemand() {
        List<DemandEstimate> out = new ArrayList<>();
        for (var d : model.workload()) {
            out.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs()));
        }
        return out;
    }

    private static Set<String> offline(FleetSnapshot s) {
        Set<String> on = new HashSet<>();
        Set<String> off = new HashSet<>();
        for (NodeStatus n : s.nodes()) {
            (n.online() ? on : off).add(n.node());
        }
        return off;
    }

    private SlotObservation observe(FleetSnapshot snap) {
        Map<String, NodeStatus> status = new LinkedHashMap<>();
        snap.nodes().forEach(n -> status.put(n.node(), n));
        List<NodeObservation> nodes = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : onNode(n.id())) {
                ServiceSpec spec = catalog.get(a.service());
                if (spec != null) {
                    used = used.plus(spec.demand().times(a.instances()));
                }
            }
            NodeStatus st = status.get(n.id());
            nodes.add(new NodeObservation(n.id(), st != null && st.online(), n.capacity().minusFloored(used),
                    st == null ? null : st.telemetryAgeMs(), st == null ? null : st.cpuLoad()));
        }
        return new SlotObservation(slot, snap.nowMs(), settings.slotMs(), links.model(), placement, nodes,
                snap.services(), snap.arrivals(), snap.users(), links.current(), decision);
    }

    /** The placement {@link #byNode} indexes. */
    private CorePlacement indexed;
    /** The assignments of {@link #indexed} by node, in placement order. */
    private Map<String, List<CoreAssignment>> byNode = Map.of();

    /**
     * {@code placement.onNode(node)} from an index built once per placement: asked for every node of the
     * model each slot, the placement's scan made the observation cost nodes times assignments.
     */
    private List<CoreAssignment> onNode(String node) {
        if (indexed != placement) {
            Map<String, List<CoreAssignment>> m = new java.util.HashMap<>();
            for (CoreAssignment a : placement.assignments()) {
                m.computeIfAbsent(a.node(), k -> new ArrayList<>()).add(a);
            }
            byNode = m;
            indexed = placement;
        }
        return byNode.getOrDefault(node, List.of());
    }

    /**
     * What the desired states are computed from: the model, the placement, the decision's allocations and
     * routes, the peers' endpoints. When none changed since the last slot, no node's desired state did.
     */
    private record DesiredInputs(SystemModel model, CorePlacement placement, List<ServiceAllocation> allocations,
            List<Route> routes, Map<String, String> endpoints) {
        boolean sameAs(DesiredInputs o) {
            return o != null && model == o.model && Objects.equals(placement, o.placement)
                    && Objects.equals(allocations, o.allocations) && routes.equals(o.routes) && endpoints.equals(o.endpoints);
        }
    }

    /** The inputs of the last desired states handed out, or null. */
    private DesiredInputs lastInputs;
    /** False: every slot computes every node's desired state (the reference the skip is tested against). */
    private boolean skipUnchanged = true;

    /** Tests and benchmarks: compute every node's desired state every slot, also when nothing it depends on changed. */
    public synchronized void diffEverySlot() {
        skipUnchanged = false;
    }

    /** The desired state of every node under the placement and decision in force. */
    private Map<String, DesiredState> desired() {
        Map<String, Map<String, DesiredService>> perNode = new TreeMap<>();
        for (NodeSpec n : model.topology().nodes()) {
            perNode.put(n.id(), new LinkedHashMap<>());
        }
        for (CoreAssignment a : placement.assignments()) {
            ServiceSpec spec = catalog.get(a.service());
            if (spec == null) {
                continue;
            }
            perNode.computeIfAbsent(a.node(), k -> new LinkedHashMap<>()).put(a.service(),
                    new DesiredService(a.service(), ServiceKind.CORE, a.instances(), 1, null, spec.workloadMb(), spec.kernel()));
        }
        List<Route> routes = decision == null ? List.of() : decision.routing().routes();
        if (decision != null) {
            for (ServiceAllocation a : decision.allocations()) {
                ServiceSpec spec = catalog.get(a.service());
                if (a.instances() == 0 || spec == null || spec.kind() == ServiceKind.CORE) {
                    continue;
                }
                perNode.computeIfAbsent(a.node(), k -> new LinkedHashMap<>()).put(a.service(),
                        new DesiredService(a.service(), ServiceKind.LIGHT, a.instances(), a.parallelism(),
                                a.computeShare(), spec.workloadMb(), spec.kernel()));
            }
        }
        Map<String, String> endpoints = inputs().endpoints();
        Map<String, String> peers = new TreeMap<>();
        if (fleetModel != null && endpoints.size() <= PROBE_ALL_PEERS_UP_TO) {
            // a fleet that joins declares no links: the planners learn them from what the agents measure, and
            // an agent measures the peers its directive names. Routes alone would name none (without a link no
            // node reaches another, so nothing is routed): every node is named, so the links appear
            peers.putAll(endpoints);
        }
        for (Route r : routes) {
            for (WeightedTarget t : r.targets()) {
                String ep = endpoints.get(t.node());
                if (ep != null) {
                    peers.put(t.node(), ep);
                }
            }
        }
        // every node gets the same routing table and peers: when they did not change since the last slot, a
        // node whose services did not change keeps the state it was given (compared once here, not route by
        // route and peer by peer for each of a thousand nodes, and no new state validated per node)
        boolean routingChanged = !routes.equals(lastRoutes) || !peers.equals(lastPeers);
        lastRoutes = routes;
        lastPeers = peers;
        Map<String, DesiredState> out = new TreeMap<>();
        boolean slice = fleetModel != null && perNode.size() > PROBE_ALL_PEERS_UP_TO;
        RouteSlices[] slices = {null};
        perNode.forEach((node, services) -> {
            List<DesiredService> list = List.copyOf(services.values());
            DesiredState prev = given.get(node);
            if (!routingChanged && prev != null && prev.services().equals(list)) {
                out.put(node, prev);
            } else if (slice && !routingChanged && prev != null) {
                out.put(node, new DesiredState(list, prev.routing(), prev.peers()));
            } else if (slice) {
                if (slices[0] == null) {
                    slices[0] = new RouteSlices(routes, endpoints, model);
                }
                List<Route> mine = slices[0].routes(node);
                out.put(node, new DesiredState(list, mine, slices[0].peers(mine)));
            } else {
                out.put(node, new DesiredState(list, routes, peers));
            }
        });
        return out;
    }

    /**
     * Each node's share of the routing table in a large fleet that joins (more than
     * {@link #PROBE_ALL_PEERS_UP_TO} nodes): every route of the streams (task type, origin) it is the
     * origin of; for each stage of a stream it is a target of, the route of the stage that follows (where
     * it sends the output); and the origin-less fallback routes cut to their {@link #FALLBACK_TARGETS}
     * heaviest targets. Its peers are those routes' targets. A node given the whole table would get hundreds of kilobytes (thousands of routes, more
     * than one MQTT message of the wire carries) and a new directive whenever any stream's route moved.
     * An agent that forwards a task of a stream it has no route for uses the fallback route.
     */
    private static final class RouteSlices {
        private final List<Route> fallback = new ArrayList<>();
        /** Per node, the routes it gets (by identity, in table order). */
        private final Map<String, java.util.BitSet> of = new java.util.HashMap<>();
        /** Each route's positions in the table (by identity). */
        private final Map<Route, List<Integer>> at = new java.util.IdentityHashMap<>();
        private final List<Route> all;
        private final Map<String, String> endpoints;

        RouteSlices(List<Route> routes, Map<String, String> endpoints, SystemModel model) {
            this.endpoints = endpoints;
            this.all = routes;
            Map<String, Route> byStage = new java.util.HashMap<>();
            for (int i = 0; i < routes.size(); i++) {
                at.computeIfAbsent(routes.get(i), x -> new ArrayList<>(1)).add(i);
            }
            for (Route r : routes) {
                if (r.origin() != null) {
                    byStage.put(r.taskType() + "|" + r.origin() + "|" + r.stage(), r);
                }
            }
            Map<String, org.edgefm.api.model.TaskType> types = new java.util.HashMap<>();
            model.taskTypes().forEach(t -> types.put(t.id(), t));
            for (Route r : routes) {
                if (r.origin() == null) {
                    fallback.add(heaviest(r));
                    continue;
                }
                mark(r.origin(), r);
                org.edgefm.api.model.TaskType t = types.get(r.taskType());
                String next = null;
                if (t != null) {
                    try {
                        next = t.stage(r.stage()).next();
                    } catch (IllegalArgumentException e) {
                        next = null;
                    }
                }
                Route following = next == null ? null : byStage.get(r.taskType() + "|" + r.origin() + "|" + next);
                if (following == null) {
                    continue;
                }
                for (WeightedTarget w : r.targets()) {
                    mark(w.node(), following);
                }
            }
        }

        /** Gives {@code node} the route {@code r} (at each of its positions in the table). */
        private void mark(String node, Route r) {
            java.util.BitSet b = of.computeIfAbsent(node, x -> new java.util.BitSet());
            for (int i : at.get(r)) {
                b.set(i);
            }
        }

        private static Route heaviest(Route r) {
            if (r.targets().size() <= FALLBACK_TARGETS) {
                return r;
            }
            List<WeightedTarget> t = new ArrayList<>(r.targets());
            t.sort(java.util.Comparator.comparingDouble(WeightedTarget::weight).reversed()
                    .thenComparing(WeightedTarget::node));
            return new Route(r.taskType(), r.stage(), null, List.copyOf(t.subList(0, FALLBACK_TARGETS)));
        }

        List<Route> routes(String node) {
            List<Route> out = new ArrayList<>(fallback);
            java.util.BitSet mine = of.get(node);
            if (mine != null) {
                // the node's routes in table order, found without a scan of the whole table per node
                for (int i = mine.nextSetBit(0); i >= 0; i = mine.nextSetBit(i + 1)) {
                    out.add(all.get(i));
                }
            }
            return out;
        }

        /** The endpoints of the targets of {@code routes} (a node's share). */
        Map<String, String> peers(List<Route> routes) {
            Map<String, String> out = new TreeMap<>();
            for (Route r : routes) {
                for (WeightedTarget t : r.targets()) {
                    String ep = endpoints.get(t.node());
                    if (ep != null) {
                        out.put(t.node(), ep);
                    }
                }
            }
            return out;
        }
    }

    /** The most targets an origin-less fallback route keeps in a node's share of the routing table. */
    static final int FALLBACK_TARGETS = 16;

    /**
     * In a fleet that joins, every node's directive names every node with an endpoint as a peer (so each
     * agent measures its links to all of them) while the fleet has at most this many; a larger fleet names
     * the routes' targets only (its links come from what those agents measure).
     */
    public static final int PROBE_ALL_PEERS_UP_TO = 64;

    private List<Route> lastRoutes = List.of();
    private Map<String, String> lastPeers = Map.of();

    /** The inputs of this slot's desired states (the routes: the decision's, or none before the first). */
    private DesiredInputs inputs() {
        DesiredInputs in = currentInputs;
        if (in == null) {
            in = new DesiredInputs(model, placement, decision == null ? null : decision.allocations(),
                    decision == null ? List.of() : decision.routing().routes(), fleet.peerEndpoints());
            currentInputs = in;
        }
        return in;
    }

    /** This slot's inputs while {@link #diffAndApply} runs, else null. */
    private DesiredInputs currentInputs;

    private List<Directive> diffAndApply() {
        currentInputs = null;
        DesiredInputs in = inputs();
        try {
            if (skipUnchanged && in.sameAs(lastInputs)) {
                return List.of(); // every node's desired state is the one it was given
            }
            List<Directive> sent = diffAndApply(desired());
            lastInputs = in;
            return sent;
        } finally {
            currentInputs = null;
        }
    }

    private List<Directive> diffAndApply(Map<String, DesiredState> desired) {
        List<Directive> sent = new ArrayList<>();
        for (Map.Entry<String, DesiredState> e : desired.entrySet()) {
            String node = e.getKey();
            if (e.getValue().equals(given.get(node))) {
                continue;
            }
            long version = versions.merge(node, 1L, Long::sum);
            Directive d = new Directive(WireCodec.SCHEMA, node, settings.plannerEpoch(), version,
                    settings.wallClock().getAsLong(), e.getValue());
            if (LOG.isDebugEnabled()) {
                LOG.debug("slot {}: directive {} v{} (epoch {}): {} service(s), {} route(s)", slot, node, version,
                        settings.plannerEpoch(), e.getValue().services().size(), e.getValue().routing().size());
            }
            given.put(node, e.getValue());
            lastDirectives.put(node, d);
            fleet.apply(d);
            listener.onDirective(d);
            sent.add(d);
        }
        if (!sent.isEmpty()) {
            fleet.flush();
        }
        return sent;
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
        if (coreCaller != null) {
            coreCaller.close();
        }
        if (coreJob != null) {
            coreJob.close();
        }
        guard.close();
    }
}
