package org.edgefm.planner.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.PluginBudget;
import org.edgefm.api.spi.SlotObservation;

/**
 * Runs a planner found by name through {@link java.util.ServiceLoader} on a small scenario, the way
 * the host does: one core placement, then a light decision per slot on synthesised observations
 * (every node online, residual = capacity minus core instances, arrivals = the declared rates).
 * Framework-neutral: assertions throw {@link AssertionError}.
 *
 * <pre>{@code
 * PlannerTestKit.Run run = PlannerTestKit.planner("two-tier").slots(5).run();
 * run.assertCorePlanned().assertWithinCapacity().assertEveryStageRouted();
 * }</pre>
 */
public final class PlannerTestKit {
    private final String name;
    private SystemModel model = TestScenarios.small();
    private PlannerConfig config = PlannerConfig.EMPTY;
    private int slots = 3;
    private double slotMs = 100;
    private Set<String> offline = Set.of();
    private UnaryOperator<SlotObservation> tamper = UnaryOperator.identity();
    private ClassLoader loader = PlannerTestKit.class.getClassLoader();

    private PlannerTestKit(String name) {
        this.name = name;
    }

    /**
     * Starts a run of the planner with this name (a preset or {@code CORE+LIGHT}).
     *
     * @param name a preset name or {@code CORE+LIGHT}
     * @return this kit, for chaining
     */
    public static PlannerTestKit planner(String name) {
        return new PlannerTestKit(name);
    }

    /**
     * The scenario (default {@link TestScenarios#small()}).
     *
     * @param m the system to plan for
     * @return this kit, for chaining
     */
    public PlannerTestKit on(SystemModel m) {
        this.model = m;
        return this;
    }

    /**
     * Planner settings.
     *
     * @param values settings by key ({@code <planner>.<setting>})
     * @return this kit, for chaining
     */
    public PlannerTestKit config(Map<String, ?> values) {
        this.config = PlannerConfig.of(values);
        return this;
    }

    /**
     * Number of light-controller slots (default 3).
     *
     * @param n the number of slots, {@code >= 1}
     * @return this kit, for chaining
     */
    public PlannerTestKit slots(int n) {
        this.slots = n;
        return this;
    }

    /**
     * Slot length in ms (default 100): the controller's budget is half of it.
     *
     * @param ms the slot length in ms, {@code > 0}
     * @return this kit, for chaining
     */
    public PlannerTestKit slotMs(double ms) {
        if (!(ms > 0)) {
            throw new IllegalArgumentException("slotMs: " + ms + " (expected: > 0)");
        }
        this.slotMs = ms;
        return this;
    }

    /**
     * Nodes that are offline from the start.
     *
     * @param nodes ids of the nodes that are offline
     * @return this kit, for chaining
     */
    public PlannerTestKit offline(Set<String> nodes) {
        this.offline = Set.copyOf(nodes);
        return this;
    }

    /**
     * Changes every observation before the controller sees it (stale or missing metrics).
     *
     * @param f applied to every observation before the controller sees it
     * @return this kit, for chaining
     */
    public PlannerTestKit tamper(UnaryOperator<SlotObservation> f) {
        this.tamper = f;
        return this;
    }

    /**
     * The class loader plugins are found with (default: this class's).
     *
     * @param l the loader to find plugins with
     * @return this kit, for chaining
     */
    public PlannerTestKit loader(ClassLoader l) {
        this.loader = l;
        return this;
    }

