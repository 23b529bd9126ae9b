package org.edgefm.host.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.ModelSwitch;
import org.edgefm.control.NodeStatus;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal stores snapshots and repeated decisions as deltas ({@link JournalDeltas}); what it gives
 * back (export, pages, task ids, replay) must be what a journal that stores every entry whole gives,
 * on random sequences of fleet changes.
 */
class JournalDeltasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fixed seeds: each a different random fleet history. */
    static final long[] SEEDS = {1, 2, 3, 7, 11, 42, 1234, 99_991};

    @TempDir
    Path dir;

    /**
     * A random fleet history: nodes join, leave, reorder, go offline, get telemetry (ages reset) or not
     * (ages grow with a fractional clock, as the host's nanoTime clock does), services appear, change,
     * repeat a (node, service) pair, vanish; completions, links and switches come and go; decisions
     * repeat with a new slot or change.
     */
    static final class History {
        final Random rnd;
        final List<String> nodes = new ArrayList<>();
        final java.util.Map<String, NodeStatus> status = new java.util.HashMap<>();
        final java.util.Map<String, Double> telemetryAt = new java.util.HashMap<>();
        final java.util.Map<String, List<ServiceObservation>> services = new java.util.HashMap<>();
        double now = 1_000 + Math.PI;
        int next;
        int task;
        LightDecision decision;

        History(long seed) {
            rnd = new Random(seed);
            for (int i = 0; i < 12; i++) {
                join();
            }
        }

        private void join() {
            String id = "n" + next++;
            nodes.add(id);
            status.put(id, new NodeStatus(id, true, 1, 0, 0, rnd.nextBoolean() ? null : 0.0, null));
            services.put(id, List.of());
        }

        FleetSnapshot next() {
            now += 400 + rnd.nextDouble() * 200 + rnd.nextInt(3) * 1e-3;
            int change = rnd.nextInt(10);
            if (change == 0) {
                join();
            } else if (change == 1 && nodes.size() > 3) {
                nodes.remove(rnd.nextInt(nodes.size()));
            } else if (change == 2) {
                java.util.Collections.swap(nodes, rnd.nextInt(nodes.size()), rnd.nextInt(nodes.size()));
            }
            List<NodeStatus> st = new ArrayList<>();
            List<ServiceObservation> svc = new ArrayList<>();
            for (String id : nodes) {
                NodeStatus was = status.get(id);
                boolean telemetry = rnd.nextInt(3) == 0;
                if (telemetry) {
                    telemetryAt.put(id, (double) (long) (now - rnd.nextInt(50)));
                    services.put(id, randomServices(id));
                }
                Double at = telemetryAt.get(id);
                NodeStatus n = new NodeStatus(id, rnd.nextInt(20) == 0 ? !was.online() : was.online(), was.sessionEpoch()
                        + (rnd.nextInt(40) == 0 ? 1 : 0), was.appliedEpoch(), was.appliedVersion() + (rnd.nextInt(8) == 0 ? 1 : 0),
                        at == null ? null : now - at, telemetry ? (rnd.nextBoolean() ? null : rnd.nextDouble()) : was.cpuLoad());
                status.put(id, n);
                st.add(n);
                for (ServiceObservation o : services.get(id)) {
                    // without new telemetry the interval's counts are zero and no rate is sampled
                    svc.add(telemetry ? o : new ServiceObservation(o.node(), o.service(), o.instances(), o.parallelism(),
                            o.queueLength(), o.inFlight(), 0, 0, new double[0], o.latencyP95Ms()));
                }
            }
            List<TaskCompletion> done = new ArrayList<>();
            for (int i = rnd.nextInt(3); i > 0; i--) {
                String origin = nodes.get(rnd.nextInt(nodes.size()));
                done.add(new TaskCompletion("t" + task++, "vqa", origin, (long) now - 90, (long) now, 200, true, null,
                        List.of(), null, null));
            }
            List<LinkEstimate> links = rnd.nextBoolean() ? List.of()
                    : List.of(new LinkEstimate(nodes.get(0), nodes.get(1), 1 + rnd.nextDouble(), 12.5));
            List<ModelSwitch> sw = rnd.nextInt(5) != 0 ? List.of()
                    : List.of(new ModelSwitch(nodes.get(0), ModelSwitch.Kind.LOAD, "enc", 1, 3, (long) now, 12.5, null));
            List<DemandEstimate> arrivals = done.isEmpty() ? List.of() : List.of(new DemandEstimate("u1", "vqa", done.size() / 500.0));
            return new FleetSnapshot(now, st, svc, arrivals, List.of(), links, done, done.size(), sw);
        }

        private List<ServiceObservation> randomServices(String node) {
            List<ServiceObservation> out = new ArrayList<>();
            String[] names = {"enc", "dec", "head"};
            for (int i = rnd.nextInt(3); i >= 0; i--) {
                String s = names[rnd.nextInt(names.length)]; // a pair may repeat
                double[] samples = rnd.nextBoolean() ? new double[0] : new double[] {rnd.nextDouble(), 0.25};
                out.add(new ServiceObservation(node, s, 1 + rnd.nextInt(2), 1, rnd.nextInt(4), rnd.nextInt(2), rnd.nextInt(3),
                        rnd.nextInt(3), samples, rnd.nextBoolean() ? null : 10.0 + rnd.nextInt(5)));
            }
            return out;
        }

        LightDecision nextDecision(long slot) {
            if (decision == null || rnd.nextInt(4) == 0) {
                String n = nodes.get(rnd.nextInt(nodes.size()));
                decision = new LightDecision(slot, List.of(new ServiceAllocation(n, "enc", 1 + rnd.nextInt(3), 1, null)),
                        new RoutingTable(List.of(new Route("vqa", "s0", null, List.of(new WeightedTarget(n, 1))))), List.of(),
                        rnd.nextBoolean() ? List.of() : List.of(new Reason("note", "x" + rnd.nextInt(3))));
            }
            return new LightDecision(slot, decision.allocations(), decision.routing(), decision.users(), decision.notes());
        }
    }

    /** Writes the same history to a delta journal and to one that stores every snapshot whole. */
    private static List<FleetSnapshot> write(long seed, int slots, TrialJournal... journals) {
        History h = new History(seed);
        List<FleetSnapshot> written = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            FleetSnapshot s = h.next();
            LightDecision d = h.nextDecision(slot);
            for (TrialJournal j : journals) {
                j.onSnapshot(slot, s);
                j.onDecision(slot, d, 1.5 + slot);
            }
            written.add(s);
        }
        return written;
    }

    private static List<JsonNode> lines(String export) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : export.split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    private static String export(TrialJournal j) {
        StringWriter w = new StringWriter();
        j.exportJsonLines(w);
        return w.toString();
    }

    @Test
    void export_randomHistories_equalsTheWholeJournal_andReplaysTheSnapshotsWritten() throws Exception {
        for (long seed : SEEDS) {
            try (TrialJournal delta = new TrialJournal(dir.resolve("d" + seed + ".db"), 7);
                 TrialJournal whole = new TrialJournal(dir.resolve("w" + seed + ".db"), 1)) {
                List<FleetSnapshot> written = write(seed, 60, delta, whole);
                String d = export(delta);
                assertThat(lines(d)).as("seed %d", seed).isEqualTo(lines(export(whole)));
                assertThat(JournalReplay.snapshots(new StringReader(d))).as("seed %d", seed).isEqualTo(written);
                assertThat(delta.completedTaskIds()).isEqualTo(whole.completedTaskIds()).isNotEmpty();
            }
        }
    }

    @Test
    void storedLines_areDeltasBetweenKeyframes_andSmaller() throws Exception {
        try (TrialJournal delta = new TrialJournal(dir.resolve("d.db"), 7);
             TrialJournal whole = new TrialJournal(dir.resolve("w.db"), 1)) {
            write(5, 30, delta, whole);
            long keyframes = 0;
            long deltas = 0;
            long storedBytes = 0;
            for (String l : storedLines(delta)) {
                keyframes += l.contains("\"kind\":\"snapshot\"") && l.contains("\"data\":") ? 1 : 0;
                deltas += l.contains("\"delta\":") ? 1 : 0;
                storedBytes += l.length();
            }
            assertThat(keyframes).isEqualTo(5); // snapshots 1, 8, 15, 22, 29 of 30
            assertThat(deltas).isEqualTo(25);
            long wholeBytes = storedLines(whole).stream().mapToLong(String::length).sum();
            assertThat(storedBytes).isLessThan(wholeBytes);
        }
    }

    private static List<String> storedLines(TrialJournal j) {
        List<String> out = new ArrayList<>();
        for (long s = 1; j.stored(s) != null; s++) {
            out.add(j.stored(s));
        }
        return out;
    }

    @Test
    void page_fromAnyPoint_givesTheWholeLines() throws Exception {
        for (long seed : new long[] {3, 17}) {
            try (TrialJournal delta = new TrialJournal(dir.resolve("p" + seed + ".db"), 5);
                 TrialJournal whole = new TrialJournal(dir.resolve("q" + seed + ".db"), 1)) {
                write(seed, 40, delta, whole);
                Random rnd = new Random(seed);
                for (int i = 0; i < 20; i++) {
                    long after = rnd.nextInt(80);
                    int limit = 1 + rnd.nextInt(15);
                    List<JsonNode> a = new ArrayList<>();
                    for (var e : delta.page(after, limit)) {
                        a.add(JSON.readTree(e.getValue()));
                    }
                    List<JsonNode> b = new ArrayList<>();
                    for (var e : whole.page(after, limit)) {
                        b.add(JSON.readTree(e.getValue()));
                    }
                    assertThat(a).as("seed %d after %d limit %d", seed, after, limit).isEqualTo(b);
                }
            }
        }
    }

    @Test
    void reopenedJournal_continuesWithAKeyframe() throws Exception {
        Path f = dir.resolve("r.db");
        History h = new History(8);
        List<FleetSnapshot> written = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            try (TrialJournal j = new TrialJournal(f, 50)) {
                for (int i = 0; i < 6; i++) {
                    FleetSnapshot s = h.next();
                    j.onSnapshot(round * 6 + i, s);
                    written.add(s);
                }
            }
        }
        try (TrialJournal j = new TrialJournal(f, 50)) {
            assertThat(JournalReplay.snapshots(new StringReader(export(j)))).isEqualTo(written);
            assertThat(storedLines(j).get(6)).contains("\"data\":"); // the first after reopening is whole
        }
    }
}
