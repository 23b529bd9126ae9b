package org.edgefm.host.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.wire.Directive;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FleetSnapshot;
import org.mapdb.Atomic;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The trial journal: every snapshot (with the task results and model switches it carries), core
 * placement, decision, directive and plugin failure of a run, appended to a transactional MapDB file
 * in order (snapshots and repeated decisions stored as what changed, {@link JournalDeltas}; read back
 * whole), so that a trial can be exported as JSON lines and replayed against another plugin. Entries are committed at
 * most once a second (at the start of a slot) and on close, so a crash loses at most the last second. A
 * {@link ControlLoop.Listener}; thread-safe.
 *
 * <p>The listener calls only queue their entry: one writer thread ({@code edgefm-journal}) encodes them
 * (deltas, JSON) and stores them in the order they were queued, so the control loop's thread does not
 * serialise a 1,000-node snapshot each slot. The queue is bounded ({@value #QUEUE} entries): a writer that
 * falls that far behind slows the loop down rather than losing entries or memory. Every read
 * ({@link #size}, {@link #page}, the export) and {@link #commit} first waits for the queued entries.
 *
 * <p>Each line is {@code {"seq":N,"kind":"snapshot|placement|decision|directive|plugin-failure",
 * "slot":S,"data":{...}}}.
 */
public final class TrialJournal implements ControlLoop.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final DB db;
    private final ConcurrentNavigableMap<Long, String> entries;
    private final Atomic.Long seq;
    private volatile long slot;
    private long lastCommitNanos = System.nanoTime();
    /** Snapshots and decisions as what changed since the previous ones ({@link JournalDeltas}). */
    private final JournalDeltas deltas;
    /** Entries queued for the writer thread at most. */
    static final int QUEUE = 1024;
    private final java.util.concurrent.BlockingQueue<Runnable> queue = new java.util.concurrent.ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrialJournal.class);

    /** Opens (or creates and continues) a journal file. */
    public TrialJournal(Path file) {
        this(file, JournalDeltas.DEFAULT_KEYFRAME_EVERY);
    }

    /**
     * Opens (or creates and continues) a journal file that stores a whole snapshot at least every
     * {@code keyframeEvery} snapshots (1: every snapshot whole) and the others as deltas.
     */
    public TrialJournal(Path file, int keyframeEvery) {
        this.deltas = new JournalDeltas(JSON, keyframeEvery);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            db = DBMaker.fileDB(file.toFile()).transactionEnable().fileMmapEnableIfSupported().make();
        } catch (Exception e) {
            throw new EdgeFmException("journal " + file + ": cannot open: " + e.getMessage(), e);
        }
        // Values (one JSON line each, large for big fleets) live outside the B-tree nodes, so an append
        // does not rewrite its neighbours.
        entries = db.treeMap("entries", Serializer.LONG, Serializer.STRING).valuesOutsideNodesEnable().createOrOpen();
        seq = db.atomicLong("seq").createOrOpen();
        writer = new Thread(this::writeLoop, "edgefm-journal-" + file.getFileName());
        writer.setDaemon(true);
        writer.start();
    }

    /** The writer thread: runs the queued entries in order until {@link #close}. */
    private void writeLoop() {
        while (true) {
            Runnable r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (r == STOP) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                if (failures.getAndIncrement() == 0) {
                    LOG.error("journal: an entry could not be stored: {}", e.toString(), e);
                } else {
                    LOG.warn("journal: an entry could not be stored ({} so far): {}", failures.get(), e.toString());
                }
            }
        }
    }

    private static final Runnable STOP = () -> { };

    /** Queues work for the writer thread, in order; waits while the queue is full. */
    private void submit(Runnable r) {
        if (closing) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(r); // an interrupt does not lose the entry: it is queued all the same, in order
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every entry queued so far is stored. */
    private void drain() {
        if (Thread.currentThread() == writer || !writer.isAlive()) {
            return;
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try {
            queue.put(done::countDown);
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CPU time the writer thread has used so far, in ns (benchmarks), or -1 where the JVM does not measure it. */
    public long writerCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(writer.getId());
    }

    /** Entries the writer could not store (logged). */
    public long failures() {
        return failures.get();
    }

    private synchronized void append(String kind, Object data) {
        long n = seq.incrementAndGet();
        String field = "data";
        if (data instanceof FleetSnapshot s) {
            JournalDeltas.Encoded e = deltas.snapshot(n, s);
            field = e.delta() ? "delta" : "data";
            data = e.data();
        } else if (data instanceof DecisionEntry d) {
            Object[] e = deltas.decision(n, d.decision(), d.elapsedMs());
            field = (String) e[0];
            data = e[1];
        }
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("seq", n);
        line.put("kind", kind);
        line.put("slot", slot);
        line.put(field, data);
        try {
            entries.put(n, JSON.writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onSnapshot(long slot, FleetSnapshot snapshot) {
        submit(() -> {
            synchronized (this) {
                // the previous slots' entries, at most once a second: a crash loses at most a second
                if (System.nanoTime() - lastCommitNanos >= 1_000_000_000L) {
                    db.commit();
                    lastCommitNanos = System.nanoTime();
                }
                this.slot = slot;
            }
            append("snapshot", snapshot);
        });
    }

    @Override
    public void onCorePlacement(CorePlacementContext.Trigger trigger, CorePlacement placement, double elapsedMs) {
        submit(() -> append("placement", Map.of("trigger", trigger.name().toLowerCase(), "placement", placement,
                "elapsedMs", elapsedMs)));
    }

    @Override
    public void onDecision(long slot, LightDecision decision, double elapsedMs) {
        submit(() -> append("decision", new DecisionEntry(decision, elapsedMs)));
    }

    /** A decision to append ({@link JournalDeltas#decision}). */
    private record DecisionEntry(LightDecision decision, double elapsedMs) {
    }

    @Override
    public void onDirective(Directive directive) {
        submit(() -> append("directive", directive));
    }

    @Override
    public void onPluginFailure(String plugin, String role, String reason, String detail) {
        submit(() -> append("plugin-failure", Map.of("plugin", plugin, "role", role, "reason", reason, "detail", detail)));
    }

    /** Commits what was appended (after the queued entries are stored). */
    public void commit() {
        drain();
        synchronized (this) {
            db.commit();
        }
    }

    /** Entries written so far. */
    public long size() {
        drain();
        synchronized (this) {
            return entries.size();
        }
    }

    /** The ids of the tasks whose completions the journal's snapshots carry, in order. */
    public List<String> completedTaskIds() {
        drain();
        List<String> ids = new ArrayList<>();
        for (String line : entries.values()) {
            if (!line.contains("\"kind\":\"snapshot\"")) {
                continue;
            }
            try {
                JsonNode l = JSON.readTree(line);
                for (JsonNode c : (l.has("delta") ? l.path("delta") : l.path("data")).path("completions")) {
                    ids.add(c.path("taskId").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ids;
    }

    /**
     * The services of the directives the journal holds, per node (the newest 32 directives of each):
     * what a restarted host knows the nodes may still run.
     */
    public Map<String, java.util.Set<String>> directiveServices() {
        drain();
        Map<String, java.util.ArrayDeque<java.util.Set<String>>> byNode = new java.util.TreeMap<>();
        for (String line : entries.values()) {
            if (!line.contains("\"kind\":\"directive\"")) {
                continue;
            }
            try {
                JsonNode d = JSON.readTree(line).path("data");
                java.util.Set<String> services = new java.util.TreeSet<>();
                for (JsonNode s : d.path("desired").path("services")) {
                    services.add(s.path("service").asText());
                }
                var q = byNode.computeIfAbsent(d.path("nodeId").asText(), k -> new java.util.ArrayDeque<>());
                q.addLast(services);
                if (q.size() > 32) {
                    q.removeFirst();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, java.util.Set<String>> out = new java.util.TreeMap<>();
        byNode.forEach((n, q) -> {
            java.util.Set<String> all = new java.util.TreeSet<>();
            q.forEach(all::addAll);
            out.put(n, all);
        });
        return out;
    }

    /**
     * One page of entries: at most {@code limit} JSON lines with a sequence number above
     * {@code afterSeq}, in order, read from the file without copying the rest of the journal.
     */
    public List<Map.Entry<Long, String>> page(long afterSeq, int limit) {
        drain();
        List<Map.Entry<Long, String>> out = new ArrayList<>(Math.min(limit, 1024));
        JournalDeltas.Reader whole = reader();
        for (Map.Entry<Long, String> e : entries.tailMap(afterSeq, false).entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(Map.entry(e.getKey(), whole.line(e.getValue())));
        }
        return out;
    }

    /** The line stored at {@code seq} (a delta or a reference where one was stored), or null; for tests. */
    String stored(long seq) {
        drain();
        return entries.get(seq);
    }

    /** Rebuilds whole lines from the stored ones (deltas, references). */
    private JournalDeltas.Reader reader() {
        return new JournalDeltas.Reader(JSON, entries::get);
    }

    /** Writes every entry as one JSON line, in order (snapshots and decisions whole, as recorded). */
    public void exportJsonLines(Writer out) {
        drain();
        try {
            JournalDeltas.Reader whole = reader();
            for (String stored : entries.values()) {
                String line = whole.line(stored);
                out.write(line);
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        drain();
        closing = true;
        try {
            queue.put(STOP);
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closeDb();
        }
    }

    private void closeDb() {
        if (!db.isClosed()) {
            db.commit();
            db.close();
        }
    }
}