    /**
     * Runs: one core placement and {@code slots} light decisions. Exceptions from the plugin propagate.
     *
     * @return what the run produced
     */
    public Run run() {
        PluginCatalog.Resolved r = PluginCatalog.load(loader).resolve(name);
        List<DemandEstimate> demand = new ArrayList<>();
        for (Demand d : model.workload()) {
            demand.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs()));
        }
        PlanResult<CorePlacement> core = null;
        CorePlacement placement = CorePlacement.EMPTY;
        double coreMs = 0;
        if (r.core() != null) {
            CallTime t0 = CallTime.now();
            core = r.core().create(config).place(new CorePlacementContext(model, demand, offline, CorePlacement.EMPTY,
                    CorePlacementContext.Trigger.START, Duration.ofMillis(PluginBudget.CORE_BUDGET_MS)));
            coreMs = CallTime.now().minus(t0);
            placement = core.plan().orElse(CorePlacement.EMPTY);
        }
        List<Double> callMs = new ArrayList<>();
        LightServiceController controller = r.light().create(config);
        List<SlotObservation> observations = new ArrayList<>();
        List<PlanResult<LightDecision>> decisions = new ArrayList<>();
        LightDecision previous = null;
        for (int t = 0; t < slots; t++) {
            SlotObservation o = tamper.apply(observe(t, placement, demand, previous));
            CallTime t0 = CallTime.now();
            PlanResult<LightDecision> d = controller.decide(o);
            callMs.add(CallTime.now().minus(t0));
            observations.add(o);
            decisions.add(d);
            previous = d.plan().orElse(previous);
        }
        return new Run(model, core, placement, observations, decisions, coreMs, callMs, slotMs);
    }

    /** The calling thread's CPU time plus its waiting and blocked time: what the host charges in simulation. */
    private record CallTime(long cpuNanos, long waitedMs) {
        private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

        static CallTime now() {
            long waited = 0;
            try {
                if (MX.isThreadContentionMonitoringSupported()) {
                    MX.setThreadContentionMonitoringEnabled(true);
                    java.lang.management.ThreadInfo i = MX.getThreadInfo(Thread.currentThread().getId());
                    waited = i == null ? 0 : Math.max(0, i.getWaitedTime()) + Math.max(0, i.getBlockedTime());
                }
            } catch (UnsupportedOperationException | SecurityException e) {
                // CPU time alone
            }
            return new CallTime(MX.isCurrentThreadCpuTimeSupported() ? MX.getCurrentThreadCpuTime() : System.nanoTime(),
                    waited);
        }

        double minus(CallTime start) {
            return (cpuNanos - start.cpuNanos) / 1e6 + (waitedMs - start.waitedMs);
        }
    }

    private SlotObservation observe(int t, CorePlacement placement, List<DemandEstimate> demand, LightDecision previous) {
        Map<String, ResourceVector> used = new HashMap<>();
        for (CoreAssignment a : placement.assignments()) {
            used.merge(a.node(), model.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
        List<NodeObservation> nodes = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            nodes.add(new NodeObservation(n.id(), !offline.contains(n.id()),
                    n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)), 0.0, null));
        }
        return new SlotObservation(t, t * slotMs, slotMs, model, placement, nodes, List.of(), demand, List.of(), List.of(), previous);
    }

    /** What a run produced, with assertions. */
    public static final class Run {
        private final SystemModel model;
        private final PlanResult<CorePlacement> core;
        private final CorePlacement placement;
        private final List<SlotObservation> observations;
        private final List<PlanResult<LightDecision>> decisions;
        private final double coreMs;
        private final List<Double> callMs;
        private final double slotMs;

        Run(SystemModel model, PlanResult<CorePlacement> core, CorePlacement placement, List<SlotObservation> observations,
                List<PlanResult<LightDecision>> decisions, double coreMs, List<Double> callMs, double slotMs) {
            this.coreMs = coreMs;
            this.callMs = List.copyOf(callMs);
            this.slotMs = slotMs;
            this.model = model;
            this.core = core;
            this.placement = placement;
            this.observations = observations;
            this.decisions = decisions;
        }

        /** {@return each controller call's charged time in ms (thread CPU plus waiting), in slot order} */
        public List<Double> callMs() {
            return callMs;
        }

        /** {@return the slowest controller call in ms, and its slot, as one line} */
        public String slowestCall() {
            int k = 0;
            for (int i = 1; i < callMs.size(); i++) {
                if (callMs.get(i) > callMs.get(k)) {
                    k = i;
                }
            }
            return callMs.isEmpty() ? "no controller call" : String.format(java.util.Locale.ROOT,
                    "slowest controller call %.2f ms (slot %d, budget %.1f ms); core placement %.1f ms", callMs.get(k), k,
                    PluginBudget.lightMs(slotMs), coreMs);
        }

        /**
         * Asserts every call within the host's budgets ({@link PluginBudget}): each controller call within
         * {@link PluginBudget#lightMs(double, long)} (half a slot; the first {@value PluginBudget#WARMUP_CALLS} at
         * least {@value PluginBudget#WARMUP_MIN_MS} ms), the core placement within {@value PluginBudget#CORE_BUDGET_MS}
         * ms; the message names the slowest call. Charged as {@code simulate} charges it.
         *
         * @return this run, for chaining
         */
        public Run assertWithinBudget() {
            double budget = PluginBudget.lightMs(slotMs);
            for (int i = 0; i < callMs.size(); i++) {
                double b = PluginBudget.lightMs(budget, i);
                if (callMs.get(i) > b) {
                    throw new AssertionError(String.format(java.util.Locale.ROOT, "controller call of slot %d took %.2f ms"
                            + " (budget %.1f ms); %s", i, callMs.get(i), b, slowestCall()));
                }
            }
            if (coreMs > PluginBudget.CORE_BUDGET_MS) {
                throw new AssertionError(String.format(java.util.Locale.ROOT, "core placement took %.1f ms (budget %d ms)",
                        coreMs, PluginBudget.CORE_BUDGET_MS));
            }
            return this;
        }

        /** {@return the core planner's result, or null for a planner without core placement} */
        public PlanResult<CorePlacement> core() {
            return core;
        }

        /** {@return the core placement in force (empty when none)} */
        public CorePlacement placement() {
            return placement;
        }

        /** {@return the light decisions, one per slot} */
        public List<PlanResult<LightDecision>> decisions() {
            return decisions;
        }

        /** {@return the observation each decision was made on} */
        public List<SlotObservation> observations() {
            return observations;
        }

        /** {@return the last slot's decision (fails when it has no plan)} */
        public LightDecision lastDecision() {
            return decisions.get(decisions.size() - 1).plan()
                    .orElseThrow(() -> new AssertionError("the last slot has no decision: " + decisions.get(decisions.size() - 1).reasons()));
        }

        /**
         * Asserts that the core result is a feasible plan.
         *
         * @return this run, for chaining
         */
        public Run assertCorePlanned() {
            if (!(core instanceof PlanResult.Planned)) {
                throw new AssertionError("core placement is not planned: " + (core == null ? "no core planner" : core.reasons()));
            }
            return this;
        }

        /**
         * Asserts that every light decision keeps each node within its residual capacity.
         *
         * @return this run, for chaining
         */
        public Run assertWithinCapacity() {
            for (int t = 0; t < decisions.size(); t++) {
                LightDecision d = decisions.get(t).plan().orElse(null);
                if (d == null) {
                    continue;
                }
                Map<String, ResourceVector> use = new HashMap<>();
                d.allocations().forEach(a -> use.merge(a.node(), model.service(a.service()).demand().times(a.instances()),
                        ResourceVector::plus));
                for (Map.Entry<String, ResourceVector> e : use.entrySet()) {
                    NodeObservation n = observations.get(t).node(e.getKey());
                    if (n == null || !n.online() || !e.getValue().fitsIn(n.residual())) {
                        throw new AssertionError("slot " + t + ": node " + e.getKey() + " gets " + e.getValue() + " of "
                                + (n == null ? "nothing (unknown node)" : n.online() ? n.residual() : "nothing (offline)"));
                    }
                }
            }
            return this;
        }

        /**
         * Asserts that the last decision routes every stage of every task type somewhere.
         *
         * @return this run, for chaining
         */
        public Run assertEveryStageRouted() {
            LightDecision d = lastDecision();
            for (var t : model.taskTypes()) {
                for (var st : t.stages()) {
                    boolean routed = d.routing().routes().stream().anyMatch(r -> r.taskType().equals(t.id()) && r.stage().equals(st.id()));
                    if (!routed) {
                        throw new AssertionError("stage " + t.id() + "/" + st.id() + " has no route; notes: " + decisions.get(decisions.size() - 1).reasons());
                    }
                }
            }
            return this;
        }
    }
}
