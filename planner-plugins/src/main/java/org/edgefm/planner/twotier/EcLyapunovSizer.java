package org.edgefm.planner.twotier;

import java.util.HashMap;
import java.util.Map;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;

/**
 * Tier 2 of paper 1 for one pair (reconstruction, papers.md 1.5). The service {@code S(x, y)} is
 * the arrival rate that passes the statistical deadline check
 * ({@link EffectiveCapacity#admissibleRateGamma}, or the empirical EC from measured samples). Per
 * slot the pair minimises, lexicographically, first the uncovered demand, then the cost {@code V·C^lt(x, y)}
 * where {@code C^lt} is eq. (7) with the scale-up-only instantiation price. The demand is the expected demand
 * {@code λΔt} (eq. (11) in rate form) plus the share of the queue {@code H} the slot clears, at most
 * {@code H/K} ({@code ec-lyapunov.drain-slots}), so a backlogged pair competes for its node's resources as a pair
 * with that much expected demand does ({@code ec-lyapunov.queue-term = demand}); with {@code queue-term = drift}
 * only the expected demand is covered first and the queue enters as the drift term
 * {@code −H·min((S − λ)⁺Δt, H/K)} beside the cost. {@code H} is the backlog the agent reports for the pair
 * ({@code ec-lyapunov.queue-source = reported}) or the virtual queue {@code H(t+1) = max(H(t) + z(t) − S(t)Δt, 0)}
 * raised to at least it ({@code virtual}).
 */
public final class EcLyapunovSizer implements Sizer {
    private static final double COVER_WEIGHT = 1e6;
    private final LightSettings s;
    private final Map<String, Double> queues = new HashMap<>();
    private final MeasuredRates measured;

    /** A sizer with its own virtual queues. */
    public EcLyapunovSizer(LightSettings settings) {
        this.s = settings;
        this.measured = new MeasuredRates(settings);
    }

