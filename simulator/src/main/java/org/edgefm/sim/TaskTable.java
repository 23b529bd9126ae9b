package org.edgefm.sim;

import java.util.Arrays;

/**
 * The tasks in a simulated fleet, as parallel primitive arrays whose slots are reused through a
 * free list (the event loop allocates nothing per task). Per task: its type, stream, arrival time,
 * the events and queue entries that still refer to it, its state and sequence number; per (task,
 * stage) at {@code task * maxStages + stage}: the node chosen for the stage, the inputs it still
 * waits for and, with {@code sim.stage-timings}, its start and end.
 */
final class TaskTable {
    static final byte FREE = 0;
    static final byte LIVE = 1;
    static final byte ENDED = 2;

    private final int maxStages;
    private final int[][] stageParents;
    private int capacity = 1024;
    int[] type = new int[capacity];
    int[] stream = new int[capacity];
    double[] arrive = new double[capacity];
    /** Events and queue entries that still name the task: its slot is reused only once this is 0. */
    int[] outstanding = new int[capacity];
    byte[] state = new byte[capacity];
    long[] seq = new long[capacity];
    int[] stageNode;
    int[] pending;
    /** Stage start and end times, or null without {@code sim.stage-timings}. */
    double[] start;
    double[] end;
    private int[] freeList = new int[capacity];
    private int freeCount;
    /** One past the highest slot ever used. */
    int high;
    private long nextSeq;

    TaskTable(CompiledModel m, boolean stageTimings) {
        maxStages = m.maxStages;
        stageParents = m.stageParents;
        stageNode = new int[capacity * maxStages];
        pending = new int[capacity * maxStages];
        if (stageTimings) {
            start = new double[capacity * maxStages];
            end = new double[capacity * maxStages];
        }
    }

    /** A new live task of type {@code t} from {@code stream} arriving at {@code now}: its slot. */
    int alloc(int t, int stream, double now) {
        int task;
        if (freeCount > 0) {
            task = freeList[--freeCount];
        } else {
            if (high == capacity) {
                grow();
            }
            task = high++;
        }
        type[task] = t;
        this.stream[task] = stream;
        arrive[task] = now;
        outstanding[task] = 0;
        state[task] = LIVE;
        seq[task] = nextSeq++;
        int base = task * maxStages;
        int[] parents = stageParents[t];
        for (int k = 0; k < parents.length; k++) {
            stageNode[base + k] = -1;
            pending[base + k] = Math.max(1, parents[k]);
        }
        return task;
    }

    private void grow() {
        int n = capacity * 2;
        type = Arrays.copyOf(type, n);
        stream = Arrays.copyOf(stream, n);
        arrive = Arrays.copyOf(arrive, n);
        outstanding = Arrays.copyOf(outstanding, n);
        state = Arrays.copyOf(state, n);
        seq = Arrays.copyOf(seq, n);
        stageNode = Arrays.copyOf(stageNode, n * maxStages);
        pending = Arrays.copyOf(pending, n * maxStages);
        if (start != null) {
            start = Arrays.copyOf(start, n * maxStages);
            end = Arrays.copyOf(end, n * maxStages);
        }
        freeList = Arrays.copyOf(freeList, n);
        capacity = n;
    }

    /** Returns the task's slot to the free list once it has ended and nothing refers to it. */
    void release(int task) {
        if (state[task] == ENDED && outstanding[task] == 0) {
            state[task] = FREE;
            freeList[freeCount++] = task;
        }
    }
}
