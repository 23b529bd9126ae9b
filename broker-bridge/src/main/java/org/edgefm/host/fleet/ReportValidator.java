package org.edgefm.host.fleet;

import org.edgefm.host.HostMeters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.edgefm.api.model.TaskType;
import org.edgefm.wire.Ack;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Directive;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.Result;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.TaskTicket;
import org.edgefm.wire.Telemetry;

/**
 * Checks what agents report against what the host knows before anything reaches the fleet state,
 * the planners or the meters (no trust in device-reported data without checks). Well-formedness is
 * {@code WireCodec}'s job; this class checks meaning:
 * <ul>
 *   <li><b>epochs</b>: a birth may not claim a planner epoch beyond the host's (its applied-state
 *       claim is dropped, so a forged directive can never settle the host's own);</li>
 *   <li><b>acks</b> only for directives the host sent that node; instances started only of services
 *       that directive names;</li>
 *   <li><b>service figures</b> only for services the host asked the node to run, finite and within
 *       physical bounds;</li>
 *   <li><b>links</b> only to peers the node's directive names (the peers it exchanges data with and
 *       probes), with {@code rtt > 0}, bandwidth no higher than the node's interface
 *       ({@code reports.maxLinkMbPerMs}), and a step from the previous accepted figure of at most
 *       {@code reports.linkStepFactor} either way;</li>
 *   <li><b>completions</b> only of tasks a node of the fleet admitted: each carries its origin's
 *       {@link TaskTicket} (signed with the key the host derived for that origin and planner epoch
 *       and sent only in the origin's directive), so invented ids, tasks moved to another origin,
 *       type or submit time, and tickets of another fleet or a host secret of another run are
 *       refused ({@code forged-task}); only from a node that runs or ran (in one of the directives
 *       kept for it, or of the previous host run's journal) the sink stage's service of the task
 *       type, or from the task's origin (which holds the key and could as well have run the task
 *       itself); with the task type's deadline and times not in the future; each task id once
 *       ({@code replay}, a bounded window below); and, where the task source registers the ids it
 *       issued ({@link #taskIssued}), only for those ids, from their origin.</li>
 * </ul>
 * Every rejection is counted per node and {@link Reason}, logged once per node and reason, and a node
 * with {@code reports.flagAfter} rejections within a minute is flagged (dashboard, {@code /api/fleet},
 * {@code edgefm_reports_flagged}). Thread-safe. The checks are here; what the host sent each node is
 * {@link IssuedDirectives}, the once-only count of task ids {@link OnceOnly}, and the rejection books
 * {@link Rejections}.
 */
public final class ReportValidator {
    /** Why a report (or part of one) was rejected; the {@code reason} label values. */
    public enum Reason {
        /** A birth claimed a planner epoch beyond the host's. */
        FUTURE_EPOCH,
        /** An ack for a directive the host never sent that node. */
        UNKNOWN_DIRECTIVE,
        /** Figures or instances of a service the host did not ask the node to run. */
        UNASKED_SERVICE,
        /** A service figure that is not finite or outside physical bounds. */
        BAD_FIGURE,
        /** A link to a peer the node neither exchanges data with nor probes. */
        UNDECLARED_LINK,
        /** A link figure outside physical bounds (rtt <= 0, bandwidth above the interface). */
        BAD_LINK,
        /** A completion from a node that does not run the task type's sink stage. */
        NOT_SINK,
        /** A completion of a task id the task source never issued, or from another origin. */
        UNKNOWN_TASK,
        /** A completion with impossible times or a deadline other than the task type's. */
        BAD_TASK,
        /** A completion without a valid ticket of its origin (invented or altered task, another fleet or run). */
        FORGED_TASK,
        /**
         * A completion of a task id already counted with other figures or from another node, or older than the
         * once-only window (the same report again, as an agent re-sends it, is dropped without counting).
         */
        REPLAY;

