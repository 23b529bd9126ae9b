package org.edgefm.host.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import org.edgefm.api.EdgeFmException;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;
import org.mapdb.Atomic;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable directive outbox (KubeEdge-style reliable delivery): the newest unacknowledged
 * directive per node, kept in a transactional MapDB file, re-sent with exponential backoff until
 * the agent acknowledges it or reports (in a birth or telemetry) that it runs that version or a newer
 * one. A newer directive for a node replaces the pending one (latest wins). The file also holds the
 * host's planner-epoch counter. Thread-safe; every new directive is committed before the method
 * returns, settlements at the next {@link #flush()} (or store, or close).
 */
public final class DirectiveOutbox implements AutoCloseable {
    /**
     * Sees every publication of a pending directive. Called while the outbox's lock is held: MUST return at
     * once and never call back into the outbox.
     */
    @FunctionalInterface
    public interface Observer {
        /**
         * {@code directive} was published.
         *
         * @param sends the publications of that directive so far in this host run (above 1: a re-send)
         */
        void onSent(Directive directive, int sends);
    }

    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds an observer of the publications from now on. */
    public void observe(Observer observer) {
        observers.add(java.util.Objects.requireNonNull(observer, "observer is null"));
    }

    private static final Logger LOG = LoggerFactory.getLogger(DirectiveOutbox.class);

    /** Delivery state of a node's newest directive. */
    public enum State {
        /** Not yet acknowledged. */
        PENDING,
        /** The agent applied it (ack, or reported in a birth or telemetry). */
        APPLIED,
        /** The agent refused it. */
        REJECTED,
        /** The agent runs something newer. */
        STALE
    }

    /**
     * A node's newest directive and its delivery state, for the HTTP API.
     *
     * @param node         node id
     * @param plannerEpoch the directive's planner epoch
     * @param version      its version
     * @param state        delivery state
     * @param attempts     sends so far in this host run
     * @param error        the agent's rejection text, or null
     */
    public record Entry(String node, long plannerEpoch, long version, State state, int attempts, String error) {
    }

    private static final class Retry {
        int attempts;
        double nextAtMs;
    }

    private final DB db;
    private final ConcurrentMap<String, byte[]> pending;
    private final Atomic.Long epochCounter;
    private final WireCodec codec = WireCodec.forStoredDirectives();
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private long ackTimeoutFloorMs;
    private final Map<String, Retry> retries = new LinkedHashMap<>();
    /** The pending directives, decoded: the MapDB map mirrored in memory. */
    private final Map<String, Directive> cache = new TreeMap<>();
    private boolean dirty;
    /** Nodes whose stored directive was settled in memory and is removed from the file by {@link #flush()}. */
    private final java.util.Set<String> unstored = new java.util.HashSet<>();
    private final Map<String, Entry> settled = new TreeMap<>();

    /**
     * Opens (or creates) the outbox file.
     *
     * @param file             the MapDB file
     * @param initialBackoffMs delay before the first re-send
     * @param maxBackoffMs     the longest delay between re-sends
     */
    public DirectiveOutbox(Path file, long initialBackoffMs, long maxBackoffMs) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            this.db = DBMaker.fileDB(file.toFile()).transactionEnable().fileMmapEnableIfSupported().make();
        } catch (Exception e) {
            throw new EdgeFmException("outbox " + file + ": cannot open: " + e.getMessage(), e);
        }
        this.pending = db.hashMap("pending", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        this.epochCounter = db.atomicLong("plannerEpoch").createOrOpen();
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        for (String node : new ArrayList<>(pending.keySet())) {
            Directive d = decodeStored(node);
            if (d != null) {
                cache.put(node, d);
            }
        }
        if (!pending.isEmpty()) {
            LOG.info("outbox {}: {} unacknowledged directives to re-send", file, pending.size());
        }
    }

    /** Increments and returns the persisted planner epoch (call once per host run). */
    public synchronized long nextPlannerEpoch() {
        long e = epochCounter.incrementAndGet();
        db.commit();
        return e;
    }

    /** Stores a directive as its node's pending one, unless the pending one is newer; committed on return. */
    public void put(Directive d) {
        putAll(List.of(d));
    }

    /**
     * Stores directives (each replacing its node's pending one unless that is newer) in one
     * transaction, committed before the method returns: a directive is durable before it is sent.
     *
     * @return how many pending directives were replaced before they were ever sent (superseded: the node
     *         never gets them, latest wins)
     */
    public int putAll(List<Directive> directives) {
        int superseded = 0;
        synchronized (this) {
            for (Directive d : directives) {
                Directive old = cache.get(d.nodeId());
                if (old != null && newer(old.plannerEpoch(), old.version(), d.plannerEpoch(), d.version())) {
                    continue;
                }
                if (old != null && !retries.containsKey(d.nodeId())) {
                    superseded++; // pending and never sent (a send books a retry until the ack settles it)
                }
                unstored.remove(d.nodeId());
                pending.put(d.nodeId(), codec.encode(d));
                cache.put(d.nodeId(), d);
                retries.remove(d.nodeId());
                settled.remove(d.nodeId());
            }
            for (String node : unstored) {
                pending.remove(node);
            }
            unstored.clear();
            dirty = false;
        }
        // The sync to disk runs outside this object's lock, so acks and telemetry (network threads)
        // never wait for it; MapDB serialises commits with concurrent changes itself.
        db.commit();
        return superseded;
    }

    /**
     * Removes settled directives from the file and commits. Settling only changes memory, so acks
     * and telemetry (the MQTT client's delivery thread) never wait for MapDB's write-ahead log; losing
     * a settlement in a crash only makes the host re-send a directive the agent already runs, which
     * the agent answers without change (latest wins).
     */
    public void flush() {
        synchronized (this) {
            if (!dirty) {
                return;
            }
            for (String node : unstored) {
                pending.remove(node);
            }
            unstored.clear();
            dirty = false;
        }
        db.commit();
    }

    private static boolean newer(long e1, long v1, long e2, long v2) {
        return e1 > e2 || (e1 == e2 && v1 > v2);
    }

    private Directive pendingDirective(String node) {
        return cache.get(node);
    }

    private Directive decodeStored(String node) {
        byte[] b = pending.get(node);
        if (b == null) {
            return null;
        }
        try {
            return codec.decode(org.edgefm.wire.Topics.forFleet("outbox").directive(node), b, Directive.class);
        } catch (RuntimeException e) {
            LOG.warn("outbox entry of node {} is unreadable and is dropped: {}", node, e.getMessage());
            pending.remove(node);
            db.commit();
            return null;
        }
    }

    /**
     * Settles the pending directive of {@code node} when the agent's answer covers it.
     *
     * @param node         node id
     * @param plannerEpoch epoch the agent answered for or runs
     * @param version      version the agent answered for or runs
     * @param state        the outcome
     * @param error        rejection text, or null
     * @return true when a pending directive was settled
     */
    public synchronized boolean settle(String node, long plannerEpoch, long version, State state, String error) {
        Directive d = pendingDirective(node);
        if (d == null) {
            return false;
        }
        boolean covers = state == State.APPLIED
                ? !newer(d.plannerEpoch(), d.version(), plannerEpoch, version)
                : d.plannerEpoch() == plannerEpoch && d.version() == version;
        if (!covers) {
            return false;
        }
        unstored.add(node);
        cache.remove(node);
        dirty = true;
        Retry r = retries.remove(node);
        settled.put(node, new Entry(node, d.plannerEpoch(), d.version(), state, r == null ? 0 : r.attempts, error));
        return true;
    }

    /** The pending directives due for a (re-)send at {@code nowMs} among {@code reachable} nodes. */
    public synchronized List<Directive> due(double nowMs, java.util.function.Predicate<String> reachable) {
        List<Directive> out = new ArrayList<>();
        for (Directive d : cache.values()) {
            Retry r = retries.get(d.nodeId());
            if ((r == null || r.nextAtMs <= nowMs) && reachable.test(d.nodeId())) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Records a send of {@code node}'s pending directive and schedules the next one with backoff.
     *
     * @return the sends of that directive so far in this host run (above 1: a re-send)
     */
    public synchronized int sent(String node, double nowMs) {
        Retry r = retries.computeIfAbsent(node, k -> new Retry());
        r.attempts++;
        long delay = Math.max(ackTimeoutFloorMs, Math.min(maxBackoffMs, initialBackoffMs << Math.min(20, r.attempts - 1)));
        r.nextAtMs = nowMs + delay;
        Directive d = cache.get(node);
        if (d != null) {
            int sends = r.attempts;
            for (Observer o : observers) {
                try {
                    o.onSent(d, sends);
                } catch (RuntimeException e) {
                    // an observer never stops the host sending
                    LOG.warn("outbox observer {} failed: {}", o.getClass().getSimpleName(), e.toString());
                }
            }
        }
        return r.attempts;
    }

    /**
     * The shortest wait for an acknowledgement before a re-send (ms; 0 = the backoff alone): the host
     * sets it from the acknowledgement times it sees, so a host that reads its messages late (a busy
     * machine, a GC pause) does not re-send what its agents already acknowledged; capped at the
     * longest backoff.
     */
    public synchronized void ackTimeoutFloor(long ms) {
        ackTimeoutFloorMs = Math.max(0, Math.min(maxBackoffMs, ms));
    }

    /** Makes the pending directive of {@code node} due at once (its agent was just reborn). */
    public synchronized void expedite(String node) {
        Retry r = retries.get(node);
        if (r != null) {
            r.nextAtMs = 0;
        }
    }

    /** Unacknowledged directives. */
    public synchronized int size() {
        return cache.size();
    }

    /** The newest directive's state for every node that has one. */
    public synchronized List<Entry> entries() {
        Map<String, Entry> all = new TreeMap<>(settled);
        for (Directive d : cache.values()) {
            Retry r = retries.get(d.nodeId());
            all.put(d.nodeId(), new Entry(d.nodeId(), d.plannerEpoch(), d.version(), State.PENDING,
                    r == null ? 0 : r.attempts, null));
        }
        return new ArrayList<>(all.values());
    }

    @Override
    public synchronized void close() {
        if (!db.isClosed()) {
            unstored.forEach(pending::remove);
            unstored.clear();
            db.commit();
            db.close();
        }
    }
}
