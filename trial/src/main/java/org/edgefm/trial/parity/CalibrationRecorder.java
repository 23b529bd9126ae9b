package org.edgefm.trial.parity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Dist;
import org.edgefm.sim.calibration.Issued;
import org.edgefm.sim.calibration.Link;
import org.edgefm.sim.calibration.Observed;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.sim.calibration.Preload;
import org.edgefm.sim.calibration.StageRun;
import org.edgefm.sim.calibration.Station;
import org.edgefm.sim.calibration.Task;
import org.edgefm.sim.calibration.WarmupCut;
import org.edgefm.sim.calibration.Workload;
import org.edgefm.wire.KernelCalibration;
import org.edgefm.trial.MeasuredLink;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;

/**
 * Writes a trial's measurements as a {@link Calibration}: service times and worker-pool waits per
 * (node, service) from the stage timings of the task log, the link figures the agents reported,
 * preloads from the applied acks, and the per-hop overheads, each measured as the time the task log
 * shows between two points minus what the model accounts for with the measured link figures
 * ({@link Latency#linkDelayMs}, the one formula of eq. 2):
 * <ul>
 *   <li>ingress: submission at the origin to the leaf stage's queue, minus the origin-to-leaf link;</li>
 *   <li>hop: the last parent's end to the stage's queue, minus the parent-to-stage link (local when
 *       both ran on one node, remote otherwise);</li>
 *   <li>residual, per task: end-to-end latency minus the critical path of service and link times
 *       (so it holds the queueing as well as the hops' overheads).</li>
 * </ul>
 * Stage timings without a queueing time (older agents) use the stage's start instead. The directives
 * the host published are kept whole (instances and routes) for a replay that applies them; the warm-up's
 * end and the stations measured only during it ({@link WarmupCut}), and what the host's loop observed
 * at each slot ({@link Observed}), for a planner replay that decides on the same readings.
 */
public final class CalibrationRecorder {
    private final Scenario scenario;
    private final Map<String, ServiceSpec> services = new HashMap<>();
    private final Map<String, TaskType> types = new HashMap<>();
    private final Map<String, LinkSpec> measured = new HashMap<>();

    private CalibrationRecorder(Scenario scenario) {
        this.scenario = scenario;
        scenario.services().forEach(s -> services.put(s.id(), s));
        scenario.taskTypes().forEach(t -> types.put(t.id(), t));
    }

    /**
     * The calibration of a trial.
     *
     * @param log      what the trial's monitor recorded
     * @param scenario the scenario it ran
     * @param planner  its planner
     */
    public static Calibration record(TrialLog log, Scenario scenario, String planner) {
        return new CalibrationRecorder(scenario).build(log, planner);
    }

