package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgefm.host.broker.BrokerPolicy;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.wire.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open broker (no credentials, loopback: trials and the load benchmark) still limits each
 * client's publish rate, but not the host's client: the host publishes a directive and its keys per
 * node, thousands at once when a fleet joins, and the limit refused half of them.
 */
@Timeout(120)
class OpenBrokerRateTest {
    @TempDir
    Path dir;

    @Test
    void openBroker_limitsAnAgent_butNotTheHost() throws Exception {
        int port = TestClients.freePort();
        Topics t = Topics.forFleet("lab");
        try (EmbeddedBroker broker = new EmbeddedBroker(new EmbeddedBroker.Settings("127.0.0.1", port, 0, null, null, null,
                "edgefm-host", dir.resolve("broker"), "lab", null, new EmbeddedBroker.Limits(64 * 1024, 4 * 1024, 20, 40)))) {
            broker.start();
            String url = "tcp://127.0.0.1:" + port;
            try (TestClients.Client agent = new TestClients.Client(url, t.agentClientId("j1"), null, null);
                 TestClients.Client host = new TestClients.Client(url, BrokerPolicy.HOST_CLIENT_ID_PREFIX + "h1-0a1b2c3d", null,
                         null)) {
                int refusedAgent = 0;
                for (int i = 0; i < 120; i++) {
                    if (agent.publish(t.telemetry("j1"), "{}")[0] >= 0x80) {
                        refusedAgent++;
                    }
                }
                int refusedHost = 0;
                for (int i = 0; i < 120; i++) {
                    if (host.publish(t.directive("j1"), "{}")[0] >= 0x80) {
                        refusedHost++;
                    }
                }
                assertThat(refusedAgent).as("agent publishes over 40 + 20/s").isPositive();
                assertThat(refusedHost).as("the host's publishes").isZero();
                assertThat(broker.refusals().get("rate")).isEqualTo(refusedAgent);
                assertThat(broker.counts().dropped()).as("HiveMQ counts a refused publish as dropped").isEqualTo(refusedAgent);
            }
        }
    }
}
