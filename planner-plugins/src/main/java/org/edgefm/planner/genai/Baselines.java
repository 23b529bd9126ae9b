package org.edgefm.planner.genai;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.edgefm.planner.genai.DeploymentProblem.Model;

/**
 * The comparison policies for seed paper 2. The paper's own baselines were not retrievable
 * (papers.md 3.2), so these are ours (papers.md 3.3 and 5.2, [I]).
 */
public final class Baselines {
    private Baselines() {
    }

    /** Nothing at the edge: every request is served by the cloud. */
    public static DeploymentPolicy allCloud() {
        return (p, observed, slot) -> new boolean[p.size()];
    }

    /** Highest expected request count {@code λ_i} first, added while the constraints hold. */
    public static DeploymentPolicy popularityGreedy() {
        return (p, observed, slot) -> DeploymentPolicy.fillInOrder(p, order(p,
                Comparator.comparingDouble((Integer i) -> -p.models().get(i).requests())));
    }

    /**
     * Highest switching-delay density {@code λ_i (τ^tx_i + τ^io_i) / g_i} first (papers.md 3.3), added
     * while the constraints hold.
     */
    public static DeploymentPolicy densityGreedy() {
        return (p, observed, slot) -> DeploymentPolicy.fillInOrder(p, order(p,
                Comparator.comparingDouble((Integer i) -> -switchDensity(p.models().get(i)))));
    }

    /**
     * A least-recently-used cache: a model requested in the last slot becomes most recent; the most
     * recent models are kept while the constraints hold, so the least recently used are evicted first.
     */
    public static DeploymentPolicy lru() {
        return new Lru();
    }

    static double switchDensity(Model m) {
        return m.requests() * m.switchMs() / Math.max(m.gpuMemory(), 1e-9);
    }

    private static int[] order(DeploymentProblem p, Comparator<Integer> cmp) {
        return IntStream.range(0, p.size()).boxed().sorted(cmp.thenComparing(Integer::intValue))
                .mapToInt(Integer::intValue).toArray();
    }

    private static final class Lru implements DeploymentPolicy {
        private final Map<String, Long> lastUsed = new HashMap<>();

        @Override
        public boolean[] decide(DeploymentProblem p, double[] observed, long slot) {
            for (int i = 0; i < p.size(); i++) {
                if (observed != null && i < observed.length && observed[i] > 0) {
                    lastUsed.put(p.models().get(i).id(), slot);
                }
            }
            // Most recent first; among equals, keep what is already resident (a cache does not reload).
            Comparator<Integer> cmp = Comparator
                    .comparingLong((Integer i) -> -lastUsed.getOrDefault(p.models().get(i).id(), -1L))
                    .thenComparing(i -> p.wasResident(i) ? 0 : 1);
            return DeploymentPolicy.fillInOrder(p, order(p, cmp));
        }
    }
}
