package org.edgefm.trial;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;
import org.edgefm.control.LinkEstimator;
import org.edgefm.host.HostObserver;
import org.edgefm.host.fleet.FleetState;

/**
 * A live trial's bookkeeping, as a view of the in-process planner host ({@link HostObserver}, registered
 * with {@code PlannerHost.observe} before the host starts): no MQTT client of its own. From the host's
 * fleet state it takes the agents' data endpoints, profiles and sessions (births and deaths, with the
 * host's session rule: only a birth of another session is a new one, a death or birth of an older session
 * never reaches it), the measured links and kernel rates of telemetry, applied acks and the model
 * switches the fleet state records once per directive, and task completions the host's validator
 * accepted (a task reported again counted once). From the host's outbox it takes each publication of a
 * directive (first publication of a planner epoch and version = sent, later ones = re-sent); the cost of
 * eqs. (6)-(7) of the directives in force, charged from their first publication through
 * {@link org.edgefm.api.model.ServiceCosts} exactly as the simulator charges them; and placement changes.
 * Each agent's uptime runs from birth to death. Events after {@link #close()} are ignored.
 */
public final class TrialMonitor implements HostObserver, AutoCloseable {
    /** Live counters for the progress line. */
    public record Counts(long submitted, long completed, long onTime, long directivesSent, long directivesAcked,
            long directivesResent) {
    }

    private final Scenario scenario;
    private final Map<String, ServiceSpec> services = new HashMap<>();

    private final Map<String, String> endpoints = new HashMap<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();
    private final Map<String, Long> bornAt = new HashMap<>();
    private final Map<String, Double> upMs = new LinkedHashMap<>();
    /** Sessions per node, as the host's fleet state tells them apart. */
    private final Map<String, Integer> sessions = new HashMap<>();
    private final Set<String> appliedNodes = new HashSet<>();
    private final Set<String> directivesSeen = new HashSet<>();
    private final Set<String> directivesAcked = new HashSet<>();
    private long resent;
    private final Map<String, String> submittedType = new HashMap<>();
    private final Set<String> refused = new HashSet<>();
    private final Map<String, TaskCompletion> completions = new LinkedHashMap<>();
    private long duplicates;
    /** Completions the host's validator dropped as the same report again (read from the host at the end). */
    private long repeatedReports;
    private final Map<String, Map<String, int[]>> desired = new HashMap<>();
    private final Map<String, Long> desiredSince = new HashMap<>();
    private double cost;
    /** The form of eq. (7)'s parallelism price and whether slot 0's light instances pay deployment (the simulator's sim.* keys). */
    private boolean parallelismCostTimesY = true;
    private boolean chargeInitialLightDeploy;
    /** When the first directive was seen: the start of slot t = 0 for eq. (7). */
    private long firstDirectiveMs = -1;
    private long placementChanges;
    private final Map<String, Map<String, PeerMetrics>> peers = new TreeMap<>();
    private final Map<String, List<TrialSummary.Load>> loads = new TreeMap<>();
    private final Map<String, List<TrialSummary.Unload>> unloads = new TreeMap<>();
    private String impairment = "none";
    /** Where the trial's wall time and the switches' {@code atS} count from: the host's start ({@link #hostStarted}). */
    private long startMs = System.currentTimeMillis();
    /** Timeline: when the workload started (-1: not yet), the window width and the impaired part of the workload. */
    private long workloadStartMs = -1;
    /** The machine and workload conditions (load before the trial is read when the monitor is made). */
    private final RunConditions conditions = new RunConditions();
    private long windowMs = 5_000;
    private long workloadMs = -1;
    private long impairedFromMs = -1;
    private long impairedToMs = -1;
    private final Map<String, Long> submittedAt = new HashMap<>();
    private final List<Long> directiveTimes = new ArrayList<>();
    private final List<Long> placementTimes = new ArrayList<>();
    private long endMs = -1;
    /** Compares real models' answers with the monolithic model's, or null. */
    private Agreement agreement;
    private volatile java.util.function.Consumer<TaskCompletion> completionHook;
    /** For parity: each task's user and origin, directives in order, instance starts, kernel calibrations. */
    private final Map<String, String[]> taskSource = new HashMap<>();
    private final List<org.edgefm.trial.parity.TrialLog.DirectiveEvent> directiveLog = new ArrayList<>();
    private final List<org.edgefm.trial.parity.TrialLog.Load> loadLog = new ArrayList<>();
    private final Map<String, List<org.edgefm.wire.KernelCalibration>> kernelCalibrations = new TreeMap<>();
    private final Map<String, Long> telemetryAt = new HashMap<>();
    /** Per directive published, the age of the node's newest telemetry (bounded: the first ones kept). */
    private final List<Double> telemetryAges = new ArrayList<>();
    private static final int MAX_TELEMETRY_AGES = 100_000;

