package org.edgefm.trial;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.host.HostObserver;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.parity.TrialLog;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Death;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;

/**
 * A live trial's bookkeeping, as a view of the in-process planner host ({@link HostObserver}, registered
 * with {@code PlannerHost.observe} before the host starts): no MQTT client of its own. It hands each event
 * of the host to the book it belongs in, under one lock, and puts the books together into the trial's
 * summary. From the host's fleet state: the agents' data endpoints, profiles and sessions (births and
 * deaths, with the host's session rule: only a birth of another session is a new one, a death or birth of
 * an older session never reaches it; {@link AgentBook}), the measured links ({@link LinkBook}) and kernel
 * rates ({@link RunConditions}) of telemetry, applied acks and the model switches the fleet state records
 * once per directive ({@link SwitchBook}), and task completions the host's validator accepted (a task
 * reported again counted once; {@link TaskBook}). From the host's outbox: each publication of a directive
 * (first publication of a planner epoch and version = sent, later ones = re-sent; {@link DirectiveBook});
 * the cost of eqs. (6)-(7) of the directives in force, charged from their first publication through
 * {@link org.edgefm.api.model.ServiceCosts} exactly as the simulator charges them, and placement changes
 * ({@link CostBook}). The workload's windows are {@link TrialTimeline}'s. Each agent's uptime runs from
 * birth to death. Events after {@link #close()} are ignored.
 */
public final class TrialMonitor implements HostObserver, AutoCloseable {
    /** Live counters for the progress line. */
    public record Counts(long submitted, long completed, long onTime, long directivesSent, long directivesAcked,
            long directivesResent) {
    }

    private final Scenario scenario;
    private final AgentBook agents = new AgentBook();
    private final LinkBook links = new LinkBook();
    private final TaskBook tasks = new TaskBook();
    private final DirectiveBook directives = new DirectiveBook();
    private final CostBook costs;
    private final SwitchBook switches = new SwitchBook();
    private final ReadingBook readings = new ReadingBook();
    private final TrialTimeline timeline = new TrialTimeline();
    /** The machine and workload conditions (load before the trial is read when the monitor is made). */
    private final RunConditions conditions = new RunConditions();
    private String impairment = "none";
    /** Where the trial's wall time and the switches' {@code atS} count from: the host's start ({@link #hostStarted}). */
    private long startMs = System.currentTimeMillis();
    private long endMs = -1;
    /** Compares real models' answers with the monolithic model's, or null. */
    private Agreement agreement;
    private volatile Consumer<TaskCompletion> completionHook;

    /**
     * Creates the monitor; hand it to {@code PlannerHost.observe} before the host starts.
     *
     * @param scenario the scenario (task deadlines and service costs)
     */
    public TrialMonitor(Scenario scenario) {
        this.scenario = scenario;
        this.costs = new CostBook(scenario);
    }

    /**
     * The host it observes is up: the trial's wall time and the switches' times count from {@code nowMs} (the
     * events of the host's start, such as retained births of a running fleet, are kept).
     */
    public synchronized void hostStarted(long nowMs) {
        this.startMs = nowMs;
    }

    /** Hands every first completion of a task to {@code a} (a trial of real models). */
    public synchronized void agreement(Agreement a) {
        this.agreement = a;
    }

    /**
     * How the cost of eqs. (6)-(7) is read, as in the simulator ({@code sim.parallelism-cost},
     * {@code sim.charge-initial-light-deploy}); the defaults are the simulator's: {@code c^pl·x·y}, and
     * no instantiation price for the light instances of slot 0.
     */
    public synchronized TrialMonitor costForm(boolean parallelismTimesY, boolean chargeInitialLightDeploy) {
        costs.costForm(parallelismTimesY, chargeInitialLightDeploy);
        return this;
    }

    @Override
    public void onBirth(Birth b, boolean newSession) {
        birth(b, newSession, System.currentTimeMillis());
    }

    /** A birth the host accepted at {@code now} (ms since the epoch; package-private for replays and tests). */
    synchronized void birth(Birth b, boolean newSession, long now) {
        if (closed()) {
            return;
        }
        agents.born(b, newSession, now);
        conditions.calibration(b.nodeId(), b.calibration());
    }

    @Override
    public void onDeath(Death d) {
        death(d, System.currentTimeMillis());
    }

