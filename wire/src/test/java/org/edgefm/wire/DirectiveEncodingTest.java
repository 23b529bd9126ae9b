package org.edgefm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.junit.jupiter.api.Test;

/** The compact directive encoding (schema 2), its split into parts and their re-assembly. */
class DirectiveEncodingTest {
    private static final Topics TOPICS = Topics.forFleet("lab");
    private final WireCodec codec = new WireCodec();

    @Test
    void roundTrip_isTheSameDirective_andWritesSchema2() throws Exception {
        Directive d = WireFixtures.directive().withSecrets("k".repeat(20), "t".repeat(20));
        byte[] b = codec.encode(d);
        JsonNode tree = new ObjectMapper().readTree(b);
        assertThat(tree.get("schema").asInt()).isEqualTo(WireCodec.DIRECTIVE_SCHEMA);
        assertThat(tree.has("part")).isFalse();
        // every id once: "jetson-1" is the node, a route's origin and a target, and appears in nodeId and once in the table
        assertThat(new String(b, StandardCharsets.UTF_8).split("\"jetson-1\"", -1)).hasSize(3);
        assertThat(codec.decode(TOPICS.directive(WireFixtures.NODE), b)).isEqualTo(d);
    }

    @Test
    void roundTrip_ofRandomDirectives_includingRejectTargetsAndOriginlessRoutes() {
        Random rnd = new Random(7);
        for (int n = 0; n < 50; n++) {
            Directive d = random(rnd, rnd.nextInt(60), rnd.nextInt(20));
            assertThat(codec.decode(TOPICS.directive("n1"), codec.encode(d), Directive.class)).isEqualTo(d);
        }
    }

    @Test
    void theDocumentedExample_decodes() {
        String json = """
                {"schema": 2, "nodeId": "edge-l4-0000", "plannerEpoch": 3, "version": 17, "issuedAtMs": 1700000000000,
                 "desired": {
                   "services": [{"service": "clip-vit", "kind": "core", "instances": 1, "parallelism": 1, "workloadMb": 0.68}],
                   "ids":     ["vqa", "pre", "agx-orin-0001", "vit", "edge-l4-0001", "edge-l4-0002"],
                   "targets": [[2, 1.0], [4, 0.6, 5, 0.4]],
                   "routes":  [[0, 1, 2, 0], [0, 3, 2, 1], [0, 3, -1, 1]],
                   "peers":   [[2, "10.0.0.7:7400"], [4, "10.0.0.9:7400"], [5, "10.0.0.10:7400"]]}}
                """;
        Directive d = codec.decode(TOPICS.directive("edge-l4-0000"), json.getBytes(StandardCharsets.UTF_8), Directive.class);
        List<WeightedTarget> edge = List.of(new WeightedTarget("edge-l4-0001", 0.6), new WeightedTarget("edge-l4-0002", 0.4));
        assertThat(d.desired().routing()).containsExactly(
                new Route("vqa", "pre", "agx-orin-0001", List.of(new WeightedTarget("agx-orin-0001", 1.0))),
                new Route("vqa", "vit", "agx-orin-0001", edge), new Route("vqa", "vit", null, edge));
        assertThat(d.desired().peers()).hasSize(3).containsEntry("edge-l4-0002", "10.0.0.10:7400");
        assertThat(d.desired().services().get(0).kind()).isEqualTo(ServiceKind.CORE);
    }

    @Test
    void sharedTargetLists_areWrittenOnce_andTheEncodingIsMuchSmallerThanSchema1() throws Exception {
        List<Route> routes = new ArrayList<>();
        List<WeightedTarget> core = List.of(new WeightedTarget("gpu-server-0001", 0.5), new WeightedTarget("gpu-server-0002", 0.5));
        for (int k = 0; k < 2_000; k++) {
            routes.add(new Route("vqa", "llm", "camera-node-" + k, core));
        }
        Directive d = new Directive(1, "n1", 1, 1, 0, new DesiredState(List.of(), routes, Map.of("gpu-server-0001", "10.0.0.1:7400",
                "gpu-server-0002", "10.0.0.2:7400")));
        byte[] compact = codec.encode(d);
        byte[] schema1 = new ObjectMapper().writeValueAsBytes(d);
        assertThat(new ObjectMapper().readTree(compact).at("/desired/targets").size()).isEqualTo(1);
        assertThat(compact.length).isLessThan(schema1.length / 3);
    }

