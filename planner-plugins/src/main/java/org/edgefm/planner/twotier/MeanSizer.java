package org.edgefm.planner.twotier;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.edgefm.api.model.ServiceSpec;

/**
 * Sizing on the average (the {@code prop-avg} ablation of paper 1 and the light baselines): the
 * cheapest (x, y) whose mean capacity {@code x·y^(1−α)/E[a/f]} covers the mean demand, plus the
 * reported backlog cleared in one slot ({@code light.drain-backlog}), times {@code light.headroom};
 * no effective capacity and no virtual queue. It reads the same measured inputs as
 * {@link EcLyapunovSizer} ({@link MeasuredRates}: α per pair and the mean per-task time
 * {@code E[a/f]}), so a difference between the two is the sizing rule, not the information. A fixed
 * {@code yMax = 1} gives the one-task-per-instance sizing of the simpler baselines.
 */
public final class MeanSizer implements Sizer {
    private static final double COVER_WEIGHT = 1e6;
    private final LightSettings s;
    private final int yMax;
    private final MeasuredRates measured;
    private final Map<String, Double> backlog = new HashMap<>();

    /**
     * @param settings settings (headroom, α, cost form, x_max, mean-time and backlog switches)
     * @param yMax     highest parallelism considered
     */
    public MeanSizer(LightSettings settings, int yMax) {
        this.s = settings;
        this.yMax = yMax;
        this.measured = new MeasuredRates(settings);
    }

    @Override
    public Ladder ladder(Input in) {
        ServiceSpec svc = in.service();
        int xmax = Math.min(in.maxX(), s.maxInstances());
        double speed = in.node().speedFactor();
        double alpha = measured.alpha(in.node().id() + "|" + svc.id());
        // the time one task holds an instance slot at parallelism 1
        double taskMs = s.meanTime() == LightSettings.MeanTime.MEASURED
                ? measured.meanTaskMs(svc, speed, in.samples(), in.samplesY(), alpha)
                : svc.workloadMb() / (svc.rate().mean() * speed);
        // paper 1's PropAvg ablation as we read it (papers.md 1.7): capacity proportional to the average demand
        double need = (in.lambda() + (s.drainBacklog() ? in.queue() / in.slotMs() : 0)) * s.headroom();
        int[] bestY = new int[xmax + 1];
        double[] value = new double[xmax + 1];
        double[] cap = new double[xmax + 1];
        boolean[] risk = new boolean[xmax + 1];
        int last = xmax;
        for (int x = 1; x <= xmax; x++) {
            double best = Double.POSITIVE_INFINITY;
            for (int y = 1; y <= yMax; y++) {
                double perTaskMs = taskMs * Math.pow(y, alpha);
                if (y > 1 && perTaskMs > in.budgetMs()) {
                    break;
                }
                double c = x * Math.pow(y, 1 - alpha) / taskMs;
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
        // the sizer's capacity is the mean capacity x·y^(1−α)/E[a/f] itself
        return new Ladder(Arrays.copyOf(bestY, last + 1), Arrays.copyOf(value, last + 1), Arrays.copyOf(cap, last + 1),
                Arrays.copyOf(risk, last + 1), Arrays.copyOf(cap, last + 1));
    }

    @Override
    public void observeRates(String node, String service, double[] samples, int parallelism) {
        measured.observe(node, service, samples, parallelism);
    }

    /** Keeps the backlog an agent reported for a pair (the latest report, not a virtual queue). */
    @Override
    public void observeBacklog(String node, String service, double queueLength) {
        if (s.drainBacklog()) {
            backlog.put(node + "|" + service, Math.max(0, queueLength));
        }
    }

    /** The pair's last reported backlog (0 with {@code light.drain-backlog = false}). */
    @Override
    public double queue(String node, String service) {
        return backlog.getOrDefault(node + "|" + service, 0.0);
    }
}
