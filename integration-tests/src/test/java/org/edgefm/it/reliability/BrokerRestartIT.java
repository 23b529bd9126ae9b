package org.edgefm.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.wire.Birth;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostState;
import org.edgefm.wire.HostStatus;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.WireCodec;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.host.HostConfig;
import org.edgefm.host.PlannerHost;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.Figures;
import org.edgefm.it.support.FleetRecorder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker restarts under a running host (no planner: the test issues the directives) and two
 * real agents, for the embedded HiveMQ broker and for Debian's Mosquitto: everyone reconnects, the
 * agents publish their births again, the host its {@code online} state, directives issued while
 * the broker was away are delivered from the outbox and applied, and telemetry resumes.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BrokerRestartIT {
    private static final String FLEET = "brokerrestart";
    private static final List<String> NODES = List.of("agent-p", "agent-q");

    @TempDir
    Path dir;

    /** A broker the test can stop and start again on the same port. */
    private interface Broker extends AutoCloseable {
        String url();

        void stop();

        void start() throws IOException;

        @Override
        void close();
    }

    private Broker broker(String kind) throws IOException {
        if (kind.equals("mosquitto")) {
            MosquittoBroker.assumeInstalled();
            MosquittoBroker m = MosquittoBroker.start(Files.createDirectories(dir.resolve("mosquitto")));
            return new Broker() {
                public String url() {
                    return m.url();
                }

                public void stop() {
                    m.stop();
                }

                public void start() throws IOException {
                    m.restart();
                }

                public void close() {
                    m.close();
                }
            };
        }
        int port = MosquittoBroker.freePort();
        EmbeddedBroker.Settings s = new EmbeddedBroker.Settings("127.0.0.1", port, 0, null, null, null, "edgefm-host",
                dir.resolve("hivemq"));
        return new Broker() {
            EmbeddedBroker b = startEmbedded(s);

            public String url() {
                return "tcp://127.0.0.1:" + port;
            }

            public void stop() {
                b.close();
            }

            public void start() {
                b = startEmbedded(s);
            }

            public void close() {
                b.close();
            }
        };
    }

    static EmbeddedBroker startEmbedded(EmbeddedBroker.Settings s) {
        EmbeddedBroker b = new EmbeddedBroker(s);
        b.start();
        return b;
    }

    static Directive directive(String node, long epoch, long version, int parallelism) {
        return new Directive(WireCodec.SCHEMA, node, epoch, version, System.currentTimeMillis(), new DesiredState(List.of(
                new DesiredService("cls", ServiceKind.LIGHT, 1, parallelism, null, 0.02,
                        new KernelSpec("head", Map.of("in", 64, "out", 10, "tokens", 16), null))), List.of(), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"embedded", "mosquitto"})
    void brokerRestart_everyoneReconnects_noDirectiveLost_telemetryResumes(String kind) throws Exception {
        try (Broker broker = broker(kind)) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("fleet", FLEET);
            o.put("brokerUrl", broker.url());
            o.put("httpPort", -1);
            o.put("dataDir", dir.resolve("host").toString());
            o.put("pluginsDir", dir.resolve("plugins").toString());
            o.put("staleAfterMs", 2000);
            Map<String, AgentProcess> agents = new LinkedHashMap<>();
            try (PlannerHost host = new PlannerHost(HostConfig.defaults().with(o), getClass().getClassLoader()).start();
                 FleetRecorder rec = FleetRecorder.anonymous(broker.url())) {
                for (String n : NODES) {
                    Path cfg = Files.writeString(dir.resolve(n + ".json"), "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false,"
                            + " \"telemetryPeriodMs\": 500, \"reconnectMinMs\": 200, \"reconnectMaxMs\": 1000}");
                    agents.put(n, new AgentProcess(n, cfg, dir, broker.url()).start());
                }
                long epoch = host.plannerEpoch();
                for (String n : NODES) {
                    rec.await(n, Birth.class, b -> true, Duration.ofSeconds(60));
                    host.fleet().apply(directive(n, epoch, 1, 1));
                }
                host.fleet().flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> NODES.stream().allMatch(n -> applied(host, n, 1)));

                long t0 = System.nanoTime();
                broker.stop();
                await().atMost(Duration.ofSeconds(30)).until(() -> agents.values().stream()
                        .allMatch(a -> a.log().contains("lost the broker connection")));
                // directives issued while the broker is away wait in the outbox
                for (String n : NODES) {
                    host.fleet().apply(directive(n, epoch, 2, 2));
                }
                host.fleet().flush();
                assertThat(NODES).allMatch(n -> !applied(host, n, 2));
                long restart = System.nanoTime();
                broker.start();

                await().atMost(Duration.ofSeconds(60)).until(() -> rec.timed(null, HostState.class).stream()
                        .anyMatch(h -> h.atNanos() > restart && h.message().state() == HostStatus.ONLINE));
                long hostOnline = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).until(() -> NODES.stream().allMatch(n -> rec.timed(n, Birth.class)
                        .stream().anyMatch(b -> b.atNanos() > restart)));
                long births = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).until(() -> NODES.stream().allMatch(n -> applied(host, n, 2)));
                long directives = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).until(() -> NODES.stream().allMatch(n -> rec.timed(n, Telemetry.class)
                        .stream().filter(t -> t.atNanos() > restart && t.message().appliedVersion() == 2).count() >= 2
                        && host.fleet().state().view(host.fleet().nowMs()).stream()
                                .anyMatch(v -> v.node().equals(n) && v.online())));
                long telemetry = System.nanoTime();
                int lost = (int) NODES.stream().filter(n -> !applied(host, n, 2)).count();
                Figures.of("BrokerRestartIT." + kind).seconds("brokerDown", t0, restart)
                        .seconds("restartToHostOnline", restart, hostOnline)
                        .seconds("restartToAllBirths", restart, births)
                        .seconds("restartToDirectivesApplied", restart, directives)
                        .seconds("restartToTelemetryResumed", restart, telemetry)
                        .put("directivesIssuedWhileDown", NODES.size()).put("directivesLost", lost).print();
                assertThat(lost).isZero();
                for (AgentProcess a : agents.values()) {
                    assertThat(a.alive()).isTrue();
                    assertThat(a.log()).doesNotContain("Exception in thread");
                }
            } finally {
                for (AgentProcess a : agents.values()) {
                    a.close();
                }
            }
        }
    }

    /** The node acknowledged version {@code v} as applied (the host's outbox says so). */
    static boolean applied(PlannerHost host, String node, long v) {
        return host.fleet().outbox().entries().stream().anyMatch(e -> e.node().equals(node) && e.version() == v
                && e.state() == DirectiveOutbox.State.APPLIED);
    }
}
