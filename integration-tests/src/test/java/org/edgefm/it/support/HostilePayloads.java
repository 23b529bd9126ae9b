package org.edgefm.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;

/**
 * Seeded generator of payloads that a receiver must refuse, for one topic: random bytes, token soup,
 * truncations, wrong and missing schema versions, removed fields, fields of the wrong type or out of
 * range, other JSON values than objects, duplicate keys, deep nesting, another node's identity, and
 * (rarely) payloads over the size limit. Each candidate goes through {@link WireCodec#decode} here
 * and is kept only if refused, so the batch also says how many of each refusal kind the receiver
 * should count; a candidate that makes the codec throw anything else fails the batch.
 */
public final class HostilePayloads {
    /** The payloads and the refusal kinds ({@code not_json}, {@code schema}, ...) they should be counted under. */
    public record Batch(List<byte[]> payloads, Map<String, Long> kinds) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private HostilePayloads() {
    }

    /**
     * {@code n} refused payloads for {@code topic}, mutated from {@code valid} (a valid payload for it)
     * and {@code otherNode} (a valid payload of another node), with the random seed {@code seed}.
     */
    public static Batch generate(long seed, int n, String topic, byte[] valid, byte[] otherNode) {
        WireCodec codec = new WireCodec();
        SplittableRandom r = new SplittableRandom(seed);
        ObjectNode base = tree(valid);
        List<byte[]> out = new ArrayList<>(n);
        Map<String, Long> kinds = new TreeMap<>();
        while (out.size() < n) {
            byte[] p = candidate(r, base, valid, otherNode);
            try {
                codec.decode(topic, p);
            } catch (WireFormatException refused) {
                out.add(p);
                kinds.merge(refused.kind().name().toLowerCase(), 1L, Long::sum);
            }
        }
        return new Batch(out, kinds);
    }

    private static ObjectNode tree(byte[] json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] candidate(SplittableRandom r, ObjectNode base, byte[] valid, byte[] otherNode) {
        int kind = r.nextInt(1000);
        if (kind < 2) {
            byte[] big = new byte[256 * 1024 + 1 + r.nextInt(64 * 1024)]; // over the 256 KiB limit
            java.util.Arrays.fill(big, (byte) ' ');
            System.arraycopy(valid, 0, big, 0, valid.length);
            return big;
        }
        return switch (kind % 11) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(2048)];
                r.nextBytes(b);
                yield b;
            }
            case 1 -> soup(r).getBytes(StandardCharsets.UTF_8);
            case 2 -> java.util.Arrays.copyOf(valid, r.nextInt(valid.length));
            case 3 -> {
                ObjectNode m = base.deepCopy();
                JsonNode[] bad = {F.numberNode(0), F.numberNode(2), F.numberNode(99), F.numberNode(-1), F.textNode("1"),
                    F.numberNode(1.5), F.nullNode(), F.booleanNode(true), F.arrayNode()};
                if (r.nextInt(5) == 0) {
                    m.remove("schema");
                } else {
                    m.set("schema", bad[r.nextInt(bad.length)]);
                }
                yield bytes(m);
            }
            case 4 -> {
                ObjectNode m = base.deepCopy();
                ObjectNode target = randomObject(r, m);
                List<String> names = new ArrayList<>();
                target.fieldNames().forEachRemaining(names::add);
                if (!names.isEmpty()) {
                    target.remove(names.get(r.nextInt(names.size())));
                }
                yield bytes(m);
            }
            case 5, 6 -> {
                ObjectNode m = base.deepCopy();
                ObjectNode target = randomObject(r, m);
                List<String> names = new ArrayList<>();
                target.fieldNames().forEachRemaining(names::add);
                if (!names.isEmpty()) {
                    target.set(names.get(r.nextInt(names.size())), wrongValue(r));
                }
                yield bytes(m);
            }
            case 7 -> {
                String[] notObjects = {"[]", "[1,2,3]", "\"text\"", "42", "true", "null", "{", "}", "{\"schema\":1,}", ""};
                yield notObjects[r.nextInt(notObjects.length)].getBytes(StandardCharsets.UTF_8);
            }
            case 8 -> {
                String s = new String(valid, StandardCharsets.UTF_8);
                yield ("{\"schema\":1," + s.substring(1)).getBytes(StandardCharsets.UTF_8); // duplicate key
            }
            case 9 -> {
                int depth = 500 + r.nextInt(5000);
                String open = r.nextBoolean() ? "[" : "{\"a\":";
                String close = open.equals("[") ? "]" : "}";
                yield (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
            }
            default -> otherNode;
        };
    }

    /** The root or a random object inside it. */
    private static ObjectNode randomObject(SplittableRandom r, ObjectNode root) {
        List<ObjectNode> all = new ArrayList<>();
        collect(root, all);
        return all.get(r.nextInt(all.size()));
    }

    private static void collect(JsonNode n, List<ObjectNode> all) {
        if (n instanceof ObjectNode o) {
            all.add(o);
            o.elements().forEachRemaining(c -> collect(c, all));
        } else if (n instanceof ArrayNode a) {
            a.elements().forEachRemaining(c -> collect(c, all));
        }
    }

    private static JsonNode wrongValue(SplittableRandom r) {
        return switch (r.nextInt(9)) {
            case 0 -> F.numberNode(-1 - r.nextInt(1000));
            case 1 -> F.textNode("x".repeat(r.nextInt(100)));
            case 2 -> F.numberNode(r.nextDouble() * 1e300);
            case 3 -> F.booleanNode(r.nextBoolean());
            case 4 -> F.objectNode().put("x", 1);
            case 5 -> F.arrayNode().add(F.textNode("a/b+#"));
            case 6 -> F.nullNode();
            case 7 -> F.textNode("a/b");
            default -> F.numberNode(Long.MIN_VALUE);
        };
    }

    private static String soup(SplittableRandom r) {
        String[] tokens = {"{", "}", "[", "]", ",", ":", "\"schema\"", "1", "null", "\"nodeId\"", "\"", "\\u0000", "-",
            "1e999", "NaN", "true", " ", "\n", "\"\\ud800\""};
        StringBuilder b = new StringBuilder();
        int len = r.nextInt(200);
        for (int i = 0; i < len; i++) {
            b.append(tokens[r.nextInt(tokens.length)]);
        }
        return b.toString();
    }
}