        /** The label value. */
        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /**
     * Bounds. [I] = reconstruction, not from the paper.
     *
     * @param maxLinkMbPerMs   [I] a node's interface: no measured throughput above it (default 12.5 MB/ms = 100 Gbit/s)
     * @param maxRttMs         [I] largest credible round trip (default 60,000 ms)
     * @param linkStepFactor   [I] an accepted link figure is clamped to within this factor of the previous one (default 4)
     * @param maxLatencyMs     largest credible stage latency (default 3,600,000 ms)
     * @param maxRateMbPerMs   largest credible per-task service rate sample (default 1e6 MB/ms)
     * @param maxCount         largest credible queue, in-flight, arrival or completion count per message (default 1,000,000)
     * @param clockSkewMs      how far in the future a completion time may lie (default 60,000 ms)
     * @param flagAfter        rejections within a minute that flag a node (default 20)
     * @param maxUnnamedLinkPeers [I] distinct peers outside its directives a node may report links to
     *                         (a joined fleet's bootstrap, a restarted host's first minutes; default 16)
     */
    public record Settings(double maxLinkMbPerMs, double maxRttMs, double linkStepFactor, double maxLatencyMs,
            double maxRateMbPerMs, int maxCount, long clockSkewMs, int flagAfter, int maxUnnamedLinkPeers) {
        /** The defaults. */
        public static Settings defaults() {
            return new Settings(12.5, 60_000, 4, 3_600_000, 1e6, 1_000_000, 60_000, 20, UNNAMED_LINK_PEERS);
        }

        /** The settings before {@code maxUnnamedLinkPeers}, with its default. */
        public Settings(double maxLinkMbPerMs, double maxRttMs, double linkStepFactor, double maxLatencyMs,
                double maxRateMbPerMs, int maxCount, long clockSkewMs, int flagAfter) {
            this(maxLinkMbPerMs, maxRttMs, linkStepFactor, maxLatencyMs, maxRateMbPerMs, maxCount, clockSkewMs, flagAfter,
                    UNNAMED_LINK_PEERS);
        }
    }

    /**
     * [I] How many distinct peers outside the directives kept for it a node may report links to. A
     * real agent probes the peers its directive names; a joined fleet's nodes start from links to
     * their neighbours (in {@code bench load}: cell mates and backbone tree, at most 8), and after a
     * host restart a node reports its previous directive's peers. 16 bounds how far one hostile node
     * can reach into the planners' topology of a large fleet (instead of every node that joined).
     */
    static final int UNNAMED_LINK_PEERS = 16;

    /** A node's rejections, for the API and the dashboard. */
    public record NodeRejections(String node, Map<String, Long> byReason, long total, boolean flagged) {
    }

    private static final int MAX_TASKS = 1_000_000;
    /** Task ids remembered for the once-only check; beyond it the oldest go and their submit time becomes the floor. */
    static final int ONCE_WINDOW = 262_144;

    private final Settings settings;
    private final LongSupplier hostEpoch;
    private final LongSupplier clock;
    private final Map<String, TaskType> taskTypes;
    private final IssuedDirectives issued = new IssuedDirectives();
    private final Map<String, double[]> lastLink = new ConcurrentHashMap<>();
    private final Rejections rejections;
    /** Task ids the task source issued, with their origin; null until it registers one. */
    private volatile Map<String, String> tasks;
    /** The host's task secret and fleet; null: tickets are not checked (no secret configured). */
    private volatile byte[] taskSecret;
    private volatile String fleet;
    /** Each task id counted once. */
    private final OnceOnly onceOnly = new OnceOnly(ONCE_WINDOW);

    /**
     * A validator.
     *
     * @param settings  bounds
     * @param taskTypes the scenario's task types (empty without a scenario: completions of any type are then
     *                  checked for times and issued ids only)
     * @param hostEpoch the host's planner epoch
     * @param clock     epoch ms
     * @param meters    where rejections are counted
     */
    public ReportValidator(Settings settings, List<TaskType> taskTypes, LongSupplier hostEpoch, LongSupplier clock,
            HostMeters meters) {
        this.settings = settings;
        this.hostEpoch = hostEpoch;
        this.clock = clock;
        this.rejections = new Rejections(settings.flagAfter(), clock, meters);
        Map<String, TaskType> t = new LinkedHashMap<>();
        taskTypes.forEach(x -> t.put(x.id(), x));
        this.taskTypes = Map.copyOf(t);
    }

