package org.edgefm.planner.twotier;

import org.edgefm.api.model.ServiceSpec;

/**
 * Sizing on the average (the {@code prop-avg} ablation of paper 1 and the light baselines): the
 * cheapest (x, y) whose mean capacity {@code x·y^(1−α)·E[f]/a} covers the mean demand times a
 * headroom, with no effective capacity and no virtual queue. A fixed {@code yMax = 1} gives the
 * one-task-per-instance sizing of the simpler baselines.
 */
public final class MeanSizer implements Sizer {
    private static final double COVER_WEIGHT = 1e6;
    private final LightSettings s;
    private final int yMax;

    /**
     * @param settings settings (headroom, α, cost form, x_max)
     * @param yMax     highest parallelism considered
     */
    public MeanSizer(LightSettings settings, int yMax) {
        this.s = settings;
        this.yMax = yMax;
    }

    @Override
    public Ladder ladder(Input in) {
        ServiceSpec svc = in.service();
        int xmax = Math.min(in.maxX(), s.maxInstances());
        double meanRate = svc.rate().mean() * in.node().speedFactor();
        // paper 1's PropAvg ablation as we read it (papers.md 1.7): capacity proportional to the average demand
        double need = in.lambda() * s.headroom();
        int[] bestY = new int[xmax + 1];
        double[] value = new double[xmax + 1];
        double[] cap = new double[xmax + 1];
        boolean[] risk = new boolean[xmax + 1];
        int last = xmax;
        for (int x = 1; x <= xmax; x++) {
            double best = Double.POSITIVE_INFINITY;
            for (int y = 1; y <= yMax; y++) {
                double perTaskMs = svc.workloadMb() * Math.pow(y, s.alpha()) / meanRate;
                if (y > 1 && perTaskMs > in.budgetMs()) {
                    break;
                }
                double c = x * Math.pow(y, 1 - s.alpha()) * meanRate / svc.workloadMb();
                double v = Sizer.cost(svc, x, y, in.prevX(), s.parallelismTimesY()) - COVER_WEIGHT * Math.min(c, need);
                if (v < best - 1e-12) {
                    best = v;
                    bestY[x] = y;
                    cap[x] = c;
                }
            }
            value[x] = best;
            if (cap[x] >= need) {
                last = x;
                break;
            }
        }
        return new Ladder(java.util.Arrays.copyOf(bestY, last + 1), java.util.Arrays.copyOf(value, last + 1),
                java.util.Arrays.copyOf(cap, last + 1), java.util.Arrays.copyOf(risk, last + 1));
    }
}