    /**
     * Creates the monitor; hand it to {@code PlannerHost.observe} before the host starts.
     *
     * @param scenario the scenario (task deadlines and service costs)
     */
    public TrialMonitor(Scenario scenario) {
        this.scenario = scenario;
        scenario.services().forEach(s -> services.put(s.id(), s));
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
        this.parallelismCostTimesY = parallelismTimesY;
        this.chargeInitialLightDeploy = chargeInitialLightDeploy;
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
        endpoints.put(b.nodeId(), b.dataEndpoint());
        profiles.put(b.nodeId(), b.profile());
        bornAt.putIfAbsent(b.nodeId(), now);
        if (newSession) {
            sessions.merge(b.nodeId(), 1, Integer::sum);
        }
        conditions.calibration(b.nodeId(), b.calibration());
        kernelCalibrations.put(b.nodeId(), List.copyOf(b.calibration()));
        upMs.putIfAbsent(b.nodeId(), 0.0);
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
        endpoints.remove(d.nodeId());
        Long since = bornAt.remove(d.nodeId());
        if (since != null) {
            upMs.merge(d.nodeId(), (double) (now - since), Double::sum);
        }
    }

    @Override
    public synchronized void onTelemetry(Telemetry t) {
        if (closed()) {
            return;
        }
        telemetryAt.put(t.nodeId(), System.currentTimeMillis());
        Map<String, PeerMetrics> m = peers.computeIfAbsent(t.nodeId(), k -> new TreeMap<>());
        t.peers().forEach(p -> m.put(p.peer(), p));
        t.services().forEach(sm -> conditions.measured(t.nodeId(), sm.service(), sm.rateSamplesMbPerMs()));
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
        String key = d.nodeId() + "/" + d.plannerEpoch() + "/" + d.version();
        if (!directivesSeen.add(key)) {
            resent++;
        } else {
            directiveTimes.add(now);
            Long seen = telemetryAt.get(d.nodeId());
            if (seen != null && telemetryAges.size() < MAX_TELEMETRY_AGES) {
                telemetryAges.add((double) (now - seen));
            }
            onDesired(d, now);
        }
    }

    @Override
    public void onAck(Ack a, FleetState.AckSwitches switches) {
        ack(a, switches, System.currentTimeMillis());
    }

    /** A validated ack at {@code now}, with the switches the host recorded for it (package-private for tests). */
    synchronized void ack(Ack a, FleetState.AckSwitches switches, long now) {
        if (closed() || a.outcome() != AckOutcome.APPLIED) {
            return;
        }
        directivesAcked.add(a.nodeId() + "/" + a.plannerEpoch() + "/" + a.version());
        appliedNodes.add(a.nodeId());
        if (!switches.isEmpty()) {
            onSwitches(a, switches, now);
        }
    }

