package org.edgefm.host.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.NodeStatus;

/**
 * How the trial journal stores a slot's snapshot and decision as what changed since the previous
 * one, and how a reader puts the full entries back together.
 *
 * <p>A snapshot of a fleet of N nodes lists every node's status and service figures, most of them as
 * they were a slot earlier: written whole every slot, a 1,000-node fleet's journal serialised and
 * stored about a megabyte a second. Stored as a delta, a snapshot line holds the node rows and service
 * rows that changed (a node whose only change is its telemetry age, which grows with the clock, is
 * unchanged: the reader computes its age as {@code nowMs - (previous nowMs - previous age)}, and the
 * writer checks that this gives exactly the recorded value before it leaves the row out), the order of
 * the rows only when it changed, and the per-interval parts (arrivals, users, links, completions,
 * submissions, switches) whole. Every {@code keyframeEvery}-th snapshot, and the first after the file
 * is opened, is written whole, so that a reader rebuilds any snapshot from at most that many lines.
 * A decision whose allocations, routes, users and notes equal the previous decision's is stored as a
 * reference to that one's line with its own slot and call time.
 *
 * <p>Stored lines: {@code {"seq","kind":"snapshot","slot","delta":{"prev":SEQ,"nowMs",...}}} and
 * {@code {"seq","kind":"decision","slot","same":{"ref":SEQ,"slot","elapsedMs"}}}; every other line is
 * stored as exported. {@link Reader} turns them back into the lines a whole-snapshot journal holds.
 * The write side is used by one thread at a time (the journal's lock).
 */
final class JournalDeltas {
    /** A full snapshot at least this often (in snapshots): the most lines a reader reads to rebuild one. */
    static final int DEFAULT_KEYFRAME_EVERY = 120;

    private static final String NODES = "nodes";
    private static final String SERVICES = "services";

    private final ObjectMapper json;
    private final int keyframeEvery;

    // the previous snapshot as written, for the next delta (null: the next one is a keyframe)
    private FleetSnapshot prev;
    private long prevSeq;
    private int sinceKeyframe;
    private Map<String, NodeStatus> prevNodes;
    private List<String> prevNodeOrder;
    private Map<String, ServiceObservation> prevServices;
    private List<String> prevServiceOrder;

    private LightDecision prevDecision;
    private long prevDecisionSeq;

    JournalDeltas(ObjectMapper json, int keyframeEvery) {
        if (keyframeEvery < 1) {
            throw new IllegalArgumentException("keyframeEvery: " + keyframeEvery + " (expected: >= 1)");
        }
        this.json = json;
        this.keyframeEvery = keyframeEvery;
    }

    /**
     * The stored {@code data} part of a snapshot line with sequence number {@code seq}: the snapshot
     * itself for a keyframe ({@code delta} false), else the delta object.
     */
    record Encoded(boolean delta, Object data) {
    }

    /** Encodes the snapshot to be stored at {@code seq}; remembers it for the next one. */
    Encoded snapshot(long seq, FleetSnapshot s) {
        Map<String, NodeStatus> nodes = new HashMap<>(s.nodes().size() * 2);
        List<String> nodeOrder = new ArrayList<>(s.nodes().size());
        for (NodeStatus n : s.nodes()) {
            nodes.put(n.node(), n);
            nodeOrder.add(n.node());
        }
        Map<String, ServiceObservation> services = new HashMap<>(s.services().size() * 2);
        List<String> serviceOrder = serviceKeys(s.services());
        for (int i = 0; i < serviceOrder.size(); i++) {
            services.put(serviceOrder.get(i), s.services().get(i));
        }
        boolean keyframe = prev == null || sinceKeyframe + 1 >= keyframeEvery || nodes.size() != nodeOrder.size()
                || services.size() != serviceOrder.size();
        Encoded out;
        if (keyframe) {
            out = new Encoded(false, s);
            sinceKeyframe = 0;
        } else {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("prev", prevSeq);
            d.put("nowMs", s.nowMs());
            if (!nodeOrder.equals(prevNodeOrder)) {
                d.put("nodeOrder", nodeOrder);
            }
            List<NodeStatus> changed = new ArrayList<>();
            for (NodeStatus n : s.nodes()) {
                if (!sameRow(prevNodes.get(n.node()), prev.nowMs(), n, s.nowMs())) {
                    changed.add(n);
                }
            }
            d.put(NODES, changed);
            if (!serviceOrder.equals(prevServiceOrder)) {
                d.put("serviceOrder", serviceOrder);
            }
            List<String> changedKeys = new ArrayList<>();
            List<ServiceObservation> changedServices = new ArrayList<>();
            for (int i = 0; i < serviceOrder.size(); i++) {
                ServiceObservation o = s.services().get(i);
                if (!o.equals(prevServices.get(serviceOrder.get(i)))) {
                    changedKeys.add(serviceOrder.get(i));
                    changedServices.add(o);
                }
            }
            d.put("serviceKeys", changedKeys);
            d.put(SERVICES, changedServices);
            d.put("arrivals", s.arrivals());
            d.put("users", s.users());
            d.put("links", s.links());
            d.put("completions", s.completions());
            d.put("submitted", s.submitted());
            d.put("switches", s.switches());
            out = new Encoded(true, d);
            sinceKeyframe++;
        }
        prev = s;
        prevSeq = seq;
        prevNodes = nodes;
        prevNodeOrder = nodeOrder;
        prevServices = services;
        prevServiceOrder = serviceOrder;
        return out;
    }

