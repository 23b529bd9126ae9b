package org.edgefm.control;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.control.internal.BackgroundCall;
import org.edgefm.control.internal.PluginCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core tier of a {@link ControlLoop}: the placement in force and when the core planner is asked
 * for a new one (start, node loss after an immediate failover, joins settled, planning epoch, retry of
 * a failed call). Inline in virtual time; in wall-clock runs on its own thread ({@link BackgroundCall}),
 * the placement in force staying until the new one is collected, one computed for nodes that left
 * meanwhile dropped, requests made while one runs queued (a node loss first). Every call is counted
 * through the loop's {@link PluginCallGuard}. In the background, the light controller prepares for a
 * returned placement on the core planner's thread before it is collected
 * ({@link org.edgefm.api.spi.LightServiceController#prepare}), so its first slot on the placement does not
 * hold the loop. Used on the loop's thread only.
 */
final class CoreScheduler implements AutoCloseable {
    // logs under the loop's name: what the loop does is found in one place in the logs
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    /** The first wait before a failed core placement is asked for again (then doubled per failure, up to {@link #RETRY_MAX_MS}). */
    static final double RETRY_FIRST_MS = 5_000;
    /** The longest wait between two retries of a failed core placement. */
    static final double RETRY_MAX_MS = 120_000;

    private final ResolvedPlanner planner;
    private final CorePlacementPlanner corePlanner;
    private final ControlLoop.Settings settings;
    private final ControlLoop.Listener listener;
    private final PluginCallGuard guard;
    private final Map<String, ServiceSpec> catalog;
    private final PlanningModel models;
    private final LongSupplier slot;
    /** Inline calls (virtual time), else null. */
    private final PluginCaller coreCaller;
    /** The core placement off the loop's thread ({@link ControlLoop.Settings#backgroundCore}), else null. */
    private final BackgroundCall<PlanResult<CorePlacement>> coreJob;
    /** What the pending background placement was asked for, or null. */
    private CorePlacementContext.Trigger coreJobTrigger;
    /** The pending background placement ran past its budget (reported); its result is dropped. */
    private boolean coreJobAbandoned;
    /** Nodes offline when the pending background placement was asked for. */
    private Set<String> coreJobOffline = Set.of();
    /** The pending background placement was started in the current start or step (it may be waited for). */
    private boolean coreJobJustStarted;
    /**
     * How long the core planner's last background call ran (ms), NaN before the first: a step waits for a
     * just-started placement only while the last one returned within the light budget.
     */
    private double lastCoreRunMs = Double.NaN;
    /** A placement asked for while one ran: started once the running one is collected; null when none. */
    private CorePlacementContext.Trigger queuedTrigger;
    private volatile boolean corePlanning;

    private CorePlacement placement = CorePlacement.EMPTY;
    private double lastPlanMs = Double.NaN;
    /** The trigger of the last core call that failed (threw, overran, infeasible, empty); null after one that came into force. */
    private CorePlacementContext.Trigger failedCoreTrigger;
    /** The trigger of the last core call asked for. */
    private CorePlacementContext.Trigger lastCoreTrigger;
    /** How long after a failed core call another is asked for while core services lack a placement; doubles up to the cap. */
    private double coreRetryMs = RETRY_FIRST_MS;
    /** Nodes whose core services were failed over while they are offline. */
    private final Set<String> lostCoreNodes = new HashSet<>();

    /**
     * @param corePlanner the planner's core part (null: a planner without one; the placement stays empty)
     * @param slot        the loop's slot index, for the guard's books
     */
    CoreScheduler(ResolvedPlanner planner, CorePlacementPlanner corePlanner, ControlLoop.Settings settings,
            ControlLoop.Listener listener, PluginCallGuard guard, Map<String, ServiceSpec> catalog, PlanningModel models,
            LongSupplier slot) {
        this.planner = planner;
        this.corePlanner = corePlanner;
        this.settings = settings;
        this.listener = listener;
        this.guard = guard;
        this.catalog = catalog;
        this.models = models;
        this.slot = slot;
        this.coreCaller = corePlanner == null || settings.backgroundCore() ? null
                : new PluginCaller("edgefm-core-" + planner.coreName(), settings.enforceBudget());
        this.coreJob = corePlanner == null || !settings.backgroundCore() ? null
                : new BackgroundCall<>("edgefm-core-" + planner.coreName());
    }

    /** The core placement in force. */
    CorePlacement placement() {
        return placement;
    }

    /** True while a core placement is being computed off the loop's thread (any thread). */
    boolean planning() {
        return corePlanning;
    }

    /** The first placement: asked for, and collected when it returns within the light budget. */
    void start(Set<String> offline, double nowMs) {
        plan(CorePlacementContext.Trigger.START, offline, nowMs);
        collect(offline, nowMs, true);
    }

    /**
     * A slot's core work: a placement computed since the last slot comes into force; then node loss
     * (failover at once, then a re-placement onto the survivors), settled joins, the planning epoch or
     * a due retry may ask for a new one, which is collected at once when it returns within the light budget.
     */
    void step(Set<String> offline, double nowMs) {
        // A placement computed in the background since the last slot comes into force first.
        collect(offline, nowMs, false);

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
            models.markJoinPending();
        }
        if (!newlyLost.isEmpty()) {
            CorePlacement failed = placement;
            for (String n : newlyLost) {
                failed = failed.withoutNode(n);
            }
            LOG.warn("nodes {} hosting core services are offline; failover applied, re-placing", newlyLost);
            placement = failed;
            listener.onCorePlacement(CorePlacementContext.Trigger.NODE_LOST, placement, 0);
            plan(CorePlacementContext.Trigger.NODE_LOST, offline, nowMs);
        } else if (models.joinPending() && models.joinsSettled(nowMs)) {
            models.joinsPlaced();
            plan(CorePlacementContext.Trigger.NODE_JOINED, offline, nowMs);
        } else if (settings.planningEpochMs() > 0 && !Double.isNaN(lastPlanMs)
                && nowMs - lastPlanMs >= settings.planningEpochMs()) {
            plan(CorePlacementContext.Trigger.EPOCH, offline, nowMs);
        } else if (retryDue(nowMs)) {
            CorePlacementContext.Trigger retry = failedCoreTrigger;
            LOG.info("core services {} have no placement after the core planner's {} call failed; asking again ({} ms after"
                    + " the last call)", unplacedCoreServices(), retry, Math.round(coreRetryMs));
            coreRetryMs = Math.min(RETRY_MAX_MS, 2 * coreRetryMs);
            plan(retry, offline, nowMs);
        }
        // a placement started in this step that returns within the light budget is applied in this step
        collect(offline, nowMs, true);
    }

    /**
     * Asks the core planner for a placement. Inline (virtual time): the result is in force when this
     * returns. In the background: the call starts on the core planner's thread (or, while one runs,
     * is queued and started once that one is collected; the latest request's trigger wins, a node loss
     * before all) and {@link #collect} brings its result into force in a later step.
     */
    private void plan(CorePlacementContext.Trigger trigger, Set<String> offline, double nowMs) {
        lastPlanMs = nowMs;
        lastCoreTrigger = trigger;
        if (corePlanner == null) {
            return;
        }
        CorePlacementContext ctx = new CorePlacementContext(models.links().model(), declaredDemand(), offline, placement,
                trigger, settings.coreBudget());
        if (coreJob != null) {
            if (coreJob.pending()) {
                if (queuedTrigger != CorePlacementContext.Trigger.NODE_LOST) {
                    queuedTrigger = trigger;
                }
                return;
            }
            // the controller prepares for the new placement on this thread, before it can come into force
            coreJob.submit(() -> corePlanner.place(ctx), r -> {
                if (r != null && r.plan().isPresent()) {
                    guard.prepare(ctx.model(), r.plan().get());
                }
            });
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
            failure(f.reason(), f.detail(), f.elapsedMs());
        }
    }

    /** Brings a returned placement into force, unless it is empty or uses an offline node (reported as the planner's failure). */
    private void accept(CorePlacementContext.Trigger trigger, PluginCaller.Returned<PlanResult<CorePlacement>> r, Set<String> offline) {
        if (r.value() == null || r.value().plan().isEmpty()) {
            failure(r.value() == null ? PluginHealth.EMPTY : PluginHealth.INFEASIBLE,
                    r.value() == null ? "returned null" : "no plan: " + r.value().reasons(), r.elapsedMs());
            return;
        }
        CorePlacement p = r.value().plan().get();
        List<String> onOffline = p.assignments().stream().map(CoreAssignment::node).filter(offline::contains)
                .distinct().toList();
        if (!onOffline.isEmpty()) {
            failure(PluginHealth.INFEASIBLE, "placed core services on offline nodes " + onOffline, r.elapsedMs());
            return;
        }
        guard.coreCall(slot.getAsLong(), planner.coreName(), null, null, r.elapsedMs());
        failedCoreTrigger = null;
        coreRetryMs = RETRY_FIRST_MS;
        placement = p;
        listener.onCorePlacement(trigger, p, r.elapsedMs());
    }

    /**
     * Collects the background placement (nothing inline). With {@code wait}, first waits for it up to
     * the light budget, so a placement that takes less comes into force in the step that asked for it,
     * as inline; not when the core planner's last call ran longer than the light budget (it comes into
     * force in the first step after it returned, and this step is not held). A placement past its budget
     * is reported once as overrun and dropped when it returns.
     * A returned placement whose nodes went offline or left the model while it ran was computed for a
     * fleet that no longer exists: it is dropped ({@link ControlLoop.Listener#onCorePlacementDropped}) and the
     * failover already applied stays; the re-placement that the loss asked for follows. Then a queued
     * request starts.
     */
    private void collect(Set<String> offline, double nowMs, boolean wait) {
        if (coreJob == null || !coreJob.pending()) {
            return;
        }
        double lightMs = settings.lightBudget().toNanos() / 1e6;
        // a planner whose last placement took longer than the light budget will not return within it now either:
        // waiting would only make this step late
        if (wait && coreJobJustStarted && !(lastCoreRunMs > lightMs)) {
            coreJob.await(lightMs);
        }
        if (wait) {
            coreJobJustStarted = false;
        }
        double budgetMs = settings.coreBudget().toNanos() / 1e6;
        PluginCaller.Outcome<PlanResult<CorePlacement>> out = coreJob.poll();
        if (out == null) {
            if (!coreJobAbandoned && coreJob.runningMs() > budgetMs) {
                coreJobAbandoned = true;
                failure("overran", "still running after its budget of " + Math.round(budgetMs)
                        + " ms; its result will be dropped", coreJob.runningMs());
            }
            return;
        }
        corePlanning = false;
        lastCoreRunMs = out.elapsedMs();
        CorePlacementContext.Trigger trigger = coreJobTrigger;
        if (coreJobAbandoned) {
            LOG.info("core placement ({}) returned after its budget; dropped", trigger);
        } else if (out instanceof PluginCaller.Failed<PlanResult<CorePlacement>> f) {
            failure(f.reason(), f.detail(), f.elapsedMs());
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
            plan(next, offline, nowMs);
        }
    }

    /** Why a placement computed for an earlier fleet cannot come into force now (nodes gone), or null. */
    private String staleness(PlanResult<CorePlacement> result, Set<String> offline) {
        if (result == null || result.plan().isEmpty()) {
            return null; // reported as no-plan by accept
        }
        Set<String> gone = new TreeSet<>();
        Set<String> known = models.model().topology().nodesById().keySet();
        for (CoreAssignment a : result.plan().get().assignments()) {
            // a node offline already when the placement was asked for is the planner's error (accept reports it)
            boolean left = offline.contains(a.node()) && !coreJobOffline.contains(a.node());
            if (left || !known.contains(a.node())) {
                gone.add(a.node());
            }
        }
        return gone.isEmpty() ? null : "it places core services on " + gone + ", which left while it was computed";
    }

    /** Reports and counts a failed core placement ({@link PluginCallGuard#coreCall}); the placement in force stays. */
    private void failure(String reason, String detail, double elapsedMs) {
        guard.coreCall(slot.getAsLong(), planner.coreName(), reason, detail, elapsedMs);
        if (failedCoreTrigger == null) {
            failedCoreTrigger = lastCoreTrigger;
        }
    }

    /**
     * True when a failed core call left core services without a placement (e.g. the first placement
     * overran its budget: no join, loss or epoch would ask again) and the retry wait since the last
     * call has passed; no call is running.
     */
    private boolean retryDue(double nowMs) {
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

    private List<DemandEstimate> declaredDemand() {
        List<DemandEstimate> out = new ArrayList<>();
        for (var d : models.model().workload()) {
            out.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs()));
        }
        return out;
    }

    /** Stops the core planner's thread. */
    @Override
    public void close() {
        if (coreCaller != null) {
            coreCaller.close();
        }
        if (coreJob != null) {
            coreJob.close();
        }
    }
}
