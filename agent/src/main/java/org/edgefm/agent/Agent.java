package org.edgefm.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.internal.AgentContext;
import org.edgefm.agent.internal.AgentStore;
import org.edgefm.agent.internal.CalibrationVerticle;
import org.edgefm.agent.internal.DirectiveVerticle;
import org.edgefm.agent.internal.MqttLinkVerticle;
import org.edgefm.agent.internal.ResultOutboxVerticle;
import org.edgefm.agent.internal.ServiceRuntime;
import org.edgefm.agent.internal.TaskVerticle;
import org.edgefm.agent.internal.TelemetryVerticle;
import org.edgefm.agent.telemetry.GpuProbe;
import org.edgefm.agent.telemetry.HostSampler;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.TaskType;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Directive;
import org.edgefm.profiles.Detection;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.MachineFacts;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.profiles.ProfileDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: resolves its device profile, opens its MapDB state, restores the services of
 * the last applied directive, and deploys its verticles (task and peer HTTP, result outbox,
 * directives, telemetry, calibration, MQTT link). {@link #stop()} publishes the death and closes
 * everything.
 */
public final class Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final Vertx vertx;
    private final AgentContext ctx;
    private final AgentStore store;

    private Agent(Vertx vertx, AgentContext ctx, AgentStore store) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.store = store;
    }

    /**
     * Starts an agent and returns once its verticles are deployed (the birth follows as soon as the
     * broker accepts the connection).
     *
     * @throws EdgeFmException one line for an expected failure (unknown profile, unreadable state)
     */
    public static Agent start(AgentConfig config) {
        MachineFacts facts = HostSampler.machineFacts();
        DeviceProfile profile;
        if (config.profile() != null) {
            profile = ProfileCatalog.builtIn().get(config.profile());
        } else {
            Detection d = new ProfileDetector(ProfileCatalog.builtIn()).detect(facts);
            profile = d.profile();
            LOG.info("device profile {} ({})", profile.name(), d.reason());
        }
        if (ProfileCatalog.GENERIC_CPU.equals(profile.name())) {
            // measured once at the first start with calibration on (about a second), then read from the data
            // directory; with calibrate = false only a stored measurement is used
            Path dataDir = Path.of(config.dataDir());
            org.edgefm.agent.kernel.HostCalibration cal = config.calibrate()
                    ? org.edgefm.agent.kernel.HostCalibration.loadOrMeasure(dataDir)
                    : org.edgefm.agent.kernel.HostCalibration.load(dataDir).orElse(null);
            if (cal != null) {
                profile = cal.apply(profile, facts);
                LOG.info("generic-cpu calibrated: {} GFLOP/s FP32 GEMM, {} GB/s copy ({} cores, {} GB RAM)",
                        String.format(java.util.Locale.ROOT, "%.1f", cal.gemmGflops()),
                        String.format(java.util.Locale.ROOT, "%.1f", cal.copyGbPerS()), facts.logicalCores(),
                        String.format(java.util.Locale.ROOT, "%.1f", facts.ramBytes() / 1e9));
            } else {
                LOG.info("generic-cpu not calibrated (calibrate = false, no stored {}): catalog figures",
                        org.edgefm.agent.kernel.HostCalibration.FILE);
            }
        }
        ResourceVector capacity = profile.capacity();
        Map<String, TaskType> types = new LinkedHashMap<>();
        if (config.scenario() != null) {
            for (TaskType t : ScenarioLoader.resolve(config.scenario()).taskTypes()) {
                types.put(t.id(), t);
            }
        }
        for (TaskType t : config.taskTypes()) {
            types.put(t.id(), t);
        }
        AgentStore store = AgentStore.open(Path.of(config.dataDir()));
        Vertx vertx = Vertx.vertx();
        try {
            ServiceRuntime runtime = new ServiceRuntime(vertx, Path.of(config.modelDir()));
            runtime.sequenceCacheBytes(config.sequenceCacheBytes());
            AgentContext ctx = new AgentContext(config, profile, capacity, store, runtime, types);
            Agent agent = new Agent(vertx, ctx, store);
            agent.restore().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
            GpuProbe.Source src = switch (profile.kind()) {
                case "jetson" -> GpuProbe.Source.TEGRASTATS;
                case "gpu-server" -> GpuProbe.Source.NVIDIA_SMI;
                default -> GpuProbe.Source.NONE;
            };
            GpuProbe gpu = new GpuProbe(src, profile.gpu() == null ? "gpu" : profile.gpu().name());
            long memoryBudget = (long) (facts.ramBytes() * 0.8);
            vertx.deployVerticle(new TaskVerticle(ctx))
                    .compose(id -> vertx.deployVerticle(new ResultOutboxVerticle(ctx)))
                    .compose(id -> vertx.deployVerticle(new DirectiveVerticle(ctx, memoryBudget)))
                    .compose(id -> vertx.deployVerticle(new TelemetryVerticle(ctx, gpu)))
                    .compose(id -> vertx.deployVerticle(new CalibrationVerticle(ctx)))
                    .compose(id -> vertx.deployVerticle(new MqttLinkVerticle(ctx)))
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            LOG.info("agent {} started: fleet {}, profile {}, broker {}, data {}", config.nodeId(), config.fleet(),
                    profile.name(), config.broker(), config.dataDir());
            LOG.info("{}", reachability(config, ctx.dataEndpoint()));
            String foreign = foreignAdvertise(config.advertiseHost(), localAddresses());
            if (foreign != null) {
                LOG.warn("{}", foreign);
            }
            return agent;
        } catch (java.util.concurrent.ExecutionException e) {
            close(vertx, store);
            Throwable c = e.getCause();
            throw c instanceof EdgeFmException ee ? ee : new EdgeFmException("agent start failed: " + c, c);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            close(vertx, store);
            throw new EdgeFmException("agent start failed: " + e, e);
        }
    }

    /** Runs the services of the directive persisted before a restart, without any new directive. */
    private Future<Void> restore() {
        byte[] keys = store.keys().orElse(null);
        if (keys != null) {
            try {
                ctx.keys(ctx.codec().decode(ctx.topics().keys(ctx.nodeId()), keys, org.edgefm.wire.TaskKeys.class));
            } catch (org.edgefm.wire.WireFormatException e) {
                LOG.warn("stored keys not usable ({}): waiting for the host's", e.getMessage());
            }
        }
        byte[] saved = store.directive().orElse(null);
        if (saved == null) {
            return Future.succeededFuture();
        }
        // stored whole: a directive that came in parts may be larger than one payload
        Directive d = org.edgefm.wire.WireCodec.forStoredDirectives().decode(ctx.topics().directive(ctx.nodeId()), saved,
                Directive.class);
        return ctx.runtime().prepare(d.desired()).map(plan -> {
            ctx.runtime().commit(plan);
            ctx.applied(d);
            LOG.info("restored directive v{} (planner epoch {}): services {}", d.version(), d.plannerEpoch(),
                    ctx.runtime().serviceIds());
            return null;
        });
    }

    /** The node id. */
    public String nodeId() {
        return ctx.nodeId();
    }

    /** {@code host:port} of the task and peer endpoint. */
    public String dataEndpoint() {
        return ctx.dataEndpoint();
    }

    /**
     * The startup line on what is reachable from where: where the task and peer endpoint listens,
     * what the birth announces, and the broker it connects out to.
     */
    static String reachability(AgentConfig config, String endpoint) {
        String port = endpoint == null ? "?" : endpoint.substring(endpoint.lastIndexOf(':') + 1);
        boolean loopback = config.httpHost().startsWith("127.") || config.httpHost().equals("localhost")
                || config.httpHost().equals("::1");
        String from = loopback ? "this machine only" : config.httpHost().equals("0.0.0.0") || config.httpHost().equals("::")
                ? "every interface of this machine" : "the network of " + config.httpHost();
        return "reachable: tasks and peer data at http://" + config.httpHost() + ":" + port + " (from " + from
                + "), announced to the fleet as " + endpoint + (loopback && !config.advertiseHost().equals(config.httpHost())
                        ? " (but it listens on loopback: use --bind)" : "")
                + "; outgoing only: MQTT to " + config.broker() + (config.labels().isEmpty() ? "" : "; labels " + config.labels());
    }

    /**
     * The warning for an announced address that is an IP literal but no address of this machine
     * (tasks and peers' stage data then reach the agent only where the network forwards that address
     * here, as a NAT port forward does), else null: a host name, the wildcard or a local address.
     *
     * @param local this machine's addresses, or null when they are unknown (no check)
     */
    static String foreignAdvertise(String advertiseHost, java.util.Set<java.net.InetAddress> local) {
        if (advertiseHost == null || local == null || local.isEmpty()) {
            return null;
        }
        String h = advertiseHost.startsWith("[") && advertiseHost.endsWith("]")
                ? advertiseHost.substring(1, advertiseHost.length() - 1) : advertiseHost;
        if (!h.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !h.contains(":")) {
            return null; // a host name: resolving it here may not say what the fleet resolves it to
        }
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.getByName(h); // a literal: no name lookup
        } catch (java.net.UnknownHostException e) {
            return null;
        }
        if (a.isAnyLocalAddress() || local.contains(a)) {
            return null;
        }
        java.util.List<String> mine = local.stream().map(java.net.InetAddress::getHostAddress)
                .map(x -> x.replaceFirst("%.*$", "")).sorted().distinct().toList();
        return "the announced address " + advertiseHost + " is no address of this machine (" + String.join(", ", mine)
                + "): the host's tasks and the peers' stage data reach this agent only where the network forwards "
                + advertiseHost + " to it; check --advertise";
    }

    /** This machine's interface addresses, or null when they cannot be listed. */
    static java.util.Set<java.net.InetAddress> localAddresses() {
        try {
            java.util.Set<java.net.InetAddress> s = new java.util.HashSet<>();
            java.net.NetworkInterface.networkInterfaces().forEach(n -> n.inetAddresses().forEach(s::add));
            return s;
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    /** Publishes the death, undeploys the verticles, stops the services and closes the state. */
    public void stop() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stop: {}", e.toString());
        }
        ctx.runtime().close();
        store.close();
    }

    private static void close(Vertx vertx, AgentStore store) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already failing
        }
        store.close();
    }

    /** Starts an agent and blocks until the JVM is asked to stop (SIGTERM, Ctrl-C). */
    public static void runUntilShutdown(AgentConfig config) throws InterruptedException {
        Agent a = start(config);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping agent {}", a.nodeId());
            a.stop();
            done.countDown();
        }, "edgefm-agent-shutdown"));
        done.await();
    }
}