    /**
     * Checks tickets from now on: completions must carry a {@link TaskTicket} of their origin derived
     * from {@code secret} for {@code fleet}.
     */
    public void taskSecret(byte[] secret, String fleet) {
        this.fleet = fleet;
        this.taskSecret = secret.clone();
    }

    /**
     * What the previous host run knew: the services its directives named per node (from its
     * journal), and the task ids it counted. A restarted host checks the sink of completions that
     * nodes finish before it sends them anything, and counts none of those ids again.
     */
    public void previousRun(Map<String, Set<String>> servicesByNode, List<String> countedIds) {
        issued.previousRun(servicesByNode);
        onceOnly.previousRun(countedIds);
    }

    /**
     * Link reports to a node that {@code joined} accepts count too, not only to the peers the node's
     * directive names: in a fleet that joins, no link is declared and the routes that would name peers
     * need links first, so the agents' measured links to other nodes of the fleet are how the planners'
     * topology comes to be. Still bounded: only nodes that joined this fleet.
     */
    public void acceptLinksTo(java.util.function.Predicate<String> joined) {
        this.linkPeers = java.util.Objects.requireNonNull(joined, "joined is null");
    }

    private volatile java.util.function.Predicate<String> linkPeers = id -> false;
    /** The nodes of this fleet (born, or declared by the scenario). */
    private volatile java.util.function.Predicate<String> fleetNodes = id -> false;
    /** Services of the scenario: what a node restarted under an older planner epoch may say it stopped. */
    private volatile Set<String> scenarioServices = Set.of();
    /** Per node, the distinct peers outside its directives whose links were accepted (at most maxUnnamedLinkPeers each). */
    private final Map<String, Set<String>> unnamedPeers = new ConcurrentHashMap<>();
    /** Per node, the planner epoch its newest birth said it applied (what it ran before this host run). */
    private final Map<String, Long> bornUnder = new ConcurrentHashMap<>();

    /**
     * The nodes of this fleet and the scenario's services, for what a legitimate agent sends right after
     * a host restart, before this host has sent it anything: links to the peers of its previous
     * directive (nodes of this fleet, counted against {@code maxUnnamedLinkPeers}), and, in the ack of
     * the first directive of this run, the services of its previous directive that this one stops.
     */
    public void fleet(java.util.function.Predicate<String> nodes, java.util.Collection<String> services) {
        this.fleetNodes = java.util.Objects.requireNonNull(nodes, "nodes is null");
        this.scenarioServices = Set.copyOf(services);
    }

    /** Records a directive the host sent (called for every directive the fleet publishes). */
    public void issued(Directive d) {
        issued.add(d);
    }

    /**
     * Registers a task id the task source issued at {@code origin}: from then on only registered ids
     * are counted (a trial registers every task it submits).
     */
    public void taskIssued(String taskId, String origin) {
        Map<String, String> m = tasks;
        if (m == null) {
            synchronized (this) {
                if (tasks == null) {
                    tasks = new ConcurrentHashMap<>();
                }
                m = tasks;
            }
        }
        if (m.size() >= MAX_TASKS) {
            m.clear(); // a very long run: forget the oldest generation rather than grow without bound
        }
        m.put(taskId, origin);
    }

    /** The birth as the host may believe it: a claimed planner epoch beyond the host's is dropped. */
    public Birth birth(Birth b) {
        if (b.plannerEpoch() <= hostEpoch.getAsLong()) {
            bornUnder.put(b.nodeId(), b.plannerEpoch());
            return b;
        }
        reject(b.nodeId(), Reason.FUTURE_EPOCH, "birth claims applied directive " + b.plannerEpoch() + "/" + b.appliedVersion()
                + " but the host's planner epoch is " + hostEpoch.getAsLong());
        return new Birth(b.schema(), b.nodeId(), b.sessionEpoch(), b.timestampMs(), b.profile(), b.agentVersion(),
                b.capabilities(), 0, 0, b.calibration(), b.dataEndpoint());
    }

