package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.edgefm.api.model.Latency;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The learned partition actor of LyMDO, patterned on DROO/LyDROO (papers.md 4.2 [I]): a small MLP
 * written with ND4J maps the slot state (per UE: load, channel, energy pressure) to a score per
 * (UE, cut point); the scores are quantised into {@code K} candidate cut vectors (the best cut per
 * UE, then the same with the least certain UEs moved to their second-best cut, then random
 * exploration; plus the cuts executed in the previous slot); each candidate gets its convex allocation; the best is executed and stored in a
 * replay memory as a one-hot target, and the network is trained online on random batches of that
 * memory with binary cross-entropy (Adam). Everything is seeded.
 */
public final class DrooActor implements PartitionSelector {
    private final Settings settings;
    private final Random random;
    private int ues = -1;
    private int levels;
    private INDArray[] params;      // W1, b1, W2, b2, W3, b3
    private INDArray[] m;
    private INDArray[] v;
    private int adamStep;
    private float[][] memStates;
    private float[][] memTargets;
    private int memSize;
    private int memNext;
    private long slots;
    private long trainSteps;
    private int[] previous;

    /**
     * The actor's settings (all [I]: LyMDO's were not retrievable; defaults follow DROO's scale).
     *
     * @param hidden1       width of the first hidden layer
     * @param hidden2       width of the second hidden layer
     * @param candidates    {@code K}: candidate cut vectors evaluated per slot, at least 1
     * @param memory        replay memory capacity
     * @param batch         training batch size
     * @param trainInterval slots between training steps
     * @param learningRate  Adam step size
     * @param seed          seed of the weights, the batches and the exploration
     * @param repairRounds  rounds of the feasibility repair when no candidate is feasible (0 = none)
     */
    public record Settings(int hidden1, int hidden2, int candidates, int memory, int batch, int trainInterval,
            double learningRate, long seed, int repairRounds) {
        /** Defaults of the {@code lymdo} controller. */
        public static final Settings DEFAULT = new Settings(64, 32, 8, 1024, 32, 2, 0.01, 1L, 2);

        /** Settings without a feasibility repair. */
        public Settings(int hidden1, int hidden2, int candidates, int memory, int batch, int trainInterval,
                double learningRate, long seed) {
            this(hidden1, hidden2, candidates, memory, batch, trainInterval, learningRate, seed, 0);
        }

        /** Validates every field. */
        public Settings {
            if (hidden1 < 1 || hidden2 < 1 || candidates < 1 || memory < 1 || batch < 1 || trainInterval < 1) {
                throw new IllegalArgumentException("hidden " + hidden1 + "/" + hidden2 + ", candidates " + candidates
                        + ", memory " + memory + ", batch " + batch + ", train interval " + trainInterval + " (expected: >= 1)");
            }
            if (repairRounds < 0) {
                throw new IllegalArgumentException("repairRounds: " + repairRounds + " (expected: >= 0)");
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate: " + learningRate + " (expected: > 0)");
            }
        }
    }

