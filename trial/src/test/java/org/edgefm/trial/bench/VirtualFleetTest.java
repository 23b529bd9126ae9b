package org.edgefm.trial.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioCells;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.HostConfig;
import org.edgefm.host.HostMeters;
import org.edgefm.host.PlannerHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The virtual agents speak the wire protocol to the real host over the real embedded broker. */
class VirtualFleetTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void twentyAgents_fewSeconds_hostSeesEveryBirthTelemetryAckAndDeath() throws Exception {
        Scenario s = ScenarioCells.expand(ScenarioLoader.load(java.nio.file.Path.of("../scenarios/trial-lab.json")), 20);
        Path file = dir.resolve("s.json");
        Files.writeString(file, ScenarioLoader.toJson(s));
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", freePort(), "httpPort", -1, "fleet", "vf",
                "dataDir", dir.resolve("host").toString(), "pluginsDir", dir.resolve("plugins").toString(),
                "planner", "two-tier", "scenario", file.toString()));
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start()) {
            HostMeters m = host.meters();
            VirtualFleet.Totals t;
            try (VirtualFleet agents = new VirtualFleet(new VirtualFleet.Settings("127.0.0.1",
                    Integer.parseInt(host.brokerUrl().substring(host.brokerUrl().lastIndexOf(':') + 1)), "vf",
                    s.topology().nodes(), 200, 1, 4, 1))) {
                agents.start(60_000);
                // Every agent gets its first directive (the control loop places core services at start).
                await(() -> agents.totals().perAgent().stream().allMatch(a -> a.acks() > 0 && a.telemetry() >= 5));
                agents.stop(20_000);
                t = agents.totals();
            }
            VirtualFleet.Totals sent = t;
            await(() -> m.messagesIn("telemetry") == sent.telemetry() && m.messagesIn("ack") == sent.acks()
                    && m.messagesIn("death") == sent.deaths());

            // A rebirth is legitimate: QoS 0 telemetry may overtake the QoS 1 birth (unknown session).
            assertThat(t.births()).isEqualTo(20 + t.rebirths());
            assertThat(m.messagesIn("birth")).isEqualTo(t.births());
            assertThat(t.deaths()).isEqualTo(20);
            assertThat(m.messagesIn("telemetry")).isEqualTo(t.telemetry());
            assertThat(m.messagesIn("ack")).isEqualTo(t.acks());
            assertThat(m.badTotal()).isZero();
            assertThat(t.sendFailures()).isZero();
            assertThat(t.connectionsLost()).isZero();
            List<FleetState.NodeView> views = host.fleet().state().view(host.fleet().nowMs());
            assertThat(views).hasSize(20).allSatisfy(v -> {
                assertThat(v.gaps()).isZero();
                assertThat(v.sessionAlive()).isFalse();
                assertThat(v.profile()).isNotNull();
            });
            for (VirtualFleet.AgentCounts a : t.perAgent()) {
                FleetState.NodeView v = views.stream().filter(x -> x.node().equals(a.node())).findFirst().orElseThrow();
                assertThat(v.lastSeq()).as(a.node()).isEqualTo(a.lastSeq());
            }
        }
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
