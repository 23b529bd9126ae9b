package org.edgefm.agent.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.TaskType;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Directive;
import org.edgefm.wire.KernelCalibration;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.KernelCost;

/**
 * What the verticles of one agent share: configuration, profile, codec, store, service runtime,
 * and the small mutable state (applied directive, session, calibration, peer link figures).
 * Thread-safe: mutable fields are volatile or concurrent.
 */
public final class AgentContext {
    /** The agent software version. */
    public static final String AGENT_VERSION = "0.1.0";

    private final AgentConfig config;
    private final DeviceProfile profile;
    private final ResourceVector capacity;
    private final AgentStore store;
    private final ServiceRuntime runtime;
    private final Map<String, TaskType> taskTypes;
    private final WireCodec codec = new WireCodec();
    private final Topics topics;
    private final LinkMeter links;
    private final AtomicLong rejectedMessages = new AtomicLong();
    private final org.edgefm.agent.telemetry.AgentMeters meters;
    private volatile Directive applied;
    private volatile org.edgefm.wire.TaskKeys keys;
    private volatile List<KernelCalibration> calibration = List.of();
    private volatile long sessionEpoch;
    private volatile boolean connected;
    private volatile boolean hostOnline;
    private volatile long hostEpoch = -1;
    private volatile String dataEndpoint = "";

    /** Creates the context. */
    public AgentContext(AgentConfig config, DeviceProfile profile, ResourceVector capacity, AgentStore store,
            ServiceRuntime runtime, Map<String, TaskType> taskTypes) {
        this.config = requireNonNull(config, "config is null");
        this.profile = requireNonNull(profile, "profile is null");
        this.capacity = requireNonNull(capacity, "capacity is null");
        this.store = requireNonNull(store, "store is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.taskTypes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(taskTypes)); // keeps declaration order
        this.topics = Topics.forFleet(config.fleet());
        this.links = new LinkMeter(config.links());
        // link samples taken while parts load measure the busy CPU, not the link: the meter drops them
        runtime.onLoading(links::loadingStarted, () -> links.loadingEnded(System.currentTimeMillis()));
        this.meters = new org.edgefm.agent.telemetry.AgentMeters(config.nodeId(), AGENT_VERSION);
        meters.countOf("edgefm.agent.link.samples.discarded", "Link samples not used because an end of the link was loading"
                + " model parts", links::discarded);
    }

    public AgentConfig config() {
        return config;
    }

    public String nodeId() {
        return config.nodeId();
    }

    public DeviceProfile profile() {
        return profile;
    }

    public AgentStore store() {
        return store;
    }

    public ServiceRuntime runtime() {
        return runtime;
    }

    public Map<String, TaskType> taskTypes() {
        return taskTypes;
    }

    public WireCodec codec() {
        return codec;
    }

    public Topics topics() {
        return topics;
    }

    public Path dataDir() {
        return Path.of(config.dataDir());
    }

    /** What the birth announces. */
    public Capabilities capabilities() {
        return new Capabilities(capacity, System.getProperty("os.arch"), "nd4j-cpu", KernelCost.KINDS);
    }

    public Directive applied() {
        return applied;
    }

    public void applied(Directive d) {
        this.applied = d;
    }

    /** The host's newest secrets for this node (task key, data token), or null before any. */
    public org.edgefm.wire.TaskKeys keys() {
        return keys;
    }

    public void keys(org.edgefm.wire.TaskKeys k) {
        this.keys = k;
    }

    /** The fleet's data token: from the host's keys, else from the applied directive (older hosts); null: none. */
    public String dataToken() {
        org.edgefm.wire.TaskKeys k = keys;
        Directive d = applied;
        return k != null ? k.dataToken() : d == null ? null : d.dataToken();
    }

    public long appliedVersion() {
        Directive d = applied;
        return d == null ? 0 : d.version();
    }

    public long appliedEpoch() {
        Directive d = applied;
        return d == null ? 0 : d.plannerEpoch();
    }

    public List<KernelCalibration> calibration() {
        return calibration;
    }

    public void calibration(List<KernelCalibration> c) {
        this.calibration = List.copyOf(c);
    }

    public long sessionEpoch() {
        return sessionEpoch;
    }

    public void session(long epoch, boolean connected) {
        this.sessionEpoch = epoch;
        this.connected = connected;
    }

    public boolean connected() {
        return connected;
    }

    public void disconnected() {
        this.connected = false;
        this.hostOnline = false;
    }

    /** True while the retained {@code host/state} of the current connection says the host is online. */
    public boolean hostOnline() {
        return hostOnline;
    }

    public void hostOnline(boolean online) {
        this.hostOnline = online;
    }

    /**
     * The planner epoch the host's retained {@code host/state} announced (the highest seen), or -1
     * before any: a directive from a later epoch is never applied.
     */
    public long hostEpoch() {
        return hostEpoch;
    }

    /** Records the planner epoch of a {@code host/state}; the value never goes back. */
    public void hostEpoch(long epoch) {
        this.hostEpoch = Math.max(this.hostEpoch, epoch);
    }

    public String dataEndpoint() {
        return dataEndpoint;
    }

    public void dataEndpoint(String hostPort) {
        this.dataEndpoint = hostPort;
    }

    /** Counts a message refused on receipt. */
    public long countRejected() {
        return rejectedMessages.incrementAndGet();
    }

    /** The measured links to peers. */
    public LinkMeter links() {
        return links;
    }

    /** Messages refused on receipt so far (malformed directives and commands, unknown topics). */
    public long rejectedMessages() {
        return rejectedMessages.get();
    }

    /** The measured links to peers as telemetry reports them. */
    public List<PeerMetrics> peerMetrics() {
        return links.metrics(System.currentTimeMillis());
    }

    /** The agent's own Prometheus meters ({@code GET /metrics}). */
    public org.edgefm.agent.telemetry.AgentMeters meters() {
        return meters;
    }
}
