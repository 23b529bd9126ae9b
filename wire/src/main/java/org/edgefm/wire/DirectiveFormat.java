package org.edgefm.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.internal.Json;

/**
 * The compact encoding of directives, wire schema {@value WireCodec#DIRECTIVE_SCHEMA}
 * (docs/wire-protocol.md, "Directive encoding"): every id appears once in {@code desired.ids}; each
 * distinct target list once in {@code desired.targets} as {@code [id, weight, id, weight, ...]}; a
 * route is {@code [taskType, stage, origin or -1, targets]} of indices; a peer is {@code [id, endpoint]}.
 * A directive whose encoding exceeds the payload limit is split into parts, each a self-contained
 * message of the same form with {@code "part": [index, count]}.
 */
final class DirectiveFormat {
    private DirectiveFormat() {
    }

    /** The compact form of {@code d}, or of one part of it when {@code count > 0}. */
    static byte[] write(Directive d, int index, int count) {
        ObjectNode root = Json.WIRE.createObjectNode();
        root.put("schema", WireCodec.DIRECTIVE_SCHEMA);
        root.put("nodeId", d.nodeId());
        root.put("plannerEpoch", d.plannerEpoch());
        root.put("version", d.version());
        root.put("issuedAtMs", d.issuedAtMs());
        if (d.taskKey() != null) {
            root.put("taskKey", d.taskKey());
        }
        if (d.dataToken() != null) {
            root.put("dataToken", d.dataToken());
        }
        if (count > 0) {
            root.putArray("part").add(index).add(count);
        }
        ObjectNode desired = root.putObject("desired");
        DesiredState s = d.desired();
        desired.set("services", Json.WIRE.valueToTree(s.services()));
        ArrayNode ids = desired.putArray("ids");
        ArrayNode targets = desired.putArray("targets");
        ArrayNode routes = desired.putArray("routes");
        ArrayNode peers = desired.putArray("peers");
        Map<String, Integer> idIndex = new HashMap<>();
        Map<List<WeightedTarget>, Integer> listIndex = new HashMap<>();
        for (Route r : s.routing()) {
            Integer t = listIndex.get(r.targets());
            if (t == null) {
                t = targets.size();
                listIndex.put(r.targets(), t);
                ArrayNode list = targets.addArray();
                for (WeightedTarget w : r.targets()) {
                    list.add(id(w.node(), idIndex, ids)).add(w.weight());
                }
            }
            routes.addArray().add(id(r.taskType(), idIndex, ids)).add(id(r.stage(), idIndex, ids))
                    .add(r.origin() == null ? -1 : id(r.origin(), idIndex, ids)).add(t);
        }
        s.peers().forEach((node, endpoint) -> peers.addArray().add(id(node, idIndex, ids)).add(endpoint));
        try {
            return Json.WIRE.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode directive", e);
        }
    }

    private static int id(String id, Map<String, Integer> index, ArrayNode ids) {
        Integer i = index.get(id);
        if (i == null) {
            i = ids.size();
            index.put(id, i);
            ids.add(id);
        }
        return i;
    }

