package org.edgefm.host.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs a refused message once per (sender, message type, reason), so a misbehaving agent cannot
 * flood the log; later ones are only counted by the caller. The set of keys is bounded.
 */
public final class BadMessageLog {
    private static final int MAX_KEYS = 10_000;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Logger log;

    /** Creates a log writing to {@code log}. */
    public BadMessageLog(Logger log) {
        this.log = log;
    }

    /** Logs the refusal unless this (sender, type, kind) was already logged; returns true when logged. */
    public boolean refused(String sender, String type, String kind, String message) {
        String key = sender + "|" + type + "|" + kind;
        if (seen.size() >= MAX_KEYS || !seen.add(key)) {
            return false;
        }
        log.warn("refused {} message from {} ({}): {}; further ones like it are only counted", type, sender, kind, message);
        return true;
    }
}
