package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.LinkEstimator;
import org.edgefm.host.fleet.FleetState;

/**
 * The host's Micrometer meters, exposed in Prometheus text format on {@code /metrics}: messages in,
 * out and bad (by type and reason), plugin failures (by plugin), decision and placement time, outbox
 * size, task completions and the on-time rate, model switches (instances started and stopped per node
 * and service, measured preloads per service), new planners' topologies from the measured links (by
 * reason); plus a short history of per-slot trial figures for
 * the dashboard. Also a {@link ControlLoop.Listener}. Thread-safe.
 *
 * <p>The host's Vert.x writes its own meters (HTTP server by route, pools, Netty, JVM) into the same
 * registry ({@link HostVertx}); this class shapes two of them: requests that matched no route get
 * {@code route="unmatched"}, and the HTTP response time gets a few fixed histogram buckets.
 */
public final class HostMeters implements ControlLoop.Listener {
    /**
     * One slot's trial figures for the dashboard.
     *
     * @param slot         slot index
     * @param nowMs        fleet clock
     * @param completed    tasks completed in the slot
     * @param onTime       of which on time
     * @param meanLatencyMs mean end-to-end latency, or null when none completed
     */
    public record SlotPoint(long slot, double nowMs, int completed, int onTime, Double meanLatencyMs) {
    }

    private static final int HISTORY = 600;
    private static final int MAX_LAG_SAMPLES = 1 << 20;
    /** Percentiles cover roughly the last 20 to 30 s. */
    private static final java.time.Duration WINDOW = java.time.Duration.ofSeconds(30);
    /** Histogram buckets of {@code edgefm_instance_preload_seconds}: 10 ms to 30 s. */
    private static final java.time.Duration[] PRELOAD_BUCKETS = java.util.stream.LongStream
            .of(10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000)
            .mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer decisionTimer;
    private final Timer placementTimer;
    private final Timer telemetryLag;
    private final Timer ackTime;
    private final Timer stepTime;
    private final Timer decisionLag;
    private final Counter resent;
    private final io.micrometer.core.instrument.DistributionSummary directiveBytes;
    /** Every decision lag of the run in ns (up to {@link #MAX_LAG_SAMPLES}), for whole-run percentiles. */
    private long[] lagSamples = new long[1024];
    private int lagCount;
    private final Counter completed;
    private final Counter onTime;
    private final Deque<SlotPoint> history = new ArrayDeque<>();
    private long totalCompleted;
    private long totalOnTime;