    @Override
    public synchronized void onCompletion(TaskCompletion c, boolean repeat) {
        if (closed()) {
            return;
        }
        if (repeat || completions.putIfAbsent(c.taskId(), c) != null) {
            duplicates++;
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
    public void completionHook(java.util.function.Consumer<TaskCompletion> hook) {
        this.completionHook = hook;
    }

    /**
     * The completions the host's validator dropped as the same report again ({@code ReportValidator.repeatedReports}):
     * with the repeats the fleet state saw, the summary's {@code duplicates}.
     */
    public synchronized void repeatedReports(long n) {
        this.repeatedReports = n;
    }

    private boolean closed() {
        return endMs >= 0;
    }

    /** Records the loads and unloads the host recorded for an applied ack. */
    private void onSwitches(Ack a, FleetState.AckSwitches sw, long now) {
        double atS = (now - startMs) / 1000.0;
        List<TrialSummary.Load> l = loads.computeIfAbsent(a.nodeId(), k -> new ArrayList<>());
        for (InstanceStart s : sw.started()) {
            l.add(new TrialSummary.Load(s.service(), a.version(), atS, s.preloadMs(), s.weights()));
            loadLog.add(new org.edgefm.trial.parity.TrialLog.Load(a.nodeId(), s.service(), s.preloadMs()));
        }
        List<TrialSummary.Unload> u = unloads.computeIfAbsent(a.nodeId(), k -> new ArrayList<>());
        for (InstanceStop s : sw.stopped()) {
            u.add(new TrialSummary.Unload(s.service(), a.version(), atS));
        }
    }

    /**
     * Eqs. (6)-(7) over the directives in force ({@link org.edgefm.api.model.ServiceCosts}, as the
     * simulator and the planners charge): deployment per new instance (light ones from slot 1 on),
     * then the running price per slot in force.
     */
    private void onDesired(Directive d, long now) {
        accrue(d.nodeId(), now);
        if (firstDirectiveMs < 0) {
            firstDirectiveMs = now;
        }
        boolean slotZero = now - firstDirectiveMs < scenario.run().slotMs();
        Map<String, int[]> before = desired.getOrDefault(d.nodeId(), Map.of());
        Map<String, int[]> after = new HashMap<>();
        for (DesiredService s : d.desired().services()) {
            after.put(s.service(), new int[] {s.instances(), s.parallelism()});
            ServiceSpec spec = services.get(s.service());
            int had = before.containsKey(s.service()) ? before.get(s.service())[0] : 0;
            if (spec != null && (spec.kind() == ServiceKind.CORE || !slotZero || chargeInitialLightDeploy)) {
                cost += spec.costs().deployment(s.instances(), had);
            }
        }
        Map<String, Integer> had = new HashMap<>();
        before.forEach((k, v) -> had.put(k, v[0]));
        Map<String, Integer> has = new HashMap<>();
        after.forEach((k, v) -> has.put(k, v[0]));
        if (desired.containsKey(d.nodeId()) && !had.equals(has)) {
            placementChanges++;
            placementTimes.add(now);
        }
        desired.put(d.nodeId(), after);
        desiredSince.put(d.nodeId(), now);
        directiveLog.add(new org.edgefm.trial.parity.TrialLog.DirectiveEvent(now, d.nodeId(), after, d.withoutSecrets()));
    }

    private void accrue(String node, long now) {
        Long since = desiredSince.get(node);
        Map<String, int[]> in = desired.get(node);
        if (since == null || in == null) {
            return;
        }
        double slots = (now - since) / scenario.run().slotMs();
        for (Map.Entry<String, int[]> e : in.entrySet()) {
            ServiceSpec spec = services.get(e.getKey());
            if (spec != null) {
                cost += slots * spec.costs().running(spec.kind(), e.getValue()[0], e.getValue()[1], parallelismCostTimesY);
            }
        }
        desiredSince.put(node, now);
    }

    /** Records the impairment imposed on the data plane and how, for the summary. */
    public synchronized void impairment(String description) {
        this.impairment = description;
    }

    /** The data endpoint of a live agent, or null. */
    public synchronized String endpoint(String node) {
        return endpoints.get(node);
    }

    /** Whether the node acknowledged a directive as applied. */
    public synchronized boolean applied(String node) {
        return appliedNodes.contains(node);
    }

    /** Whether the node acknowledged the directive of this planner epoch and version as applied (its instances loaded). */
    public synchronized boolean appliedAck(String node, long plannerEpoch, long version) {
        return directivesAcked.contains(node + "/" + plannerEpoch + "/" + version);
    }

    /** The largest preload an applied ack reported so far, in ms, or null without one. */
    public synchronized Double maxPreloadMs() {
        Double max = null;
        for (List<TrialSummary.Load> l : loads.values()) {
            for (TrialSummary.Load x : l) {
                if (x.preloadMs() != null && (max == null || x.preloadMs() > max)) {
                    max = x.preloadMs();
                }
            }
        }
        return max;
    }

    /**
     * The tasks submitted before {@code atMs} and those submitted from then on, each as submitted, completed and
     * on-time counts with the completed tasks' latencies ({@link Warmup}).
     */
    public synchronized Warmup.Part[] split(long atMs) {
        long[][] c = new long[2][3];
        List<List<Double>> lat = List.of(new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<String, Long> e : submittedAt.entrySet()) {
            int part = e.getValue() < atMs ? 0 : 1;
            c[part][0]++;
            TaskCompletion tc = completions.get(e.getKey());
            if (tc != null && tc.success()) {
                c[part][1]++;
                double l = tc.completedAtMs() - tc.submittedAtMs();
                lat.get(part).add(l);
                if (l <= tc.deadlineMs()) {
                    c[part][2]++;
                }
            }
        }
        Warmup.Part[] out = new Warmup.Part[2];
        for (int i = 0; i < 2; i++) {
            out[i] = new Warmup.Part(c[i][0], c[i][1], c[i][2],
                    lat.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }
        return out;
    }

    /** Whether every directive seen so far is acknowledged as applied. */
    public synchronized boolean directivesSettled() {
        // A node's directive counts as settled once it, or a later one for that node, was applied
        // (an agent may reject an early directive that names a peer not yet born).
        if (directivesSeen.isEmpty()) {
            return false;
        }
        Map<String, long[]> latest = new HashMap<>();
        for (String k : directivesSeen) {
            String[] p = k.split("/");
            long[] ev = {Long.parseLong(p[p.length - 2]), Long.parseLong(p[p.length - 1])};
            String node = k.substring(0, k.length() - p[p.length - 2].length() - p[p.length - 1].length() - 2);
            latest.merge(node, ev, (a, b) -> a[0] > b[0] || (a[0] == b[0] && a[1] >= b[1]) ? a : b);
        }
        return latest.entrySet().stream().allMatch(e -> directivesAcked.contains(
                e.getKey() + "/" + e.getValue()[0] + "/" + e.getValue()[1]));
    }

    /** Records a submitted task. */
    public synchronized void submitted(String taskId, String taskType) {
        submitted(taskId, taskType, System.currentTimeMillis());
    }

    /** Records a submitted task with its stream's user and the node it is sent to (for parity's replay). */
    public synchronized void submitted(String taskId, String taskType, String user, String origin) {
        submitted(taskId, taskType, System.currentTimeMillis());
        taskSource.put(taskId, new String[] {user, origin});
    }

    /**
     * What parity needs of the trial ({@link org.edgefm.trial.parity.TrialLog}): the task log, the
     * directives, links, preloads, kernel calibrations and telemetry ages.
     */
    public synchronized org.edgefm.trial.parity.TrialLog trialLog() {
        List<org.edgefm.trial.parity.TrialLog.Task> tasks = new ArrayList<>();
        for (Map.Entry<String, String> e : submittedType.entrySet()) {
            String[] src = taskSource.getOrDefault(e.getKey(), new String[2]);
            tasks.add(new org.edgefm.trial.parity.TrialLog.Task(e.getKey(), e.getValue(), src[0], src[1],
                    submittedAt.getOrDefault(e.getKey(), -1L), refused.contains(e.getKey()), completions.get(e.getKey())));
        }
        tasks.sort(java.util.Comparator.comparingLong(org.edgefm.trial.parity.TrialLog.Task::submittedMs));
        Map<String, Map<String, PeerMetrics>> p = new TreeMap<>();
        peers.forEach((k, v) -> p.put(k, Map.copyOf(v)));
        return new org.edgefm.trial.parity.TrialLog(workloadStartMs, workloadMs, windowMs, List.copyOf(profiles.keySet()),
                tasks, directiveLog, p, loadLog, kernelCalibrations, telemetryAges);
    }

    /** Records a task submitted at {@code atMs} (ms since the epoch; package-private for replays and tests). */
    synchronized void submitted(String taskId, String taskType, long atMs) {
        submittedType.put(taskId, taskType);
        submittedAt.put(taskId, atMs);
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
        if (windowMs <= 0) {
            throw new IllegalArgumentException("windowMs: " + windowMs + " (expected > 0)");
        }
        this.workloadStartMs = startMs;
        conditions.workloadStarted(startMs, workloadMs);
        this.windowMs = windowMs;
        this.workloadMs = workloadMs;
        this.impairedFromMs = impairedFromMs;
        this.impairedToMs = impairedToMs;
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
        refused.add(taskId);
    }

    /** Tasks submitted and accepted but neither completed nor failed yet. */
    public synchronized long pending() {
        return submittedType.keySet().stream().filter(t -> !refused.contains(t) && !completions.containsKey(t)).count();
    }

    /** The live counters. */
    public synchronized Counts counts() {
        long completed = 0;
        long onTime = 0;
        for (String t : submittedType.keySet()) {
            TaskCompletion c = completions.get(t);
            if (c != null && c.success()) {
                completed++;
                if (c.completedAtMs() - c.submittedAtMs() <= c.deadlineMs()) {
                    onTime++;
                }
            }
        }
        return new Counts(submittedType.size(), completed, onTime, directivesSeen.size(), directivesAcked.size(), resent);
    }

    /** The cost of eqs. (6)-(7) of the directives seen, with those in force charged up to {@code now} (for replays). */
    synchronized double costUntil(long now) {
        for (String n : new ArrayList<>(desired.keySet())) {
            accrue(n, now);
        }
        return cost;
    }

    /** Ends the books: uptimes of agents still alive end now, and later events are ignored. */
    @Override
    public synchronized void close() {
        if (endMs < 0) {
            endMs = System.currentTimeMillis();
            for (Map.Entry<String, Long> e : bornAt.entrySet()) {
                upMs.merge(e.getKey(), (double) (endMs - e.getValue()), Double::sum);
            }
            bornAt.clear();
            for (String n : new ArrayList<>(desired.keySet())) {
                accrue(n, endMs);
            }
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
        Map<String, long[]> perType = new LinkedHashMap<>();
        scenario.taskTypes().forEach(t -> perType.put(t.id(), new long[4]));
        List<Double> latencies = new ArrayList<>();
        long completed = 0;
        long onTime = 0;
        long failed = 0;
        for (Map.Entry<String, String> e : submittedType.entrySet()) {
            long[] c = perType.computeIfAbsent(e.getValue(), k -> new long[4]);
            c[0]++;
            TaskCompletion tc = completions.get(e.getKey());
            if (tc == null) {
                continue;
            }
            if (!tc.success()) {
                failed++;
                c[3]++;
                continue;
            }
            completed++;
            c[1]++;
            double lat = tc.completedAtMs() - tc.submittedAtMs();
            latencies.add(lat);
            if (lat <= tc.deadlineMs()) {
                onTime++;
                c[2]++;
            }
        }
        Map<String, TrialSummary.Agent> agents = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : upMs.entrySet()) {
            agents.put(e.getKey(), new TrialSummary.Agent(profiles.get(e.getKey()), e.getValue() / 1000.0,
                    sessions.getOrDefault(e.getKey(), 0)));
        }
        return new TrialSummary(scenario.name(), scenario.description(), planner, broker, (end - startMs) / 1000.0,
                submittedType.size(), refused.size(), completed, onTime, failed, duplicates + repeatedReports,
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray(), cost, directivesSeen.size(),
                directivesAcked.size(), resent, perType, agents, impairment, placementChanges, links(), switches(),
                timeline(end));
    }

    /**
     * Per window of the workload's time (to its end, or the trial's if sooner): tasks submitted in it and of those the completed and on-time
     * ones with their p95 latency, directives first published and placement changes in it.
     */
    private TrialSummary.Timeline timeline(long end) {
        if (workloadStartMs < 0) {
            return TrialSummary.Timeline.none();
        }
        long until = Math.min(end, workloadStartMs + workloadMs);
        int n = (int) Math.max(1, (until - workloadStartMs + windowMs - 1) / windowMs);
        long[] sub = new long[n];
        long[] done = new long[n];
        long[] onTime = new long[n];
        long[] dirs = new long[n];
        long[] changes = new long[n];
        List<List<Double>> lat = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lat.add(new ArrayList<>());
        }
        for (Map.Entry<String, Long> e : submittedAt.entrySet()) {
            int w = window(e.getValue(), n);
            if (w < 0) {
                continue;
            }
            sub[w]++;
            TaskCompletion c = completions.get(e.getKey());
            if (c != null && c.success()) {
                done[w]++;
                double l = c.completedAtMs() - c.submittedAtMs();
                lat.get(w).add(l);
                if (l <= c.deadlineMs()) {
                    onTime[w]++;
                }
            }
        }
        directiveTimes.stream().mapToInt(t -> window(t, n)).filter(w -> w >= 0).forEach(w -> dirs[w]++);
        placementTimes.stream().mapToInt(t -> window(t, n)).filter(w -> w >= 0).forEach(w -> changes[w]++);
        double toMs = Math.min(impairedToMs < 0 ? Long.MAX_VALUE : impairedToMs, until - workloadStartMs);
        List<TrialSummary.Window> windows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long from = i * windowMs;
            boolean impaired = impairedFromMs >= 0 && from < toMs && from + windowMs > impairedFromMs;
            double[] l = lat.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            windows.add(new TrialSummary.Window(from / 1000.0, sub[i], done[i], onTime[i],
                    TrialSummary.quantile(l, 0.95), dirs[i], changes[i], impaired));
        }
        return new TrialSummary.Timeline(windowMs / 1000.0, windows, impairedFromMs < 0 ? null : impairedFromMs / 1000.0,
                impairedFromMs < 0 ? null : toMs / 1000.0);
    }

    private int window(long t, int n) {
        long w = (t - workloadStartMs) / windowMs;
        return t < workloadStartMs || w >= n ? -1 : (int) w;
    }

    /** Per node that loaded or unloaded an instance: its loads and unloads in order. */
    private Map<String, TrialSummary.Switches> switches() {
        Set<String> nodes = new java.util.TreeSet<>(loads.keySet());
        nodes.addAll(unloads.keySet());
        Map<String, TrialSummary.Switches> out = new LinkedHashMap<>();
        for (String n : nodes) {
            out.put(n, new TrialSummary.Switches(loads.getOrDefault(n, List.of()), unloads.getOrDefault(n, List.of())));
        }
        return out;
    }

    /** Declared and measured links between the agents that took part, one row per pair. */
    private List<TrialSummary.Link> links() {
        Set<String> nodes = profiles.keySet();
        Map<String, String[]> pairs = new TreeMap<>();
        for (LinkSpec l : scenario.topology().links()) {
            if (nodes.contains(l.a()) && nodes.contains(l.b())) {
                pairs.put(MeasuredLink.pair(l.a(), l.b()), new String[] {l.a(), l.b()});
            }
        }
        peers.forEach((node, m) -> m.keySet().forEach(peer -> pairs.putIfAbsent(MeasuredLink.pair(node, peer), new String[] {node, peer})));
        double kmPerMs = LinkEstimator.Settings.defaults().kmPerMs();
        List<TrialSummary.Link> out = new ArrayList<>();
        for (String[] p : pairs.values()) {
            LinkSpec d = scenario.topology().link(p[0], p[1]).orElse(null);
            MeasuredLink m = MeasuredLink.fold(peers, p[0], p[1]);
            out.add(new TrialSummary.Link(p[0], p[1], d == null ? null : d.bandwidthMbPerMs() * 8000,
                    d == null ? null : Latency.roundTripMs(d, kmPerMs), m.mbPerMs() == null ? null : m.mbPerMs() * 8000,
                    m.rttMs(), m.samples()));
        }
        return out;
    }

}
