package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
                "planner", "test-pair", "scenario", "tiny", "slotMs", 100, "fleet", "t"));
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> host.loop().slot() >= 3);
            assertThat(host.loop().placement().nodesHosting("enc")).containsExactly("n1");
            assertThat(host.fleet().outbox().size()).isEqualTo(3); // no agent: every node's directive pending
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
        host.fleet().apply(new org.edgefm.api.wire.Directive(1, "n1", host.plannerEpoch(), 1, 1,
                new org.edgefm.api.wire.DesiredState(java.util.List.of(new org.edgefm.api.wire.DesiredService("head",
                        org.edgefm.api.model.ServiceKind.LIGHT, 1, 1, null, 0.1, null)), java.util.List.of(), Map.of())));
        return "n1";
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
            org.edgefm.api.wire.Result r = new org.edgefm.api.wire.Result(1, sink, 1, java.util.List.of(
                    new org.edgefm.api.wire.TaskCompletion("late-1", "t", "n1", 1, 2, 200, true, null, java.util.List.of())));
            agent.publish(org.edgefm.api.wire.Topics.forFleet("t").result(sink),
                    new String(new org.edgefm.api.wire.WireCodec().encode(r), java.nio.charset.StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> host.meters().scrape().lines().anyMatch(l -> l.startsWith(
                    "edgefm_messages_in_total{") && l.contains("type=\"result\"") && l.endsWith(" 1.0")));
        } finally {
            host.close();
        }
        assertThat(host.meters().totalCompleted()).isEqualTo(1);
        try (TrialJournal j = new TrialJournal(dir.resolve("data").resolve("journal-" + epoch + ".db"))) {
            java.io.StringWriter w = new java.io.StringWriter();
            j.exportJsonLines(w);
            assertThat(w.toString()).contains("\"taskId\":\"late-1\"");
        }
    }

    @Test
    void restart_aResultCountedByThePreviousRun_isNotCountedAgain() throws Exception {
        Map<String, Object> o = Map.of("brokerPort", TestClients.freePort(), "httpPort", -1,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "test-pair", "scenario", "tiny", "slotMs", 600_000, "fleet", "t");
        HostConfig cfg = HostConfig.defaults().with(o);
        for (int run = 1; run <= 2; run++) {
            PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
            String sink = sinkNode(host);
            String topic = org.edgefm.api.wire.Topics.forFleet("t").result(sink);
            String result = new String(new org.edgefm.api.wire.WireCodec().encode(new org.edgefm.api.wire.Result(1, sink, 1,
                    java.util.List.of(new org.edgefm.api.wire.TaskCompletion("again-1", "t", "n1", 1, 2, 200, true, null,
                            java.util.List.of())))), java.nio.charset.StandardCharsets.UTF_8);
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
}