    /** A death the host accepted at {@code now} (package-private for replays and tests). */
    synchronized void death(Death d, long now) {
        if (closed()) {
            return;
        }
        agents.died(d.nodeId(), now);
    }

    @Override
    public synchronized void onTelemetry(Telemetry t) {
        if (closed()) {
            return;
        }
        directives.telemetry(t.nodeId(), System.currentTimeMillis());
        links.measured(t.nodeId(), t.peers());
        t.services().forEach(sm -> conditions.measured(t.nodeId(), sm.service(), sm.rateSamplesMbPerMs()));
    }

    @Override
    public void onSnapshot(long slot, FleetSnapshot snapshot) {
        snapshot(snapshot, System.currentTimeMillis());
    }

    /** A snapshot the host's loop took at {@code now} (package-private for tests). */
    synchronized void snapshot(FleetSnapshot snapshot, long now) {
        if (closed()) {
            return;
        }
        readings.snapshot(snapshot, now);
    }

    @Override
    public void onSent(Directive d, int sends) {
        sent(d, System.currentTimeMillis());
    }

    /** A publication of {@code d} by the host's outbox at {@code now} (package-private for replays and tests). */
    synchronized void sent(Directive d, long now) {
        if (closed()) {
            return;
        }
        if (directives.published(d, now)) {
            costs.inForce(d, now);
        }
    }

    @Override
    public void onAck(Ack a, FleetState.AckSwitches switches) {
        ack(a, switches, System.currentTimeMillis());
    }

    /** A validated ack at {@code now}, with the switches the host recorded for it (package-private for tests). */
    synchronized void ack(Ack a, FleetState.AckSwitches sw, long now) {
        if (closed() || a.outcome() != AckOutcome.APPLIED) {
            return;
        }
        directives.applied(a);
        if (!sw.isEmpty()) {
            switches.applied(a.nodeId(), a.version(), sw, (now - startMs) / 1000.0);
        }
    }

    @Override
    public synchronized void onCompletion(TaskCompletion c, boolean repeat) {
        if (closed() || !tasks.completed(c, repeat)) {
            return;
        }
        if (agreement != null) {
            agreement.observe(c);
        }
        if (completionHook != null) {
            completionHook.accept(c);
        }
    }

    /** Also gives each task's first completion to {@code hook} (the generations waiting for their steps' answers). */
    public void completionHook(Consumer<TaskCompletion> hook) {
        this.completionHook = hook;
    }

    /**
     * The completions the host's validator dropped as the same report again ({@code ReportValidator.repeatedReports}):
     * with the repeats the fleet state saw, the summary's {@code duplicates}.
     */
    public synchronized void repeatedReports(long n) {
        tasks.repeatedReports(n);
    }

    private boolean closed() {
        return endMs >= 0;
    }

    /** Records the impairment imposed on the data plane and how, for the summary. */
    public synchronized void impairment(String description) {
        this.impairment = description;
    }

    /** The data endpoint of a live agent, or null. */
    public synchronized String endpoint(String node) {
        return agents.endpoint(node);
    }

    /** Whether the node acknowledged a directive as applied. */
    public synchronized boolean applied(String node) {
        return directives.applied(node);
    }

    /** Whether the node acknowledged the directive of this planner epoch and version as applied (its instances loaded). */
    public synchronized boolean appliedAck(String node, long plannerEpoch, long version) {
        return directives.appliedAck(node, plannerEpoch, version);
    }

    /** The largest preload an applied ack reported so far, in ms, or null without one. */
    public synchronized Double maxPreloadMs() {
        return switches.maxPreloadMs();
    }

    /**
     * The tasks submitted before {@code atMs} and those submitted from then on, each as submitted, completed and
     * on-time counts with the completed tasks' latencies ({@link Warmup}).
     */
    public synchronized Warmup.Part[] split(long atMs) {
        return tasks.split(atMs);
    }

    /** Whether every directive seen so far is acknowledged as applied. */
    public synchronized boolean directivesSettled() {
        return directives.settled();
    }

    /** Records a submitted task. */
    public synchronized void submitted(String taskId, String taskType) {
        submitted(taskId, taskType, System.currentTimeMillis());
    }

    /** Records a submitted task with its stream's user and the node it is sent to (for parity's replay). */
    public synchronized void submitted(String taskId, String taskType, String user, String origin) {
        submitted(taskId, taskType, System.currentTimeMillis());
        tasks.source(taskId, user, origin);
    }

