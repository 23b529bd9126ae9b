package org.edgefm.host;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FakeFleet;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.TestPlugin;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.journal.TrialJournal;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's own work per slot at 1,000 nodes, each part incremental and from scratch, in CPU time of
 * the calling thread (ThreadMXBean; time on a core only, so a shared machine changes it little): the
 * fleet snapshot (half the nodes reported since the last slot, 2 services and 3 links each), the
 * journal's snapshot and decision entries (a 750-stream decision that repeats with a new slot, as a
 * settled controller's does), and a control-loop step with a settled decision (first-fit core
 * placement, one light instance per node). Not a test: it asserts nothing and is skipped unless
 * {@code -Dedgefm.bench=true}; {@code -Dedgefm.bench.nodes=N}, {@code -Dedgefm.bench.slots=N}.
 */
@EnabledIfSystemProperty(named = "edgefm.bench", matches = "true")
class HostStepBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Bytes allocated by the calling thread (HotSpot's extension), or null where not available. */
    private static final com.sun.management.ThreadMXBean ALLOC = THREADS instanceof com.sun.management.ThreadMXBean t ? t : null;

    private static long allocated() {
        return ALLOC == null ? 0 : ALLOC.getCurrentThreadAllocatedBytes();
    }

    @TempDir
    Path dir;

    private final int nodes = Integer.getInteger("edgefm.bench.nodes", 1000);
    private final int slots = Integer.getInteger("edgefm.bench.slots", 240);

    @Test
    void run() throws Exception {
        for (boolean incremental : new boolean[] {false, true, false, true}) {
            fleetAndJournal(incremental);
        }
        for (boolean skip : new boolean[] {false, true, false, true}) {
            loop(skip);
        }
    }

    private void fleetAndJournal(boolean incremental) {
        FleetState state = new FleetState(10_000, List.of(), incremental);
        long[] seq = new long[nodes];
        double now = 0;
        for (int i = 0; i < nodes; i++) {
            state.onBirth(new Birth(WireCodec.SCHEMA, id(i), 1, 1000, "p", "test",
                    new Capabilities(ResourceVector.of(8, 16, 16, 8), "amd64", "nd4j-cpu", List.of()), 0, 0, List.of(),
                    "10.0.0." + (i % 250) + ":9000"), now);
        }
        LightDecision decision = decision();
        long[] snapshotCpu = new long[slots];
        long[] journalCpu = new long[slots];
        long[] snapshotAlloc = new long[slots];
        long[] journalAlloc = new long[slots];
        long writerCpu = 0;
        long bytes;
        Path file = dir.resolve("journal-" + incremental + "-" + System.nanoTime() + ".db");
        try (TrialJournal journal = new TrialJournal(file, incremental ? 120 : 1)) {
            for (int s = -40; s < slots; s++) {
                now += 500;
                for (int i = (s & 1); i < nodes; i += 2) { // 1 s telemetry, 500 ms slots: half the nodes report
                    state.onTelemetry(telemetry(i, ++seq[i]), now - 250);
                }
                long a0 = allocated();
                long c0 = THREADS.getCurrentThreadCpuTime();
                FleetSnapshot snap = state.snapshot(now);
                long c1 = THREADS.getCurrentThreadCpuTime();
                long a1 = allocated();
                journal.onSnapshot(s + 40, snap);
                journal.onDecision(s + 40, new LightDecision(s + 40, decision.allocations(), decision.routing(),
                        decision.users(), decision.notes()), 12.5);
                long c2 = THREADS.getCurrentThreadCpuTime();
                long a2 = allocated();
                if (s >= 0) {
                    snapshotCpu[s] = c1 - c0;
                    journalCpu[s] = c2 - c1;
                    snapshotAlloc[s] = a1 - a0;
                    journalAlloc[s] = a2 - a1;
                }
                if (s == -1) {
                    journal.commit();
                    writerCpu = journal.writerCpuNanos();
                }
            }
            journal.commit();
            writerCpu = journal.writerCpuNanos() - writerCpu;
        }
        try {
            bytes = Files.size(file);
        } catch (java.io.IOException e) {
            bytes = -1;
        }
        System.out.printf(Locale.ROOT, "STEPBENCH %s, %d nodes: fleet snapshot CPU %s, allocates %s; journal (snapshot +"
                + " decision) on the loop's thread CPU %s, allocates %s; on the journal's writer thread %.2f ms per slot;"
                + " journal file %.1f MiB after %d slots%n", incremental ? "incremental" : "from scratch", nodes,
                stats(snapshotCpu), kib(snapshotAlloc), stats(journalCpu), kib(journalAlloc), writerCpu / 1e6 / slots,
                bytes / 1048576.0, slots + 40);
    }

    private void loop(boolean skip) throws Exception {
        Path sc = dir.resolve("bench-" + nodes + ".json");
        Files.writeString(sc, HostBench.scenario(nodes));
        String[] ids = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            ids[i] = "a" + i;
        }
        FakeFleet fleet = new FakeFleet(ids);
        PluginRegistry registry = PluginRegistry.of(List.of(new TestPlugin()));
        ControlLoop.Settings st = new ControlLoop.Settings(500, 0, java.time.Duration.ofSeconds(60),
                java.time.Duration.ofSeconds(60), 1, false, () -> 0L);
        long[] cpu = new long[slots];
        long[] alloc = new long[slots];
        try (ControlLoop loop = new ControlLoop(fleet, ScenarioLoader.load(sc).model(), registry.resolve("test-pair"),
                PlannerConfig.EMPTY, st, null)) {
            if (!skip) {
                loop.diffEverySlot();
            }
            for (int s = -40; s < slots; s++) {
                fleet.now += 500;
                long a0 = allocated();
                long c0 = THREADS.getCurrentThreadCpuTime();
                loop.step();
                long c1 = THREADS.getCurrentThreadCpuTime();
                if (s >= 0) {
                    cpu[s] = c1 - c0;
                    alloc[s] = allocated() - a0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "STEPBENCH control-loop step (test-pair, settled), %d nodes, %s: CPU %s%n", nodes,
                skip ? "desired states only when their inputs changed" : "every node diffed every slot", stats(cpu) + ", allocates "
                + kib(alloc));
    }

    private static String id(int i) {
        return "n" + i;
    }

    private Telemetry telemetry(int i, long seq) {
        List<ServiceMetrics> services = List.of(
                new ServiceMetrics("enc", 1, 1, 0, 0, 0, 0, null, null, List.of(), List.of()),
                new ServiceMetrics("head", 1, 2, 0, 0, 0, 0, null, null, List.of(), List.of()));
        List<PeerMetrics> peers = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            peers.add(new PeerMetrics(id((i + k) % nodes), 2.0, 12.5, 10 + seq / 5, null));
        }
        return new Telemetry(WireCodec.SCHEMA, id(i), 1, seq, 1000, 0,
                new HostMetrics(0.25, List.of(), 1, 2, 0, 0, 1, 2, 0, 0, null, 1), List.of(), services, peers);
    }

    /** 1,000 allocations and 750 streams of two stages, four targets each. */
    private LightDecision decision() {
        List<ServiceAllocation> alloc = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            alloc.add(new ServiceAllocation(id(i), "head", 1, 2, 0.5));
        }
        List<Route> routes = new ArrayList<>();
        for (int k = 0; k < 750; k++) {
            for (String stage : new String[] {"e", "h"}) {
                List<WeightedTarget> t = new ArrayList<>();
                for (int j = 0; j < 4; j++) {
                    t.add(new WeightedTarget(id((k * 4 + j) % nodes), 0.25));
                }
                routes.add(new Route("t", stage, id(k % nodes), t));
            }
        }
        return new LightDecision(0, alloc, new RoutingTable(routes), List.of(), List.of());
    }

    /** Mean bytes per slot in KiB. */
    private static String kib(long[] bytes) {
        return String.format(Locale.ROOT, "%.0f KiB/slot", Arrays.stream(bytes).average().orElse(0) / 1024);
    }

    /** p50, p99 and mean in ms. */
    private static String stats(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0) / 1e6;
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, mean %.2f ms", s[s.length / 2] / 1e6,
                s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)] / 1e6, mean);
    }
}
