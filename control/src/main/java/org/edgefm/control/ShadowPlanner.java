package org.edgefm.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.SlotObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow mode: a second planner (core placement and light controller) that runs on the live loop's
 * observations and whose decisions are never applied. It is a {@link ControlLoop.Listener}: the loop
 * hands it each slot's observation and the decision in force ({@link ControlLoop.Listener#onObservation}),
 * which it only stores (latest wins) before returning, so it never delays the live loop. Its own thread
 * then places core services with the shadow's core planner (at its first observation, when the live
 * placement or the set of nodes changes, every planning epoch, and when a node holding a shadow core
 * service goes offline), asks the shadow's controller for a decision on the same observation with its own
 * placement, residual capacities and previous decision, and compares it with the live one.
 *
 * <p>The shadow's plugin calls go through the same guard as the live ones ({@link PluginCallGuard}, budgets
 * of {@link PluginBudgets}, each plugin on its own thread, abandoned at its budget): a shadow that throws,
 * overruns or returns nothing usable is counted by reason, its last good decision stays, and a hung one
 * fails every later call at once as an overrun; nothing of it reaches the fleet. There is no fallback
 * controller in the shadow: slots without a shadow decision are counted as such.
 *
 * <p>Memory is bounded: the last {@value #RECENT} slots' comparisons and the newest slot's differences (at
 * most {@value #MAX_DIFFERENCES} rows) are kept, with running totals.
 *
 * <p>This class is the mailbox and the worker thread; the shadow's core tier is {@link ShadowCorePlacement},
 * the comparison {@link DecisionDiff}, the bounded record {@link ShadowTally}.
 */
public final class ShadowPlanner implements ControlLoop.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowPlanner.class);
    /** Slot comparisons kept (the oldest are dropped; the totals keep counting). */
    public static final int RECENT = 3_600;
    /** Difference rows kept for the newest compared slot. */
    public static final int MAX_DIFFERENCES = 50;
    /** Two route weights that differ by at most this much are the same route. */
    public static final double WEIGHT_TOLERANCE = 0.05;

    /** The shadow's decision equals the live one (core placement, light allocations, routes). */
    public static final String AGREE = "agree";
    /** The shadow's decision differs from the live one. */
    public static final String DIFFER = "differ";
    /** The shadow's call failed this slot; its last good decision (if any) was compared. */
    public static final String FAILED = "failed";
    /** The shadow has no decision yet (nothing to compare). */
    public static final String NO_DECISION = "no-decision";
    /** Slot outcomes, in the order the meters and reports list them. */
    public static final List<String> OUTCOMES = List.of(AGREE, DIFFER, FAILED, NO_DECISION);

    /**
     * One compared slot.
     *
     * @param slot            the live loop's slot
     * @param atMs            wall clock when the live loop observed it, ms since the epoch
     * @param outcome         one of {@link #OUTCOMES}
     * @param coreDiffs       (node, core service) pairs whose instances differ
     * @param allocationDiffs (node, light service) pairs whose instances or parallelism differ
     * @param routeDiffs      routes (task type, stage, origin) whose targets differ
     * @param liveInstances   light instances the live decision runs
     * @param shadowInstances light instances the shadow's decision would run
     * @param elapsedMs       the shadow controller's call time, ms
     */
    public record Slot(long slot, long atMs, String outcome, int coreDiffs, int allocationDiffs, int routeDiffs,
            int liveInstances, int shadowInstances, double elapsedMs) {
    }

    /**
     * One difference of the newest compared slot.
     *
     * @param kind   {@code core}, {@code allocation} or {@code route}
     * @param key    {@code node/service} or {@code taskType/stage@origin}
     * @param live   what the live decision has ({@code -} for nothing)
     * @param shadow what the shadow's decision has
     */
    public record Difference(String kind, String key, String live, String shadow) {
    }

    /**
     * What the shadow did so far.
     *
     * @param planner      the shadow planner's name
     * @param core         its core planner's name
     * @param controller   its controller's name
     * @param observed     slots handed to the shadow
     * @param skipped      slots the shadow skipped because it was still busy with an earlier one
     * @param outcomes     compared slots by outcome ({@link #OUTCOMES})
     * @param health       the shadow's plugin calls, failures by reason
     * @param recent       the last {@value #RECENT} compared slots, oldest first
     * @param latestSlot   the newest compared slot, or -1
     * @param differences  the newest compared slot's differences (at most {@value #MAX_DIFFERENCES})
     * @param placement    the shadow's core placement in force
     */
    public record Report(String planner, String core, String controller, long observed, long skipped,
            Map<String, Long> outcomes, PluginHealth health, List<Slot> recent, long latestSlot,
            List<Difference> differences, CorePlacement placement) {
        /** Copies the collections. */
        public Report {
            outcomes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
            recent = List.copyOf(recent);
            differences = List.copyOf(differences);
        }

        /** Compared slots. */
        public long compared() {
            return outcomes.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Slots of {@code outcome}. */
        public long count(String outcome) {
            return outcomes.getOrDefault(outcome, 0L);
        }
    }

    private record Pending(SlotObservation obs, LightDecision live, long atMs) {
    }

    private final ResolvedPlanner planner;
    private final ShadowCorePlacement core;
    private final PluginCallGuard guard;
    private final LongSupplier clock;
    private final ExecutorService worker;
    private final AtomicReference<Pending> mailbox = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ShadowTally tally = new ShadowTally();
    private volatile boolean closed;

    // the worker's state (one thread)
    private volatile LightDecision decision;
    private String slotFailure;

    /**
     * Creates the shadow and its plugin instances.
     *
     * @param planner         the shadow planner
     * @param config          planner settings (the live planner's)
     * @param coreBudget      time budget of one core-placement call
     * @param lightBudget     time budget of one controller call
     * @param planningEpochMs core re-placement period, 0 for none
     * @param clock           wall clock, ms since the epoch
     * @throws org.edgefm.api.ConfigException when a planner refuses its configuration
     */
    public ShadowPlanner(ResolvedPlanner planner, PlannerConfig config, Duration coreBudget, Duration lightBudget,
            double planningEpochMs, LongSupplier clock) {
        this.planner = Objects.requireNonNull(planner, "planner is null");
        PlannerConfig cfg = config == null ? PlannerConfig.EMPTY : config;
        this.core = new ShadowCorePlacement(planner.core() == null ? null : planner.core().create(cfg),
                planner.coreName(), Objects.requireNonNull(coreBudget, "coreBudget is null"), planningEpochMs);
        this.clock = Objects.requireNonNull(clock, "clock is null");
        ControlLoop.Listener failures = new ControlLoop.Listener() {
            @Override
            public void onPluginFailure(String plugin, String role, String reason, String detail) {
                if (PluginInfo.LIGHT.equals(role)) {
                    slotFailure = reason;
                }
            }
        };
        this.guard = new PluginCallGuard(guardName(planner.controller().name()), planner.controller().create(cfg),
                lightBudget, true, failures);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edgefm-shadow-" + planner.name());
            t.setDaemon(true);
            return t;
        });
    }

    /** The name the shadow's calls are booked and logged under: {@code shadow:NAME}. */
    public static String guardName(String plugin) {
        return "shadow:" + plugin;
    }

    /** The shadow planner. */
    public ResolvedPlanner planner() {
        return planner;
    }

    /** Takes the live slot's observation (latest wins) and returns at once; the shadow decides on its own thread. */
    @Override
    public void onObservation(long slot, SlotObservation observation, LightDecision inForce) {
        if (closed || observation == null) {
            return;
        }
        Pending previous = mailbox.getAndSet(new Pending(observation, inForce, clock.getAsLong()));
        tally.observed(previous != null);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // closed
            }
        }
    }

    private void drain() {
        try {
            Pending p;
            while (!closed && (p = mailbox.getAndSet(null)) != null) {
                try {
                    process(p);
                } catch (RuntimeException e) {
                    // a bug of the shadow's own bookkeeping must never reach the live loop
                    LOG.warn("shadow planner '{}': slot {} not compared: {}", planner.name(), p.obs().slot(), e.toString());
                }
            }
        } finally {
            scheduled.set(false);
            if (!closed && mailbox.get() != null) {
                schedule();
            }
        }
    }

    /** Decides one slot in the shadow and compares (the worker's thread). */
    private void process(Pending p) {
        SlotObservation obs = p.obs();
        core.update(obs, guard);
        CorePlacement placement = core.placement();
        CorePlacement mine = placement != null ? placement : obs.corePlacement();
        SlotObservation shadowObs = new SlotObservation(obs.slot(), obs.nowMs(), obs.slotMs(), obs.model(), mine,
                ShadowCorePlacement.residual(obs, mine), obs.services(), obs.arrivals(), obs.users(), obs.links(),
                decision);
        slotFailure = null;
        PluginCallGuard.Decided d = guard.decide(shadowObs);
        guard.endOfSlot(shadowObs);
        double elapsed = d == null ? 0 : d.elapsedMs();
        if (d != null) {
            decision = d.decision();
        }
        List<Difference> diffs = new ArrayList<>();
        int[] counts = new int[3];
        if (decision != null) {
            counts[0] = DecisionDiff.core(obs.corePlacement(), mine, diffs);
            counts[1] = DecisionDiff.allocations(p.live(), decision, diffs);
            counts[2] = DecisionDiff.routes(p.live(), decision, diffs);
        }
        String outcome = slotFailure != null ? FAILED : decision == null ? NO_DECISION
                : counts[0] + counts[1] + counts[2] == 0 ? AGREE : DIFFER;
        Slot s = new Slot(obs.slot(), p.atMs(), outcome, counts[0], counts[1], counts[2],
                DecisionDiff.instances(p.live()), DecisionDiff.instances(decision), elapsed);
        tally.compared(s, diffs);
    }

    /** What the shadow did so far (any thread). */
    public Report report() {
        CorePlacement placement = core.placement();
        return tally.report(planner.name(), planner.coreName(), planner.controller().name(), guard.health(),
                placement == null ? CorePlacement.EMPTY : placement);
    }

    /** Compared slots of {@code outcome} so far (any thread; cheap, for meters). */
    public long count(String outcome) {
        return tally.count(outcome);
    }

    /** Slots skipped while the shadow was busy (any thread). */
    public long skipped() {
        return tally.skipped();
    }

    /** The newest compared slot, or null (any thread). */
    public Slot latest() {
        return tally.latest();
    }

    /** The shadow's plugin calls and failures by reason (any thread). */
    public PluginHealth health() {
        return guard.health();
    }

    /** The shadow's newest light decision, or null (any thread). */
    public LightDecision decision() {
        return decision;
    }

    /** Stops the shadow's threads; a slot being decided is abandoned. */
    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        core.close();
        guard.close();
    }
}
