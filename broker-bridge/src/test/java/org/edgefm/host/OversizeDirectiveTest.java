package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.DirectiveAssembler;
import org.edgefm.wire.DirectivePart;
import org.edgefm.wire.Directive;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directive whose compact encoding is over the wire's payload limit goes in parts, each within it, that
 * re-assemble to the same directive; one that no split can carry (a single route over the limit) is not
 * published (the broker would cut the host's connection, and every node's telemetry with it): it is
 * counted and the host goes on sending the others over the same connection.
 */
@Timeout(60)
class OversizeDirectiveTest {
    @TempDir
    Path dir;

    @Test
    void directiveOverTheWireLimit_goesInParts_andOneNoSplitCarries_isCountedNotSent() throws Exception {
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", TestClients.freePort(), "httpPort", -1,
                "dataDir", dir.resolve("data").toString(), "pluginsDir", dir.resolve("plugins").toString(), "fleet", "t"));
        Topics t = Topics.forFleet("t");
        WireCodec codec = new WireCodec();
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start();
                TestClients.Client agent = new TestClients.Client(host.brokerUrl(), "agent-n1", null, null)) {
            agent.mqtt.subscribe(t.hostState(), 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.received.stream()
                    .anyMatch(r -> r.topic().equals(t.hostState()) && r.payload().contains("\"online\"")));
            agent.mqtt.subscribe(t.directive("n1"), 1);
            agent.mqtt.subscribe(t.directive("n2"), 1);
            for (String n : List.of("n1", "n2")) {
                agent.publish(t.birth(n), new String(codec.encode(WireSamples.birth(n, 1, 0, 0)), StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> host.fleet().state().sessionAlive("n1")
                    && host.fleet().state().sessionAlive("n2"));
            long e = host.plannerEpoch();
            // 4,000 routes with distinct ids everywhere: nothing for the compact encoding to share
            List<Route> routes = new ArrayList<>();
            for (int k = 0; routes.size() < 4_000; k++) {
                routes.add(new Route("vqa", "s" + k, "origin-node-" + k, List.of(new WeightedTarget("target-node-" + k, 1))));
            }
            Directive big = new Directive(WireCodec.SCHEMA, "n2", e, 1, 1, new DesiredState(List.of(), routes, Map.of()));
            assertThat(codec.encode(big).length).isGreaterThan(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES);
            // one route naming 30,000 nodes: over the limit alone
            List<WeightedTarget> many = new ArrayList<>();
            for (int k = 0; k < 30_000; k++) {
                many.add(new WeightedTarget("target-node-" + k, 1));
            }
            Directive unsplittable = new Directive(WireCodec.SCHEMA, "n1", e, 1, 1, new DesiredState(List.of(),
                    List.of(new Route("vqa", "s", null, many)), Map.of()));
            host.fleet().apply(big);
            host.fleet().apply(unsplittable);
            host.fleet().flush();
            host.fleet().apply(WireSamples.directive("n1", e, 2));
            host.fleet().flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.received.stream()
                    .anyMatch(r -> r.topic().equals(t.directive("n1"))));
            // the split one: every part within the limit, and together the same directive
            DirectiveAssembler parts = new DirectiveAssembler();
            Directive[] whole = {null};
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (var r : agent.received) {
                    if (r.topic().equals(t.directive("n2")) && whole[0] == null) {
                        byte[] b = r.payload().getBytes(StandardCharsets.UTF_8);
                        assertThat(b.length).isLessThanOrEqualTo(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES);
                        whole[0] = parts.offer((DirectivePart) codec.decode(r.topic(), b));
                    }
                }
                return whole[0] != null;
            });
            assertThat(whole[0]).isEqualTo(big);
            assertThat(host.meters().directivesSplit()).isPositive();
            // the unsplittable one: counted (again at each of the outbox's re-tries, with its backoff), never published
            assertThat(host.meters().messagesOversize("directive")).isPositive();
            assertThat(agent.received).filteredOn(r -> r.topic().equals(t.directive("n1")))
                    .allSatisfy(r -> assertThat(codec.decode(r.topic(), r.payload().getBytes(StandardCharsets.UTF_8),
                            Directive.class).version()).isEqualTo(2));
            assertThat(host.fleet().connected()).isTrue();
        }
    }
}
