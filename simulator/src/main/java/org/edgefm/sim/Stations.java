package org.edgefm.sim;

import java.util.Arrays;

/**
 * The stations of a simulated fleet, one per (node, service) pair at {@code node * serviceCount +
 * service}: the instances and parallelism a directive put there, the servers they give, the busy
 * ones, a FIFO queue of waiting (task, stage) entries, the per-task rate factor and mean processing
 * time, and the counters a snapshot reports (arrivals, completions, rate samples since the last one).
 */
final class Stations {
    private final CompiledModel m;
    private final SimSettings settings;
    /** Per station: the factor on the service's rate at the node ({@link ComputeRates}). */
    final double[] computeFactor;
    final int[] instances;
    final int[] parallelism;
    final int[] servers;
    final int[] busy;
    final double[] rateFactor;
    final double[] meanProcMs;
    private final long[][] queue;
    private final int[] queueHead;
    final int[] queueSize;
    final int[] intervalArrivals;
    final int[] intervalCompleted;
    private final double[][] rateSamples;
    private final int[] rateSampleCount;

    Stations(CompiledModel m, double[] computeFactor, SimSettings settings, GenAiSubModel genai) {
        this.m = m;
        this.settings = settings;
        this.computeFactor = computeFactor;
        int stations = m.stations();
        instances = new int[stations];
        parallelism = new int[stations];
        servers = new int[stations];
        busy = new int[stations];
        rateFactor = new double[stations];
        meanProcMs = new double[stations];
        queue = new long[stations][];
        queueHead = new int[stations];
        queueSize = new int[stations];
        intervalArrivals = new int[stations];
        intervalCompleted = new int[stations];
        rateSamples = new double[stations][];
        rateSampleCount = new int[stations];
        for (int st = 0; st < stations; st++) {
            parallelism[st] = 1;
            update(st, genai);
        }
    }

    /** Recomputes servers, the per-task rate factor and the mean processing time of a station. */
    void update(int st, GenAiSubModel genai) {
        int s = st % m.serviceCount;
        int y = m.core[s] ? 1 : Math.max(1, parallelism[st]);
        servers[st] = genai == null ? instances[st] * y : genai.servers(st / m.serviceCount, s, instances[st] * y);
        // assumption (sim.parallelism-exponent): per-task rate f · compute factor · y^(−α)
        rateFactor[st] = computeFactor[st] * (m.core[s] ? 1.0 : Math.pow(y, -settings.parallelismExponent()));
        meanProcMs[st] = m.workload[s] / (m.rates[s].mean() * rateFactor[st]);
    }

    /** Queues stage {@code stage} of {@code task} at the station's tail. */
    void enqueue(int st, int task, int stage) {
        long[] q = queue[st];
        if (q == null) {
            q = queue[st] = new long[16];
        } else if (queueSize[st] == q.length) {
            long[] g = new long[q.length * 2];
            for (int i = 0; i < queueSize[st]; i++) {
                g[i] = q[(queueHead[st] + i) % q.length];
            }
            queueHead[st] = 0;
            q = queue[st] = g;
        }
        q[(queueHead[st] + queueSize[st]) % q.length] = ((long) task << 8) | stage;
        queueSize[st]++;
    }

    /** The entry at the station's head, removed: the task is {@code e >>> 8}, the stage {@code e & 0xFF}. */
    long dequeue(int st) {
        long[] q = queue[st];
        long e = q[queueHead[st]];
        queueHead[st] = (queueHead[st] + 1) % q.length;
        queueSize[st]--;
        return e;
    }

    /** Keeps a served task's rate for the next snapshot, up to {@code sim.rate-samples} per interval. */
    void sampleRate(int st, double rate) {
        if (rateSamples[st] == null && settings.rateSamples() > 0) {
            rateSamples[st] = new double[settings.rateSamples()];
        }
        if (rateSampleCount[st] < settings.rateSamples()) {
            rateSamples[st][rateSampleCount[st]++] = rate;
        }
    }

    /** True when the station has nothing to report: no instances, no work, nothing since the last snapshot. */
    boolean idle(int st) {
        return instances[st] == 0 && busy[st] == 0 && queueSize[st] == 0 && intervalArrivals[st] == 0
                && intervalCompleted[st] == 0;
    }

    /** The rates sampled since the last call, and a new interval begun (arrivals, completions, samples). */
    double[] takeInterval(int st) {
        double[] samples = rateSampleCount[st] == 0 ? new double[0] : Arrays.copyOf(rateSamples[st], rateSampleCount[st]);
        intervalArrivals[st] = 0;
        intervalCompleted[st] = 0;
        rateSampleCount[st] = 0;
        return samples;
    }
}