    /**
     * True when {@code now} may be left out of a delta: every field as {@code was}, and its telemetry age
     * exactly what the reader computes from the previous line's.
     */
    private static boolean sameRow(NodeStatus was, double wasNowMs, NodeStatus now, double nowMs) {
        if (was == null || was.online() != now.online() || was.sessionEpoch() != now.sessionEpoch()
                || was.appliedEpoch() != now.appliedEpoch() || was.appliedVersion() != now.appliedVersion()
                || !Objects.equals(was.cpuLoad(), now.cpuLoad())) {
            return false;
        }
        if (was.telemetryAgeMs() == null || now.telemetryAgeMs() == null) {
            return was.telemetryAgeMs() == null && now.telemetryAgeMs() == null;
        }
        return Double.doubleToLongBits(age(wasNowMs, was.telemetryAgeMs(), nowMs))
                == Double.doubleToLongBits(now.telemetryAgeMs());
    }

    /** The telemetry age at {@code nowMs} of a node whose age was {@code wasAgeMs} at {@code wasNowMs}. */
    static double age(double wasNowMs, double wasAgeMs, double nowMs) {
        return nowMs - (wasNowMs - wasAgeMs);
    }

    /** Keys of the service rows: node, service and the how-many-th row of that pair (rows may repeat a pair). */
    private static List<String> serviceKeys(List<ServiceObservation> services) {
        List<String> keys = new ArrayList<>(services.size());
        Map<String, Integer> seen = new HashMap<>();
        for (ServiceObservation o : services) {
            String pair = o.node() + '\u0000' + o.service();
            int k = seen.merge(pair, 1, Integer::sum);
            keys.add(k == 1 ? pair : pair + '\u0000' + k);
        }
        return keys;
    }

    /**
     * The stored {@code data} part of a decision line at {@code seq}: the decision's data when it differs
     * from the previous one (or is the first), else a reference to that one's line.
     *
     * @return {@code [stored kind marker, data]}: {@code "data"} or {@code "same"} and the object
     */
    Object[] decision(long seq, LightDecision decision, double elapsedMs) {
        LightDecision p = prevDecision;
        if (p != null && p.allocations().equals(decision.allocations()) && p.routing().equals(decision.routing())
                && p.users().equals(decision.users()) && p.notes().equals(decision.notes())) {
            Map<String, Object> same = new LinkedHashMap<>();
            same.put("ref", prevDecisionSeq);
            same.put("slot", decision.slot());
            same.put("elapsedMs", elapsedMs);
            return new Object[] {"same", same};
        }
        prevDecision = decision;
        prevDecisionSeq = seq;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("decision", decision);
        data.put("elapsedMs", elapsedMs);
        return new Object[] {"data", data};
    }

    /**
     * Rebuilds whole lines from stored ones. Keeps the last snapshot it rebuilt, so reading a journal in
     * order reads every line once; a snapshot read out of order costs at most a keyframe interval of
     * lines. Not thread-safe: one per read.
     */
    static final class Reader {
        private final ObjectMapper json;
        private final java.util.function.LongFunction<String> stored;
        private long cachedSeq = -1;
        private ObjectNode cached;

        /**
         * @param json   the journal's mapper
         * @param stored the stored line at a sequence number, or null
         */
        Reader(ObjectMapper json, java.util.function.LongFunction<String> stored) {
            this.json = json;
            this.stored = stored;
        }