    /** An untrained actor. */
    public DrooActor(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    @Override
    public Allocation select(SlotProblem p, ConvexAllocator allocator) {
        ensureNetwork(p);
        float[] state = features(p);
        float[] scores = forward(state);
        List<int[]> candidates = quantise(p, scores);
        if (previous != null && previous.length == p.size()) {
            // assumption: the last executed cuts are one more candidate (channels and loads change
            // slowly), a cheap guard while the network is untrained; DROO itself does not do this.
            candidates.add(Math.min(1, candidates.size()), previous.clone());
        }
        Allocation best = PartitionSelector.best(p, allocator, candidates);
        if (!best.feasible()) {
            best = repair(p, allocator, best);
        }
        previous = best.cuts().clone();
        if (best.feasible()) {
            remember(state, target(p, best.cuts()));
        }
        slots++;
        if (slots % settings.trainInterval() == 0 && memSize >= Math.min(settings.batch(), settings.memory())) {
            train();
        }
        return best;
    }

    /**
     * Feasibility repair (assumption, {@code lymdo.repair-rounds}; DROO assumes some candidate is
     * feasible): when none of the K candidates is (a forecast burst overloads every proposed cut),
     * start from the safe vector (per UE, among the cuts its device can sustain, {@code λ c^L(l) < 1},
     * the one sending the least data, the most local on ties) and coordinate-search from it, each
     * UE in turn moved to the cut that gives the lowest objective with the others fixed, for at most
     * {@code repairRounds} rounds or until a round changes nothing. The result, when feasible, is
     * executed and learned like any other.
     */
    private Allocation repair(SlotProblem p, ConvexAllocator allocator, Allocation start) {
        if (settings.repairRounds() == 0) {
            return start;
        }
        Allocation safe = allocator.allocate(p, safeCuts(p));
        Allocation cur = safe.feasible() ? safe : start;
        for (int round = 0; round < settings.repairRounds(); round++) {
            boolean changed = false;
            for (int i = 0; i < p.size(); i++) {
                List<int[]> moves = new ArrayList<>();
                moves.add(cur.cuts().clone());
                for (int c = 0; c <= p.ues().get(i).profile().cuts(); c++) {
                    if (c != cur.cuts()[i]) {
                        int[] x = cur.cuts().clone();
                        x[i] = c;
                        moves.add(x);
                    }
                }
                Allocation next = PartitionSelector.best(p, allocator, moves);
                if (next.feasible() && (!cur.feasible() || next.objective() < cur.objective())) {
                    cur = next;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return cur;
    }

    /** Per UE the sustainable cut sending the least data (see {@link #repair}). */
    static int[] safeCuts(SlotProblem p) {
        int[] cuts = new int[p.size()];
        for (int i = 0; i < p.size(); i++) {
            SlotProblem.Ue u = p.ues().get(i);
            PartitionProfile prof = u.profile();
            int best = 0;
            for (int l = prof.cuts(); l >= 0; l--) {
                boolean sustainable = u.ratePerMs() * prof.local(l) < 1;
                if (sustainable && (prof.uplink(l) < prof.uplink(best) || u.ratePerMs() * prof.local(best) >= 1)) {
                    best = l;
                }
            }
            cuts[i] = best;
        }
        return cuts;
    }

    /** Training steps taken so far. */
    public long trainSteps() {
        return trainSteps;
    }

    /** The cut vector the network alone proposes (its first candidate), without evaluation or learning. */
    public int[] propose(SlotProblem p) {
        ensureNetwork(p);
        return quantise(p, forward(features(p))).get(0);
    }

    // ---- state and targets ----------------------------------------------------------------------

    /**
     * Per UE: utilisation if everything ran locally ({@code λ c^L(L)}), spectral efficiency
     * {@code log2(1 + γ)/10}, and energy pressure {@code r/(1 + r)} with
     * {@code r = Z Ē / (V n c^L(L))} (the weight of energy against delay in the slot objective).
     */
    static float[] features(SlotProblem p) {
        float[] f = new float[3 * p.size()];
        for (int i = 0; i < p.size(); i++) {
            SlotProblem.Ue u = p.ues().get(i);
            double full = u.profile().local(u.profile().cuts());
            double tasks = u.ratePerMs() * p.slotMs();
            f[3 * i] = (float) (u.ratePerMs() * full);
            f[3 * i + 1] = (float) (Latency.spectralEfficiency(u.snr()) / 10.0);
            double r = u.queue() * u.energyBudgetJ() / Math.max(1e-12, p.v() * Math.max(tasks, 1e-3) * full);
            f[3 * i + 2] = (float) (r / (1 + r));
        }
        return f;
    }

    private float[] target(SlotProblem p, int[] cuts) {
        float[] t = new float[ues * levels];
        for (int i = 0; i < p.size(); i++) {
            t[i * levels + cuts[i]] = 1f;
        }
        return t;
    }

    /**
     * Quantisation into K candidates (DROO's order-preserving idea for multi-level decisions): the
     * arg-max cut per UE; then, UE by UE in order of increasing margin between its best and
     * second-best scores, the arg-max vector with that UE moved to its second best; then random
     * vectors for exploration.
     */
    List<int[]> quantise(SlotProblem p, float[] scores) {
        int n = p.size();
        int[] best = new int[n];
        int[] second = new int[n];
        double[] margin = new double[n];
        for (int i = 0; i < n; i++) {
            int maxCut = p.ues().get(i).profile().cuts();
            int b = 0;
            int s = -1;
            for (int l = 1; l <= maxCut; l++) {
                if (scores[i * levels + l] > scores[i * levels + b]) {
                    s = b;
                    b = l;
                } else if (s < 0 || scores[i * levels + l] > scores[i * levels + s]) {
                    s = l;
                }
            }
            best[i] = b;
            second[i] = s < 0 ? b : s;
            margin[i] = s < 0 ? Double.POSITIVE_INFINITY : scores[i * levels + b] - scores[i * levels + s];
        }
        List<int[]> out = new ArrayList<>();
        out.add(best);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(margin[a], margin[b]));
        for (int j = 0; j < n && out.size() < settings.candidates(); j++) {
            if (second[order[j]] != best[order[j]]) {
                int[] c = best.clone();
                c[order[j]] = second[order[j]];
                out.add(c);
            }
        }
        while (out.size() < settings.candidates()) {
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                c[i] = random.nextInt(p.ues().get(i).profile().cuts() + 1);
            }
            out.add(c);
        }
        return out;
    }

    // ---- the network (ND4J) ---------------------------------------------------------------------

    private void ensureNetwork(SlotProblem p) {
        int maxCuts = p.ues().stream().mapToInt(u -> u.profile().cuts()).max().orElse(0);
        if (p.size() == ues && maxCuts + 1 == levels) {
            return;
        }
        ues = p.size();
        levels = maxCuts + 1;
        int in = 3 * ues;
        int out = ues * levels;
        params = new INDArray[] {
                init(in, settings.hidden1()), Nd4j.zeros(DataType.FLOAT, 1, settings.hidden1()),
                init(settings.hidden1(), settings.hidden2()), Nd4j.zeros(DataType.FLOAT, 1, settings.hidden2()),
                init(settings.hidden2(), out), Nd4j.zeros(DataType.FLOAT, 1, out)};
        m = new INDArray[params.length];
        v = new INDArray[params.length];
        for (int k = 0; k < params.length; k++) {
            m[k] = Nd4j.zeros(DataType.FLOAT, params[k].shape());
            v[k] = Nd4j.zeros(DataType.FLOAT, params[k].shape());
        }
        adamStep = 0;
        memStates = new float[settings.memory()][];
        memTargets = new float[settings.memory()][];
        memSize = 0;
        memNext = 0;
    }

    /** He-uniform weights from the seeded generator. */
    private INDArray init(int rows, int cols) {
        float[][] w = new float[rows][cols];
        double limit = Math.sqrt(6.0 / rows);
        for (float[] row : w) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
        }
        return Nd4j.create(w);
    }

    private float[] forward(float[] state) {
        INDArray x = Nd4j.create(new float[][] {state});
        INDArray a1 = Transforms.relu(x.mmul(params[0]).addiRowVector(params[1]), false);
        INDArray a2 = Transforms.relu(a1.mmul(params[2]).addiRowVector(params[3]), false);
        return Transforms.sigmoid(a2.mmul(params[4]).addiRowVector(params[5]), false).toFloatVector();
    }

    private void remember(float[] state, float[] target) {
        memStates[memNext] = state;
        memTargets[memNext] = target;
        memNext = (memNext + 1) % settings.memory();
        memSize = Math.min(memSize + 1, settings.memory());
    }

    /** One Adam step on a random batch with binary cross-entropy on the sigmoid outputs. */
    private void train() {
        int b = Math.min(settings.batch(), memSize);
        float[][] xs = new float[b][];
        float[][] ts = new float[b][];
        for (int k = 0; k < b; k++) {
            int idx = random.nextInt(memSize);
            xs[k] = memStates[idx];
            ts[k] = memTargets[idx];
        }
        INDArray x = Nd4j.create(xs);
        INDArray t = Nd4j.create(ts);
        INDArray z1 = x.mmul(params[0]).addiRowVector(params[1]);
        INDArray a1 = Transforms.relu(z1, true);
        INDArray z2 = a1.mmul(params[2]).addiRowVector(params[3]);
        INDArray a2 = Transforms.relu(z2, true);
        INDArray y = Transforms.sigmoid(a2.mmul(params[4]).addiRowVector(params[5]), false);
        // d(BCE)/d(logit) = (y − t) / batch
        INDArray dz3 = y.sub(t).divi(b);
        INDArray dW3 = a2.transpose().mmul(dz3);
        INDArray db3 = dz3.sum(true, 0);
        INDArray dz2 = dz3.mmul(params[4].transpose()).muli(z2.gt(0).castTo(DataType.FLOAT));
        INDArray dW2 = a1.transpose().mmul(dz2);
        INDArray db2 = dz2.sum(true, 0);
        INDArray dz1 = dz2.mmul(params[2].transpose()).muli(z1.gt(0).castTo(DataType.FLOAT));
        INDArray dW1 = x.transpose().mmul(dz1);
        INDArray db1 = dz1.sum(true, 0);
        adam(new INDArray[] {dW1, db1, dW2, db2, dW3, db3});
        trainSteps++;
    }

    private void adam(INDArray[] grads) {
        final double b1 = 0.9;
        final double b2 = 0.999;
        final double eps = 1e-8;
        adamStep++;
        double c1 = 1 - Math.pow(b1, adamStep);
        double c2 = 1 - Math.pow(b2, adamStep);
        for (int k = 0; k < params.length; k++) {
            INDArray g = grads[k].reshape(params[k].shape());
            m[k].muli(b1).addi(g.mul(1 - b1));
            v[k].muli(b2).addi(g.mul(g).muli(1 - b2));
            INDArray step = m[k].div(c1).divi(Transforms.sqrt(v[k].div(c2), false).addi(eps)).muli(settings.learningRate());
            params[k].subi(step);
        }
    }
}
