package org.edgefm.host;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.LinkEstimator;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.wire.Directive;

/**
 * The one place the host asks for its Micrometer meters, exposed in Prometheus text format on
 * {@code /metrics}; also a {@link ControlLoop.Listener}. Thread-safe. It holds the registry and the
 * entry points; the meters of each job live in their own class: {@link MessageMeters} (messages in,
 * out, bad, oversize; telemetry lag), {@link DirectiveMeters} (directives issued, superseded, re-sent,
 * split; size; ack time; outbox size), {@link LoopMeters} (step time, decision lag, planner call times,
 * placements, plugin failures, new topologies), {@link NodeGauges} and {@link NodeMeters} (per node),
 * {@link TaskMeters} (completions, latency, on-time rate, the dashboard's history), {@link BrokerMeters}
 * (the broker), {@link TimerWindows} (p50/p99 of the last 20 to 30 s), {@link MeterBuckets} (histogram
 * buckets), {@link MeterLabels} (bounded label values). The host's Vert.x writes its own meters (HTTP
 * server by route, pools, Netty, JVM) into the same registry ({@link HostVertx}), shaped by
 * {@link HttpMeters}.
 */
public final class HostMeters implements ControlLoop.Listener {
    /**
     * One slot's trial figures for the dashboard: slot index, fleet clock, tasks completed in the slot,
     * of which on time, and their mean end-to-end latency (null when none completed).
     */
    public record SlotPoint(long slot, double nowMs, int completed, int onTime, Double meanLatencyMs) {
    }

    /**
     * Decision lag over the whole run: {@code count} slots recorded; median, 99th percentile
     * ({@link Quantiles}) and maximum in ms (each NaN without slots).
     */
    public record LagSummary(long count, double p50Ms, double p99Ms, double maxMs) {
    }

    /** The label value of every agent-reported name the host does not know. */
    public static final String OTHER = MeterLabels.OTHER;
    /** Distinct node label values at most; later nodes share {@value #OTHER}. */
    public static final int MAX_NODE_LABELS = MeterLabels.MAX_NODE_LABELS;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MeterLabels labels = new MeterLabels();
    private final TimerWindows windows = new TimerWindows(registry);
    private final LoopMeters loop;
    private final MessageMeters messages;
    private final DirectiveMeters directives;
    private final NodeGauges nodeGauges;
    private final NodeMeters nodes;
    private final TaskMeters tasks;

    /** Creates the meters. */
    public HostMeters() {
        // Vert.x's own meters land in this registry too (HostVertx); filters go before any meter
        registry.config()
                .meterFilter(HttpMeters.unmatchedRoute())
                .meterFilter(HttpMeters.responseTimeBuckets())
                .meterFilter(PrometheusLint.FILTER);
        loop = new LoopMeters(registry, windows);
        messages = new MessageMeters(registry, windows);
        directives = new DirectiveMeters(registry, windows);
        nodeGauges = new NodeGauges(registry, labels::node, labels::service);
        nodes = new NodeMeters(registry, labels);
        tasks = new TaskMeters(registry, labels);
        PrometheusLint.registerReplacements(registry);
        BuildInfo.register(registry);
        loop.registerTopologyReasons();
    }

    /** The {@code q}-quantile (ms) of {@code timer} over the last 20 to 30 s; NaN without samples or window. */
    public double windowQuantileMs(Timer timer, double q) {
        return windows.quantileMs(timer, q);
    }


    /** Where the per-node gauges read the fleet: its node views, and the nodes the scenario pins (down until they join). */
    public void fleet(Supplier<List<FleetState.NodeView>> nodes, Set<String> pinned) {
        nodeGauges.source(nodes, pinned);
    }

    /** The task types the host knows: only these become {@code task_type} label values, any other is {@value #OTHER}. */
    public void knownTaskTypes(Collection<String> taskTypes) {
        labels.knownTaskTypes(taskTypes);
    }

    /** The services the host knows: only these become {@code service} label values, any other is {@value #OTHER}. */
    public void knownServices(Collection<String> services) {
        labels.knownServices(services);
    }


    /** Registers the embedded broker's meters ({@link BrokerMeters}), read from its own counters at scrape time. */
    public void broker(EmbeddedBroker broker) {
        BrokerMeters.register(registry, broker);
    }

    /** {@code edgefm_broker_connected}: 1 while the host's own MQTT client is connected to its broker. */
    public void brokerLink(BooleanSupplier connected) {
        BrokerMeters.registerLink(registry, connected);
    }


    /** Counts a received, valid message of {@code type}. */
    public void messageIn(String type) {
        messages.in(type);
    }

    /** Counts a published message of {@code type}. */
    public void messageOut(String type) {
        messages.out(type);
    }

    /** Counts a refused message of {@code type} for {@code kind}. */
    public void messageBad(String type, String kind) {
        messages.bad(type, kind);
    }

    /** Counts a message the host did not publish because it is larger than the wire allows. */
    public void messageOversize(String type) {
        messages.oversize(type);
    }

    /** Records the lag of one telemetry message in ms (negative values, from clock offset, count as 0). */
    public void telemetryLag(long ms) {
        messages.telemetryLag(ms);
    }

    /** Valid messages received of {@code type} (a {@code MessageType} level) so far. */
    public long messagesIn(String type) {
        return messages.inCount(type);
    }

    /** Messages published of {@code type} so far. */
    public long messagesOut(String type) {
        return messages.outCount(type);
    }

    /** Messages of {@code type} not published for their size so far. */
    public long messagesOversize(String type) {
        return messages.oversizeCount(type);
    }

    /** Total refused messages (tests, health). */
    public double badTotal() {
        return messages.badTotal();
    }

