package org.edgefm.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.control.internal.PluginCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the light-service controller for the control loop and keeps the books on every planner
 * call: calls, usable results, failures by reason ({@link PluginHealth#REASONS}), the slowest call,
 * and the slots run on the fallback.
 *
 * <p>What a failure does: once the controller has produced a usable decision (one that runs or
 * routes something), a failed call keeps that last good decision in force. Until then a declared
 * fallback controller decides instead (announced once), until the controller's first usable
 * decision. A call that overran its budget is never used, not even when its result comes later. A
 * decision accepted only by the first calls' warm-up allowance ({@link org.edgefm.api.spi.PluginBudget},
 * slower than the plain budget) is put in force but is not the controller's first usable decision.
 *
 * <p>A late call is not replaced at once: when the controller overran its budget while its previous call did
 * not (a one-off slow slot, as its first slot on a newly joined fleet is), the guard waits for the late call
 * until the slot ends, without computing the fallback meanwhile. If it lands within the slot, its result is
 * still discarded, the fallback is not asked for that slot (it would compete for the CPU with the late call and
 * hand every node a decision that the controller replaces a slot later), and the decision in force stays. A
 * late call that does not land within the slot, a second overrun in a row, a call refused because the earlier
 * one still runs, and every other failure hand the slot to the fallback as before.
 *
 * <p>While no task type can be served end to end (each has a core stage whose service no node hosts: no core
 * placement is in force yet while a fleet joins, or the core planner failed), an empty decision is no failure
 * and the fallback is not asked: no decision can complete a task then.
 *
 * <p>Logging is throttled: the first failure of each planner and reason is logged with its detail,
 * later ones are counted and logged as one line every {@value #LOG_EVERY_SLOTS} slots.
 *
 * <p>Called on the loop's thread; {@link #health()} may be called from any thread.
 */
public final class PluginCallGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCallGuard.class);
    /** The fallback controller when none is named: the built-in greedy baseline (module planner-plugins). */
    public static final String DEFAULT_FALLBACK = "greedy-light";
    /** Repeated failures of one planner and reason are logged at most once per this many slots. */
    public static final long LOG_EVERY_SLOTS = 100;

    /**
     * A decision to put in force.
     *
     * @param decision     the decision
     * @param elapsedMs    the call's charged time in ms
     * @param fromFallback true when the fallback controller made it
     */
    public record Decided(LightDecision decision, double elapsedMs, boolean fromFallback) {
    }

    private final String name;
    private final LightServiceController controller;
    private final PluginCaller caller;
    private final Duration budget;
    /** The slot length in ms, or NaN when a late call is never waited for. */
    private final double slotMs;
    private final ControlLoop.Listener listener;
    private String fallbackName;
    private LightServiceController fallback;
    private PluginCaller fallbackCaller;

    private final Map<String, Counter> counters = new LinkedHashMap<>();
    private final Map<String, Throttle> throttles = new LinkedHashMap<>();
    private boolean everUsable;
    private long lastGoodSlot = -1;
    private boolean onFallback;
    private boolean inForceUsable;
    private boolean fallbackAnnounced;
    private long slots;
    private long slotsOnFallback;
    private long slotsWithout;
    /** The controller's previous call overran its budget. */
    private boolean lastOverran;
    /** {@link System#nanoTime()} when the current slot's step began, or {@code Long.MIN_VALUE} when not told. */
    private long slotStartNanos = Long.MIN_VALUE;
    /** Overruns whose late call landed within the slot, so the fallback was not asked. */
    private long lateWithinSlot;
    /** A failed {@link #prepare} was logged (written on the core planner's thread only). */
    private volatile boolean prepareFailureLogged;

    /**
     * Creates the guard of one controller.
     *
     * @param name       the controller's name
     * @param controller the controller
     * @param budget     its time budget per call
     * @param enforce    true: calls on the plugin's own thread, abandoned at the budget (live); false: inline,
     *                   charged by thread CPU and waiting time (simulation)
     * @param listener   told of every failure
     */
    public PluginCallGuard(String name, LightServiceController controller, Duration budget, boolean enforce,
            ControlLoop.Listener listener) {
        this(name, controller, budget, Double.NaN, enforce, listener);
    }

    /**
     * Creates the guard of one controller that waits for a one-off late call until the slot ends before the
     * fallback decides (see the class comment).
     *
     * @param name       the controller's name
     * @param controller the controller
     * @param budget     its time budget per call
     * @param slotMs     the slot length in ms; NaN: a late call is never waited for
     * @param enforce    as in {@link #PluginCallGuard(String, LightServiceController, Duration, boolean, ControlLoop.Listener)}
     * @param listener   told of every failure
     */
    public PluginCallGuard(String name, LightServiceController controller, Duration budget, double slotMs,
            boolean enforce, ControlLoop.Listener listener) {
        this.slotMs = slotMs;
        this.name = Objects.requireNonNull(name, "name is null");
        this.controller = Objects.requireNonNull(controller, "controller is null");
        this.budget = Objects.requireNonNull(budget, "budget is null");
        this.listener = Objects.requireNonNull(listener, "listener is null");
        this.caller = new PluginCaller("edgefm-light-" + name, enforce);
        counter(name, PluginInfo.LIGHT);
    }

    /**
     * Declares the fallback controller: it decides while the controller has not produced a usable decision.
     *
     * @param fallbackName its name
     * @param fallback     the controller instance (its own state)
     * @param enforce      as for the controller
     */
    public synchronized void fallback(String fallbackName, LightServiceController fallback, boolean enforce) {
        this.fallbackName = Objects.requireNonNull(fallbackName, "fallbackName is null");
        this.fallback = Objects.requireNonNull(fallback, "fallback is null");
        this.fallbackCaller = new PluginCaller("edgefm-fallback-" + fallbackName, enforce);
    }

    /** The fallback controller's name, or null. */
    public synchronized String fallbackName() {
        return fallbackName;
    }

    /**
     * Asks the controller (and, while it has never decided usably, the fallback) for the slot's decision.
     *
     * @return the decision to put in force, or null to keep the one in force
     */
    public synchronized Decided decide(SlotObservation obs) {
        boolean anyOnline = obs.nodes().stream().anyMatch(NodeObservation::online);
        Counter c = counters.get(PluginInfo.LIGHT + "/" + name);
        boolean refused = caller.busy(); // an earlier late call still runs: this one fails at once
        Duration callBudget = PluginBudgets.light(budget, c.calls);
        PluginCaller.Outcome<PlanResult<LightDecision>> out = caller.call(() -> controller.decide(obs), callBudget);
        c.call(out.elapsedMs());
        boolean overran = out instanceof PluginCaller.Failed<PlanResult<LightDecision>> f0
                && PluginHealth.OVERRAN.equals(f0.reason());
        boolean oneOff = overran && !refused && !lastOverran;
        lastOverran = overran;
        String reason;
        String detail;
        if (out instanceof PluginCaller.Returned<PlanResult<LightDecision>> r) {
            PlanResult<LightDecision> v = r.value();
            if (v == null) {
                reason = PluginHealth.EMPTY;
                detail = "returned null";
            } else if (v.plan().isEmpty()) {
                reason = PluginHealth.INFEASIBLE;
                detail = "infeasible without a best-effort plan: " + v.reasons();
            } else if (!usable(v.plan().get())) {
                if (!anyOnline || !anyTypeServable(obs)) {
                    // nothing is online, or no task type can be served before a core placement is in force: an
                    // empty decision is the right one, and no failure
                    inForceUsable = false;
                    return new Decided(v.plan().get(), r.elapsedMs(), false);
                }
                reason = PluginHealth.EMPTY;
                detail = "decided to run and route nothing while " + online(obs) + " node(s) are online";
            } else if (r.elapsedMs() > budget.toNanos() / 1e6) {
                // Within the first calls' warm-up allowance but over the plain budget: the decision is
                // better than none and goes into force, but it does not prove the controller, so a later
                // failure still hands the slot to the fallback rather than keeping this decision forever.
                c.usable++;
                inForceUsable = true;
                onFallback = false;
                if (!everUsable) {
                    lastGoodSlot = obs.slot();
                }
                return new Decided(v.plan().get(), r.elapsedMs(), false);
            } else {
                c.usable++;
                if (onFallback) {
                    LOG.info("planner '{}' (light-controller) made its first usable decision in slot {}; the fallback"
                            + " '{}' stops", name, obs.slot(), fallbackName);
                }
                everUsable = true;
                onFallback = false;
                inForceUsable = true;
                lastGoodSlot = obs.slot();
                return new Decided(v.plan().get(), r.elapsedMs(), false);
            }
        } else {
            PluginCaller.Failed<PlanResult<LightDecision>> f = (PluginCaller.Failed<PlanResult<LightDecision>>) out;
            reason = f.reason();
            detail = f.detail() + (PluginHealth.OVERRAN.equals(f.reason()) ? "; its result is discarded" : "");
        }
        c.fail(reason);
        listener.onPluginFailure(name, PluginInfo.LIGHT, reason, detail);
        if (everUsable) {
            log(obs.slot(), name, PluginInfo.LIGHT, reason, detail, "keeping the last good decision (slot " + lastGoodSlot
                    + ")");
            return null;
        }
        if (fallback == null) {
            log(obs.slot(), name, PluginInfo.LIGHT, reason, detail, "no usable decision yet and no fallback declared:"
                    + " nodes keep what they run");
            return null;
        }
        if (!anyTypeServable(obs)) {
            // every task type has a core stage that no node hosts yet (the fleet is joining, or the core planner
            // failed): no decision can serve a task end to end, so the fallback is not asked either
            log(obs.slot(), name, PluginInfo.LIGHT, reason, detail, "no task type can be served before a core placement"
                    + " is in force: the fallback is not asked");
            return null;
        }
        if (oneOff && landsWithinSlot(out, callBudget)) {
            lateWithinSlot++;
            log(obs.slot(), name, PluginInfo.LIGHT, reason, detail, "its late call landed within the slot: the fallback"
                    + " is not asked, the decision in force stays (a second overrun in a row hands the slot to the fallback)");
            return null;
        }
        log(obs.slot(), name, PluginInfo.LIGHT, reason, detail, "no usable decision yet: the fallback '" + fallbackName
                + "' decides");
        return runFallback(obs, anyOnline);
    }

    /**
     * Whether a call that overran its budget finished within the slot: in virtual time by the time it was
     * charged, live by waiting for it until the slot ends (nothing else is computed meanwhile).
     */
    private boolean landsWithinSlot(PluginCaller.Outcome<?> out, Duration callBudget) {
        if (Double.isNaN(slotMs)) {
            return false;
        }
        if (!caller.busy()) {
            return out.elapsedMs() <= slotMs; // virtual time: the call returned, charged its CPU and waiting
        }
        // live: until the slot's end, counted from the step's start when the loop told it (so the step ends
        // before the next slot's timer), else from the call's start
        double leftMs = slotStartNanos == Long.MIN_VALUE ? slotMs - callBudget.toNanos() / 1e6
                : slotMs - (System.nanoTime() - slotStartNanos) / 1e6;
        return leftMs > 0 && caller.awaitAbandoned(Duration.ofNanos((long) (leftMs * 1e6)));
    }

    /**
     * Lets the controller prepare for a core placement about to come into force
     * ({@link LightServiceController#prepare}); called on the core planner's thread, without the guard's lock,
     * while {@link #decide} may run. A prepare that throws is logged once (with its one-line reason) and
     * otherwise ignored: the controller's first slot on the placement then does the work itself.
     */
    public void prepare(SystemModel model, CorePlacement placement) {
        long t0 = System.nanoTime();
        try {
            controller.prepare(model, placement);
            LOG.debug("planner '{}' (light-controller) prepared for a core placement in {} ms", name,
                    Math.round((System.nanoTime() - t0) / 1e6));
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            if (!prepareFailureLogged) {
                prepareFailureLogged = true;
                String line = String.valueOf(e);
                int nl = line.indexOf('\n');
                LOG.warn("planner '{}' (light-controller) threw while preparing for a core placement: {}; its first slot on"
                        + " the placement does that work itself (logged once)", name, nl < 0 ? line : line.substring(0, nl));
            }
        }
    }

    /** The loop's step for a slot began now ({@link System#nanoTime()}): a late call is waited for until the slot ends. */
    public synchronized void slotStarted(long nanos) {
        this.slotStartNanos = nanos;
    }

    /** Overruns whose late call landed within the slot, so that the fallback was not asked (any thread). */
    public synchronized long lateWithinSlot() {
        return lateWithinSlot;
    }

    private Decided runFallback(SlotObservation obs, boolean anyOnline) {
        Counter fc = counter(fallbackName, PluginHealth.FALLBACK_ROLE);
        PluginCaller.Outcome<PlanResult<LightDecision>> out = fallbackCaller.call(() -> fallback.decide(obs),
                PluginBudgets.light(budget, fc.calls));
        fc.call(out.elapsedMs());
        if (out instanceof PluginCaller.Returned<PlanResult<LightDecision>> r && r.value() != null
                && r.value().plan().isPresent() && (usable(r.value().plan().get()) || !anyOnline)) {
            fc.usable++;
            if (!fallbackAnnounced) {
                fallbackAnnounced = true;
                LOG.warn("planner '{}' has not produced a usable decision within its budget: the fallback controller '{}' decides from slot"
                        + " {} until it does", name, fallbackName, obs.slot());
            }
            onFallback = true;
            inForceUsable = usable(r.value().plan().get());
            return new Decided(r.value().plan().get(), r.elapsedMs(), true);
        }
        String reason = out instanceof PluginCaller.Failed<PlanResult<LightDecision>> f ? f.reason()
                : out instanceof PluginCaller.Returned<PlanResult<LightDecision>> r && r.value() != null
                        && r.value().plan().isEmpty() ? PluginHealth.INFEASIBLE : PluginHealth.EMPTY;
        String detail = out instanceof PluginCaller.Failed<PlanResult<LightDecision>> f ? f.detail() : "no usable decision";
        fc.fail(reason);
        listener.onPluginFailure(fallbackName, PluginHealth.FALLBACK_ROLE, reason, detail);
        log(obs.slot(), fallbackName, PluginHealth.FALLBACK_ROLE, reason, detail, "nodes keep what they run");
        return null;
    }

    /**
     * Books a core-placement call.
     *
     * @param slot      the loop's slot
     * @param core      the core planner's name
     * @param reason    null when its placement came into force, else a {@link PluginHealth#REASONS} value
     * @param detail    one line, for a failure
     * @param elapsedMs the call's time in ms
     */
    public synchronized void coreCall(long slot, String core, String reason, String detail, double elapsedMs) {
        Counter c = counter(core, PluginInfo.CORE);
        c.call(elapsedMs);
        if (reason == null) {
            c.usable++;
            return;
        }
        c.fail(reason);
        listener.onPluginFailure(core, PluginInfo.CORE, reason, detail);
        log(slot, core, PluginInfo.CORE, reason, detail, "keeping the core placement in force");
    }

    /** Books the end of a slot: whether the decision in force came from the fallback, or nothing usable was. */
    public synchronized void endOfSlot(SlotObservation obs) {
        slots++;
        if (onFallback) {
            slotsOnFallback++;
        } else if (!inForceUsable && obs.nodes().stream().anyMatch(NodeObservation::online)) {
            slotsWithout++;
        }
    }

    /** The books so far. */
    public synchronized PluginHealth health() {
        List<PluginHealth.Planner> ps = new ArrayList<>();
        counters.forEach((k, c) -> ps.add(c.snapshot()));
        return new PluginHealth(ps, fallbackName, slots, slotsOnFallback, slotsWithout);
    }

    private Counter counter(String planner, String role) {
        return counters.computeIfAbsent(role + "/" + planner, k -> new Counter(planner, role));
    }

    private void log(long slot, String planner, String role, String reason, String detail, String consequence) {
        Throttle t = throttles.computeIfAbsent(planner + "/" + role + "/" + reason, k -> new Throttle());
        t.count++;
        t.lastDetail = detail;
        if (t.loggedSlot < 0) {
            t.loggedSlot = slot;
            t.count = 0;
            LOG.warn("planner '{}' ({}) {}: {}; {} (repeats are logged every {} slots)", planner, role, reason, detail,
                    consequence, LOG_EVERY_SLOTS);
        } else if (slot - t.loggedSlot >= LOG_EVERY_SLOTS) {
            LOG.warn("planner '{}' ({}) {} {} more time(s) in {} slots; last: {}; {}", planner, role, reason, t.count,
                    slot - t.loggedSlot, t.lastDetail, consequence);
            t.loggedSlot = slot;
            t.count = 0;
        }
    }

    /**
     * True when some task type of the model can be served end to end under the core placement in force: each
     * of its core stages' services has a host. False when none can (no placement yet while the fleet joins,
     * or a failed core planner), where no light decision can complete a task.
     */
    static boolean anyTypeServable(SlotObservation obs) {
        Set<String> hosted = new HashSet<>();
        obs.corePlacement().assignments().forEach(a -> hosted.add(a.service()));
        Map<String, ServiceSpec> services = obs.model().servicesById();
        for (TaskType t : obs.model().taskTypes()) {
            boolean servable = true;
            for (Stage st : t.stages()) {
                ServiceSpec svc = services.get(st.service());
                if (svc != null && svc.kind() == ServiceKind.CORE && !hosted.contains(svc.id())) {
                    servable = false;
                    break;
                }
            }
            if (servable) {
                return true;
            }
        }
        return obs.model().taskTypes().isEmpty();
    }

    private static boolean usable(LightDecision d) {
        return !d.allocations().isEmpty() || !d.routing().routes().isEmpty();
    }

    private static long online(SlotObservation obs) {
        return obs.nodes().stream().filter(NodeObservation::online).count();
    }

    @Override
    public synchronized void close() {
        caller.close();
        if (fallbackCaller != null) {
            fallbackCaller.close();
        }
    }

    private static final class Throttle {
        long loggedSlot = -1;
        long count;
        String lastDetail;
    }

    private static final class Counter {
        final String name;
        final String role;
        long calls;
        long usable;
        final Map<String, Long> failures = new LinkedHashMap<>();
        double slowestMs;
        double totalMs;

        Counter(String name, String role) {
            this.name = name;
            this.role = role;
        }

        void call(double ms) {
            calls++;
            totalMs += ms;
            slowestMs = Math.max(slowestMs, ms);
        }

        void fail(String reason) {
            failures.merge(reason, 1L, Long::sum);
        }

        PluginHealth.Planner snapshot() {
            return new PluginHealth.Planner(name, role, calls, usable, failures, slowestMs, totalMs);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PluginCallGuard[%s, fallback %s]", name, fallbackName);
    }
}