    /** The ack, or null when it names no directive the host sent; unasked instances are removed. */
    public Ack ack(Ack a) {
        Directive d = issued.find(a.nodeId(), a.plannerEpoch(), a.version());
        if (d == null) {
            reject(a.nodeId(), Reason.UNKNOWN_DIRECTIVE, "ack for directive " + a.plannerEpoch() + "/" + a.version()
                    + ", which the host never sent it");
            return null;
        }
        Set<String> asked = IssuedDirectives.services(d);
        List<InstanceStart> started = new ArrayList<>();
        for (InstanceStart s : a.started()) {
            if (asked.contains(s.service()) && (s.preloadMs() == null || (Double.isFinite(s.preloadMs())
                    && s.preloadMs() >= 0 && s.preloadMs() <= settings.maxLatencyMs()))) {
                started.add(s);
            } else {
                reject(a.nodeId(), asked.contains(s.service()) ? Reason.BAD_FIGURE : Reason.UNASKED_SERVICE,
                        "ack " + a.plannerEpoch() + "/" + a.version() + " started '" + clip(s.service()) + "'");
            }
        }
        List<InstanceStop> stopped = new ArrayList<>();
        // the ack of the first directive this host run sent a node that ran another epoch's directive before
        // (a host restart): it stops what that directive started, which only the previous run knew
        long[] first = issued.first(a.nodeId());
        boolean afterRestart = first != null && first[0] == a.plannerEpoch() && first[1] == a.version()
                && bornUnder.getOrDefault(a.nodeId(), Long.MAX_VALUE) < a.plannerEpoch();
        for (InstanceStop s : a.stopped()) {
            if (issued.knownService(a.nodeId(), s.service()) || issued.previousRun(a.nodeId()).contains(s.service())
                    || (afterRestart && scenarioServices.contains(s.service()))) {
                stopped.add(s);
            } else {
                reject(a.nodeId(), Reason.UNASKED_SERVICE, "ack " + a.plannerEpoch() + "/" + a.version() + " stopped '"
                        + clip(s.service()) + "'");
            }
        }
        if (started.size() == a.started().size() && stopped.size() == a.stopped().size()) {
            return a;
        }
        return new Ack(a.schema(), a.nodeId(), a.plannerEpoch(), a.version(), a.outcome(), a.error(), a.timestampMs(),
                started, stopped);
    }