    @Override
    public Ladder ladder(Input in) {
        ServiceSpec svc = in.service();
        double alpha = alpha(in.node().id() + "|" + svc.id());
        int xmax = Math.min(in.maxX(), s.maxInstances());
        double dt = s.ecIntervalMs() > 0 ? s.ecIntervalMs() : in.slotMs();
        double speed = in.node().speedFactor();
        double meanRate = svc.rate().mean() * speed;
        double h = in.queue();
        // the share of the virtual queue this slot's capacity is sized to clear (ec-lyapunov.drain-slots)
        double drain = h / s.drainSlots();
        double backlog = drain + in.lambda() * in.slotMs();
        boolean empirical = in.samples().length >= s.minSamples();
        int[] bestY = new int[xmax + 1];
        double[] value = new double[xmax + 1];
        double[] cap = new double[xmax + 1];
        boolean[] risk = new boolean[xmax + 1];
        int last = xmax;
        // per parallelism level: the delay left after the task's own processing, and for Gamma rates
        // the two constants of the closed form μ_x = num / expm1(arg / x)
        int ymax = s.maxParallelism();
        double[] delayY = new double[ymax + 1];
        double[] num = new double[ymax + 1];
        double[] arg = new double[ymax + 1];
        int yValid = 0;
        RateModel.Gamma gamma = !empirical && svc.rate() instanceof RateModel.Gamma g ? g : null;
        for (int y = 1; y <= ymax; y++) {
            // assumption: a task's rate at parallelism y is f / y^α (ec-lyapunov.parallelism-exponent);
            // the deadline check gets the stage budget minus the task's own mean processing time
            double delay = in.budgetMs() - svc.workloadMb() * Math.pow(y, alpha) / meanRate;
            if (delay <= 0) {
                break;
            }
            yValid = y;
            delayY[y] = delay;
            if (gamma != null) {
                // assumption: η = 1 in Pr{delay > D} ≈ η·exp(−θ μ D), and the x instances are independent servers
                double c = -Math.log(s.epsilon()) / delay;
                num[y] = c * gamma.scale() * speed * Math.pow(y, 1 - alpha) * dt / svc.workloadMb();
                arg[y] = c * dt / gamma.shape();
            }
        }
        // stability guard: a task holds its slot for a/f with f drawn once per task, so x instances at
        // parallelism y serve at most x·y^(1−α)/E[a/f] tasks per ms on average, however the EC check reads
        double meanTaskMs = s.meanTimeUtilization() > 0 || s.admissionLightUtilization() > 0
                ? measured.meanTaskMs(svc, speed, in.samples(), in.samplesY(), alpha) : 0;
        double guard = s.meanTimeUtilization();
        double bestCovering = Double.POSITIVE_INFINITY;
        for (int x = 1; x <= xmax; x++) {
            double best = Double.POSITIVE_INFINITY;
            for (int y = 1; y <= yValid; y++) {
                double c = !s.ecCheck() ? x * Math.pow(y, 1 - alpha) * meanRate / svc.workloadMb()
                        : gamma != null ? num[y] / Math.expm1(arg[y] / x)
                        : admissibleTasksPerMs(svc, x, y, delayY[y], dt, speed, empirical, in, alpha);
                if (guard > 0 && meanTaskMs > 0) {
                    c = Math.min(c, guard * x * Math.pow(y, 1 - alpha) / meanTaskMs);
                }
                double v = value(svc, x, y, c, in, h);
                if (v < best - 1e-12) {
                    best = v;
                    bestY[x] = y;
                    cap[x] = c;
                }
                if (c * in.slotMs() >= backlog) {
                    // covered: a higher y adds cost and per-task latency, never value
                    break;
                }
            }
            if (best == Double.POSITIVE_INFINITY) {
                // no parallelism meets the deadline statistically: serve at y = 1 on the mean, flagged
                risk[x] = true;
                bestY[x] = 1;
                cap[x] = x * meanRate / svc.workloadMb();
                best = value(svc, x, 1, cap[x], in, h);
            }
            value[x] = best;
            if (cap[x] * in.slotMs() >= backlog) {
                bestCovering = Math.min(bestCovering, best);
            }
            if (x >= in.holdX() && bestCovering < Double.POSITIVE_INFINITY && (!s.costOptimalX() || x == xmax
                    || valueBound(svc, x + 1, in, h) >= bestCovering)) {
                // stop at the first x that covers the backlog, or (cost-optimal-x) once no larger x at
                // y = 1 could beat the best covering option: more instances at a lower y can cost less
                // than fewer at a high one, since an instance's rate grows only as y^(1−α)
                last = x;
                break;
            }
        }
        // the mean capacity x·y^(1−α)/E[a/f] of each option, what light.admission-light-utilization admits against
        double[] meanCap = new double[xmax + 1];
        java.util.Arrays.fill(meanCap, Double.NaN);
        if (meanTaskMs > 0) {
            for (int x = 1; x <= Math.min(last, xmax); x++) {
                meanCap[x] = x * Math.pow(bestY[x], 1 - alpha) / meanTaskMs;
            }
        }
        if (last < xmax) {
            return new Ladder(java.util.Arrays.copyOf(bestY, last + 1), java.util.Arrays.copyOf(value, last + 1),
                    java.util.Arrays.copyOf(cap, last + 1), java.util.Arrays.copyOf(risk, last + 1),
                    java.util.Arrays.copyOf(meanCap, last + 1));
        }
        return new Ladder(bestY, value, cap, risk, meanCap);
    }

    /**
     * Coverage first (weight W): of the expected demand and the backlog cleared ({@code queue-term = demand}), then
     * {@code V·C}; or of the expected demand, then {@code V·C − H·min((S − λ)⁺Δt, H/K)} ({@code drift}).
     * Assumption: paper 1's Sec. III-B objective was not retrievable; drift is the standard drift-plus-penalty
     * with eq. (11) kept as a constraint on the expected demand.
     */
    private double value(ServiceSpec svc, int x, int y, double capacity, Input in, double h) {
        double cover = Math.min(capacity, in.lambda()) * in.slotMs();
        double extra = Math.min(Math.max(0, capacity - in.lambda()) * in.slotMs(), h / s.drainSlots());
        double price = s.v() * Sizer.cost(svc, x, y, in.prevX(), s.parallelismTimesY());
        if (s.queueAsDemand()) {
            // ec-lyapunov.queue-term = demand: the backlog cleared this slot is covered demand like the expected demand
            return -COVER_WEIGHT * (cover + extra) + price;
        }
        return -COVER_WEIGHT * cover + price - h * extra;
    }

