package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioCells;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directive of a cell layout's core host (the built-in {@code trial-lab} cell scaled to 1,000 and
 * 4,000 agents with the load benchmark's metro backbone) fits the wire: within the payload limit whole
 * or in parts, where the schema-1 encoding was over it. A real {@link DirectiveVerticle} re-assembles a
 * split one into the same directive, applies it once every part is here, and never applies a directive
 * with a part missing.
 */
@Timeout(120)
class SplitDirectiveTest {
    private static final String CORE = "edge-l4-0000";

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private AgentContext ctx;

    @BeforeEach
    void start() throws Exception {
        AgentConfig config = AgentConfig.defaults().withOverrides(null, CORE, null, "generic-cpu", dir.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        ctx = new AgentContext(config, profile, profile.capacity(), AgentStore.open(dir), new ServiceRuntime(vertx, dir), Map.of());
        ctx.hostEpoch(3);
        vertx.eventBus().<Buffer>consumer(Bus.PUBLISH, m -> {
            String topic = m.headers().get("topic");
            if (topic.endsWith("/ack")) {
                acks.add(new WireCodec().decode(topic, m.body().getBytes(), Ack.class));
            }
            m.reply(null);
        });
        vertx.deployVerticle(new DirectiveVerticle(ctx, Long.MAX_VALUE)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ctx.store().close();
    }

    @Test
    void coreHostDirective_fitsTheWire_at1000And4000Agents_whereSchema1DidNot() throws Exception {
        WireCodec codec = new WireCodec();
        for (int agents : new int[] {1_000, 4_000}) {
            Directive d = coreHostDirective(agents, 3, 2);
            int schema1 = new ObjectMapper().writeValueAsBytes(d).length;
            List<byte[]> payloads = codec.encodeDirective(d);
            System.out.printf(Locale.ROOT, "core host of %d agents: %d routes, %d peers; schema 1 %d bytes; schema 2"
                    + " %d bytes in %d payload(s)%n", agents, d.desired().routing().size(), d.desired().peers().size(),
                    schema1, payloads.stream().mapToInt(b -> b.length).sum(), payloads.size());
            assertThat(schema1).isGreaterThan(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES);
            assertThat(payloads).allSatisfy(b -> assertThat(b.length).isLessThanOrEqualTo(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES));
            if (agents == 1_000) {
                // at the benchmark's size the compact encoding alone fits: no split needed
                assertThat(payloads).hasSize(1);
            }
        }
    }

    @Test
    void splitDirective_isAppliedByTheAgentOnlyWhenComplete_andIsTheSameDirective() throws Exception {
        Directive v1 = new Directive(WireCodec.SCHEMA, CORE, 3, 1, 1, new DesiredState(List.of(service(1)), List.of(), Map.of()));
        send(ctx.codec().encode(v1));
        await().atMost(Duration.ofSeconds(30)).until(() -> acked(1, AckOutcome.APPLIED));

        Directive v2 = coreHostDirective(1_000, 3, 2);
        // a host with a 32 KiB limit splits it (the agent takes payloads up to the default limit)
        List<byte[]> parts = new WireCodec(32 * 1024).encodeDirective(v2);
        assertThat(parts.size()).isGreaterThan(2);
        for (int i = 0; i < parts.size(); i++) {
            if (i != 1) {
                send(parts.get(i));
            }
        }
        // a re-delivery of v1 queues behind the parts: once it is acknowledged, every part has been handled
        send(ctx.codec().encode(v1));
        await().atMost(Duration.ofSeconds(30)).until(() -> acks.stream().filter(a -> a.version() == 1).count() == 2);
        assertThat(acks).noneMatch(a -> a.version() == 2);
        assertThat(ctx.applied()).isEqualTo(v1);
        assertThat(ctx.runtime().serviceIds()).containsExactly("head");
        assertThat(WireCodec.forStoredDirectives().decode(ctx.topics().directive(CORE), ctx.store().directive().orElseThrow(),
                Directive.class)).isEqualTo(v1);

        send(parts.get(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> acked(2, AckOutcome.APPLIED));
        assertThat(ctx.applied()).isEqualTo(v2);
        assertThat(ctx.applied().desired().routing()).isEqualTo(v2.desired().routing());
        assertThat(ctx.runtime().serviceIds()).containsExactlyInAnyOrder("head", "clip-vit");
        // stored whole (over one payload's limit is allowed there), as a restart restores it
        assertThat(WireCodec.forStoredDirectives().decode(ctx.topics().directive(CORE), ctx.store().directive().orElseThrow(),
                Directive.class)).isEqualTo(v2);
        // the parts again (the host's outbox re-sends until acknowledged): acknowledged, not applied twice
        int before = acks.size();
        parts.forEach(this::send);
        await().atMost(Duration.ofSeconds(30)).until(() -> acks.size() >= before + parts.size());
        assertThat(acks.subList(before, acks.size())).allMatch(a -> a.version() == 2 && a.outcome() == AckOutcome.APPLIED);
        assertThat(ctx.applied()).isEqualTo(v2);
    }

    private boolean acked(long version, AckOutcome outcome) {
        return acks.stream().anyMatch(a -> a.version() == version && a.outcome() == outcome);
    }

    private void send(byte[] payload) {
        vertx.eventBus().send(Bus.DIRECTIVE_IN, Buffer.buffer(payload), new DeliveryOptions()
                .addHeader("topic", ctx.topics().directive(CORE)));
    }

    private static DesiredService service(int instances) {
        return new DesiredService("head", ServiceKind.LIGHT, instances, 2, 0.5, 1.5, null);
    }

    /**
     * The directive of the core host {@value #CORE} in the {@code trial-lab} cell layout scaled to {@code agents}
     * nodes, routed as a worst case: every stream of the fleet passes it. Each stream's light stages run at its
     * origin, its core stages ({@code clip-vit}, {@code llm}) on the edge servers of {@code spread} neighbouring
     * cells with uneven weights, and one stream in ten turns a share away at entry; the origin-less fallback routes
     * name 16 edge servers; every node of the fleet is a peer.
     */
    static Directive coreHostDirective(int agents, long epoch, long version) {
        Scenario s = ScenarioCells.expand(ScenarioLoader.resolve("trial-lab"), agents, ScenarioCells.Backbone.metro());
        List<String> edges = s.topology().nodes().stream().filter(n -> n.kind() == NodeKind.EDGE_SERVER).map(NodeSpec::id).toList();
        Map<String, Integer> cellOf = new HashMap<>();
        for (int i = 0; i < edges.size(); i++) {
            cellOf.put(edges.get(i).substring(edges.get(i).lastIndexOf('-') + 1), i);
        }
        Map<String, String> origin = new HashMap<>();
        for (UserSpec u : s.users()) {
            origin.put(u.id(), u.node());
        }
        Map<String, TaskType> types = new HashMap<>();
        s.taskTypes().forEach(t -> types.put(t.id(), t));
        int spread = 3;
        List<Route> routes = new ArrayList<>();
        int stream = 0;
        for (Demand dm : s.workload()) {
            String from = origin.get(dm.user());
            int cell = cellOf.getOrDefault(from.substring(from.lastIndexOf('-') + 1), 0);
            List<WeightedTarget> core = new ArrayList<>();
            for (int k = 0; k < spread; k++) {
                core.add(new WeightedTarget(edges.get((cell + k) % edges.size()), 1.0 / (k + 3) + stream * 1e-4));
            }
            for (Stage st : types.get(dm.taskType()).stages()) {
                boolean heavy = st.service().equals("clip-vit") || st.service().equals("llm");
                List<WeightedTarget> t = new ArrayList<>(heavy ? core : List.of(new WeightedTarget(from, 1.0)));
                if (st.id().equals("pre") && stream % 10 == 0) {
                    t.add(WeightedTarget.reject(0.05 + (stream % 7) / 100.0));
                }
                routes.add(new Route(dm.taskType(), st.id(), from, t));
            }
            stream++;
        }
        for (TaskType t : s.taskTypes()) {
            for (Stage st : t.stages()) {
                List<WeightedTarget> fb = new ArrayList<>();
                for (int k = 0; k < Math.min(16, edges.size()); k++) {
                    fb.add(new WeightedTarget(edges.get(k * Math.max(1, edges.size() / 16) % edges.size()), 1 + k / 3.0));
                }
                routes.add(new Route(t.id(), st.id(), null, List.copyOf(new java.util.LinkedHashSet<>(fb))));
            }
        }
        Map<String, String> peers = new TreeMap<>();
        int i = 0;
        for (NodeSpec n : s.topology().nodes()) {
            if (!n.id().equals(CORE)) {
                peers.put(n.id(), String.format(Locale.ROOT, "10.%d.%d.%d:%d", i / 65_000, i / 250 % 250, i % 250 + 1, 7400 + i % 100));
            }
            i++;
        }
        List<DesiredService> services = List.of(service(2),
                new DesiredService("clip-vit", ServiceKind.CORE, 1, 1, null, 0.68, null));
        return new Directive(WireCodec.SCHEMA, CORE, epoch, version, 1_700_000_000_000L, new DesiredState(services, routes, peers));
    }
}
