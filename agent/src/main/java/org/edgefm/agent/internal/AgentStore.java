package org.edgefm.agent.internal;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import org.edgefm.api.EdgeFmException;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The agent's durable state in one MapDB file with transactions: the applied directive, the last
 * session epoch, the last calibration, and the outbox of results not yet acknowledged by the
 * broker. Every mutation is committed before the method returns, so a {@code kill -9} loses
 * nothing a caller was told is stored. Blocking and synchronized: call on worker threads.
 */
public final class AgentStore implements AutoCloseable {
    private static final String DIRECTIVE = "directive";
    private static final String KEYS = "keys";
    private static final String EPOCH = "sessionEpoch";
    private static final String CALIBRATION = "calibration";

    private final DB db;
    private final ConcurrentMap<String, byte[]> kv;
    private final ConcurrentMap<String, byte[]> outbox;

    private AgentStore(DB db) {
        this.db = db;
        this.kv = db.hashMap("state", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        this.outbox = db.treeMap("outbox", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    }

    /** Opens (or creates) {@code dir/agent.db}. */
    public static AgentStore open(Path dir) {
        try {
            Files.createDirectories(dir);
            DB db = DBMaker.fileDB(dir.resolve("agent.db").toFile()).transactionEnable().fileMmapEnableIfSupported().make();
            return new AgentStore(db);
        } catch (java.io.IOException | RuntimeException e) {
            throw new EdgeFmException("cannot open the agent state in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The next session epoch: above every earlier one, and at least the wall clock in ms; committed. */
    public synchronized long nextSessionEpoch() {
        byte[] b = kv.get(EPOCH);
        long last = b == null ? 0 : ByteBuffer.wrap(b).getLong();
        long next = Math.max(last + 1, System.currentTimeMillis());
        kv.put(EPOCH, ByteBuffer.allocate(8).putLong(next).array());
        db.commit();
        return next;
    }

    /** Stores the applied directive (its wire JSON); committed. */
    public synchronized void saveDirective(byte[] directiveJson) {
        kv.put(DIRECTIVE, directiveJson);
        db.commit();
    }

    /** The applied directive's wire JSON, if any. */
    public synchronized Optional<byte[]> directive() {
        return Optional.ofNullable(kv.get(DIRECTIVE));
    }

    /** Stores the host's newest secrets for this node (the wire JSON of its {@code TaskKeys}); committed. */
    public synchronized void saveKeys(byte[] keysJson) {
        kv.put(KEYS, keysJson);
        db.commit();
    }

    /** The newest stored secrets, if any. */
    public synchronized Optional<byte[]> keys() {
        return Optional.ofNullable(kv.get(KEYS));
    }

    /** Stores the calibration (JSON); committed. */
    public synchronized void saveCalibration(byte[] json) {
        kv.put(CALIBRATION, json);
        db.commit();
    }

    /** The last calibration's JSON, if any. */
    public synchronized Optional<byte[]> calibration() {
        return Optional.ofNullable(kv.get(CALIBRATION));
    }

    /** Adds a result to the outbox under its task id; committed. */
    public synchronized void outboxPut(String taskId, byte[] resultJson) {
        outbox.put(taskId, resultJson);
        db.commit();
    }

    /** Removes a delivered result; committed. */
    public synchronized void outboxRemove(String taskId) {
        if (outbox.remove(taskId) != null) {
            db.commit();
        }
    }

    /**
     * Removes a delivered result if it is still the one stored under its task id; committed.
     *
     * @return the newer result stored under that task id meanwhile, which is kept, or empty
     */
    public synchronized Optional<byte[]> outboxRemoveIfSame(String taskId, byte[] delivered) {
        byte[] stored = outbox.get(taskId);
        if (stored != null && !Arrays.equals(stored, delivered)) {
            return Optional.of(stored);
        }
        outboxRemove(taskId);
        return Optional.empty();
    }

    /** The results not yet delivered, by task id. */
    public synchronized Map<String, byte[]> outbox() {
        return new LinkedHashMap<>(outbox);
    }

    @Override
    public synchronized void close() {
        if (!db.isClosed()) {
            db.close();
        }
    }
}
