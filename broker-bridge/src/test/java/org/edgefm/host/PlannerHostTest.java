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
}