    private Calibration build(TrialLog log, String planner) {
        List<Link> links = links(log.peers());
        for (Link l : links) {
            if (l.mbPerMs() != null && l.rttMs() != null) {
                measured.put(MeasuredLink.pair(l.a(), l.b()), new LinkSpec(l.a(), l.b(), l.mbPerMs(), 0, l.rttMs() / 2));
            }
        }
        Map<String, List<Double>> serviceMs = new TreeMap<>();
        Map<String, List<Double>> queueMs = new TreeMap<>();
        List<Double> ingress = new ArrayList<>();
        List<Double> localHop = new ArrayList<>();
        List<Double> remoteHop = new ArrayList<>();
        List<Double> residual = new ArrayList<>();
        List<Task> taskLog = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        long start = log.workloadStartMs();
        InFlight inFlight = new InFlight(log, start);
        for (TrialLog.Task t : log.tasks()) {
            boolean logged = start >= 0 && t.user() != null && t.origin() != null && t.submittedMs() >= start;
            if (logged) {
                origins.putIfAbsent(t.user(), t.origin());
            }
            TaskCompletion c = t.completion();
            TaskType type = c == null ? null : types.get(c.taskType());
            Map<String, StageTiming> at = new HashMap<>();
            if (c != null) {
                c.stages().forEach(s -> at.put(s.stage(), s));
            }
            if (c == null || !c.success() || type == null || c.stages().size() != type.stages().size()
                    || !at.keySet().containsAll(type.stages().stream().map(Stage::id).toList())) {
                if (logged) {
                    taskLog.add(new Task(t.submittedMs() - start, t.user(), t.taskType(), t.origin(),
                            c == null ? null : (double) c.latencyMs(), c == null ? null : c.success(),
                            inFlight.at(t.submittedMs()), null, List.of()));
                }
                continue;
            }
            List<StageRun> runs = new ArrayList<>();
            Map<String, Double> critical = new HashMap<>();
            for (Stage s : topological(type)) {
                StageTiming st = at.get(s.id());
                double service = st.endMs() - st.startMs();
                String station = st.node() + "\u0000" + s.service();
                serviceMs.computeIfAbsent(station, k -> new ArrayList<>()).add(service);
                long queued = st.queuedAtMs() == null ? st.startMs() : st.queuedAtMs();
                if (st.queuedAtMs() != null) {
                    queueMs.computeIfAbsent(station, k -> new ArrayList<>()).add((double) (st.startMs() - st.queuedAtMs()));
                }
                List<Stage> parents = type.parents(s.id());
                double ready;
                double overhead;
                String hop;
                if (parents.isEmpty()) {
                    double link = linkMs(c.origin(), st.node(), type.inputMb());
                    overhead = queued - c.submittedAtMs() - link;
                    hop = "ingress";
                    ingress.add(overhead);
                    ready = link;
                } else {
                    double lastEnd = Double.NEGATIVE_INFINITY;
                    StageTiming last = null;
                    ready = 0;
                    for (Stage p : parents) {
                        StageTiming pt = at.get(p.id());
                        double link = linkMs(pt.node(), st.node(), services.get(p.service()).outputMb());
                        if (pt.endMs() + link > lastEnd) {
                            lastEnd = pt.endMs() + link;
                            last = pt;
                        }
                        ready = Math.max(ready, critical.get(p.id()) + link);
                    }
                    overhead = queued - lastEnd;
                    hop = last.node().equals(st.node()) ? "local" : "remote";
                    (last.node().equals(st.node()) ? localHop : remoteHop).add(overhead);
                }
                critical.put(s.id(), ready + service);
                runs.add(new StageRun(s.id(), st.node(), s.service(), Math.max(0, queued - start),
                        Math.max(0, st.startMs() - start), Math.max(0, st.endMs() - start), hop, round(overhead)));
            }
            double path = critical.get(type.sink().id());
            double rest = c.completedAtMs() - c.submittedAtMs() - path;
            residual.add(rest);
            if (logged) {
                taskLog.add(new Task(t.submittedMs() - start, t.user(), t.taskType(), t.origin(),
                        (double) c.latencyMs(), true, inFlight.at(t.submittedMs()), round(rest), runs));
            }
        }
        taskLog = thinStages(taskLog);
        List<Station> stations = new ArrayList<>();
        serviceMs.forEach((k, v) -> {
            String[] ns = k.split("\u0000");
            stations.add(new Station(ns[0], ns[1], Dist.of(v),
                    Dist.of(queueMs.getOrDefault(k, List.of())), calibrated(log, ns[0], ns[1])));
        });
        Map<String, List<Double>> preload = new TreeMap<>();
        for (TrialLog.Load l : log.loads()) {
            if (l.preloadMs() != null) {
                preload.computeIfAbsent(l.node() + "\u0000" + l.service(), k -> new ArrayList<>()).add(l.preloadMs());
            }
        }
        List<Preload> preloads = new ArrayList<>();
        preload.forEach((k, v) -> {
            String[] ns = k.split("\u0000");
            preloads.add(new Preload(ns[0], ns[1], v.stream().mapToDouble(Double::doubleValue).toArray()));
        });
        Calibration c = new Calibration(Calibration.SCHEMA, scenario.name(), planner,
                new Workload(Math.max(0, log.workloadMs()), log.windowMs(), log.nodes(), origins), stations,
                links, preloads, new Overheads(Dist.of(ingress), Dist.of(localHop),
                        Dist.of(remoteHop), Dist.of(residual)),
                Dist.of(log.telemetryAgeMs()), taskLog, kernels(log), issued(log));
        return start < 0 ? c : c.with(warmupCut(c, log, scenario), observed(log));
    }