    /**
     * The directive in as few messages of at most {@code limit} bytes as it takes: one whole message, or
     * {@code count} parts that share the routes, peers and services out in table order.
     *
     * @throws IllegalArgumentException when even {@link WireCodec#MAX_DIRECTIVE_PARTS} parts cannot
     *                                  carry it (one route, service list or peer alone over the limit)
     */
    static List<byte[]> split(Directive d, int limit) {
        byte[] whole = write(d, 0, 0);
        if (whole.length <= limit) {
            return List.of(whole);
        }
        DesiredState s = d.desired();
        int items = Math.max(s.routing().size(), s.peers().size());
        int max = Math.min(WireCodec.MAX_DIRECTIVE_PARTS, Math.max(2, items));
        // a first guess from the whole's size (each part repeats only the ids and target lists it uses),
        // then more parts until every part fits
        int count = Math.min(max, Math.max(2, (int) Math.ceil(whole.length / (limit * 0.85))));
        List<Map.Entry<String, String>> peers = new ArrayList<>(s.peers().entrySet());
        while (true) {
            List<byte[]> out = new ArrayList<>(count);
            boolean fits = true;
            for (int i = 0; i < count && fits; i++) {
                Map<String, String> myPeers = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : slice(peers, i, count)) {
                    myPeers.put(e.getKey(), e.getValue());
                }
                DesiredState share = new DesiredState(i == 0 ? s.services() : List.of(), slice(s.routing(), i, count),
                        myPeers);
                Directive piece = new Directive(d.schema(), d.nodeId(), d.plannerEpoch(), d.version(), d.issuedAtMs(),
                        share, i == 0 ? d.taskKey() : null, i == 0 ? d.dataToken() : null);
                byte[] b = write(piece, i, count);
                fits = b.length <= limit;
                out.add(b);
            }
            if (fits) {
                return out;
            }
            if (count >= max) {
                throw new IllegalArgumentException("directive " + d.plannerEpoch() + "/" + d.version() + " for "
                        + d.nodeId() + ": " + whole.length + " bytes in the compact encoding, and no split into at most "
                        + max + " parts of " + limit + " bytes carries it (a single route, peer or the service list"
                        + " is over the limit)");
            }
            count = Math.min(max, count + Math.max(1, count / 4));
        }
    }

    /** The {@code i}-th of {@code n} contiguous, nearly equal slices of {@code all}. */
    private static <T> List<T> slice(List<T> all, int i, int n) {
        return all.subList((int) ((long) all.size() * i / n), (int) ((long) all.size() * (i + 1) / n));
    }

    /** Decodes a schema-{@value WireCodec#DIRECTIVE_SCHEMA} directive or part from its JSON tree. */
    static NodeMessage read(String topic, JsonNode root) {
        String nodeId = text(topic, root, "nodeId");
        long epoch = integer(topic, root.get("plannerEpoch"), "plannerEpoch");
        long version = integer(topic, root.get("version"), "version");
        long issued = integer(topic, root.get("issuedAtMs"), "issuedAtMs");
        String taskKey = optionalText(topic, root, "taskKey");
        String dataToken = optionalText(topic, root, "dataToken");
        JsonNode desired = root.get("desired");
        if (desired == null || desired.isNull()) {
            throw missing(topic, "desired");
        }
        if (!desired.isObject()) {
            throw bad(topic, "desired", "wrong type (expected: an object)");
        }
        List<DesiredService> services;
        JsonNode sv = desired.get("services");
        if (sv == null || sv.isNull()) {
            services = List.of();
        } else {
            try {
                services = Arrays.asList(Json.WIRE.treeToValue(sv, DesiredService[].class));
            } catch (JsonProcessingException e) {
                Json.Failure f = Json.describe(e);
                String path = f.path().equals("(document)") ? "" : f.path();
                throw new WireFormatException(topic, "desired.services" + (path.startsWith("[") || path.isEmpty() ? ""
                        : ".") + path, f.problem(), f.missing() ? WireFormatException.Kind.MISSING_FIELD
                        : WireFormatException.Kind.BAD_VALUE);
            }
        }
        List<String> ids = new ArrayList<>();
        JsonNode idArr = array(topic, desired, "ids");
        for (int i = 0; i < idArr.size(); i++) {
            JsonNode n = idArr.get(i);
            if (!n.isTextual()) {
                throw bad(topic, "desired.ids[" + i + "]", "wrong type (expected: a string)");
            }
            ids.add(n.textValue());
        }
        JsonNode tArr = array(topic, desired, "targets");
        List<List<WeightedTarget>> lists = new ArrayList<>(tArr.size());
        for (int i = 0; i < tArr.size(); i++) {
            String path = "desired.targets[" + i + "]";
            JsonNode l = tArr.get(i);
            if (!l.isArray() || l.isEmpty() || l.size() % 2 != 0) {
                throw bad(topic, path, "expected: a non-empty array of id index and weight pairs");
            }
            List<WeightedTarget> list = new ArrayList<>(l.size() / 2);
            for (int k = 0; k < l.size(); k += 2) {
                String node = ids.get(index(topic, l.get(k), path + "[" + k + "]", ids.size(), false));
                JsonNode w = l.get(k + 1);
                if (!w.isNumber()) {
                    throw bad(topic, path + "[" + (k + 1) + "]", "wrong type (expected: a number)");
                }
                try {
                    list.add(new WeightedTarget(node, w.doubleValue()));
                } catch (InvalidFieldException e) {
                    throw bad(topic, path + "[" + (e.field().equals("node") ? k : k + 1) + "]", e.problem());
                }
            }
            lists.add(List.copyOf(list));
        }
        JsonNode rArr = array(topic, desired, "routes");
        List<Route> routes = new ArrayList<>(rArr.size());
        for (int i = 0; i < rArr.size(); i++) {
            String path = "desired.routes[" + i + "]";
            JsonNode r = rArr.get(i);
            if (!r.isArray() || r.size() != 4) {
                throw bad(topic, path, "expected: [taskType, stage, origin or -1, targets] as indices");
            }
            String type = ids.get(index(topic, r.get(0), path + "[0]", ids.size(), false));
            String stage = ids.get(index(topic, r.get(1), path + "[1]", ids.size(), false));
            int o = index(topic, r.get(2), path + "[2]", ids.size(), true);
            List<WeightedTarget> targets = lists.get(index(topic, r.get(3), path + "[3]", lists.size(), false));
            try {
                routes.add(new Route(type, stage, o < 0 ? null : ids.get(o), targets));
            } catch (InvalidFieldException e) {
                throw bad(topic, path + "." + e.field(), e.problem());
            }
        }
        JsonNode pArr = array(topic, desired, "peers");
        Map<String, String> peers = new LinkedHashMap<>();
        for (int i = 0; i < pArr.size(); i++) {
            String path = "desired.peers[" + i + "]";
            JsonNode p = pArr.get(i);
            if (!p.isArray() || p.size() != 2 || !p.get(1).isTextual()) {
                throw bad(topic, path, "expected: [node id index, endpoint]");
            }
            String node = ids.get(index(topic, p.get(0), path + "[0]", ids.size(), false));
            if (peers.put(node, p.get(1).textValue()) != null) {
                throw bad(topic, path, "peer '" + node + "' is listed twice");
            }
        }
        Directive d;
        try {
            d = new Directive(WireCodec.SCHEMA, nodeId, epoch, version, issued, new DesiredState(services, routes, peers),
                    taskKey, dataToken);
        } catch (InvalidFieldException e) {
            throw bad(topic, (e.field().startsWith("services") || e.field().startsWith("routing")
                    || e.field().startsWith("peers") ? "desired." : "") + e.field(), e.problem());
        }
        JsonNode part = root.get("part");
        if (part == null || part.isNull()) {
            return d;
        }
        if (!part.isArray() || part.size() != 2 || !part.get(0).isIntegralNumber() || !part.get(1).isIntegralNumber()) {
            throw bad(topic, "part", "expected: [index, count] as integers");
        }
        try {
            return new DirectivePart(WireCodec.SCHEMA, nodeId, epoch, version, part.get(0).intValue(), part.get(1).intValue(), d);
        } catch (InvalidFieldException e) {
            throw bad(topic, e.field(), e.problem());
        }
    }

    private static JsonNode array(String topic, JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return Json.WIRE.createArrayNode();
        }
        if (!n.isArray()) {
            throw bad(topic, "desired." + field, "wrong type (expected: an array)");
        }
        return n;
    }

    private static int index(String topic, JsonNode n, String path, int size, boolean noneAllowed) {
        if (n == null || !n.isIntegralNumber()) {
            throw bad(topic, path, "wrong type (expected: an integer index)");
        }
        long v = n.longValue();
        if (noneAllowed && v == -1) {
            return -1;
        }
        if (v < 0 || v >= size) {
            throw bad(topic, path, v + " (expected: an index from 0 to " + (size - 1) + ")");
        }
        return (int) v;
    }

    private static String text(String topic, JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw missing(topic, field);
        }
        if (!n.isTextual()) {
            throw bad(topic, field, "wrong type: " + n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " "
                    + n + " (expected: a string)");
        }
        return n.textValue();
    }

    private static String optionalText(String topic, JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : text(topic, root, field);
    }

    private static long integer(String topic, JsonNode n, String field) {
        if (n == null || n.isNull()) {
            throw missing(topic, field);
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw bad(topic, field, "wrong type: " + n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " "
                    + n + " (expected: an integer)");
        }
        return n.longValue();
    }

    private static WireFormatException missing(String topic, String field) {
        return new WireFormatException(topic, field, "missing", WireFormatException.Kind.MISSING_FIELD);
    }

    private static WireFormatException bad(String topic, String field, String problem) {
        return new WireFormatException(topic, field, problem, WireFormatException.Kind.BAD_VALUE);
    }
}