    /** The telemetry with only the service figures and links the host can believe (clamped links). */
    public Telemetry telemetry(Telemetry t) {
        Set<String> asked = issued.recentServices(t.nodeId());
        List<ServiceMetrics> services = new ArrayList<>();
        for (ServiceMetrics s : t.services()) {
            if (!asked.contains(s.service())) {
                reject(t.nodeId(), Reason.UNASKED_SERVICE, "telemetry for service '" + clip(s.service()) + "'");
            } else if (!plausible(s)) {
                reject(t.nodeId(), Reason.BAD_FIGURE, "telemetry for service '" + s.service() + "' has figures out of bounds");
            } else {
                services.add(s);
            }
        }
        Set<String> peers = issued.recentPeers(t.nodeId());
        // before this host run sent the node anything (a host restart), it reports its previous directive's peers:
        // only a node whose birth says it ran a directive of an earlier host run (a fresh node has no such peers)
        long bornEpoch = bornUnder.getOrDefault(t.nodeId(), 0L);
        boolean nothingSent = !issued.sentTo(t.nodeId()) && bornEpoch > 0 && bornEpoch < hostEpoch.getAsLong();
        List<PeerMetrics> links = new ArrayList<>();
        for (PeerMetrics p : t.peers()) {
            boolean unnamed = !peers.contains(p.peer());
            if (p.peer().equals(t.nodeId())
                    || (unnamed && !(linkPeers.test(p.peer()) || (nothingSent && fleetNodes.test(p.peer()))))) {
                reject(t.nodeId(), Reason.UNDECLARED_LINK, "link to '" + clip(p.peer()) + "', a peer it was not given"
                        + " and no node of this fleet");
                continue;
            }
            if (unnamed && !unnamedPeerAllowed(t.nodeId(), p.peer())) {
                reject(t.nodeId(), Reason.UNDECLARED_LINK, "link to '" + clip(p.peer()) + "': already "
                        + settings.maxUnnamedLinkPeers() + " peers outside its directives (reports.maxUnnamedLinkPeers)");
                continue;
            }
            if (p.rttMs() == null || p.throughputMbPerMs() == null) {
                links.add(p); // not measured yet: carries nothing
                continue;
            }
            double rtt = p.rttMs();
            double tput = p.throughputMbPerMs();
            if (!(rtt > 0 && rtt <= settings.maxRttMs() && tput > 0 && tput <= settings.maxLinkMbPerMs())) {
                reject(t.nodeId(), Reason.BAD_LINK, "link to '" + p.peer() + "': rtt " + rtt + " ms, " + tput
                        + " MB/ms (expected: 0 < rtt <= " + settings.maxRttMs() + ", 0 < throughput <= "
                        + settings.maxLinkMbPerMs() + ")");
                continue;
            }
            double[] last = lastLink.get(t.nodeId() + "|" + p.peer());
            if (last != null) {
                double f = settings.linkStepFactor();
                rtt = Math.max(last[0] / f, Math.min(last[0] * f, rtt));
                tput = Math.max(last[1] / f, Math.min(last[1] * f, tput));
            }
            lastLink.put(t.nodeId() + "|" + p.peer(), new double[] {rtt, tput});
            links.add(rtt == p.rttMs() && tput == p.throughputMbPerMs() ? p
                    : new PeerMetrics(p.peer(), rtt, tput, p.samples(), p.ageMs()));
        }
        if (services.size() == t.services().size() && links.size() == t.peers().size() && links.equals(t.peers())) {
            return t;
        }
        return new Telemetry(t.schema(), t.nodeId(), t.sessionEpoch(), t.seq(), t.timestampMs(), t.appliedVersion(),
                t.host(), t.gpus(), services, links);
    }

