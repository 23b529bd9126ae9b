package org.edgefm.sim;

/**
 * The virtual clock and its events: runs the event heap in time order up to a given time and ends
 * each slot (Δt) whose boundary it passes on the way. An event is one {@code long} ({@link #pack}:
 * kind, stage or phase, a node's failure incarnation or an epoch, and an index: a task, stream, node,
 * station or deferred directive), so the loop allocates nothing per event.
 */
final class EventLoop {
    /** A stream's next arrival (index: the stream). */
    static final int ARRIVAL = 1;
    /** An input of a stage reaches its node (stage, index: the task). */
    static final int INPUT = 2;
    /** A stage's service ends (stage, incarnation of its node when it started, index: the task). */
    static final int DONE = 3;
    /** A node fails (index: the node). */
    static final int FAIL = 4;
    /** A node recovers (index: the node). */
    static final int RECOVER = 5;
    /** A station's model is ready to serve (seed paper 2; index: the station). */
    static final int READY = 6;
    /** A phase of a partitioned task ends (seed paper 3; phase, epoch, index: the task). */
    static final int PART = 7;
    /** An impairment window opens or closes. */
    static final int LINK = 8;
    /** A directive deferred by a twin's preload takes effect (index: the deferred directive). */
    static final int TWIN_APPLY = 9;
    /** The shared cores' next stage end (index: the cores' epoch). */
    static final int CORES = 10;

    /** What the loop hands its events and slot ends to. */
    interface Handler {
        /** Runs an event at {@link #now()}: its kind, stage or phase, incarnation or epoch, and index. */
        void event(int kind, int stage, int inc, int index);

        /** Slot {@code slot} (0 the first) ended at {@link #now()}. */
        void slotEnded(long slot);
    }

    private final EventQueue events = new EventQueue();
    private final double slotMs;
    private final SimStats stats;
    private final Handler handler;
    private double now;
    private long endedSlots;

    /**
     * @param slotMs  the slot length Δt
     * @param stats   the run's statistics (events run are counted there)
     * @param handler what runs the events and slot ends
     */
    EventLoop(double slotMs, SimStats stats, Handler handler) {
        this.slotMs = slotMs;
        this.stats = stats;
        this.handler = handler;
    }

    /** The virtual time now, in ms. */
    double now() {
        return now;
    }

    /** The slots ended so far. */
    long endedSlots() {
        return endedSlots;
    }

    /** Schedules an event at virtual time {@code atMs}. */
    void push(double atMs, int kind, int stage, int inc, int index) {
        events.push(atMs, pack(kind, stage, inc, index));
    }

    /**
     * Runs every event up to and including virtual time {@code timeMs} and ends the slots whose
     * boundaries lie on the way; afterwards {@link #now()} is {@code timeMs}.
     *
     * @throws IllegalArgumentException when {@code timeMs} lies before {@link #now()}
     */
    void advanceTo(double timeMs) {
        if (timeMs < now) {
            throw new IllegalArgumentException("advanceTo: " + timeMs + " (expected: >= now " + now + ")");
        }
        double boundary = (endedSlots + 1) * slotMs;
        while (!events.isEmpty() && events.peekTime() <= timeMs) {
            double t = events.peekTime();
            if (t > boundary) {
                now = boundary;
                endSlot();
                boundary = (endedSlots + 1) * slotMs;
                continue;
            }
            long p = events.peekPayload();
            events.pop();
            now = t;
            stats.events++;
            handler.event(kind(p), stage(p), inc(p), index(p));
        }
        while (boundary <= timeMs) {
            now = boundary;
            endSlot();
            boundary = (endedSlots + 1) * slotMs;
        }
        now = timeMs;
    }

    private void endSlot() {
        handler.slotEnded(endedSlots);
        endedSlots++;
    }

    /** An event as one {@code long}: kind (4 bits), stage (8), incarnation or epoch (low 20), index (32). */
    static long pack(int kind, int stage, int inc, int index) {
        return ((long) kind << 60) | ((long) stage << 52) | ((long) (inc & 0xFFFFF) << 32) | (index & 0xFFFFFFFFL);
    }

    /** The kind of a packed event. */
    static int kind(long p) {
        return (int) (p >>> 60);
    }

    /** The stage (or phase) of a packed event. */
    static int stage(long p) {
        return (int) ((p >>> 52) & 0xFF);
    }

    /** The incarnation (or epoch, low 20 bits) of a packed event. */
    static int inc(long p) {
        return (int) ((p >>> 32) & 0xFFFFF);
    }

    /** The index of a packed event. */
    static int index(long p) {
        return (int) p;
    }
}