    /**
     * A lower bound on {@link #value} at {@code x} instances: the whole expected demand (and the backlog share) covered,
     * the cheapest parallelism (y = 1) and, with the drift term, the largest possible queue term {@code H²}.
     */
    private double valueBound(ServiceSpec svc, int x, Input in, double h) {
        double price = s.v() * Sizer.cost(svc, x, 1, in.prevX(), s.parallelismTimesY());
        if (s.queueAsDemand()) {
            return -COVER_WEIGHT * (in.lambda() * in.slotMs() + h / s.drainSlots()) + price;
        }
        return -COVER_WEIGHT * in.lambda() * in.slotMs() + price - h * h;
    }

    /** {@code E[1/f]} for {@code f ~ Gamma(k, σ)} ({@link MeasuredRates#meanInverseGamma}). */
    static double meanInverseGamma(double shape, double scale) {
        return MeasuredRates.meanInverseGamma(shape, scale);
    }

    private double admissibleTasksPerMs(ServiceSpec svc, int x, int y, double delayMs, double dt, double speed,
            boolean empirical, Input in, double alpha) {
        // an instance at parallelism y serves y tasks at f/y^α each: aggregate rate f·y^(1-α)
        double gain = Math.pow(y, 1 - alpha);
        double mbPerMs;
        if (empirical) {
            // samples are per-task rates at parallelism samplesY: the instance rate is sample·samplesY^α
            double factor = Math.pow(Math.max(1, in.samplesY()), alpha) * gain;
            mbPerMs = EffectiveCapacity.admissibleRateEmpirical(in.samples(), factor, x, s.epsilon(), delayMs, dt);
        } else if (svc.rate() instanceof RateModel.Gamma g) {
            mbPerMs = EffectiveCapacity.admissibleRateGamma(g.shape(), g.scale() * speed * gain, x, s.epsilon(), delayMs, dt);
        } else if (svc.rate() instanceof RateModel.Empirical e) {
            mbPerMs = EffectiveCapacity.admissibleRateEmpirical(e.samples(), speed * gain, x, s.epsilon(), delayMs, dt);
        } else {
            // deterministic: EC equals the rate; the deadline check reduces to the mean
            mbPerMs = x * svc.rate().mean() * speed * gain;
        }
        return mbPerMs / svc.workloadMb();
    }

    /** Records a pair's measured per-task rates at the parallelism they ran at ({@link MeasuredRates}). */
    @Override
    public void observeRates(String node, String service, double[] samples, int parallelism) {
        measured.observe(node, service, samples, parallelism);
    }

    /** α of a pair ({@link MeasuredRates#alpha}). */
    double alpha(String pair) {
        return measured.alpha(pair);
    }

    @Override
    public int releaseAfterSlots(ServiceSpec service) {
        return s.releaseAfterSlots(service);
    }

    @Override
    public void commit(String node, String service, double arrivalsInSlot, double capacityPerMs, double slotMs) {
        if (!s.virtualQueues()) {
            return;
        }
        String k = node + "|" + service;
        double h = queues.getOrDefault(k, 0.0);
        // virtual queue: H(t+1) = max(H(t) + z(t) − S(t)·Δt, 0)
        double next = Math.max(0, h + arrivalsInSlot - capacityPerMs * slotMs);
        if (next == 0) {
            queues.remove(k);
        } else {
            queues.put(k, next);
        }
    }

    /**
     * Raises a pair's virtual queue to at least the backlog an agent reports, or with
     * {@code ec-lyapunov.queue-source = reported} sets it to that backlog.
     */
    @Override
    public void observeBacklog(String node, String service, double queueLength) {
        if (!s.virtualQueues()) {
            return;
        }
        String k = node + "|" + service;
        if (s.queueReported()) {
            // assumption: the measured backlog replaces the virtual one; under admission control the arrivals are held at
            // S, so H + z − SΔt has no downward drift and would keep a spike that was already served or expired
            if (queueLength > 0) {
                queues.put(k, queueLength);
            } else {
                queues.remove(k);
            }
        } else if (queueLength > queues.getOrDefault(k, 0.0)) {
            queues.put(k, queueLength);
        }
    }

    @Override
    public double queue(String node, String service) {
        return queues.getOrDefault(node + "|" + service, 0.0);
    }
}
