package org.edgefm.sim;

import java.util.Arrays;

/**
 * The simulator's future-event list: a binary min-heap over primitive arrays (time, insertion
 * sequence, 64-bit payload), so scheduling and popping an event allocate nothing once the arrays
 * have grown to the run's peak size. Events with equal times pop in insertion order, which keeps a
 * run deterministic for a given seed.
 */
final class EventQueue {
    private double[] time = new double[1024];
    private long[] seq = new long[1024];
    private long[] payload = new long[1024];
    private int size;
    private long nextSeq;

    /** Number of pending events. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Time of the earliest event; only valid when not empty. */
    double peekTime() {
        return time[0];
    }

    /** Payload of the earliest event; only valid when not empty. */
    long peekPayload() {
        return payload[0];
    }

    /** Schedules an event. */
    void push(double t, long p) {
        if (size == time.length) {
            int n = size * 2;
            time = Arrays.copyOf(time, n);
            seq = Arrays.copyOf(seq, n);
            payload = Arrays.copyOf(payload, n);
        }
        long s = nextSeq++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(t, s, time[parent], seq[parent])) {
                break;
            }
            time[i] = time[parent];
            seq[i] = seq[parent];
            payload[i] = payload[parent];
            i = parent;
        }
        time[i] = t;
        seq[i] = s;
        payload[i] = p;
    }

    /** Removes the earliest event (read it first with {@link #peekTime()} and {@link #peekPayload()}). */
    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        double t = time[last];
        long s = seq[last];
        long p = payload[last];
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < last && less(time[r], seq[r], time[c], seq[c])) {
                c = r;
            }
            if (!less(time[c], seq[c], t, s)) {
                break;
            }
            time[i] = time[c];
            seq[i] = seq[c];
            payload[i] = payload[c];
            i = c;
        }
        time[i] = t;
        seq[i] = s;
        payload[i] = p;
    }

    private static boolean less(double t1, long s1, double t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }
}