    /**
     * Where the warm-up ends on the workload's clock: the moment the fleet was ready where the workload
     * started before it (and the first window if that is later), else the report's first window (a fresh
     * JVM's first calls); and which stations measured nothing after it.
     */
    static WarmupCut warmupCut(Calibration c, TrialLog log, Scenario scenario) {
        long start = log.workloadStartMs();
        if (log.readyMs() > start) {
            return WarmupCut.of(c, Math.max(log.windowMs(), log.readyMs() - start), WarmupCut.FLEET_READY, scenario);
        }
        return WarmupCut.of(c, log.windowMs(), WarmupCut.FIRST_WINDOW, scenario);
    }

    /** The loop's readings on the workload's clock, at most {@link Observed#MAX_READINGS} per list; null without any. */
    static Observed observed(TrialLog log) {
        long start = log.workloadStartMs();
        if (log.nodeReadings().isEmpty() && log.linkReadings().isEmpty()) {
            return null;
        }
        List<Observed.NodeReading> nodes = new ArrayList<>(log.nodeReadings().size());
        log.nodeReadings().forEach(r -> nodes.add(new Observed.NodeReading(r.atMs() - start, r.node(), r.online(),
                r.telemetryAgeMs(), r.cpuLoad())));
        List<Observed.LinkReading> links = new ArrayList<>(log.linkReadings().size());
        log.linkReadings().forEach(r -> links.add(new Observed.LinkReading(r.atMs() - start, r.a(), r.b(), r.rttMs(),
                r.mbPerMs())));
        return new Observed(Observed.thin(nodes), Observed.thin(links));
    }

    /**
     * The directives the host published, on the workload's clock (those before its start negative),
     * without peer endpoints; none when more than {@link Calibration#MAX_DIRECTIVES} were published.
     */
    static List<Issued> issued(TrialLog log) {
        if (log.directives().size() > Calibration.MAX_DIRECTIVES) {
            return List.of();
        }
        long start = Math.max(0, log.workloadStartMs());
        List<Issued> out = new ArrayList<>(log.directives().size());
        for (TrialLog.DirectiveEvent e : log.directives()) {
            org.edgefm.wire.Directive d = e.directive();
            if (d != null) {
                out.add(new Issued(e.atMs() - start, d.nodeId(), d.plannerEpoch(), d.version(),
                        new org.edgefm.wire.DesiredState(d.desired().services(), d.desired().routing(), Map.of())));
            }
        }
        return out;
    }

    /** Eq. (2) between two nodes with the measured link, else the declared one; 0 on one node or without a link. */
    private double linkMs(String from, String to, double mb) {
        if (from == null || from.equals(to)) {
            return 0;
        }
        LinkSpec l = measured.get(MeasuredLink.pair(from, to));
        if (l == null) {
            l = scenario.topology().link(from, to).orElse(null);
        }
        return l == null ? 0 : Latency.linkDelayMs(l, mb, Latency.DEFAULT_KM_PER_MS);
    }

    /** Per node, its birth's kernel calibration (MB/ms per kernel kind; rates of 0 left out). */
    private static Map<String, Map<String, Double>> kernels(TrialLog log) {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        log.calibrations().forEach((node, ks) -> {
            Map<String, Double> m = new TreeMap<>();
            ks.forEach(k -> {
                if (k.mbPerMs() > 0 && !Double.isInfinite(k.mbPerMs())) {
                    m.put(k.kernel(), k.mbPerMs());
                }
            });
            if (!m.isEmpty()) {
                out.put(node, m);
            }
        });
        return out;
    }

