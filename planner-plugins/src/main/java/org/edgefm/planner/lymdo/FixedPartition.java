package org.edgefm.planner.lymdo;

import java.util.List;

/**
 * Baseline selectors with one cut rule for every slot (ours, papers.md 4.2): everything local
 * ({@code l = L}), everything at the edge ({@code l = 0}), or a fixed split per stream chosen once
 * as the best on average (Neurosurgeon-style).
 */
public final class FixedPartition implements PartitionSelector {
    /** Which fixed rule. */
    public enum Rule {
        /** {@code l = L}: the whole DNN on the device. */
        ALL_LOCAL,
        /** {@code l = 0}: the raw input is sent and the whole DNN runs on the edge server. */
        ALL_EDGE,
        /** The cut per stream that is best for the average slot, chosen once and kept. */
        BEST_AVERAGE
    }

    private final Rule rule;
    private int[] fixed;

    /** A selector following {@code rule}. */
    public FixedPartition(Rule rule) {
        this.rule = rule;
    }

    @Override
    public Allocation select(SlotProblem p, ConvexAllocator allocator) {
        int[] cuts = new int[p.size()];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = switch (rule) {
                case ALL_LOCAL -> p.ues().get(i).profile().cuts();
                case ALL_EDGE -> 0;
                case BEST_AVERAGE -> 0;
            };
        }
        if (rule == Rule.BEST_AVERAGE) {
            if (fixed == null || fixed.length != p.size()) {
                fixed = bestAverage(p, allocator);
            }
            cuts = fixed.clone();
        }
        return allocator.allocate(p, cuts);
    }

    /** Fixes the split from a representative problem (declared mean rates and SNRs, no energy pressure). */
    public void calibrate(SlotProblem average, ConvexAllocator allocator) {
        fixed = bestAverage(average, allocator);
    }

    /**
     * The best common split for the average problem: cut vectors that apply the same rule to every
     * stream of the same task type are searched exhaustively when small, else each UE is tuned in turn.
     */
    private static int[] bestAverage(SlotProblem p, ConvexAllocator allocator) {
        SlotProblem calm = p.withUes(p.ues().stream().map(u -> u.withQueue(0)).toList());
        if (ExhaustivePartition.combinations(calm) <= ExhaustivePartition.MAX_COMBINATIONS) {
            return new ExhaustivePartition().select(calm, allocator).cuts();
        }
        int[] cuts = new int[p.size()];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < cuts.length; i++) {
                int best = cuts[i];
                double bestObj = allocator.allocate(calm, cuts).objective();
                for (int l = 0; l <= p.ues().get(i).profile().cuts(); l++) {
                    cuts[i] = l;
                    double o = allocator.allocate(calm, cuts).objective();
                    if (o < bestObj) {
                        bestObj = o;
                        best = l;
                    }
                }
                cuts[i] = best;
            }
        }
        return cuts;
    }

    /** The cuts this selector has fixed, or null before the first slot. */
    public List<Integer> fixedCuts() {
        return fixed == null ? null : java.util.Arrays.stream(fixed).boxed().toList();
    }
}