    /** Buckets of Vert.x's {@code vertx_http_server_response_time_seconds} histogram: 5 ms to 5 s. */
    private static final java.time.Duration[] HTTP_BUCKETS = java.util.stream.LongStream.of(5, 25, 100, 250, 1_000, 5_000)
            .mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);
    /** The {@code route} label of HTTP requests that matched no route (Vert.x leaves it empty). */
    static final String UNMATCHED_ROUTE = "unmatched";

    /** Creates the meters. */
    public HostMeters() {
        // Vert.x's own meters land in this registry too (HostVertx); filters go before any meter
        registry.config()
                .meterFilter(MeterFilter.replaceTagValues("route", v -> v.isEmpty() ? UNMATCHED_ROUTE : v))
                .meterFilter(httpResponseTimeBuckets());
        decisionTimer = Timer.builder("edgefm.decision.time").description("Light-controller call time")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(WINDOW).distributionStatisticBufferLength(3)
                .register(registry);
        placementTimer = Timer.builder("edgefm.placement.time").description("Core-placement call time").register(registry);
        telemetryLag = Timer.builder("edgefm.telemetry.lag")
                .description("Receipt time minus the agent's telemetry timestamp (includes clock offset)")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(WINDOW).distributionStatisticBufferLength(3)
                .register(registry);
        ackTime = Timer.builder("edgefm.directive.ack.time")
                .description("From the first publish of a directive to its acknowledgement")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(WINDOW).distributionStatisticBufferLength(3)
                .register(registry);
        stepTime = Timer.builder("edgefm.step.time")
                .description("One control-loop slot: snapshot, decision, diff, directives handed out")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(WINDOW).distributionStatisticBufferLength(3)
                .register(registry);
        decisionLag = Timer.builder("edgefm.decision.lag")
                .description("From a slot's start to its directives handed to the fleet (timer delay, queueing, step)")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(WINDOW).distributionStatisticBufferLength(3)
                .register(registry);
        resent = Counter.builder("edgefm.directives.resent")
                .description("Directives published again because no acknowledgement came in time").register(registry);
        directiveBytes = io.micrometer.core.instrument.DistributionSummary.builder("edgefm.directive.size")
                .description("Encoded size of published directives").baseUnit("bytes").register(registry);
        completed = Counter.builder("edgefm.tasks.completed").description("Task completions received").register(registry);
        onTime = Counter.builder("edgefm.tasks.ontime").description("Task completions within their deadline").register(registry);
        Gauge.builder("edgefm.tasks.ontime.rate", this, HostMeters::onTimeRate)
                .description("Share of completed tasks that met their deadline").register(registry);
        for (LinkEstimator.Change c : LinkEstimator.Change.values()) {
            if (c != LinkEstimator.Change.NONE) {
                Counter.builder("edgefm.topology.rebuilds").tag("reason", c.label())
                        .description("New topologies handed to the planners from the measured links").register(registry);
            }
        }
    }

    private static MeterFilter httpResponseTimeBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("vertx.http.server.response.time")) {
                    return config;
                }
                double[] slos = java.util.Arrays.stream(HTTP_BUCKETS).mapToDouble(d -> d.toNanos()).toArray();
                return DistributionStatisticConfig.builder().serviceLevelObjectives(slos).build().merge(config);
            }
        };
    }

    /** Registers the outbox-size gauge. */
    public void outboxSize(Supplier<Number> size) {
        Gauge.builder("edgefm.outbox.size", size, s -> s.get().doubleValue())
                .description("Unacknowledged directives").register(registry);
    }

    /** Counts a received, valid message of {@code type}. */
    public void messageIn(String type) {
        registry.counter("edgefm.messages.in", "type", type).increment();
    }

    /** Counts a published message of {@code type}. */
    public void messageOut(String type) {
        registry.counter("edgefm.messages.out", "type", type).increment();
    }

    /** Counts a refused message of {@code type} for {@code kind}. */
    public void messageBad(String type, String kind) {
        registry.counter("edgefm.messages.bad", "type", type, "kind", kind).increment();
    }

    /** The label value of every agent-reported name the host does not know. */
    public static final String OTHER = "other";
    /** Distinct node label values at most; later nodes share {@value #OTHER}. */
    public static final int MAX_NODE_LABELS = 2_048;
    private volatile java.util.Set<String> knownServices = java.util.Set.of();
    /** Strong references to the flagged-node gauges' values (Micrometer holds them weakly). */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> flaggedGauges =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> nodeLabels = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The services the host knows (its scenario's catalog): only these become {@code service} label
     * values; any other name an agent reports is counted under {@value #OTHER}, so agents can never
     * grow {@code /metrics} without bound.
     */
    public void knownServices(java.util.Collection<String> services) {
        knownServices = java.util.Set.copyOf(services);
    }

    /** A service name as a label value: the name when the host knows it, else {@value #OTHER}. */
    String serviceLabel(String service) {
        return service != null && knownServices.contains(service) ? service : OTHER;
    }

    /**
     * A node id as a label value: node ids are authenticated accounts on a secured broker; on an open
     * one the first {@value #MAX_NODE_LABELS} get their own value, later ones {@value #OTHER}.
     */
    String nodeLabel(String node) {
        if (nodeLabels.contains(node)) {
            return node;
        }
        if (nodeLabels.size() < MAX_NODE_LABELS) {
            nodeLabels.add(node);
            return node;
        }
        return OTHER;
    }

    /**
     * Counts the model switches of one applied ack: {@code edgefm_instance_loads_total{node,service}},
     * {@code edgefm_instance_unloads_total{node,service}} and each measured preload in
     * {@code edgefm_instance_preload_seconds{service,weights}} ({@code weights} is {@code npy},
     * {@code generated} or {@code other}); services the host does not know count as {@value #OTHER}.
     */
    public void instanceSwitches(String node, FleetState.AckSwitches switches) {
        String n = nodeLabel(node);
        for (org.edgefm.wire.InstanceStop s : switches.stopped()) {
            registry.counter("edgefm.instance.unloads", "node", n, "service", serviceLabel(s.service())).increment();
        }
        for (org.edgefm.wire.InstanceStart s : switches.started()) {
            registry.counter("edgefm.instance.loads", "node", n, "service", serviceLabel(s.service())).increment();
            if (s.preloadMs() != null && Double.isFinite(s.preloadMs()) && s.preloadMs() >= 0) {
                long nanos = (long) (Math.min(s.preloadMs(), 3.6e6) * 1e6);
                preloadTimer(serviceLabel(s.service()), weightsKind(s.weights())).record(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private Timer preloadTimer(String service, String weights) {
        return Timer.builder("edgefm.instance.preload")
                .description("Agents' measured time to load a started instance's weights")
                .tags("service", service, "weights", weights).serviceLevelObjectives(PRELOAD_BUCKETS)
                .register(registry);
    }

    /** {@code npy} for {@code npy FILE}, {@code generated}, {@code unknown} if absent, else {@value #OTHER}. */
    private static String weightsKind(String weights) {
        if (weights == null || weights.isBlank()) {
            return "unknown";
        }
        int sp = weights.indexOf(' ');
        String kind = sp < 0 ? weights : weights.substring(0, sp);
        return kind.equals("npy") || kind.equals("generated") ? kind : OTHER;
    }

    /** Counts one rejected report: {@code edgefm_reports_rejected_total{node,reason}} (reasons are a fixed set). */
    public void reportRejected(String node, String reason) {
        registry.counter("edgefm.reports.rejected", "node", nodeLabel(node), "reason", reason).increment();
    }

    /** Marks a node as flagged for repeatedly rejected reports: {@code edgefm_reports_flagged{node} 1}. */
    public void nodeFlagged(String node) {
        String n = nodeLabel(node);
        flaggedGauges.computeIfAbsent(n, k -> registry.gauge("edgefm.reports.flagged",
                io.micrometer.core.instrument.Tags.of("node", k), new java.util.concurrent.atomic.AtomicInteger(1)));
    }

    /** Reports of {@code node} rejected for {@code reason} so far. */
    public long reportsRejected(String node, String reason) {
        var c = registry.find("edgefm.reports.rejected").tags("node", nodeLabel(node), "reason", reason).counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Instances started on {@code node} for {@code service} so far. */
    public long instanceLoads(String node, String service) {
        return (long) registry.counter("edgefm.instance.loads", "node", nodeLabel(node), "service", serviceLabel(service)).count();
    }

    /** Records the lag of one telemetry message in ms (negative values, from clock offset, count as 0). */
    public void telemetryLag(long ms) {
        telemetryLag.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
    }

    /** Records a directive's publish-to-acknowledgement time. */
    public void ackTime(long nanos) {
        ackTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records one control-loop step's wall time. */
    public void stepTime(long nanos) {
        stepTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records one slot's decision lag: slot start to directives handed to the fleet. */
    public void decisionLag(long nanos) {
        decisionLag.record(nanos, TimeUnit.NANOSECONDS);
        synchronized (this) {
            if (lagCount < MAX_LAG_SAMPLES) {
                if (lagCount == lagSamples.length) {
                    lagSamples = java.util.Arrays.copyOf(lagSamples, lagCount * 2);
                }
                lagSamples[lagCount++] = nanos;
            }
        }
    }

    /**
     * Decision lag over the whole run.
     *
     * @param count slots recorded
     * @param p50Ms median in ms (NaN without slots)
     * @param p99Ms 99th percentile in ms ({@link Quantiles}; NaN without slots)
     * @param maxMs maximum in ms (NaN without slots)
     */
    public record LagSummary(long count, double p50Ms, double p99Ms, double maxMs) {
    }

    /**
     * Decision lag of the slots after the first {@code skip} (the first {@code 2^20} slots of the run).
     *
     * @param skip slots to leave out, e.g. the count of an earlier summary (warm-up)
     */
    public LagSummary decisionLagSummary(long skip) {
        long[] s;
        synchronized (this) {
            int from = (int) Math.min(lagCount, Math.max(0, skip));
            s = java.util.Arrays.copyOfRange(lagSamples, from, lagCount);
        }
        if (s.length == 0) {
            return new LagSummary(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] ms = new double[s.length];
        double max = 0;
        for (int i = 0; i < s.length; i++) {
            ms[i] = Math.max(0, s[i] / 1e6);
            max = Math.max(max, ms[i]);
        }
        double[] q = Quantiles.of(ms, 0.5, 0.99);
        return new LagSummary(s.length, q[0], q[1], max);
    }

    /** Counts a directive published again by the outbox. */
    public void directiveResent() {
        resent.increment();
    }

    /** Records the encoded size of a published directive. */
    public void directiveBytes(int bytes) {
        directiveBytes.record(bytes);
    }

    /** Sizes of published directives (benchmarks). */
    public io.micrometer.core.instrument.DistributionSummary directiveSizes() {
        return directiveBytes;
    }

    /** Directives re-sent so far. */
    public long directivesResent() {
        return (long) resent.count();
    }

    /** Directives issued by the control loop so far. */
    public long directivesIssued() {
        return (long) registry.counter("edgefm.directives.issued").count();
    }

    /** Valid messages received of {@code type} (a {@code MessageType} level) so far. */
    public long messagesIn(String type) {
        return (long) registry.counter("edgefm.messages.in", "type", type).count();
    }

    /** Messages published of {@code type} so far. */
    public long messagesOut(String type) {
        return (long) registry.counter("edgefm.messages.out", "type", type).count();
    }

    /** The decision-lag timer (percentiles over the last 20 to 30 s). */
    public Timer decisionLagTimer() {
        return decisionLag;
    }

    /** The step timer (benchmarks). */
    public Timer stepTimer() {
        return stepTime;
    }

    /** The telemetry-lag timer (benchmarks). */
    public Timer telemetryLagTimer() {
        return telemetryLag;
    }

    /** The publish-to-ack timer (benchmarks). */
    public Timer ackTimer() {
        return ackTime;
    }

    /** The decision timer (benchmarks). */
    public Timer decisionTimer() {
        return decisionTimer;
    }

    /** Total refused messages (tests, health). */
    public double badTotal() {
        return registry.find("edgefm.messages.bad").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public void onDecision(long slot, LightDecision decision, double elapsedMs) {
        decisionTimer.record((long) (elapsedMs * 1e6), TimeUnit.NANOSECONDS);
    }

    @Override
    public void onCorePlacement(CorePlacementContext.Trigger trigger, CorePlacement placement, double elapsedMs) {
        placementTimer.record((long) (elapsedMs * 1e6), TimeUnit.NANOSECONDS);
        registry.counter("edgefm.placements", "trigger", trigger.name().toLowerCase()).increment();
    }

    /** Counts a core placement computed in the background and dropped because the fleet changed under it. */
    @Override
    public void onCorePlacementDropped(CorePlacementContext.Trigger trigger, String reason) {
        registry.counter("edgefm.placements.dropped", "trigger", trigger.name().toLowerCase()).increment();
    }

    /** Core placements that came into force so far (every trigger). */
    public long corePlacements() {
        return (long) registry.find("edgefm.placements").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Background core placements dropped so far because the fleet changed under them. */
    public long corePlacementsDropped() {
        return (long) registry.find("edgefm.placements.dropped").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Plugin failures so far of one role ({@code core-planner} or {@code light-controller}) and reason. */
    public long pluginFailures(String role, String reason) {
        return (long) registry.find("edgefm.plugin.failures").tag("role", role).tag("reason", reason).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Wall time of each core placement that came into force. */
    public Timer placementTimer() {
        return placementTimer;
    }

    @Override
    public void onDirective(Directive directive) {
        registry.counter("edgefm.directives.issued").increment();
    }

    @Override
    public void onPluginFailure(String plugin, String role, String reason, String detail) {
        registry.counter("edgefm.plugin.failures", "plugin", plugin, "role", role, "reason", reason).increment();
    }

    /**
     * Counts a new planners' topology in {@code edgefm_topology_rebuilds_total{reason}} ({@code reason}
     * {@code moved}, {@code link-appeared} or {@code link-expired}).
     */
    @Override
    public void onTopologyChange(LinkEstimator.Change change) {
        registry.counter("edgefm.topology.rebuilds", "reason", change.label()).increment();
    }

    /** New planners' topologies so far for {@code change}. */
    public long topologyRebuilds(LinkEstimator.Change change) {
        return (long) registry.counter("edgefm.topology.rebuilds", "reason", change.label()).count();
    }

    /** New planners' topologies so far, all reasons. */
    public long topologyRebuilds() {
        return (long) registry.find("edgefm.topology.rebuilds").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public void onSnapshot(long slot, FleetSnapshot snapshot) {
        int n = 0;
        int ok = 0;
        double latency = 0;
        for (TaskCompletion c : snapshot.completions()) {
            n++;
            latency += c.latencyMs();
            if (c.onTime()) {
                ok++;
            }
        }
        completed.increment(n);
        onTime.increment(ok);
        synchronized (this) {
            totalCompleted += n;
            totalOnTime += ok;
            history.addLast(new SlotPoint(slot, snapshot.nowMs(), n, ok, n == 0 ? null : latency / n));
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    /** The on-time rate over the run, or NaN before the first completion. */
    public synchronized double onTimeRate() {
        return totalCompleted == 0 ? Double.NaN : (double) totalOnTime / totalCompleted;
    }

    /** Completions over the run. */
    public synchronized long totalCompleted() {
        return totalCompleted;
    }

    /** The recent per-slot figures, oldest first. */
    public synchronized List<SlotPoint> history() {
        return new ArrayList<>(history);
    }

    /** The Micrometer registry (to add meters). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
