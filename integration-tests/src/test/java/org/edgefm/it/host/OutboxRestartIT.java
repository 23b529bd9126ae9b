package org.edgefm.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefm.wire.Directive;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An unacknowledged directive survives a host restart in the MapDB outbox and is sent again. */
@Timeout(180)
class OutboxRestartIT {
    @TempDir
    Path dir;

    @Test
    void unacknowledgedDirective_isResentAfterHostRestart_andSettledByAck() throws Exception {
        try (HostHarness h = new HostHarness(dir)) {
            PluginJars.build(dir, dir.resolve("plugins/it-fixed.jar"), "it.fixed.ItPlugin", "1.0",
                    PluginJars.controllerPlugin("it.fixed", "it-fixed", "it-fixed", 2, -1));
            h.start("it-fixed", Map.of());
            Directive first;
            try (FakeAgent agent = h.agent("orin-nano")) {
                agent.birth(0, 0);
                // the first directive that carries the plugin's decision (an empty one may come first)
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.directives.stream()
                        .anyMatch(d -> !d.desired().services().isEmpty()));
                first = agent.directives.stream().filter(d -> !d.desired().services().isEmpty()).findFirst().orElseThrow();
                assertThat(first.plannerEpoch()).isEqualTo(1);
                assertThat(first.desired().services()).allMatch(s -> s.instances() == 2);
                // no ack: the host keeps it pending and re-sends it with backoff
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.directives.stream().filter(first::equals).count() >= 2);

                // restart the host without a planner: only the outbox can send anything now
                h.stopHost();
                int before = agent.directives.size();
                h.start(null, Map.of());
                assertThat(h.host.plannerEpoch()).isEqualTo(2);
                agent.reconnect(h.url(), h.passwords.get("orin-nano"), 0, 0);
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.directives.size() > before);
                Directive again = agent.directives.get(agent.directives.size() - 1);
                assertThat(again.plannerEpoch()).isEqualTo(first.plannerEpoch());
                assertThat(again.version()).isEqualTo(first.version());
                assertThat(again.desired()).isEqualTo(first.desired());
                assertThat(h.get("/api/directives")).contains("\"PENDING\"");

                agent.ack(again);
                await().atMost(Duration.ofSeconds(10)).until(() -> h.host.fleet().outbox().entries().stream()
                        .anyMatch(e -> e.node().equals("orin-nano") && e.state() == DirectiveOutbox.State.APPLIED));
                // the host planned for the node that joined only: nothing waits for nodes that never came
                assertThat(h.host.fleet().outbox().size()).isZero();
                assertThat(h.get("/api/directives")).contains("\"APPLIED\"");
            }
        }
    }
}