    /** Records a task submitted at {@code atMs} (ms since the epoch; package-private for replays and tests). */
    synchronized void submitted(String taskId, String taskType, long atMs) {
        tasks.submitted(taskId, taskType, atMs);
    }

    /**
     * What parity needs of the trial ({@link TrialLog}): the task log, the directives, links, preloads, kernel
     * calibrations, telemetry ages and what the loop's snapshots held ({@link ReadingBook}).
     */
    public synchronized TrialLog trialLog() {
        return new TrialLog(timeline.workloadStartMs(), timeline.workloadMs(), timeline.windowMs(), List.copyOf(agents.nodes()),
                tasks.log(), costs.directiveLog(), links.peers(), switches.loadLog(), agents.kernelCalibrations(),
                directives.telemetryAges(), readings.nodes(), readings.links(), -1);
    }

    /**
     * Starts the timeline: windows of {@code windowMs} from {@code startMs} (the workload's start),
     * with the part of the workload's time the data plane was impaired.
     *
     * @param startMs        wall-clock time the workload started
     * @param workloadMs     how long it runs (the timeline ends then, or at the trial's end if that is sooner)
     * @param windowMs       window width in ms (positive)
     * @param impairedFromMs start of the impairment, ms after {@code startMs}, or -1 for none
     * @param impairedToMs   its end, ms after {@code startMs}, or -1 for the end of the trial
     */
    public synchronized void workloadStarted(long startMs, long workloadMs, long windowMs, long impairedFromMs,
            long impairedToMs) {
        timeline.workloadStarted(startMs, workloadMs, windowMs, impairedFromMs, impairedToMs);
        conditions.workloadStarted(startMs, workloadMs);
    }

    /** The machine and workload conditions of the trial ({@link RunConditions}). */
    public RunConditions conditions() {
        return conditions;
    }

    /** Per service of the scenario with a kernel, what one task computes (for {@link RunConditions}). */
    public Map<String, RunConditions.ServiceWork> serviceKernels() {
        Map<String, RunConditions.ServiceWork> m = new LinkedHashMap<>();
        scenario.services().forEach(sv -> {
            if (sv.kernel() != null) {
                try {
                    m.put(sv.id(), new RunConditions.ServiceWork(sv.kernel().kind(), sv.workloadMb(),
                            org.edgefm.profiles.KernelCost.of(sv.kernel()).flops()));
                } catch (RuntimeException e) {
                    // a kernel kind without a cost model: not compared
                }
            }
        });
        return m;
    }

    /** Records a task its agent did not accept. */
    public synchronized void refused(String taskId) {
        tasks.refused(taskId);
    }

    /** Tasks submitted and accepted but neither completed nor failed yet. */
    public synchronized long pending() {
        return tasks.pending();
    }

    /** The live counters. */
    public synchronized Counts counts() {
        long[] done = tasks.completedOnTime();
        return new Counts(tasks.submitted(), done[0], done[1], directives.sent(), directives.acked(), directives.resent());
    }

    /** The cost of eqs. (6)-(7) of the directives seen, with those in force charged up to {@code now} (for replays). */
    synchronized double costUntil(long now) {
        return costs.costUntil(now);
    }

    /** Ends the books: uptimes of agents still alive end now, and later events are ignored. */
    @Override
    public synchronized void close() {
        if (endMs < 0) {
            endMs = System.currentTimeMillis();
            agents.close(endMs);
            costs.costUntil(endMs);
        }
    }

    /**
     * The trial's summary.
     *
     * @param planner the planner name
     * @param broker  the broker description (embedded or its URL)
     */
    public synchronized TrialSummary summary(String planner, String broker) {
        long end = endMs < 0 ? System.currentTimeMillis() : endMs;
        TaskBook.Totals t = tasks.totals(scenario.taskTypes().stream().map(tt -> tt.id()).toList());
        return new TrialSummary(scenario.name(), scenario.description(), planner, broker, (end - startMs) / 1000.0,
                tasks.submitted(), tasks.refused(), t.completed(), t.onTime(), t.failed(), tasks.duplicates(),
                t.latenciesMs(), costs.cost(), directives.sent(), directives.acked(), directives.resent(), t.perType(),
                agents.agents(), impairment, costs.placementChanges(), links.links(scenario, agents.nodes()), switches.switches(),
                timeline.timeline(end, tasks, directives.firstPublished(), costs.placementTimes()));
    }
}
