package org.edgefm.models.family;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-request state that travels with one input through a part: the token ids, token types and
 * attention mask of a text input, and, for decoders, each block's key/value cache. Each part of a
 * split model keeps its own {@code Sequence} per request, holding the caches of its own blocks only.
 */
public final class Sequence {
    private int[] ids;
    private int[] typeIds;
    private int[] attention;
    final Map<Integer, Block.KvCache> caches = new HashMap<>();
    int processed;

    /** A text input (token types and attention may be null: zeros and all ones). */
    public Sequence(int[] ids, int[] typeIds, int[] attention) {
        this.ids = ids == null ? new int[0] : ids.clone();
        this.typeIds = typeIds == null ? new int[this.ids.length] : typeIds.clone();
        this.attention = attention == null ? ones(this.ids.length) : attention.clone();
        if (this.typeIds.length != this.ids.length || this.attention.length != this.ids.length) {
            throw new IllegalArgumentException("ids, token types and attention mask differ in length: "
                    + this.ids.length + ", " + this.typeIds.length + ", " + this.attention.length);
        }
    }

    /** An image input or a sequence built up by decoding. */
    public Sequence() {
        this(new int[0], null, null);
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    /** Token ids so far. */
    public int[] ids() {
        return ids.clone();
    }

    int[] idsView() {
        return ids;
    }

    int[] typeIds() {
        return typeIds;
    }

    int[] attention() {
        return attention;
    }

    /** Appends decoded tokens (decoders). */
    public void append(int[] more) {
        int n = ids.length;
        ids = java.util.Arrays.copyOf(ids, n + more.length);
        System.arraycopy(more, 0, ids, n, more.length);
        typeIds = java.util.Arrays.copyOf(typeIds, ids.length);
        attention = java.util.Arrays.copyOf(attention, ids.length);
        java.util.Arrays.fill(attention, n, ids.length, 1);
    }

    /** Tokens whose keys and values the given block holds. */
    public int cached(int block) {
        Block.KvCache c = caches.get(block);
        return c == null ? 0 : c.length();
    }

    /** Drops every cache (a replay after a failover starts from the ids). */
    public void clearCaches() {
        caches.clear();
        processed = 0;
    }

    /** Tokens this sequence's part has already run (decoders: the next position). */
    public int processed() {
        return processed;
    }
}