    private boolean plausible(ServiceMetrics s) {
        int max = settings.maxCount();
        if (s.instances() > max || s.parallelism() > max || s.queueLength() > max || s.inFlight() > max
                || s.arrivals() > max || s.completed() > max) {
            return false;
        }
        for (Double x : new Double[] {s.latencyP50Ms(), s.latencyP95Ms()}) {
            if (x != null && !(Double.isFinite(x) && x >= 0 && x <= settings.maxLatencyMs())) {
                return false;
            }
        }
        for (Double x : s.rateSamplesMbPerMs()) {
            if (x == null || !(Double.isFinite(x) && x > 0 && x <= settings.maxRateMbPerMs())) {
                return false;
            }
        }
        for (Double x : s.preloadMs()) {
            if (x == null || !(Double.isFinite(x) && x >= 0 && x <= settings.maxLatencyMs())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Completions reported again with the same figures (a result re-sent or delivered twice), dropped here
     * before the fleet state: counted once, never as an attack.
     */
    public long repeatedReports() {
        return onceOnly.repeated();
    }

    /** The result with only the completions the host can believe, or null when none is left. */
    public Result result(Result r) {
        List<TaskCompletion> ok = new ArrayList<>();
        long now = clock.getAsLong();
        Set<String> ran = issued.recentServices(r.nodeId());
        boolean known = issued.sentTo(r.nodeId()) || issued.inPreviousRun(r.nodeId());
        Map<String, String> issuedTasks = tasks;
        byte[] secret = taskSecret;
        for (TaskCompletion c : r.completions()) {
            TaskType tt = taskTypes.get(c.taskType());
            if (c.completedAtMs() > now + settings.clockSkewMs() || (tt != null && c.deadlineMs() != tt.deadlineMs())
                    || (!taskTypes.isEmpty() && tt == null)) {
                reject(r.nodeId(), Reason.BAD_TASK, "completion of task '" + clip(c.taskId()) + "' (type '" + clip(c.taskType())
                        + "', deadline " + c.deadlineMs() + " ms, completed at " + c.completedAtMs() + ")");
                continue;
            }
            if (secret != null) {
                long epoch = TaskTicket.epoch(c.ticket());
                if (c.ticket() == null || epoch < 1 || epoch > hostEpoch.getAsLong()
                        || !TaskTicket.verify(secret, fleet, c)) {
                    reject(r.nodeId(), Reason.FORGED_TASK, "completion of task '" + clip(c.taskId()) + "' of origin '"
                            + c.origin() + "': " + (c.ticket() == null ? "no ticket"
                            : epoch < 1 || epoch > hostEpoch.getAsLong() ? "ticket of planner epoch " + epoch
                                    + ", not of this host (epoch " + hostEpoch.getAsLong() + ")"
                            : "ticket not signed by the origin for this task, type and submit time"));
                    continue;
                }
            }
            if (issuedTasks != null && !c.origin().equals(issuedTasks.get(c.taskId()))) {
                reject(r.nodeId(), Reason.UNKNOWN_TASK, "completion of task '" + clip(c.taskId()) + "' from origin '"
                        + c.origin() + "', which the task source did not issue there");
                continue;
            }
            // the sink reports a completion, under any directive kept for it (in-flight tasks finish where they
            // ran after a re-plan moved the sink away); the origin may report one it finished itself after a
            // failover (it holds the task's key: it could as well have run it). A node the host knows nothing of
            // (no directive sent, none in the previous run's journal, e.g. a host without a planner) is not
            // checked here; its completions still need their origin's ticket.
            if (tt != null && known && !ran.contains(tt.sink().service()) && !c.origin().equals(r.nodeId())) {
                reject(r.nodeId(), Reason.NOT_SINK, "completion of task '" + clip(c.taskId()) + "': the node does not run '"
                        + tt.sink().service() + "', the sink of " + tt.id());
                continue;
            }
            int fingerprint = java.util.Objects.hash(r.nodeId(), c.origin(), c.ticket(), c.completedAtMs(), c.success());
            String replay = onceOnly.count(c.taskId(), c.submittedAtMs(), fingerprint);
            if (replay == OnceOnly.REPEATED) {
                continue; // the same report again (an agent re-sends what the broker did not acknowledge): counted once
            }
            if (replay != null) {
                reject(r.nodeId(), Reason.REPLAY, "completion of task '" + clip(c.taskId()) + "': " + replay);
                continue;
            }
            ok.add(c);
        }
        return ok.size() == r.completions().size() ? r : ok.isEmpty() ? null
                : new Result(r.schema(), r.nodeId(), r.timestampMs(), ok);
    }

    /** Whether {@code peer} is, or may become, one of the node's at most maxUnnamedLinkPeers peers outside its directives. */
    private boolean unnamedPeerAllowed(String node, String peer) {
        Set<String> s = unnamedPeers.computeIfAbsent(node, k -> ConcurrentHashMap.newKeySet());
        synchronized (s) {
            return s.contains(peer) || (s.size() < settings.maxUnnamedLinkPeers() && s.add(peer));
        }
    }

    private void reject(String node, Reason reason, String what) {
        rejections.reject(node, reason, what);
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 64 ? s.substring(0, 61) + "..." : s;
    }

    /** The host's planner epoch: directives of an older one were issued by an earlier host run. */
    public long hostEpoch() {
        return hostEpoch.getAsLong();
    }

    /** Log lines written about rejected reports so far (tests: a joining fleet's links are one line, not one per node). */
    long rejectionLines() {
        return rejections.linesLogged();
    }

    /** Rejections per node and reason, and which nodes are flagged. */
    public List<NodeRejections> rejections() {
        return rejections.byNode();
    }

    /** True when {@code node} is flagged. */
    public boolean flagged(String node) {
        return rejections.flagged(node);
    }

    /** Rejections of {@code node} for {@code reason} so far. */
    public long rejected(String node, Reason reason) {
        return rejections.count(node, reason);
    }
}
