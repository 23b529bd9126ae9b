package org.edgefm.host;

import org.edgefm.host.http.HttpGuard;
import org.edgefm.control.FleetModel;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.ConfigException;
import org.edgefm.api.EdgeFmException;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.wire.Directive;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.LinkEstimator;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.host.bridge.MqttFleet;
import org.edgefm.host.broker.Credentials;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.host.http.HttpApi;
import org.edgefm.host.journal.TrialJournal;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner host process: broker (embedded HiveMQ, or an external one), {@link MqttFleet},
 * {@link PluginRegistry}, {@link ControlLoop} with its {@link RealTimeDriver}, the durable
 * {@link DirectiveOutbox}, the {@link TrialJournal}, {@link HostMeters} and the {@link HttpApi}.
 * {@link #start()} brings them up in that order, {@link #close()} takes them down in reverse.
 */
public final class PlannerHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerHost.class);

    private final HostConfig config;
    private final ClassLoader loader;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private PluginRegistry registry;
    private HostMeters meters;
    private DirectiveOutbox outbox;
    private MqttFleet fleet;
    private ControlLoop loop;
    /** The planner run in shadow mode ({@code shadowPlanner}), or null. */
    private org.edgefm.control.ShadowPlanner shadow;
    private FleetModel fleetModel;
    private TrialJournal journal;
    private Vertx vertx;
    private HttpApi http;
    private EmbeddedBroker broker;
    private HttpGuard.Token httpToken;
    private RealTimeDriver driver;
    private String brokerUrl;
    private long plannerEpoch;
    /** The host account's password on its broker (the random one on an embedded broker with accounts), or null. */
    private char[] accountPassword;
    /** Observers of the fleet state, the outbox and the loop ({@link #observe}). */
    private final List<HostObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Creates the host.
     *
     * @param config its configuration
     * @param loader the class loader whose class path holds the built-in plugins
     */
    public PlannerHost(HostConfig config, ClassLoader loader) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.loader = Objects.requireNonNull(loader, "loader is null");
    }

    /**
     * Adds an observer of the host's fleet state, outbox and control loop; call it before {@link #start()}.
     *
     * @throws IllegalStateException once the host started
     */
    public synchronized PlannerHost observe(HostObserver observer) {
        Objects.requireNonNull(observer, "observer is null");
        if (outbox != null) {
            throw new IllegalStateException("observe: the host started already (observers are added before start)");
        }
        observers.add(observer);
        return this;
    }

    /**
     * Starts every part.
     *
     * @throws EdgeFmException naming what failed (the parts started so far are stopped)
     */
    public PlannerHost start() {
        try {
            doStart();
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void doStart() {
        LOG.info("starting planner host: {}", config);
        registry = PluginRegistry.load(loader, config.pluginsDir());
        ResolvedPlanner planner = config.planner() == null ? null : registry.resolve(config.planner());
        Scenario scenario = config.scenario() == null ? null : ScenarioLoader.resolve(config.scenario());
        try {
            Files.createDirectories(config.dataDir());
        } catch (java.io.IOException e) {
            throw new EdgeFmException("dataDir " + config.dataDir() + ": cannot create: " + e.getMessage(), e);
        }
        meters = new HostMeters();
        if (scenario != null) {
            meters.knownServices(scenario.services().stream().map(org.edgefm.api.model.ServiceSpec::id).toList());
            meters.knownTaskTypes(scenario.taskTypes().stream().map(org.edgefm.api.model.TaskType::id).toList());
        }
        outbox = new DirectiveOutbox(config.dataDir().resolve("outbox.db"), 1_000, 30_000);
        toClose.add(outbox);
        plannerEpoch = outbox.nextPlannerEpoch();
        observers.forEach(outbox::observe);
        meters.outboxSize(outbox::size);

        char[] hostPassword = config.hostPassword();
        javax.net.SocketFactory hostSockets = null;
        if (config.brokerUrl() == null) {
            HostSecurity sec = config.security();
            Credentials creds = config.credentialsFile() == null ? null : Credentials.load(config.credentialsFile());
            boolean secured = creds != null || sec.clientCa() != null;
            if (!secured && !EmbeddedBroker.loopbackOnly(config.brokerBind()) && !sec.insecure()) {
                throw new ConfigException("brokerBind: " + config.brokerBind() + " is not a loopback address and the embedded"
                        + " broker has no credentials file and no client CA: refusing to run an open broker beyond this"
                        + " machine (give credentialsFile or clientCa, or insecure=true for a closed test network)");
            }
            if (secured) {
                // The host's own account on its embedded broker: a fresh random password per run.
                byte[] r = new byte[24];
                new SecureRandom().nextBytes(r);
                hostPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(r).toCharArray();
                creds = (creds == null ? Credentials.of(java.util.Map.of()) : creds).with(config.hostUser(), hostPassword);
            } else {
                hostPassword = null;
            }
            broker = new EmbeddedBroker(new EmbeddedBroker.Settings(config.brokerBind(), config.brokerPort(),
                    config.tlsPort(), config.keystore(), config.keystorePassword(), creds, config.hostUser(),
                    config.dataDir().resolve("broker"), config.fleet(), sec.clientCa(), sec.limits()));
            broker.start();
            toClose.add(0, broker);
            if (secured) {
                // fleet revoke: a removed account or a revoked certificate is cut within a second or two
                toClose.add(0, new org.edgefm.host.internal.RevocationWatcher(broker, config.credentialsFile(), config.hostUser()));
            }
            meters.broker(broker);
            String bind = config.brokerBind().equals("0.0.0.0") || config.brokerBind().equals("::") ? "127.0.0.1"
                    : config.brokerBind();
            if (config.brokerPort() > 0) {
                brokerUrl = "tcp://" + bind + ":" + config.brokerPort();
            } else {
                // TLS only: the host reaches its own broker over TLS too, trusting exactly the broker's certificate
                brokerUrl = "ssl://" + bind + ":" + config.tlsPort();
                hostSockets = org.edgefm.host.internal.PinnedTls.socketFactory(config.keystore(), config.keystorePassword());
            }
        } else {
            brokerUrl = config.brokerUrl();
            if (hostPassword == null && System.getenv("EDGEFM_HOST_PASSWORD") != null) {
                hostPassword = System.getenv("EDGEFM_HOST_PASSWORD").toCharArray();
            }
        }
        accountPassword = hostPassword == null ? null : hostPassword.clone();
        fleet = new MqttFleet(new MqttFleet.Options(brokerUrl, config.fleet(), config.hostId(),
                hostPassword == null && config.brokerUrl() == null ? null : config.hostUser(), hostPassword, hostSockets,
                config.staleAfterMs()), scenario == null ? List.of() : scenario.users(), outbox, meters);
        toClose.add(0, fleet);
        observers.forEach(fleet.state()::observe);
        if (scenario != null) {
            fleet.taskTypes(scenario.taskTypes());
            // after a host restart agents report their previous directive's peers and stops until this run's
            // first directive: nodes of this fleet (born, or declared) and the scenario's services
            java.util.Set<String> declared = scenario.topology().nodes().stream().map(org.edgefm.api.model.NodeSpec::id)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
            org.edgefm.host.fleet.FleetState st = fleet.state();
            fleet.validator().fleet(id -> declared.contains(id) || st.everBorn(id),
                    scenario.services().stream().map(org.edgefm.api.model.ServiceSpec::id).toList());
            if (config.fleetModel().source() == FleetModel.Source.JOINED && scenario.topology().links().isEmpty()) {
                // no link declared: the planners' topology is what the agents measure, to any node of the fleet
                // (a directive names peers only along routes, and routes need links first)
                fleet.validator().acceptLinksTo(fleet.state()::everBorn);
            }
        }
        fleet.taskSecret(org.edgefm.host.fleet.TaskSecret.loadOrCreate(config.dataDir().resolve("task-secret")));
        org.edgefm.host.fleet.TaskSecret.writeDataToken(config.dataDir().resolve("data-token"), fleet.dataToken());
        LOG.info("tasks enter agents with the fleet's data token (Authorization: Bearer), in {} (owner-only)",
                config.dataDir().resolve("data-token"));
        Path previous = config.dataDir().resolve("journal-" + (plannerEpoch - 1) + ".db");
        if (Files.exists(previous)) {
            // results counted by the previous run may come again (an agent that missed the broker's
            // acknowledgement, or a late second completion of the same task): count them once
            try (TrialJournal old = new TrialJournal(previous)) {
                List<String> ids = old.completedTaskIds();
                fleet.state().alreadyCounted(ids);
                fleet.validator().previousRun(old.directiveServices(), ids);
                LOG.info("{} task ids counted by the previous run (planner epoch {}) will not be counted again",
                        ids.size(), plannerEpoch - 1);
            }
        }
        fleet.connect(plannerEpoch);
        MqttFleet f = fleet;
        meters.brokerLink(f::connected);
        meters.fleet(() -> f.state().view(f.nowMs()), scenario != null && scenario.pinsNodes()
                ? scenario.topology().nodes().stream().map(org.edgefm.api.model.NodeSpec::id)
                        .collect(java.util.stream.Collectors.toSet()) : java.util.Set.of());

        if (planner != null) {
            journal = new TrialJournal(config.dataDir().resolve("journal-" + plannerEpoch + ".db"));
            toClose.add(0, journal);
            double slotMs = config.slotMs() != null ? config.slotMs() : scenario.run().slotMs();
            double epochMs = config.planningEpochMs() != null ? config.planningEpochMs() : scenario.run().planningEpochMs();
            meters.pluginsInUse(planner.coreName(), planner.controller().name());
            List<ControlLoop.Listener> ls = new ArrayList<>(List.of(meters, journal));
            ls.addAll(observers);
            if (config.shadowPlanner() != null) {
                shadow = ShadowSetup.start(registry, config.shadowPlanner(), scenario.plannerConfig()
                        .with(config.plannerSettings()), config.coreBudgetMs(), slotMs, epochMs, meters, planner);
                toClose.add(0, shadow);
                ls.add(shadow);
            }
            ControlLoop.Listener listeners = fanOut(ls);
            fleetModel = new FleetModel(scenario, config.fleetModel(), fleet.notices());
            loop = new ControlLoop(fleet, fleetModel, planner, scenario.plannerConfig().with(config.plannerSettings()),
                    coreBudget(ControlLoop.Settings.of(slotMs, epochMs, plannerEpoch)), config.links(), listeners);
            toClose.add(0, loop);
            org.edgefm.control.PluginFallback.declare(loop, registry, config.fallbackPlanner());
            // On close the fleet stops receiving first, then the loop hands what it took in since the
            // last slot to the meters and the journal: a result the broker acknowledged is never dropped.
            ControlLoop last = loop;
            toClose.remove(fleet);
            toClose.add(0, last::finalSnapshot);
            toClose.add(0, fleet);
            LOG.info("control loop: planner {} (core {}, controller {}), slot {} ms, planning epoch {} ms, scenario {};"
                    + " planners' nodes: {}", planner.name(), planner.coreName(), planner.controller().name(), slotMs, epochMs,
                    scenario.name(), config.fleetModel().source() == FleetModel.Source.DECLARED
                            ? "the scenario's " + scenario.topology().nodes().size() + " (fleet.model=declared)"
                            : "the agents that join" + (scenario.pinsNodes() ? " (the scenario pins "
                                    + scenario.topology().nodes().size() + ")" : ""));
        } else {
            LOG.info("no planner configured: the host bridges and records fleet state, and re-sends pending directives");
        }
        vertx = HostVertx.create(meters.registry());
        toClose.add(0, () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        if (loop != null) {
            driver = new RealTimeDriver(vertx, loop, meters::stepTime, meters::decisionLag);
            driver.start();
            toClose.add(0, driver);
        }
        if (config.httpPort() >= 0) {
            Path tokenFile = config.security().httpTokenFile() != null ? config.security().httpTokenFile()
                    : config.dataDir().resolve("http-token");
            httpToken = HttpGuard.loadOrCreate(tokenFile);
            LOG.info("HTTP API token {} {} (owner-only)", httpToken.created() ? "created in" : "read from", tokenFile);
            http = new HttpApi(vertx, this);
            http.listen(config.httpBind(), config.httpPort());
        }
        LOG.info("planner host up: fleet {}, broker {}, planner epoch {}, HTTP {}", config.fleet(), brokerUrl,
                plannerEpoch, http == null ? "off" : "http://" + config.httpBind() + ":" + http.port() + "/");
        LOG.info("{}", reachability());
    }

    private ControlLoop.Settings coreBudget(ControlLoop.Settings s) {
        return new ControlLoop.Settings(s.slotMs(), s.planningEpochMs(), java.time.Duration.ofMillis((long) config.coreBudgetMs()),
                s.lightBudget(), s.plannerEpoch(), s.enforceBudget(), s.wallClock(), s.backgroundCore());
    }

    static ControlLoop.Listener fanOut(List<ControlLoop.Listener> ls) {
        return new ControlLoop.Listener() {
            @Override
            public void onSnapshot(long slot, FleetSnapshot snapshot) {
                ls.forEach(l -> l.onSnapshot(slot, snapshot));
            }

            @Override
            public void onCorePlacement(CorePlacementContext.Trigger trigger, CorePlacement placement, double elapsedMs) {
                ls.forEach(l -> l.onCorePlacement(trigger, placement, elapsedMs));
            }

            @Override
            public void onDecision(long slot, LightDecision decision, double elapsedMs) {
                ls.forEach(l -> l.onDecision(slot, decision, elapsedMs));
            }

            @Override
            public void onDirective(Directive directive) {
                ls.forEach(l -> l.onDirective(directive));
            }

            @Override
            public void onPluginFailure(String plugin, String role, String reason, String detail) {
                ls.forEach(l -> l.onPluginFailure(plugin, role, reason, detail));
            }

            @Override
            public void onTopologyChange(LinkEstimator.Change change) {
                ls.forEach(l -> l.onTopologyChange(change));
            }

            @Override
            public void onCorePlacementDropped(CorePlacementContext.Trigger trigger, String reason) {
                ls.forEach(l -> l.onCorePlacementDropped(trigger, reason));
            }

            @Override
            public void onObservation(long slot, org.edgefm.api.spi.SlotObservation observation, LightDecision inForce) {
                ls.forEach(l -> l.onObservation(slot, observation, inForce));
            }
        };
    }

    /**
     * One line on what is reachable from where: the embedded broker's listeners (or the external
     * broker), the HTTP API, whether each is reachable from this machine only or from the network,
     * what to give agents as {@code --broker}, and whether clients must authenticate.
     */
    public String reachability() {
        StringBuilder b = new StringBuilder("reachable: ");
        String adv = config.advertiseHost();
        if (broker != null) {
            String bind = config.brokerBind();
            boolean local = EmbeddedBroker.loopbackOnly(bind);
            String host = adv != null ? adv : local || isWildcard(bind) ? null : bind;
            if (config.brokerPort() > 0) {
                b.append("MQTT on ").append(bind).append(':').append(config.brokerPort());
            }
            if (config.tlsPort() > 0) {
                b.append(config.brokerPort() > 0 ? " and " : "").append("MQTT/TLS on ").append(bind).append(':')
                        .append(config.tlsPort());
            }
            b.append(local ? " (from this machine only: agents on other machines need --bind)" : " (from the network)");
            if (!local) {
                String scheme = config.tlsPort() > 0 ? "ssl://" : "tcp://";
                int port = config.tlsPort() > 0 ? config.tlsPort() : config.brokerPort();
                b.append("; agents use --broker ").append(scheme).append(host == null ? "THIS-HOST" : host).append(':')
                        .append(port).append(" --fleet ").append(config.fleet());
                if (host == null) {
                    b.append(" (set --advertise to this machine's name or address)");
                }
            }
            b.append(config.credentialsFile() == null ? "; no accounts: any client may connect and publish"
                    + (local ? "" : " (use --credentials beyond a lab)") : "; accounts from " + config.credentialsFile());
        } else {
            b.append("nothing listens for MQTT here (external broker ").append(brokerUrl)
                    .append("; agents use --broker with that broker's address) --fleet ").append(config.fleet());
        }
        if (http != null) {
            boolean local = EmbeddedBroker.loopbackOnly(config.httpBind());
            b.append("; HTTP API and dashboard on ").append(config.httpBind()).append(':').append(http.port())
                    .append(local ? " (this machine only)" : " (from the network, read-only, no login)");
        }
        return b.toString();
    }

    private static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
    }

    /** The configuration. */
    public HostConfig config() {
        return config;
    }

    /** The plugin registry. */
    public PluginRegistry registry() {
        return registry;
    }

    /** The meters. */
    public HostMeters meters() {
        return meters;
    }

    /** The real fleet. */
    public MqttFleet fleet() {
        return fleet;
    }

    /** The planner run in shadow mode, or null without one. */
    public org.edgefm.control.ShadowPlanner shadow() {
        return shadow;
    }

    /** The control loop, or null without a planner. */
    public ControlLoop loop() {
        return loop;
    }

    /** The planners' model of the fleet that joined, or null without a planner. */
    public FleetModel fleetModel() {
        return fleetModel;
    }

    /** The trial journal, or null without a planner. */
    public TrialJournal journal() {
        return journal;
    }

    /** The planner epoch of this run. */
    public long plannerEpoch() {
        return plannerEpoch;
    }

    /**
     * The password of the host's broker account ({@code hostUser}), for a client in this process
     * that reads every node's topics (a trial's monitor); null on an open broker. Never log it.
     */
    public char[] hostAccountPassword() {
        return accountPassword == null ? null : accountPassword.clone();
    }

    /** The broker URL the host uses. */
    public String brokerUrl() {
        return brokerUrl;
    }

    /** The embedded broker, or null when the host uses an external one. */
    public EmbeddedBroker broker() {
        return broker;
    }

    /**
     * Starts recording each control-loop step's costs (start delay, wall and thread CPU time, allocation)
     * in {@code costs}; nothing without a planner.
     */
    public void recordStepCosts(StepCosts costs) {
        if (driver != null) {
            driver.costs(costs);
        }
    }

    /** Slots the control loop skipped because the previous step was still running (0 without a planner). */
    public long skippedSlots() {
        return driver == null ? 0 : driver.skipped();
    }

    /**
     * The fleet's data-plane token: task sources send it to an agent's task endpoint as
     * {@code Authorization: Bearer} (also in {@code dataDir/data-token}).
     */
    public String dataToken() {
        return fleet == null ? null : fleet.dataToken();
    }

    /** The HTTP API token (null while the API is off). */
    public HttpGuard.Token httpToken() {
        return httpToken;
    }

    /** HTTP requests refused by the guard: {@code host} (Host header) and {@code token}; empty without HTTP. */
    public java.util.Map<String, Long> httpGuardRefusals() {
        if (http == null || http.guard() == null) {
            return java.util.Map.of();
        }
        return java.util.Map.of("host", http.guard().refusedHost(), "token", http.guard().refusedToken());
    }

    /** The HTTP port, or -1 without HTTP. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /**
     * Stops the control loop's slots (waiting for a step in progress) while the fleet and the broker
     * stay up: no directive is planned any more, so nodes that leave afterwards (a trial stopping its
     * agents) are not failed over. {@link #close()} stops the rest. Does nothing without a planner.
     */
    public void stopPlanning() {
        RealTimeDriver d;
        synchronized (this) {
            d = driver;
        }
        if (d != null) {
            d.close();
        }
    }

    /**
     * Stops every part, newest first except that the fleet stops before the loop and the journal,
     * which then get a last snapshot; errors are logged, not thrown.
     */
    @Override
    public synchronized void close() {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        toClose.clear();
    }
}
