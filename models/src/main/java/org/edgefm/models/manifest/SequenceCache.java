package org.edgefm.models.manifest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Sequence;

/**
 * The key/value caches one decoder part holds between the steps of its sequences, keyed by a
 * sequence id that every step of one generation carries. Bounded: when the caches' bytes pass the
 * limit the least recently used sequences are dropped (counted), and a later step of a dropped
 * sequence is a {@link Miss}: the sender replays the sequence from its first token, as it does after
 * the part moved to a node that never saw the sequence.
 *
 * <p>A step names where it starts ({@code start}: tokens of the sequence before it). Start 0 begins
 * the sequence again (a new sequence, or a replay: whatever was cached is dropped); a start equal to
 * the tokens cached continues it; any other start is a {@link Miss}.
 */
public final class SequenceCache {
    /** Cache bytes a part holds by default before it drops sequences (64 MiB). */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** A step that the cache cannot continue: the sequence was dropped, or never ran here. */
    public static final class Miss extends EdgeFmException {
        private static final long serialVersionUID = 1L;
        /**
         * How every miss's message begins, so that a miss reported from another process (a failed
         * stage's one-line error, which a node prefixes with the stage and node) is told from other failures.
         */
        public static final String MARK = "key/value cache miss: ";

        /** A miss with its message; {@link #MARK} is added in front when the message does not contain it. */
        public Miss(String message) {
            super(message.contains(MARK) ? message : MARK + message);
        }

        /** True when a failure's one-line error reports a miss ({@link #MARK}), wherever it was raised. */
        public static boolean reports(String error) {
            return error != null && error.contains(MARK);
        }
    }

    /** What the cache did so far. */
    public record Stats(long hits, long misses, long evictions, long starts, long bytes, int sequences) {
    }

    private final long maxBytes;
    private final long bytesPerToken;
    private final LinkedHashMap<String, Sequence> lru = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;
    private long starts;

    /**
     * @param maxBytes      the most bytes of keys and values held (at least one token's)
     * @param bytesPerToken the bytes one token's keys and values take in this part (blocks x 2 x kv width x 4)
     */
    public SequenceCache(long maxBytes, long bytesPerToken) {
        if (bytesPerToken <= 0 || maxBytes < bytesPerToken) {
            throw new EdgeFmException("sequence cache: " + maxBytes + " bytes for " + bytesPerToken + " a token (expected: room for one token)");
        }
        this.maxBytes = maxBytes;
        this.bytesPerToken = bytesPerToken;
    }

    /**
     * The sequence a step continues, taken out of the cache while the step runs (give it back with
     * {@link #put}).
     *
     * @param id    the sequence id
     * @param start tokens of the sequence before this step (0 begins it again)
     * @param part  the part's id, for the message
     * @throws Miss when the cache does not hold the sequence up to {@code start}
     */
    public synchronized Sequence take(String id, int start, String part) {
        Sequence s = lru.remove(id);
        if (s != null) {
            bytes -= bytesPerToken * s.processed();
        }
        if (start == 0) {
            starts++;
            return new Sequence();
        }
        if (s == null || s.processed() != start) {
            misses++;
            throw new Miss("sequence '" + id + "': part '" + part + "' holds " + (s == null ? "no tokens of it" : s.processed() + " tokens of it")
                    + ", the step starts at token " + start + " (expected: a replay from token 0)");
        }
        hits++;
        return s;
    }

    /** Gives a sequence back after a step; drops the least recently used sequences beyond the limit. */
    public synchronized void put(String id, Sequence s) {
        Sequence old = lru.put(id, s);
        if (old != null && old != s) {
            bytes -= bytesPerToken * old.processed();
        }
        bytes += bytesPerToken * s.processed();
        Iterator<Map.Entry<String, Sequence>> it = lru.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Sequence> e = it.next();
            bytes -= bytesPerToken * e.getValue().processed();
            it.remove();
            evictions++;
        }
    }

    /** Forgets a finished sequence. */
    public synchronized void end(String id) {
        Sequence s = lru.remove(id);
        if (s != null) {
            bytes -= bytesPerToken * s.processed();
        }
    }

    /** Counters and current size. */
    public synchronized Stats stats() {
        return new Stats(hits, misses, evictions, starts, bytes, lru.size());
    }

    /** The byte limit. */
    public long maxBytes() {
        return maxBytes;
    }
}
