package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.Result;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.edgefm.it.support.Figures;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security suite: the attacks of one stolen device account (agx-orin's) repeated with real Paho
 * and Debian mosquitto clients against a real host on its embedded broker with credentials, plus a
 * seeded fuzzer of valid-looking hostile reports over every topic the host reads. Each test asserts
 * the attack's result (integration-tests/README.md, "Security suite"): no takeover, planners'
 * topology and on-time figures unchanged, /metrics and memory bounded, every rejection counted.
 */
@Timeout(180)
class FleetAttackIT {
    @TempDir
    static Path dir;
    static HostHarness h;
    static final Topics T = Topics.forFleet(HostHarness.FLEET);
    static final WireCodec CODEC = new WireCodec();

    @BeforeAll
    static void start() throws Exception {
        h = new HostHarness(dir);
        h.start(null, Map.of());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void takeover_withAnotherNodesClientId_isRefused_victimStaysConnected() throws Exception {
        try (FakeAgent victim = h.agent("edge-l4")) {
            victim.birth(0, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.host.fleet().state().sessionAlive("edge-l4"));
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                MqttClient thief = new MqttClient(h.url(), T.agentClientId("edge-l4"), new MemoryPersistence());
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setUserName("agx-orin");
                o.setPassword(h.passwords.get("agx-orin").getBytes(StandardCharsets.UTF_8));
                o.setConnectionTimeout(5);
                try {
                    thief.connect(o);
                    thief.disconnect();
                } catch (MqttException e) {
                    refused++;
                } finally {
                    thief.close(true);
                }
            }
            assertThat(refused).isEqualTo(20);
            assertThat(victim.mqtt.isConnected()).isTrue();
            assertThat(h.host.fleet().state().sessionAlive("edge-l4")).as("no Will fired, no failover").isTrue();
            assertThat(h.host.broker().refusals().get("client-id")).isGreaterThanOrEqualTo(20);
            Figures.of("FleetAttackIT.takeover").put("attempts", 20).put("refused", refused).put("victimKicked", 0).print();
        }
    }

    @Test
    void debianMosquittoClients_cannotTakeOverNorPublishHugeRetained() throws Exception {
        Path pub = Path.of("/usr/bin/mosquitto_pub");
        Assumptions.assumeTrue(Files.isExecutable(pub), "mosquitto-clients not installed");
        String port = h.url().substring(h.url().lastIndexOf(':') + 1);
        // another node's client id with agx-orin's account: refused at connect
        Process p = new ProcessBuilder(pub.toString(), "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-q", "1",
                "-i", T.agentClientId("edge-l4"), "-u", "agx-orin", "-P", h.passwords.get("agx-orin"),
                "-t", T.birth("agx-orin"), "-m", "{}").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        // its own client id, a 100 KB retained message: refused by the broker's retained-size limit
        Path big = Files.write(dir.resolve("big"), new byte[100 * 1024]);
        long before = h.host.broker().refusals().getOrDefault("retained-size", 0L)
                + h.host.broker().refusals().getOrDefault("rate", 0L);
        Process q = new ProcessBuilder(pub.toString(), "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-q", "1", "-r",
                "-i", T.agentClientId("agx-orin"), "-u", "agx-orin", "-P", h.passwords.get("agx-orin"),
                "-t", T.birth("agx-orin"), "-f", big.toString()).redirectErrorStream(true).start();
        q.getInputStream().readAllBytes();
        assertThat(q.waitFor(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.host.broker().refusals().getOrDefault("retained-size", 0L)
                + h.host.broker().refusals().getOrDefault("rate", 0L) > before);
        assertThat(h.host.fleet().state().sessionAlive("agx-orin")).isFalse();
    }

    @Test
    void forgedReports_leaveTopologyAndOnTimeUnchanged_andAreCountedPerNodeAndReason() throws Exception {
        try (FakeAgent attacker = h.agent("orin-nx")) {
            attacker.birth(0, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.host.fleet().state().sessionAlive("orin-nx"));
            long completedBefore = h.host.meters().totalCompleted();
            // links between any peers, absurd figures; services it was never asked to run
            attacker.publish(new Telemetry(WireCodec.SCHEMA, "orin-nx", attacker.session, attacker.seq++,
                    System.currentTimeMillis(), 0, new HostMetrics(0.1, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, 0), List.of(),
                    List.of(new ServiceMetrics("vit-l", 1, 1, 0, 0, 9, 9, -1.0, 1e300, List.of(1e300), List.of())),
                    List.of(new PeerMetrics("edge-l4", 1e-9, 1e12, 100L, 0L), new PeerMetrics("orin-nano", 0.001, 1e12, 5L, 0L))),
                    T.telemetry("orin-nx"));
            // 2,000 forged completions naming another node as origin, all on time (two results of 1,000)
            long now = System.currentTimeMillis();
            for (int part = 0; part < 2; part++) {
                List<TaskCompletion> forged = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    forged.add(new TaskCompletion("forged-" + part + "-" + i, "vqa", "edge-l4", now - 10, now, 1e9, true, null,
                            List.of()));
                }
                attacker.publish(new Result(WireCodec.SCHEMA, "orin-nx", now, forged), T.result("orin-nx"));
            }
            // 500 more with the task type's deadline but no origin's ticket: none, invented, or another task's
            List<TaskCompletion> unsigned = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                unsigned.add(new TaskCompletion("unsigned-" + i, "vqa", "edge-l4", now - 10, now, 250, true, null, List.of(),
                        i % 3 == 0 ? null : i % 3 == 1 ? h.host.plannerEpoch() + ".AAAAAAAAAAAAAAAAAAAAAA"
                                : "1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16])));
            }
            attacker.publish(new Result(WireCodec.SCHEMA, "orin-nx", now, unsigned), T.result("orin-nx"));
            // acks with agent-chosen service and weights names (the metrics label explosion)
            for (int i = 0; i < 20; i++) {
                attacker.publish(new Ack(WireCodec.SCHEMA, "orin-nx", h.host.plannerEpoch(), 1000 + i, AckOutcome.APPLIED, null,
                        now, List.of(new InstanceStart("svc-" + "x".repeat(40) + i, 1.0, "npy " + "w".repeat(200) + i)),
                        List.of()), T.ack("orin-nx"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> h.host.fleet().validator().rejected("orin-nx",
                    org.edgefm.host.fleet.ReportValidator.Reason.UNKNOWN_DIRECTIVE) == 20);
            var v = h.host.fleet().validator();
            await().atMost(Duration.ofSeconds(20)).until(() -> v.rejected("orin-nx",
                    org.edgefm.host.fleet.ReportValidator.Reason.FORGED_TASK) == 500);
            assertThat(v.rejected("orin-nx", org.edgefm.host.fleet.ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(2);
            assertThat(v.rejected("orin-nx", org.edgefm.host.fleet.ReportValidator.Reason.UNASKED_SERVICE)).isEqualTo(1);
            assertThat(v.rejected("orin-nx", org.edgefm.host.fleet.ReportValidator.Reason.BAD_TASK)
                    + v.rejected("orin-nx", org.edgefm.host.fleet.ReportValidator.Reason.NOT_SINK)).isEqualTo(2_000);
            assertThat(v.flagged("orin-nx")).isTrue();
            assertThat(h.host.meters().totalCompleted()).as("on-time figures unchanged").isEqualTo(completedBefore);
            assertThat(h.host.fleet().snapshot().links()).as("planners' topology unchanged").isEmpty();
            String metrics = h.get("/metrics");
            assertThat(metrics).doesNotContain("svc-x").doesNotContain("wwww");
            assertThat(h.get("/api/reports")).contains("\"orin-nx\"").contains("\"flagged\":true");
            assertThat(h.get("/api/fleet")).containsPattern("\"flaggedNodes\":\\[[^\\]]*\"orin-nx\"");
            Figures.of(getClass().getSimpleName() + ".forgedReports").put("completionsForged", 2_500).put("completionsCounted", 0)
                    .put("metricsBytes", metrics.length()).print();
        }
    }

    /**
     * Seeded fuzzer: valid-looking reports with hostile values (each message has at least one part the
     * host must refuse) over every topic the host reads. Every message is refused or has a part
     * rejected, and counted; the host keeps serving with /metrics and heap bounded.
     */
    @Test
    void fuzzer_everyHostTopic_everyHostileMessageCounted_resourcesBounded() throws Exception {
        long seed = Long.getLong("edgefm.fuzz.seed", 20_261_206L);
        int n = Integer.getInteger("edgefm.fuzz.messages", 400);
        SplittableRandom r = new SplittableRandom(seed);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        try (FakeAgent a = h.agent("orin-nano")) {
            a.birth(0, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.host.fleet().state().sessionAlive("orin-nano"));
            double counted0 = counted();
            int sent = 0;
            for (int i = 0; i < n; i++) {
                WireMessage m = hostile(r, a, i);
                try {
                    a.publish(m, T.node("orin-nano", m.type()));
                    sent++;
                } catch (MqttException rateLimited) {
                    // the broker's per-client rate limit refused it: counted there, not by the host
                }
                if (i % 50 == 49) {
                    Thread.sleep(300); // below the broker's rate limit: this test is about the host
                }
            }
            int expected = sent;
            await().atMost(Duration.ofSeconds(60)).until(() -> counted() - counted0 >= expected);
            String metrics = h.get("/metrics");
            System.gc();
            long heapGrowth = rt.totalMemory() - rt.freeMemory() - heapBefore;
            assertThat(metrics.length()).as("/metrics bytes").isLessThan(400_000);
            assertThat(heapGrowth).as("heap growth").isLessThan(64L << 20);
            assertThat(h.host.meters().totalCompleted()).isZero();
            assertThat(h.get("/health")).contains("\"status\":\"ok\"");
            Figures.of(getClass().getSimpleName() + ".fuzzer").put("seed", seed).put("messages", sent).put("counted", counted() - counted0)
                    .put("metricsBytes", metrics.length()).put("heapGrowthMiB", heapGrowth >> 20).print();
        }
    }

    /** Rejected reports plus refused messages so far, as /metrics shows them. */
    static double counted() throws Exception {
        return h.metric("edgefm_reports_rejected_total") + h.metric("edgefm_messages_bad_total");
    }

    /** A valid-looking message from orin-nano with at least one hostile part. */
    static WireMessage hostile(SplittableRandom r, FakeAgent a, int i) {
        long now = System.currentTimeMillis();
        // values the wire accepts (finite, >= 0) but no link has: the host must refuse them for their meaning
        double[] evil = {0.0, 1e-9, 1e12, 1e300, 7.0};
        double x = evil[r.nextInt(evil.length)];
        String someone = HostHarness.NODES[r.nextInt(HostHarness.NODES.length)];
        return switch (r.nextInt(4)) {
            case 0 -> new Telemetry(WireCodec.SCHEMA, "orin-nano", a.session, a.seq++, now, 0,
                    new HostMetrics(0.2, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, 0), List.of(),
                    List.of(new ServiceMetrics("svc-" + r.nextInt(1_000_000), 1, 1, 0, 0, 1, 1, 1.0, 1.0, List.of(), List.of())),
                    List.of(new PeerMetrics(someone, x, x + 1, (long) i + 1, 0L)));
            case 1 -> new Ack(WireCodec.SCHEMA, "orin-nano", r.nextLong(0, 1L << 40), r.nextLong(1, 1L << 40),
                    AckOutcome.APPLIED, null, now, List.of(new InstanceStart("s" + r.nextInt(), 1.0, "npy " + r.nextInt())),
                    List.of());
            case 2 -> new Result(WireCodec.SCHEMA, "orin-nano", now, List.of(new TaskCompletion("fz-" + r.nextLong(),
                    r.nextBoolean() ? "vqa" : "t" + r.nextInt(1000), someone, Math.max(0, now - r.nextInt(1000)),
                    now + (r.nextBoolean() ? 0 : 86_400_000L), r.nextBoolean() ? 250 : 1 + r.nextInt(100_000), true, null,
                    List.of(), r.nextBoolean() ? null : r.nextLong(0, 1L << 40) + "." + Long.toHexString(r.nextLong()))));
            default -> new Birth(WireCodec.SCHEMA, "orin-nano", a.session, now, "p", "v",
                    new Capabilities(ResourceVector.ZERO, "amd64", "none", List.of()), r.nextLong(1, 1L << 40),
                    h.host.plannerEpoch() + 1 + r.nextLong(0, 1L << 40), List.of(), "");
        };
    }

    /**
     * A real agent on an open (loopback, trial-like) broker: another client takes over its session
     * three times, then forges a directive of planner epoch 999999999 and one whose weights path
     * leaves the model folder. The agent says why it was kicked, backs off without a race, comes back,
     * ignores the future epoch and refuses the path without telling whether the file exists.
     */
    @Test
    @Timeout(240)
    void realAgent_kickedBacksOff_ignoresFutureEpochs_andRefusesWeightsOutsideItsFolder() throws Exception {
        int port = org.edgefm.it.MosquittoBroker.freePort();
        String url = "tcp://127.0.0.1:" + port;
        Path d = Files.createDirectories(dir.resolve("open"));
        try (org.edgefm.host.broker.EmbeddedBroker open = new org.edgefm.host.broker.EmbeddedBroker(new org.edgefm.host.broker.EmbeddedBroker.Settings(
                "127.0.0.1", port, 0, null, null, null, "edgefm-host", d.resolve("broker"), HostHarness.FLEET, null, null))) {
            open.start();
            org.edgefm.it.support.FleetRecorder host = org.edgefm.it.support.FleetRecorder.anonymous(url);
            host.publishRetained(T.hostState(), CODEC.encode(new org.edgefm.wire.HostState(WireCodec.SCHEMA, "h",
                    org.edgefm.wire.HostStatus.ONLINE, 1, System.currentTimeMillis())));
            Path cfg = Files.writeString(d.resolve("victim.json"), "{\"fleet\": \"" + HostHarness.FLEET
                    + "\", \"calibrate\": false, \"reconnectMinMs\": 200, \"reconnectMaxMs\": 8000}");
            try (org.edgefm.it.support.AgentProcess victim = new org.edgefm.it.support.AgentProcess("victim", cfg, d, url).start()) {
                host.await("victim", Birth.class, b -> true, Duration.ofSeconds(90));
                for (int i = 0; i < 3; i++) {
                    MqttClient thief = new MqttClient(url, T.agentClientId("victim"), new MemoryPersistence());
                    thief.connect();
                    thief.disconnect();
                    thief.close(true);
                    Thread.sleep(300);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> victim.log().contains("kicked off the broker"));
                long births = host.received("victim", Birth.class).size();
                await().atMost(Duration.ofSeconds(60)).until(() -> host.received("victim", Birth.class).size() > births);
                assertThat(victim.log()).doesNotContain("NullPointerException").doesNotContain("Unhandled exception");

                // a forged directive from the future: ignored, not acknowledged
                host.publish(T.directive("victim"), CODEC.encode(new org.edgefm.wire.Directive(WireCodec.SCHEMA, "victim",
                        999_999_999L, 1, 1, org.edgefm.wire.DesiredState.EMPTY)));
                await().atMost(Duration.ofSeconds(30)).until(() -> victim.log().contains("beyond the epoch 1"));
                // weights outside the model folder: refused at decoding, same text for a file that exists or not
                for (String w : List.of("../../../../etc/shadow", "../../../../etc/no-such-file")) {
                    String json = new String(CODEC.encode(new org.edgefm.wire.Directive(WireCodec.SCHEMA, "victim", 1,
                            w.contains("shadow") ? 2 : 3, 1, org.edgefm.wire.DesiredState.EMPTY)), StandardCharsets.UTF_8)
                            .replace("\"services\":[]", "\"services\":[{\"service\":\"head\",\"kind\":\"light\",\"instances\":1,"
                                    + "\"parallelism\":1,\"workloadMb\":1.0,\"kernel\":{\"kind\":\"head\",\"dims\":{\"in\":4,"
                                    + "\"out\":4},\"weights\":\"" + w + "\"}}]");
                    host.publish(T.directive("victim"), json.getBytes(StandardCharsets.UTF_8));
                }
                Ack shadow = host.await("victim", Ack.class, a -> a.version() == 2, Duration.ofSeconds(30)).message();
                Ack none = host.await("victim", Ack.class, a -> a.version() == 3, Duration.ofSeconds(30)).message();
                assertThat(shadow.outcome()).isEqualTo(AckOutcome.REJECTED);
                assertThat(shadow.error()).contains("weights").doesNotContainIgnoringCase("not readable");
                assertThat(shadow.error().replace("shadow", "X")).isEqualTo(none.error().replace("no-such-file", "X"));
                assertThat(host.received("victim", Ack.class)).noneMatch(a -> a.plannerEpoch() == 999_999_999L);
                Figures.of("FleetAttackIT.realAgent").put("takeovers", 3).put("futureEpochApplied", false)
                        .put("weightsError", shadow.error()).print();
            } finally {
                host.close();
            }
        }
    }

    @Test
    void anonymousClient_getsNoSession() {
        assertThatThrownBy(() -> {
            MqttClient c = new MqttClient(h.url(), "anon-" + System.nanoTime(), new MemoryPersistence());
            try {
                c.connect();
            } finally {
                c.close(true);
            }
        }).isInstanceOf(MqttException.class);
    }
}