    @Test
    void directiveOverTheLimit_isSplitIntoPartsWithinIt_andReassembledToTheSame() {
        WireCodec small = new WireCodec(8 * 1024);
        Directive d = random(new Random(3), 900, 300).withSecrets("k".repeat(20), "t".repeat(20));
        assertThat(small.encode(d).length).isGreaterThan(8 * 1024);
        List<byte[]> parts = small.encodeDirective(d);
        assertThat(parts.size()).isBetween(2, WireCodec.MAX_DIRECTIVE_PARTS);
        assertThat(parts).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(8 * 1024));
        // delivered out of order and with a duplicate: the directive appears once, when the last part arrives
        List<byte[]> shuffled = new ArrayList<>(parts);
        shuffled.add(parts.get(0));
        Collections.shuffle(shuffled, new Random(1));
        DirectiveAssembler a = new DirectiveAssembler();
        List<Directive> out = new ArrayList<>();
        for (byte[] p : shuffled) {
            WireMessage m = small.decode(TOPICS.directive("n1"), p);
            assertThat(m).isInstanceOf(DirectivePart.class);
            Directive whole = a.offer((DirectivePart) m);
            if (whole != null) {
                out.add(whole);
            }
        }
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isEqualTo(d);
        assertThat(out.get(0).taskKey()).isEqualTo(d.taskKey());
        assertThat(a.pending()).isZero();
    }

    @Test
    void aMissingPart_neverYieldsADirective_andANewerVersionDropsTheIncompleteOne() {
        WireCodec small = new WireCodec(8 * 1024);
        Directive v1 = random(new Random(5), 900, 0);
        Directive v2 = new Directive(1, v1.nodeId(), v1.plannerEpoch(), v1.version() + 1, 0, v1.desired());
        List<byte[]> p1 = small.encodeDirective(v1);
        List<byte[]> p2 = small.encodeDirective(v2);
        DirectiveAssembler a = new DirectiveAssembler();
        for (int i = 1; i < p1.size(); i++) { // part 0 of v1 never arrives
            assertThat(a.offer((DirectivePart) small.decode(TOPICS.directive("n1"), p1.get(i)))).isNull();
        }
        assertThat(a.pending()).isEqualTo(p1.size() - 1);
        Directive got = null;
        for (byte[] p : p2) {
            got = a.offer((DirectivePart) small.decode(TOPICS.directive("n1"), p));
        }
        assertThat(got).isEqualTo(v2);
        assertThat(a.dropped()).isEqualTo(1);
        // a late part of v1 after v2 was assembled starts nothing that could complete into v1
        assertThat(a.offer((DirectivePart) small.decode(TOPICS.directive("n1"), p1.get(0)))).isNull();
    }

    @Test
    void aPart_isRefusedWhereAWholeDirectiveIsExpected_andBadPartFieldsAreNamed() throws Exception {
        WireCodec small = new WireCodec(8 * 1024);
        byte[] part = small.encodeDirective(random(new Random(5), 900, 0)).get(1);
        String topic = TOPICS.directive("n1");
        assertThatThrownBy(() -> small.decode(topic, part, Directive.class)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("part: 1/").hasMessageContaining("a part of a split directive");
        ObjectNode t = (ObjectNode) new ObjectMapper().readTree(part);
        t.putArray("part").add(5).add(WireCodec.MAX_DIRECTIVE_PARTS + 1);
        assertThatThrownBy(() -> small.decode(topic, new ObjectMapper().writeValueAsBytes(t)))
                .isInstanceOf(WireFormatException.class).hasMessage(topic + ": part: count "
                        + (WireCodec.MAX_DIRECTIVE_PARTS + 1) + " (expected: 2 to " + WireCodec.MAX_DIRECTIVE_PARTS + ")");
    }

    @Test
    void badIndices_areRefusedNamingTheField() throws Exception {
        String topic = TOPICS.directive(WireFixtures.NODE);
        ObjectNode t = (ObjectNode) new ObjectMapper().readTree(codec.encode(WireFixtures.directive()));
        ((com.fasterxml.jackson.databind.node.ArrayNode) t.at("/desired/routes/1")).set(3, 99);
        WireFormatException e = refuse(topic, t);
        assertThat(e.getMessage()).isEqualTo(topic + ": desired.routes[1][3]: 99 (expected: an index from 0 to 1)");
        assertThat(e.kind()).isEqualTo(WireFormatException.Kind.BAD_VALUE);
        t = (ObjectNode) new ObjectMapper().readTree(codec.encode(WireFixtures.directive()));
        ((com.fasterxml.jackson.databind.node.ArrayNode) t.at("/desired/targets/0")).set(1, -2.0);
        assertThat(refuse(topic, t).getMessage()).startsWith(topic + ": desired.targets[0][1]: ");
        t = (ObjectNode) new ObjectMapper().readTree(codec.encode(WireFixtures.directive()));
        ((ObjectNode) t.get("desired")).remove("routes");
        ((ObjectNode) t.get("desired")).putArray("routes").addArray().add(0);
        assertThat(refuse(topic, t).getMessage()).isEqualTo(topic
                + ": desired.routes[0]: expected: [taskType, stage, origin or -1, targets] as indices");
        t = (ObjectNode) new ObjectMapper().readTree(codec.encode(WireFixtures.directive()));
        t.remove("version");
        assertThat(refuse(topic, t).kind()).isEqualTo(WireFormatException.Kind.MISSING_FIELD);
    }

    @Test
    void mutatedPayloads_decodeOrAreRefusedWithAWireFormatException_neverAnotherFailure() throws Exception {
        ObjectMapper m = new ObjectMapper();
        String topic = TOPICS.directive("n1");
        Random rnd = new Random(17);
        byte[] whole = codec.encode(random(new Random(2), 30, 5).withSecrets("k".repeat(20), "t".repeat(20)));
        byte[] part = new WireCodec(2048).encodeDirective(random(new Random(2), 60, 10)).get(1);
        JsonNode[] odd = {m.readTree("-1"), m.readTree("1e300"), m.readTree("\"x\""), m.readTree("[]"), m.readTree("{}"),
            m.readTree("null"), m.readTree("[1]"), m.readTree("999999999999"), m.readTree("0.5"), m.readTree("true"),
            m.readTree("\"@reject\""), m.readTree("\"a/b\"")};
        int refused = 0;
        for (int i = 0; i < 600; i++) {
            JsonNode tree = m.readTree(i % 2 == 0 ? whole : part);
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                mutate(tree, rnd, odd);
            }
            try {
                codec.decode(topic, m.writeValueAsBytes(tree));
            } catch (WireFormatException e) {
                refused++;
                assertThat(e.getMessage()).startsWith(topic + ": ");
            }
        }
        assertThat(refused).isGreaterThan(200);
    }

    private static String field(JsonNode n, int i) {
        java.util.Iterator<String> it = n.fieldNames();
        for (int k = 0; k < i; k++) {
            it.next();
        }
        return it.next();
    }

    /** Replaces or removes one value somewhere in the tree. */
    private static void mutate(JsonNode root, Random rnd, JsonNode[] odd) {
        JsonNode n = root;
        while (true) {
            if (!n.isContainerNode() || n.isEmpty()) {
                return;
            }
            int i = rnd.nextInt(n.size());
            JsonNode child = n.isArray() ? n.get(i) : n.get(field(n, i));
            if (child.isContainerNode() && !child.isEmpty() && rnd.nextInt(4) != 0) {
                n = child;
                continue;
            }
            JsonNode v = odd[rnd.nextInt(odd.length)].deepCopy();
            if (n instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
                a.set(i, v);
            } else {
                String f = field(n, i);
                if (rnd.nextBoolean()) {
                    ((ObjectNode) n).remove(f);
                } else {
                    ((ObjectNode) n).set(f, v);
                }
            }
            return;
        }
    }

    @Test
    void schema1Directives_ofAnOlderHost_areStillRead_andOtherVersionsRefused() throws Exception {
        String topic = TOPICS.directive(WireFixtures.NODE);
        Directive d = WireFixtures.directive();
        ObjectNode old = (ObjectNode) new ObjectMapper().valueToTree(d);
        assertThat(old.get("schema").asInt()).isEqualTo(1);
        assertThat(codec.decode(topic, new ObjectMapper().writeValueAsBytes(old))).isEqualTo(d);
        old.put("schema", 3);
        assertThat(refuse(topic, old).getMessage()).isEqualTo(topic
                + ": schema: unsupported version 3 (expected: 2 for a directive, or the older 1)");
    }

    @Test
    void aRouteOverTheLimitAlone_cannotBeSplit_andSaysWhy() {
        WireCodec small = new WireCodec(4 * 1024);
        List<WeightedTarget> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add(new WeightedTarget("node-" + i, 1));
        }
        Directive d = new Directive(1, "n1", 1, 9, 0, new DesiredState(List.of(), List.of(new Route("t", "s", null, many),
                new Route("t", "s2", null, List.of(new WeightedTarget("node-1", 1)))), Map.of()));
        assertThatThrownBy(() -> small.encodeDirective(d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("directive 1/9 for n1").hasMessageContaining("no split into at most 2 parts");
    }

    private WireFormatException refuse(String topic, JsonNode tree) throws Exception {
        byte[] b = new ObjectMapper().writeValueAsBytes(tree);
        try {
            codec.decode(topic, b);
        } catch (WireFormatException e) {
            return e;
        }
        throw new AssertionError("accepted: " + tree);
    }

    /** A directive for {@code n1} with random routes over 200 nodes and random peers. */
    static Directive random(Random rnd, int routes, int peers) {
        List<Route> rs = new ArrayList<>();
        for (int i = 0; i < routes; i++) {
            List<WeightedTarget> t = new ArrayList<>();
            int k = 1 + rnd.nextInt(4);
            for (int j = 0; j < k; j++) {
                t.add(rnd.nextInt(20) == 0 ? WeightedTarget.reject(0.1 + rnd.nextDouble())
                        : new WeightedTarget("node-" + rnd.nextInt(200), rnd.nextInt(3) == 0 ? 1.0 : rnd.nextDouble() + 1e-9));
            }
            rs.add(new Route("type-" + rnd.nextInt(3), "stage-" + rnd.nextInt(4), rnd.nextBoolean() ? null : "node-" + rnd.nextInt(200), t));
        }
        Map<String, String> ps = new TreeMap<>();
        for (int i = 0; i < peers; i++) {
            ps.put("node-" + rnd.nextInt(1000), "10.0." + rnd.nextInt(250) + "." + rnd.nextInt(250) + ":" + (7000 + i));
        }
        List<DesiredService> services = List.of(new DesiredService("head", ServiceKind.LIGHT, 1 + rnd.nextInt(3), 2, 0.5, 1.5, null),
                new DesiredService("enc", ServiceKind.CORE, 1, 1, null, 0.7, null));
        return new Directive(1, "n1", 1 + rnd.nextInt(3), 1 + rnd.nextInt(100), rnd.nextInt(1_000_000), new DesiredState(services, rs, ps));
    }
}