        /** The whole line of a stored one (the stored line itself when it is neither a delta nor a reference). */
        String line(String storedLine) {
            if (!storedLine.contains("\"delta\":") && !storedLine.contains("\"same\":")) {
                return storedLine;
            }
            try {
                ObjectNode l = (ObjectNode) json.readTree(storedLine);
                if (l.has("delta")) {
                    ObjectNode data = snapshot(l.path("seq").asLong(), l);
                    return whole(l, "delta", data);
                }
                if (l.has("same")) {
                    JsonNode same = l.get("same");
                    ObjectNode ref = (ObjectNode) json.readTree(require(same.path("ref").asLong(), l));
                    ObjectNode data = ((ObjectNode) ref.get("data")).deepCopy();
                    ((ObjectNode) data.get("decision")).set("slot", same.get("slot"));
                    data.set("elapsedMs", same.get("elapsedMs"));
                    return whole(l, "same", data);
                }
                return storedLine;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private String whole(ObjectNode l, String field, ObjectNode data) throws java.io.IOException {
            ObjectNode out = json.createObjectNode();
            l.fields().forEachRemaining(e -> out.set(e.getKey().equals(field) ? "data" : e.getKey(),
                    e.getKey().equals(field) ? data : e.getValue()));
            return json.writeValueAsString(out);
        }

        private String require(long seq, JsonNode from) {
            String s = stored.apply(seq);
            if (s == null) {
                throw new IllegalStateException("journal line " + from.path("seq").asLong() + " refers to line " + seq
                        + ", which is missing");
            }
            return s;
        }

        /** The whole snapshot data of the stored snapshot line {@code l} at {@code seq}. */
        private ObjectNode snapshot(long seq, ObjectNode l) throws java.io.IOException {
            if (seq == cachedSeq) {
                return cached;
            }
            ObjectNode data;
            if (!l.has("delta")) {
                data = (ObjectNode) l.get("data");
            } else {
                JsonNode d = l.get("delta");
                long prevSeq = d.path("prev").asLong();
                ObjectNode base = prevSeq == cachedSeq ? cached
                        : snapshot(prevSeq, (ObjectNode) json.readTree(require(prevSeq, l)));
                data = apply(base, d);
            }
            cachedSeq = seq;
            cached = data;
            return data;
        }

        /** The snapshot {@code delta} makes of {@code base} (base is not changed). */
        private ObjectNode apply(ObjectNode base, JsonNode delta) {
            double wasNow = base.path("nowMs").asDouble();
            double now = delta.path("nowMs").asDouble();
            // node rows by id: the changed ones from the delta, the others from base with their age moved on
            Map<String, JsonNode> rows = new HashMap<>();
            List<String> order = new ArrayList<>();
            for (JsonNode n : base.path(NODES)) {
                rows.put(n.path("node").asText(), n);
                order.add(n.path("node").asText());
            }
            Map<String, JsonNode> changed = new HashMap<>();
            for (JsonNode n : delta.path(NODES)) {
                changed.put(n.path("node").asText(), n);
            }
            if (delta.has("nodeOrder")) {
                order.clear();
                delta.get("nodeOrder").forEach(x -> order.add(x.asText()));
            }
            ArrayNode nodes = json.createArrayNode();
            for (String id : order) {
                JsonNode c = changed.get(id);
                if (c != null) {
                    nodes.add(c);
                    continue;
                }
                ObjectNode r = ((ObjectNode) rows.get(id)).deepCopy();
                JsonNode age = r.get("telemetryAgeMs");
                if (age != null && age.isNumber()) {
                    r.put("telemetryAgeMs", age(wasNow, age.asDouble(), now));
                }
                nodes.add(r);
            }
            // service rows by key
            List<String> wasKeys = keys(base.path(SERVICES));
            Map<String, JsonNode> svc = new HashMap<>();
            int i = 0;
            for (JsonNode o : base.path(SERVICES)) {
                svc.put(wasKeys.get(i++), o);
            }
            List<String> keys = new ArrayList<>(wasKeys);
            if (delta.has("serviceOrder")) {
                keys.clear();
                delta.get("serviceOrder").forEach(x -> keys.add(x.asText()));
            }
            Iterable<JsonNode> ck = delta.path("serviceKeys");
            java.util.Iterator<JsonNode> cv = delta.path(SERVICES).iterator();
            for (JsonNode k : ck) {
                svc.put(k.asText(), cv.next());
            }
            ArrayNode services = json.createArrayNode();
            for (String k : keys) {
                services.add(svc.get(k));
            }
            // in the order of the whole snapshot's fields
            ObjectNode out = json.createObjectNode();
            base.fieldNames().forEachRemaining(f -> {
                switch (f) {
                    case "nowMs" -> out.set(f, delta.get("nowMs"));
                    case NODES -> out.set(f, nodes);
                    case SERVICES -> out.set(f, services);
                    default -> out.set(f, delta.has(f) ? delta.get(f) : base.get(f));
                }
            });
            return out;
        }

        /** The keys {@link JournalDeltas#serviceKeys} gives the service rows of a stored snapshot. */
        private static List<String> keys(JsonNode services) {
            List<String> keys = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (JsonNode o : services) {
                String pair = o.path("node").asText() + '\u0000' + o.path("service").asText();
                int k = seen.merge(pair, 1, Integer::sum);
                keys.add(k == 1 ? pair : pair + '\u0000' + k);
            }
            return keys;
        }
    }
}