    /** The telemetry-lag timer (benchmarks). */
    public Timer telemetryLagTimer() {
        return messages.telemetryLagTimer();
    }


    /** Registers the outbox-size gauge. */
    public void outboxSize(Supplier<Number> size) {
        directives.outboxSize(size);
    }

    /** Records a directive's publish-to-acknowledgement time. */
    public void ackTime(long nanos) {
        directives.ackTime(nanos);
    }

    /** Counts a directive published in {@code parts} parts (its compact encoding was over the wire's limit). */
    public void directiveSplit(int parts) {
        directives.split(parts);
    }

    /** Directives published in parts so far. */
    public long directivesSplit() {
        return directives.splitCount();
    }

    /** Counts a directive published again by the outbox. */
    public void directiveResent() {
        directives.resent();
    }

    /** Directives re-sent so far. */
    public long directivesResent() {
        return directives.resentCount();
    }

    /** Counts {@code n} directives replaced by a newer one for their node before they were published. */
    public void directivesSuperseded(int n) {
        directives.superseded(n);
    }

    /** Directives replaced before they were published, so far. */
    public long directivesSuperseded() {
        return directives.supersededCount();
    }

    /** Records the encoded size of a published directive. */
    public void directiveBytes(int bytes) {
        directives.bytes(bytes);
    }

    /** The largest directive published so far, in bytes (0 before the first). */
    public long largestDirectiveBytes() {
        return directives.largestBytes();
    }

    /** Sizes of published directives (benchmarks). */
    public DistributionSummary directiveSizes() {
        return directives.sizes();
    }

    /** Directives issued by the control loop so far. */
    public long directivesIssued() {
        return directives.issuedCount();
    }

    /** The publish-to-ack timer (benchmarks). */
    public Timer ackTimer() {
        return directives.ackTimer();
    }


    /** Counts the model switches of one applied ack: instances started and stopped, measured preloads. */
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


    /** Completions of {@code taskType} with {@code outcome} ({@code on_time}, {@code late}, {@code failed}) so far. */
    public long tasks(String taskType, String outcome) {
        return tasks.count(taskType, outcome);
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


    /** Records one control-loop step's wall time. */
    public void stepTime(long nanos) {
        loop.stepTime(nanos);
    }

    /** Records one slot's decision lag: slot start to directives handed to the fleet. */
    public void decisionLag(long nanos) {
        loop.decisionLag(nanos);
    }

    /** Decision lag of the slots after the first {@code skip} (e.g. the count of an earlier summary: warm-up). */
    public LagSummary decisionLagSummary(long skip) {
        return loop.decisionLagSummary(skip);
    }

    /**
     * Decision lag of the slots after the first {@code skip} up to the first {@code upTo}: a measured window
     * that has ended (the slots after it, as a benchmark's fleet going away, are not in it).
     */
    public LagSummary decisionLagSummary(long skip, long upTo) {
        return loop.decisionLagSummary(skip, upTo);
    }

    /** Registers the planners' failure counters at 0, so that an alert on their increase fires on the first failure. */
    public void pluginsInUse(String corePlanner, String lightController) {
        loop.pluginsInUse(corePlanner, lightController);
    }

    /** Plugin failures so far of one role ({@code core-planner} or {@code light-controller}) and reason. */
    public long pluginFailures(String role, String reason) {
        return loop.pluginFailures(role, reason);
    }

    /** Core placements that came into force so far (every trigger). */
    public long corePlacements() {
        return loop.corePlacements();
    }

    /** Background core placements dropped so far because the fleet changed under them. */
    public long corePlacementsDropped() {
        return loop.corePlacementsDropped();
    }

    /** New planners' topologies so far for {@code change}. */
    public long topologyRebuilds(LinkEstimator.Change change) {
        return loop.topologyRebuilds(change);
    }

    /** New planners' topologies so far, all reasons. */
    public long topologyRebuilds() {
        return loop.topologyRebuilds();
    }

    /** The decision-lag timer (percentiles over the last 20 to 30 s). */
    public Timer decisionLagTimer() {
        return loop.decisionLagTimer();
    }

    /** The step timer (benchmarks). */
    public Timer stepTimer() {
        return loop.stepTimer();
    }

    /** The decision timer (benchmarks). */
    public Timer decisionTimer() {
        return loop.decisionTimer();
    }

    /** Wall time of each core placement that came into force. */
    public Timer placementTimer() {
        return loop.placementTimer();
    }


    @Override
    public void onDecision(long slot, LightDecision decision, double elapsedMs) {
        loop.decision(elapsedMs);
    }

    @Override
    public void onCorePlacement(CorePlacementContext.Trigger trigger, CorePlacement placement, double elapsedMs) {
        loop.corePlacement(trigger, elapsedMs);
    }

    /** Counts a core placement computed in the background and dropped because the fleet changed under it. */
    @Override
    public void onCorePlacementDropped(CorePlacementContext.Trigger trigger, String reason) {
        loop.corePlacementDropped(trigger);
    }

    @Override
    public void onPluginFailure(String plugin, String role, String reason, String detail) {
        loop.pluginFailure(plugin, role, reason);
    }

    /** Counts a new planners' topology by reason ({@code moved}, {@code link-appeared}, {@code link-expired}). */
    @Override
    public void onTopologyChange(LinkEstimator.Change change) {
        loop.topologyChange(change);
    }

    @Override
    public void onDirective(Directive directive) {
        directives.issue();
    }

    @Override
    public void onSnapshot(long slot, FleetSnapshot snapshot) {
        tasks.onSnapshot(slot, snapshot);
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
