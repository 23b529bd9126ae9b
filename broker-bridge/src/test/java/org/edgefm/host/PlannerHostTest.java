package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefm.host.journal.TrialJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PlannerHostTest {
    @TempDir
    Path dir;

    @Test
    void start_withPlanner_stepsAndRecordsInJournal() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 100, "fleet", "t", "fleet.model", "declared"));
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> host.loop().slot() >= 3);
            assertThat(host.loop().placement().nodesHosting("enc")).containsExactly("n1");
            assertThat(host.reachability()).startsWith("reachable: MQTT on 127.0.0.1:" + cfg.brokerPort()
                    + " (from this machine only: agents on other machines need --bind); no accounts")
                    .endsWith("; HTTP API and dashboard on 127.0.0.1:" + host.httpPort() + " (this machine only)");
            assertThat(host.fleet().outbox().size()).isEqualTo(3); // no agent: every node's directive pending
            // fleet.model=declared: directives for nodes that never joined are reported
            assertThat(host.fleet().notices().open()).extracting(n -> n.kind().label() + " " + n.subject())
                    .containsExactlyInAnyOrder("directive-for-absent-node n1", "directive-for-absent-node n2",
                            "directive-for-absent-node n3");
            await().atMost(Duration.ofSeconds(5)).until(() -> host.journal().size() > 3);
            java.io.StringWriter w = new java.io.StringWriter();
            host.journal().exportJsonLines(w);
            assertThat(w.toString()).contains("\"kind\":\"snapshot\"").contains("\"kind\":\"directive\"")
                    .contains("\"kind\":\"placement\"");
        }
    }

    /**
     * Directs node n1 to run 'head', the sink of task type t (only a sink's completions count); the
     * slot is too long for the loop to have decided anything yet.
     */
    private static String sinkNode(PlannerHost host) {
        host.fleet().apply(new org.edgefm.wire.Directive(1, "n1", host.plannerEpoch(), 1, 1,
                new org.edgefm.wire.DesiredState(java.util.List.of(new org.edgefm.wire.DesiredService("head",
                        org.edgefm.api.model.ServiceKind.LIGHT, 1, 1, null, 0.1, null)), java.util.List.of(), Map.of())));
        return "n1";
    }

    /** The ticket agent n1 would give task {@code id} of type t with the key the host derives from its task secret. */
    private static String ticket(Path dataDir, long epoch, String id, long submittedAtMs) throws java.io.IOException {
        byte[] secret = java.nio.file.Files.readAllBytes(dataDir.resolve("task-secret"));
        return org.edgefm.wire.TaskTicket.sign(org.edgefm.wire.TaskTicket.nodeKey(secret, "t", "n1", epoch), epoch, id, "n1",
                "t", submittedAtMs);
    }

    @Test
    void close_aResultReceivedSinceTheLastSlot_isStillJournaledAndCounted() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", -1,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 600_000, "fleet", "t"));
        PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
        long epoch = host.plannerEpoch();
        String sink = sinkNode(host);
        try (TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "late-agent", null, null)) {
            org.edgefm.wire.Result r = new org.edgefm.wire.Result(1, sink, 1, java.util.List.of(
                    new org.edgefm.wire.TaskCompletion("late-1", "t", "n1", 1, 2, 200, true, null, java.util.List.of(),
                            ticket(dir.resolve("data"), epoch, "late-1", 1))));
            agent.publish(org.edgefm.wire.Topics.forFleet("t").result(sink),
                    new String(new org.edgefm.wire.WireCodec().encode(r), java.nio.charset.StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> host.meters().scrape().lines().anyMatch(l -> l.startsWith(
                    "edgefm_messages_in_total{") && l.contains("type=\"result\"") && l.endsWith(" 1.0")));
        } finally {
            host.close();
        }
        assertThat(host.meters().totalCompleted()).isEqualTo(1);
        try (TrialJournal j = new TrialJournal(dir.resolve("data").resolve("journal-" + epoch + ".db"))) {
            java.io.StringWriter w = new java.io.StringWriter();
            j.exportJsonLines(w);
            assertThat(w.toString()).contains("\"taskId\":\"late-1\"")
                    .doesNotContain("taskKey").doesNotContain("dataToken"); // secrets go out with the directive only
        }
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("data").resolve("task-secret")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void restart_aResultCountedByThePreviousRun_isNotCountedAgain() throws Exception {
        Map<String, Object> o = Map.of("brokerPort", TestClients.freePort(), "httpPort", -1,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 600_000, "fleet", "t");
        HostConfig cfg = HostConfig.defaults().with(o);
        String result = null;
        for (int run = 1; run <= 2; run++) {
            PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
            String sink = sinkNode(host);
            String topic = org.edgefm.wire.Topics.forFleet("t").result(sink);
            if (result == null) { // signed under the first run's epoch, sent again to the second run
                result = new String(new org.edgefm.wire.WireCodec().encode(new org.edgefm.wire.Result(1, sink, 1,
                        java.util.List.of(new org.edgefm.wire.TaskCompletion("again-1", "t", "n1", 1, 2, 200, true, null,
                                java.util.List.of(), ticket(dir.resolve("data"), host.plannerEpoch(), "again-1", 1))))),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
            try (TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "agent-" + run, null, null)) {
                agent.publish(topic, result);
                await().atMost(Duration.ofSeconds(10)).until(() -> host.meters().scrape().lines().anyMatch(l -> l.startsWith(
                        "edgefm_messages_in_total{") && l.contains("type=\"result\"") && l.endsWith(" 1.0")));
            } finally {
                host.close();
            }
            assertThat(host.meters().totalCompleted()).as("run " + run).isEqualTo(run == 1 ? 1 : 0);
        }
    }

    @Test
    void joinedFleet_anAgentInNoScenario_isBorn_getsADirective_andIsShownAsUnexpected() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", 0,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 100, "fleet", "t"));
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
                TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "jetson-1", null, null)) {
            // the loop steps (each step's lag is measured) but plans nothing before a node joined
            await().atMost(Duration.ofSeconds(20)).until(() -> host.meters().decisionLagSummary(0).count() >= 2);
            assertThat(host.loop().slot()).isZero();
            assertThat(host.loop().directives()).isEmpty(); // nobody joined: nothing planned, nothing pending
            assertThat(host.fleet().outbox().size()).isZero();
            org.edgefm.wire.Birth b = new org.edgefm.wire.Birth(1, "jetson-1", 1, System.currentTimeMillis(),
                    "jetson-orin-nano-8gb", "test", new org.edgefm.wire.Capabilities(
                            org.edgefm.api.model.ResourceVector.of(6, 8, 10, 8), "aarch64", "nd4j-cpu", java.util.List.of()),
                    0, 0, java.util.List.of(), "10.1.2.3:7001", java.util.List.of("camera"));
            agent.publish(org.edgefm.wire.Topics.forFleet("t").birth("jetson-1"),
                    new String(new org.edgefm.wire.WireCodec().encode(b), java.nio.charset.StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> host.loop().directives().containsKey("jetson-1"));
            assertThat(host.loop().placement().nodesHosting("enc")).containsExactly("jetson-1");
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://127.0.0.1:" + host.httpPort() + "/api/fleet"))
                    .header("Authorization", "Bearer " + host.httpToken().token()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("\"kind\":\"unexpected-node\"").contains("\"subject\":\"jetson-1\"")
                    .contains("\"planned\":1").contains("\"unexpected-node\":1");
        }
    }

    @Test
    void reachability_boundToEveryInterface_saysWhatAgentsUse() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", -1,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "fleet", "lab", "brokerBind", "0.0.0.0", "advertiseHost", "planner.lab.example", "insecure", "true"));
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start()) {
            assertThat(host.reachability()).isEqualTo("reachable: MQTT on 0.0.0.0:" + cfg.brokerPort() + " (from the network);"
                    + " agents use --broker tcp://planner.lab.example:" + cfg.brokerPort() + " --fleet lab; no accounts: any"
                    + " client may connect and publish (use --credentials beyond a lab)");
        }
    }
}
