package org.edgefm.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 * the dashboard. Also a {@link ControlLoop.Listener}. Thread-safe. The meters of one job each live
 * in their own class, this one the registry and the entry points: {@link MeterLabels} (bounded label
 * values), {@link NodeMeters} (model switches and rejected reports per node), {@link TaskMeters}
 * (completions, latency, on-time rate, the dashboard's history), {@link LagSamples} (the whole run's
 * decision lag) and {@link BrokerMeters} (the embedded broker's counters).
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

    /** Percentiles cover roughly the last 20 to 30 s. */
    private static final java.time.Duration WINDOW = java.time.Duration.ofSeconds(30);
    /** Samples each timer's window keeps per 10 s (a uniform sample beyond that). */
    private static final int WINDOW_SAMPLES = 8_192;
    private static final double[] WINDOW_QUANTILES = {0.5, 0.99};
    /** Buckets of the loop's timers (decision lag, step, light decision, core placement): 1 ms to 10 s. */
    static final java.time.Duration[] LOOP_BUCKETS = ms(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);
    /** Buckets of message timings (telemetry lag, publish to acknowledgement): 5 ms to 30 s. */
    static final java.time.Duration[] MESSAGE_BUCKETS = ms(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000);
    /** Buckets of {@code edgefm_task_latency_seconds}: 10 ms to 60 s (deadlines of edge tasks lie in this range). */
    static final java.time.Duration[] TASK_BUCKETS = ms(10, 25, 50, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000,
            3_000, 5_000, 10_000, 30_000, 60_000);
    private static final String ISSUED_HELP = "Directives the control loop handed to the fleet";
    private static final String TOPOLOGY_HELP = "New topologies handed to the planners from the measured links, by reason";

    private static java.time.Duration[] ms(double... ms) {
        return java.util.Arrays.stream(ms).mapToObj(m -> java.time.Duration.ofNanos((long) (m * 1e6)))
                .toArray(java.time.Duration[]::new);
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer decisionTimer;
    private final Timer placementTimer;
    private final Timer telemetryLag;
    private final Timer ackTime;
    private final Timer stepTime;
    private final Timer decisionLag;
    private final Counter resent;
    private final Counter superseded;
    private final io.micrometer.core.instrument.DistributionSummary directiveBytes;
    /** Recent samples of the timers above (ms), for p50/p99 by {@link org.edgefm.control.stats.Quantiles}. */
    private final java.util.Map<Timer, WindowedQuantiles> windows = new java.util.IdentityHashMap<>();
    /** Every decision lag of the run, for whole-run percentiles. */
    private final LagSamples lagSamples = new LagSamples();
    private final TaskMeters tasks;

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
                .meterFilter(httpResponseTimeBuckets())
                .meterFilter(PrometheusLint.FILTER);
        decisionTimer = Timer.builder("edgefm.decision.time").description("Light-controller call time")
                .serviceLevelObjectives(LOOP_BUCKETS)
                .register(registry);
        placementTimer = Timer.builder("edgefm.placement.time").description("Core-placement call time")
                .serviceLevelObjectives(LOOP_BUCKETS).register(registry);
        telemetryLag = Timer.builder("edgefm.telemetry.lag")
                .description("Receipt time minus the agent's telemetry timestamp (includes clock offset)")
                .serviceLevelObjectives(MESSAGE_BUCKETS)
                .register(registry);
        ackTime = Timer.builder("edgefm.directive.ack.time")
                .description("From the first publish of a directive to its acknowledgement")
                .serviceLevelObjectives(MESSAGE_BUCKETS)
                .register(registry);
        stepTime = Timer.builder("edgefm.step.time")
                .description("One control-loop slot: snapshot, decision, diff, directives handed out")
                .serviceLevelObjectives(LOOP_BUCKETS)
                .register(registry);
        decisionLag = Timer.builder("edgefm.decision.lag")
                .description("From a slot's start to its directives handed to the fleet (timer delay, queueing, step)")
                .serviceLevelObjectives(LOOP_BUCKETS)
                .register(registry);
        window(decisionTimer, "edgefm.decision.time.window", "Light-controller call time");
        window(telemetryLag, "edgefm.telemetry.lag.window", "Telemetry lag");
        window(ackTime, "edgefm.directive.ack.time.window", "Directive acknowledgement time");
        window(stepTime, "edgefm.step.time.window", "Control-loop step time");
        window(decisionLag, "edgefm.decision.lag.window", "Decision lag");
        resent = Counter.builder("edgefm.directives.resent")
                .description("Directives published again because no acknowledgement came in time").register(registry);
        superseded = Counter.builder("edgefm.directives.superseded")
                .description("Directives replaced by a newer one for the same node before they were published")
                .register(registry);
        directiveBytes = io.micrometer.core.instrument.DistributionSummary.builder("edgefm.directive.size")
                .description("Encoded size of published directives").baseUnit("bytes").register(registry);
        nodeGauges = new NodeGauges(registry, this::nodeLabel, this::serviceLabel);
        nodes = new NodeMeters(registry, labels);
        tasks = new TaskMeters(registry, labels);
        PrometheusLint.registerReplacements(registry);
        BuildInfo.register(registry);
        for (LinkEstimator.Change c : LinkEstimator.Change.values()) {
            if (c != LinkEstimator.Change.NONE) {
                counter("edgefm.topology.rebuilds", TOPOLOGY_HELP, "reason", c.label());
            }
        }
    }

    /** Quantiles of a timer's window and the gauges that publish them ({@code NAME_p50_seconds}, {@code NAME_p99_seconds}). */
    private void window(Timer timer, String name, String what) {
        WindowedQuantiles w = new WindowedQuantiles(WINDOW.toNanos(), WINDOW_SAMPLES, System::nanoTime);
        windows.put(timer, w);
        for (double q : WINDOW_QUANTILES) {
            // a gauge per quantile: Prometheus reserves the "quantile" label for summaries
            String p = "p" + Math.round(q * 100);
            // 0 while the window is empty, as Micrometer's percentiles (a NaN sample breaks rate rules and dashboards)
            io.micrometer.core.instrument.Gauge.builder(name + "." + p, w, x -> {
                double v = x.quantile(q);
                return Double.isNaN(v) ? 0 : v / 1e3;
            })
                    .description(what + ": " + p + " over the last 20 to 30 s (nearest rank, as every EdgeFM percentile)")
                    .baseUnit("seconds").register(registry);
        }
    }

    private void recordWindow(Timer timer, long nanos) {
        windows.get(timer).record(Math.max(0, nanos) / 1e6);
    }

    /**
     * The {@code q}-quantile (ms) of {@code timer}'s samples in the last 20 to 30 s, by the project's
     * one quantile definition ({@link org.edgefm.control.stats.Quantiles}); NaN without samples or for
     * a timer that keeps no window (the core-placement timer).
     */
    public double windowQuantileMs(Timer timer, double q) {
        WindowedQuantiles w = windows.get(timer);
        return w == null ? Double.NaN : w.quantile(q);
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

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    /**
     * Where the per-node gauges read the fleet ({@link NodeGauges}): the fleet state's node views, and
     * the nodes the scenario pins (shown as down until they join).
     */
    public void fleet(Supplier<List<FleetState.NodeView>> nodes, java.util.Set<String> pinned) {
        nodeGauges.source(nodes, pinned);
    }

    /**
     * The task types the host knows (its scenario's): only these become {@code task_type} label values;
     * any other is counted under {@value #OTHER}.
     */
    public void knownTaskTypes(java.util.Collection<String> taskTypes) {
        labels.knownTaskTypes(taskTypes);
    }

    /** A task type as a label value: the id when the host knows it, else {@value #OTHER}. */
    String taskTypeLabel(String taskType) {
        return labels.taskType(taskType);
    }

    /** The outcome label of a completion: {@code failed}, {@code on_time} or {@code late}. */
    static String outcome(TaskCompletion c) {
        return TaskMeters.outcome(c);
    }

    /** Completions of {@code taskType} with {@code outcome} ({@code on_time}, {@code late}, {@code failed}) so far. */
    public long tasks(String taskType, String outcome) {
        return tasks.count(taskType, outcome);
    }

    /**
     * Broker meters: {@code edgefm_broker_connections} (clients connected), PUBLISH packets received
     * and sent, messages dropped, and connections or publishes the broker refused (by reason); each
     * reads the embedded broker's own counters at scrape time.
     */
    public void broker(org.edgefm.host.broker.EmbeddedBroker broker) {
        BrokerMeters.register(registry, broker);
    }

    /** {@code edgefm_broker_connected}: 1 while the host's own MQTT client is connected to its broker. */
    public void brokerLink(java.util.function.BooleanSupplier connected) {
        Gauge.builder("edgefm.broker.connected", connected, c -> c.getAsBoolean() ? 1 : 0).strongReference(true)
                .description("1 while the host's MQTT client is connected to the broker").register(registry);
    }

    /** Registers the outbox-size gauge. */
    public void outboxSize(Supplier<Number> size) {
        // strongly held: a method reference passed here is referenced by nothing else, and a weakly held
        // one is collected at the next GC, after which the gauge reads NaN
        Gauge.builder("edgefm.outbox.size", size, s -> s.get().doubleValue()).strongReference(true)
                .description("Directives published and not yet acknowledged").register(registry);
    }

    /** Counts a received, valid message of {@code type}. */
    public void messageIn(String type) {
        counter("edgefm.messages.in", "Valid messages received from agents, by message type", "type", type).increment();
    }

    /** Counts a published message of {@code type}. */
    public void messageOut(String type) {
        counter("edgefm.messages.out", "Messages the host published, by message type", "type", type).increment();
    }

    /** Counts a refused message of {@code type} for {@code kind}. */
    public void messageBad(String type, String kind) {
        counter("edgefm.messages.bad", "Messages refused on receipt, by message type and reason", "type", type, "kind", kind).increment();
    }

    /** The label value of every agent-reported name the host does not know. */
    public static final String OTHER = MeterLabels.OTHER;
    /** Distinct node label values at most; later nodes share {@value #OTHER}. */
    public static final int MAX_NODE_LABELS = MeterLabels.MAX_NODE_LABELS;
    private final NodeGauges nodeGauges;
    private final MeterLabels labels = new MeterLabels();
    private final NodeMeters nodes;

    /**
     * The services the host knows (its scenario's catalog): only these become {@code service} label
     * values; any other name an agent reports is counted under {@value #OTHER}, so agents can never
     * grow {@code /metrics} without bound.
     */
    public void knownServices(java.util.Collection<String> services) {
        labels.knownServices(services);
    }

    /** A service name as a label value: the name when the host knows it, else {@value #OTHER}. */
    String serviceLabel(String service) {
        return labels.service(service);
    }

    /**
     * A node id as a label value: node ids are authenticated accounts on a secured broker; on an open
     * one the first {@value #MAX_NODE_LABELS} get their own value, later ones {@value #OTHER}.
     */
    String nodeLabel(String node) {
        return labels.node(node);
    }

    /**
     * Counts the model switches of one applied ack: {@code edgefm_instance_loads_total{node,service}},
     * {@code edgefm_instance_unloads_total{node,service}} and each measured preload in
     * {@code edgefm_instance_preload_seconds{service,weights}} ({@code weights} is {@code npy},
     * {@code generated} or {@code other}); services the host does not know count as {@value #OTHER}.
     */
    public void instanceSwitches(String node, FleetState.AckSwitches switches) {
        nodes.instanceSwitches(node, switches);
    }

    /** Counts one rejected report: {@code edgefm_reports_rejected_total{node,reason}} (reasons are a fixed set). */
    public void reportRejected(String node, String reason) {
        nodes.reportRejected(node, reason);
    }

    /** Marks a node as flagged for repeatedly rejected reports: {@code edgefm_reports_flagged{node} 1}. */
    public void nodeFlagged(String node) {
        nodes.nodeFlagged(node);
    }

    /** Reports of {@code node} rejected for {@code reason} so far. */
    public long reportsRejected(String node, String reason) {
        return nodes.reportsRejected(node, reason);
    }

    /** Instances started on {@code node} for {@code service} so far. */
    public long instanceLoads(String node, String service) {
        return nodes.instanceLoads(node, service);
    }

    /** Records the lag of one telemetry message in ms (negative values, from clock offset, count as 0). */
    public void telemetryLag(long ms) {
        telemetryLag.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
        recordWindow(telemetryLag, Math.max(0, ms) * 1_000_000L);
    }

    /** Records a directive's publish-to-acknowledgement time. */
    public void ackTime(long nanos) {
        ackTime.record(nanos, TimeUnit.NANOSECONDS);
        recordWindow(ackTime, nanos);
    }

    /** Records one control-loop step's wall time. */
    public void stepTime(long nanos) {
        stepTime.record(nanos, TimeUnit.NANOSECONDS);
        recordWindow(stepTime, nanos);
    }

    /** Records one slot's decision lag: slot start to directives handed to the fleet. */
    public void decisionLag(long nanos) {
        decisionLag.record(nanos, TimeUnit.NANOSECONDS);
        recordWindow(decisionLag, nanos);
        lagSamples.add(nanos);
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
        return lagSamples.summary(skip);
    }

    /**
     * Counts a message the host did not publish because it is larger than the wire allows
     * ({@code edgefm_messages_oversize_total{type}}): the broker would have cut the host's connection.
     */
    public void messageOversize(String type) {
        Counter.builder("edgefm.messages.oversize").description("Messages the host did not publish: larger than the"
                + " wire's payload limit (the broker would cut the connection)").tag("type", type).register(registry).increment();
    }

    /** Counts a directive published in {@code parts} parts (its compact encoding was over the wire's limit). */
    public void directiveSplit(int parts) {
        Counter.builder("edgefm.directives.split").description("Directives published in parts: their compact encoding"
                + " is over the wire's payload limit; an agent applies one only with all its parts").register(registry).increment();
        Counter.builder("edgefm.directive.parts").description("Parts of split directives published")
                .register(registry).increment(parts);
    }

    /** Directives published in parts so far. */
    public long directivesSplit() {
        var c = registry.find("edgefm.directives.split").counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Messages of {@code type} not published for their size so far. */
    public long messagesOversize(String type) {
        var c = registry.find("edgefm.messages.oversize").tag("type", type).counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Counts a directive published again by the outbox. */
    public void directiveResent() {
        resent.increment();
    }

    /** Counts {@code n} directives replaced by a newer one for their node before they were published. */
    public void directivesSuperseded(int n) {
        if (n > 0) {
            superseded.increment(n);
        }
    }

    /** Directives replaced before they were published, so far. */
    public long directivesSuperseded() {
        return (long) superseded.count();
    }

    /** Records the encoded size of a published directive. */
    public void directiveBytes(int bytes) {
        directiveBytes.record(bytes);
        largestDirective.accumulateAndGet(bytes, Math::max);
    }

    private final java.util.concurrent.atomic.AtomicLong largestDirective = new java.util.concurrent.atomic.AtomicLong();

    /** The largest directive published so far, in bytes (0 before the first). */
    public long largestDirectiveBytes() {
        return largestDirective.get();
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
        return (long) counter("edgefm.directives.issued", ISSUED_HELP).count();
    }

    /** Valid messages received of {@code type} (a {@code MessageType} level) so far. */
    public long messagesIn(String type) {
        return (long) counter("edgefm.messages.in", "Valid messages received from agents, by message type", "type", type).count();
    }

    /** Messages published of {@code type} so far. */
    public long messagesOut(String type) {
        return (long) counter("edgefm.messages.out", "Messages the host published, by message type", "type", type).count();
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
        recordWindow(decisionTimer, (long) (elapsedMs * 1e6));
    }

    @Override
    public void onCorePlacement(CorePlacementContext.Trigger trigger, CorePlacement placement, double elapsedMs) {
        placementTimer.record((long) (elapsedMs * 1e6), TimeUnit.NANOSECONDS);
        counter("edgefm.placements", "Core placements computed, by trigger", "trigger", trigger.name().toLowerCase()).increment();
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
        counter("edgefm.directives.issued", ISSUED_HELP).increment();
    }

    /** Every reason a plugin call fails for ({@code ControlLoop}): the failure counters start at 0 with these. */
    static final List<String> PLUGIN_FAILURE_REASONS = List.of("threw", "overran", "no-plan");
    private static final String PLUGIN_FAILURES_HELP = "Planner plugin calls that failed (threw, overran their budget or"
            + " returned no usable plan); the host kept the last good decision";

    /**
     * Registers {@code edgefm_plugin_failures_total} at 0 for the planners in use (core planner and light
     * controller, every reason), so that an alert on its increase fires on the first failure.
     */
    public void pluginsInUse(String corePlanner, String lightController) {
        for (String reason : PLUGIN_FAILURE_REASONS) {
            counter("edgefm.plugin.failures", PLUGIN_FAILURES_HELP, "plugin", corePlanner, "role",
                    org.edgefm.control.PluginInfo.CORE, "reason", reason);
            counter("edgefm.plugin.failures", PLUGIN_FAILURES_HELP, "plugin", lightController, "role",
                    org.edgefm.control.PluginInfo.LIGHT, "reason", reason);
        }
    }

    @Override
    public void onPluginFailure(String plugin, String role, String reason, String detail) {
        counter("edgefm.plugin.failures", PLUGIN_FAILURES_HELP, "plugin", plugin, "role", role, "reason", reason).increment();
    }

    /**
     * Counts a new planners' topology in {@code edgefm_topology_rebuilds_total{reason}} ({@code reason}
     * {@code moved}, {@code link-appeared} or {@code link-expired}).
     */
    @Override
    public void onTopologyChange(LinkEstimator.Change change) {
        counter("edgefm.topology.rebuilds", TOPOLOGY_HELP, "reason", change.label()).increment();
    }

    /** New planners' topologies so far for {@code change}. */
    public long topologyRebuilds(LinkEstimator.Change change) {
        return (long) counter("edgefm.topology.rebuilds", TOPOLOGY_HELP, "reason", change.label()).count();
    }

    /** New planners' topologies so far, all reasons. */
    public long topologyRebuilds() {
        return (long) registry.find("edgefm.topology.rebuilds").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public void onSnapshot(long slot, FleetSnapshot snapshot) {
        tasks.onSnapshot(slot, snapshot);
    }

    /** The on-time rate over the run, or NaN before the first completion. */
    public double onTimeRate() {
        return tasks.onTimeRate();
    }

    /** Completions over the run. */
    public long totalCompleted() {
        return tasks.totalCompleted();
    }

    /** The recent per-slot figures, oldest first. */
    public List<SlotPoint> history() {
        return tasks.history();
    }

    /** The Micrometer registry (to add meters). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        nodeGauges.refresh();
        return registry.scrape();
    }
}