    /** The node's calibrated rate for the service's kernel kind (MB/ms), or null. */
    private Double calibrated(TrialLog log, String node, String service) {
        ServiceSpec s = services.get(service);
        if (s == null || s.kernel() == null) {
            return null;
        }
        for (KernelCalibration k : log.calibrations().getOrDefault(node, List.of())) {
            if (k.kernel().equals(s.kernel().kind())) {
                return k.mbPerMs();
            }
        }
        return null;
    }

    /** Per pair of nodes, the mean of both directions' figures ({@link MeasuredLink}, as the trial's link table). */
    private static List<Link> links(Map<String, Map<String, PeerMetrics>> peers) {
        Map<String, String[]> pairs = new TreeMap<>();
        peers.forEach((node, m) -> m.keySet().forEach(peer -> {
            if (!peer.equals(node)) {
                pairs.putIfAbsent(MeasuredLink.pair(node, peer), node.compareTo(peer) < 0
                        ? new String[] {node, peer} : new String[] {peer, node});
            }
        }));
        List<Link> out = new ArrayList<>();
        for (String[] ab : pairs.values()) {
            MeasuredLink l = MeasuredLink.fold(peers, ab[0], ab[1]);
            out.add(new Link(l.a(), l.b(), l.rttMs(), positive(l.mbPerMs()), l.samples()));
        }
        return out;
    }

    /** The stages of a task type, each after all of its parents. */
    private static List<Stage> topological(TaskType type) {
        List<Stage> out = new ArrayList<>();
        List<Stage> left = new ArrayList<>(type.stages());
        while (!left.isEmpty()) {
            for (java.util.Iterator<Stage> it = left.iterator(); it.hasNext();) {
                Stage s = it.next();
                if (out.containsAll(type.parents(s.id()))) {
                    out.add(s);
                    it.remove();
                }
            }
        }
        return out;
    }

    /** Most tasks of the log that keep their stage timings (a long trial's file stays bounded). */
    static final int MAX_STAGED_TASKS = 20_000;

    /** Beyond {@link #MAX_STAGED_TASKS} tasks with stages, keeps the stages of evenly spaced ones (time coverage stays). */
    static List<Task> thinStages(List<Task> log) {
        long staged = log.stream().filter(t -> !t.stages().isEmpty()).count();
        if (staged <= MAX_STAGED_TASKS) {
            return log;
        }
        double stride = (double) staged / MAX_STAGED_TASKS;
        List<Task> out = new ArrayList<>(log.size());
        long i = 0;
        long kept = 0;
        for (Task t : log) {
            if (!t.stages().isEmpty()) {
                boolean keep = kept < MAX_STAGED_TASKS && i >= Math.round(kept * stride);
                i++;
                if (keep) {
                    kept++;
                } else {
                    t = new Task(t.atMs(), t.user(), t.taskType(), t.origin(), t.latencyMs(), t.success(),
                            t.inFlight(), t.residualMs(), List.of());
                }
            }
            out.add(t);
        }
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /** How many of the workload's tasks were submitted before a time and not completed by then. */
    private static final class InFlight {
        private final long[] submitted;
        private final long[] completed;

        InFlight(TrialLog log, long start) {
            List<Long> s = new ArrayList<>();
            List<Long> c = new ArrayList<>();
            for (TrialLog.Task t : log.tasks()) {
                if (start >= 0 && t.submittedMs() >= start) {
                    s.add(t.submittedMs());
                    if (t.completion() != null) {
                        c.add(t.completion().completedAtMs());
                    }
                }
            }
            submitted = s.stream().mapToLong(Long::longValue).sorted().toArray();
            completed = c.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        Integer at(long ms) {
            return Math.max(0, below(submitted, ms) - below(completed, ms + 1));
        }

        /** How many of the sorted {@code a} are below {@code x}. */
        private static int below(long[] a, long x) {
            int lo = 0;
            int hi = a.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] < x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    private static Double positive(Double x) {
        return x == null || !(x > 0) ? null : x;
    }

}
