package org.edgefm.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.control.internal.PluginCaller;
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
    private final CorePlacementPlanner corePlanner;
    private final PluginCaller coreCaller;
    private final PluginCallGuard guard;
    private final Duration coreBudget;
    private final double planningEpochMs;
    private final LongSupplier clock;
    private final ExecutorService worker;
    private final AtomicReference<Pending> mailbox = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    // the worker's state (one thread); read under the lock for reports
    private final Object lock = new Object();
    private volatile CorePlacement placement;
    private volatile LightDecision decision;
    private CorePlacement lastLive;
    private Set<String> lastNodes = Set.of();
    private double lastPlanMs = Double.NaN;
    private String slotFailure;
    private long observed;
    private long skipped;
    private final Map<String, Long> outcomes = new LinkedHashMap<>();
    private final ArrayDeque<Slot> recent = new ArrayDeque<>();
    private List<Difference> differences = List.of();
    private long latestSlot = -1;

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
        this.corePlanner = planner.core() == null ? null : planner.core().create(cfg);
        this.coreCaller = corePlanner == null ? null : new PluginCaller("edgefm-shadow-core-" + planner.coreName(), true);
        this.coreBudget = Objects.requireNonNull(coreBudget, "coreBudget is null");
        this.planningEpochMs = planningEpochMs;
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
        synchronized (lock) {
            observed++;
            if (previous != null) {
                skipped++;
            }
        }
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
        placeCore(obs);
        CorePlacement mine = placement != null ? placement : obs.corePlacement();
        SlotObservation shadowObs = new SlotObservation(obs.slot(), obs.nowMs(), obs.slotMs(), obs.model(), mine,
                residual(obs, mine), obs.services(), obs.arrivals(), obs.users(), obs.links(), decision);
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
            counts[0] = diffCore(obs.corePlacement(), mine, diffs);
            counts[1] = diffAllocations(p.live(), decision, diffs);
            counts[2] = diffRoutes(p.live(), decision, diffs);
        }
        String outcome = slotFailure != null ? FAILED : decision == null ? NO_DECISION
                : counts[0] + counts[1] + counts[2] == 0 ? AGREE : DIFFER;
        Slot s = new Slot(obs.slot(), p.atMs(), outcome, counts[0], counts[1], counts[2], instances(p.live()),
                instances(decision), elapsed);
        synchronized (lock) {
            outcomes.merge(outcome, 1L, Long::sum);
            recent.addLast(s);
            while (recent.size() > RECENT) {
                recent.removeFirst();
            }
            latestSlot = obs.slot();
            differences = diffs.size() > MAX_DIFFERENCES ? List.copyOf(diffs.subList(0, MAX_DIFFERENCES)) : List.copyOf(diffs);
        }
    }

    private void placeCore(SlotObservation obs) {
        if (corePlanner == null) {
            return;
        }
        SystemModel model = obs.model();
        Set<String> nodes = new TreeSet<>(model.topology().nodesById().keySet());
        Set<String> offline = new HashSet<>();
        for (NodeObservation n : obs.nodes()) {
            if (!n.online()) {
                offline.add(n.node());
            }
        }
        CorePlacementContext.Trigger trigger = null;
        if (placement == null && Double.isNaN(lastPlanMs)) {
            trigger = CorePlacementContext.Trigger.START;
        } else if (placement != null && placement.assignments().stream().anyMatch(a -> offline.contains(a.node()))) {
            trigger = CorePlacementContext.Trigger.NODE_LOST;
        } else if (!nodes.equals(lastNodes)) {
            trigger = CorePlacementContext.Trigger.NODE_JOINED;
        } else if (!obs.corePlacement().equals(lastLive)
                || (planningEpochMs > 0 && obs.nowMs() - lastPlanMs >= planningEpochMs)) {
            trigger = CorePlacementContext.Trigger.EPOCH;
        }
        lastLive = obs.corePlacement();
        lastNodes = nodes;
        if (trigger == null) {
            return;
        }
        lastPlanMs = obs.nowMs();
        List<DemandEstimate> demand = new ArrayList<>();
        model.workload().forEach(d -> demand.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs())));
        CorePlacementContext ctx = new CorePlacementContext(model, demand, offline,
                placement == null ? CorePlacement.EMPTY : placement, trigger, coreBudget);
        PluginCaller.Outcome<PlanResult<CorePlacement>> out = coreCaller.call(() -> corePlanner.place(ctx), coreBudget);
        String name = guardName(planner.coreName());
        if (out instanceof PluginCaller.Failed<PlanResult<CorePlacement>> f) {
            guard.coreCall(obs.slot(), name, f.reason(), f.detail(), f.elapsedMs());
        } else if (out instanceof PluginCaller.Returned<PlanResult<CorePlacement>> r) {
            if (r.value() == null || r.value().plan().isEmpty()) {
                guard.coreCall(obs.slot(), name, r.value() == null ? PluginHealth.EMPTY : PluginHealth.INFEASIBLE,
                        r.value() == null ? "returned null" : "no plan: " + r.value().reasons(), r.elapsedMs());
            } else {
                List<String> onOffline = r.value().plan().get().assignments().stream().map(CoreAssignment::node)
                        .filter(offline::contains).distinct().toList();
                if (!onOffline.isEmpty()) {
                    guard.coreCall(obs.slot(), name, PluginHealth.INFEASIBLE, "placed core services on offline nodes "
                            + onOffline, r.elapsedMs());
                } else {
                    guard.coreCall(obs.slot(), name, null, null, r.elapsedMs());
                    placement = r.value().plan().get();
                }
            }
        }
    }

    /** The nodes as the live loop observed them, with residual capacity left by the shadow's core placement. */
    private static List<NodeObservation> residual(SlotObservation obs, CorePlacement mine) {
        if (mine == obs.corePlacement()) {
            return obs.nodes();
        }
        Map<String, ServiceSpec> catalog = new LinkedHashMap<>();
        obs.model().services().forEach(s -> catalog.put(s.id(), s));
        Map<String, NodeSpec> specs = obs.model().topology().nodesById();
        List<NodeObservation> out = new ArrayList<>();
        for (NodeObservation n : obs.nodes()) {
            NodeSpec spec = specs.get(n.node());
            if (spec == null) {
                out.add(n);
                continue;
            }
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : mine.onNode(n.node())) {
                ServiceSpec s = catalog.get(a.service());
                if (s != null) {
                    used = used.plus(s.demand().times(a.instances()));
                }
            }
            out.add(new NodeObservation(n.node(), n.online(), spec.capacity().minusFloored(used), n.telemetryAgeMs(),
                    n.cpuLoad()));
        }
        return out;
    }

    private static int diffCore(CorePlacement live, CorePlacement shadow, List<Difference> out) {
        Map<String, Integer> a = new TreeMap<>();
        Map<String, Integer> b = new TreeMap<>();
        live.assignments().forEach(x -> a.merge(x.node() + "/" + x.service(), x.instances(), Integer::sum));
        shadow.assignments().forEach(x -> b.merge(x.node() + "/" + x.service(), x.instances(), Integer::sum));
        return diffMaps("core", a, b, out, (x, y) -> x.equals(y), String::valueOf);
    }

    private static int diffAllocations(LightDecision live, LightDecision shadow, List<Difference> out) {
        return diffMaps("allocation", allocations(live), allocations(shadow), out, (x, y) -> x.equals(y), x -> x);
    }

    private static Map<String, String> allocations(LightDecision d) {
        Map<String, String> m = new TreeMap<>();
        if (d != null) {
            for (ServiceAllocation a : d.allocations()) {
                if (a.instances() > 0) {
                    m.put(a.node() + "/" + a.service(), a.instances() + "x" + a.parallelism());
                }
            }
        }
        return m;
    }

    private static int diffRoutes(LightDecision live, LightDecision shadow, List<Difference> out) {
        return diffMaps("route", routes(live), routes(shadow), out, ShadowPlanner::sameTargets, ShadowPlanner::describe);
    }

    private static Map<String, Map<String, Double>> routes(LightDecision d) {
        Map<String, Map<String, Double>> m = new TreeMap<>();
        if (d != null) {
            for (Route r : d.routing().routes()) {
                double total = r.targets().stream().mapToDouble(WeightedTarget::weight).sum();
                Map<String, Double> t = new TreeMap<>();
                for (WeightedTarget w : r.targets()) {
                    if (w.weight() > 0) {
                        t.merge(w.node(), total > 0 ? w.weight() / total : 0, Double::sum);
                    }
                }
                m.put(r.taskType() + "/" + r.stage() + (r.origin() == null ? "" : "@" + r.origin()), t);
            }
        }
        return m;
    }

    private static boolean sameTargets(Map<String, Double> a, Map<String, Double> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.entrySet().stream().allMatch(e -> Math.abs(e.getValue() - b.get(e.getKey())) <= WEIGHT_TOLERANCE);
    }

    private static String describe(Map<String, Double> t) {
        StringBuilder s = new StringBuilder();
        t.forEach((n, w) -> s.append(s.length() == 0 ? "" : " ").append(n).append(':')
                .append(String.format(Locale.ROOT, "%.2f", w)));
        return s.toString();
    }

    private static <V> int diffMaps(String kind, Map<String, V> live, Map<String, V> shadow, List<Difference> out,
            java.util.function.BiPredicate<V, V> same, java.util.function.Function<V, String> show) {
        Set<String> keys = new TreeSet<>(live.keySet());
        keys.addAll(shadow.keySet());
        int n = 0;
        for (String k : keys) {
            V a = live.get(k);
            V b = shadow.get(k);
            if (a != null && b != null && same.test(a, b)) {
                continue;
            }
            n++;
            if (out.size() < MAX_DIFFERENCES) {
                out.add(new Difference(kind, k, a == null ? "-" : show.apply(a), b == null ? "-" : show.apply(b)));
            }
        }
        return n;
    }

    private static int instances(LightDecision d) {
        return d == null ? 0 : d.allocations().stream().mapToInt(ServiceAllocation::instances).sum();
    }

    /** What the shadow did so far (any thread). */
    public Report report() {
        synchronized (lock) {
            Map<String, Long> o = new LinkedHashMap<>();
            OUTCOMES.forEach(k -> o.put(k, outcomes.getOrDefault(k, 0L)));
            return new Report(planner.name(), planner.coreName(), planner.controller().name(), observed, skipped, o,
                    guard.health(), new ArrayList<>(recent), latestSlot, differences,
                    placement == null ? CorePlacement.EMPTY : placement);
        }
    }

    /** Compared slots of {@code outcome} so far (any thread; cheap, for meters). */
    public long count(String outcome) {
        synchronized (lock) {
            return outcomes.getOrDefault(outcome, 0L);
        }
    }

    /** Slots skipped while the shadow was busy (any thread). */
    public long skipped() {
        synchronized (lock) {
            return skipped;
        }
    }

    /** The newest compared slot, or null (any thread). */
    public Slot latest() {
        synchronized (lock) {
            return recent.peekLast();
        }
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
        if (coreCaller != null) {
            coreCaller.close();
        }
        guard.close();
    }
}
