package org.edgefm.profiles;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the calibrated performance model over a measurement table: per row the predicted and the
 * measured value and {@code |ln(predicted / measured)|}; per split the median and the worst of
 * those. Also fits the coefficients on the train rows ({@link #fit}).
 */
public final class Validation {
    /** The goal on the median |log ratio|: ln 1.3. */
    public static final double MEDIAN_GOAL = Math.log(1.3);
    /** The goal on the worst |log ratio|: ln 2. */
    public static final double WORST_GOAL = Math.log(2);

    /**
     * One row's result.
     *
     * @param row       the measurement
     * @param predicted the model's value of the row's metric
     * @param logRatio  ln(predicted / measured)
     */
    public record Result(Measurements.Row row, double predicted, double logRatio) {
        /** predicted / measured. */
        public double ratio() {
            return Math.exp(logRatio);
        }
    }

    /**
     * The summary of some rows.
     *
     * @param rows         rows counted
     * @param devices      distinct devices (with power mode) among them
     * @param medianAbsLog median |ln ratio|
     * @param worstAbsLog  largest |ln ratio|
     */
    public record Summary(int rows, int devices, double medianAbsLog, double worstAbsLog) {
        /** True when the median is within ln 1.3 and no row is off by more than 2x. */
        public boolean meetsGoal() {
            return rows > 0 && medianAbsLog <= MEDIAN_GOAL && worstAbsLog <= WORST_GOAL;
        }
    }

    private Validation() {
    }

    /** The model's value of a row's metric with these coefficients. */
    public static double predict(Measurements table, Measurements.Row r, PerformanceCoefficients c) {
        DeviceProfile p = ProfileCatalog.builtIn().get(r.qualifiedDevice());
        PerformanceModel m = PerformanceModel.calibrated(p, c);
        PerformanceModel.Engine e = m.defaultEngine();
        Workload w = table.workload(r);
        boolean h = r.hostLaunch();
        return switch (r.metric()) {
            case "latency_ms" -> m.timeMs(w, e, r.precision(), r.batch(), h);
            case "tokens_per_s" -> r.batch() * 1e3 / m.timeMs(w, e, r.precision(), r.batch(), h);
            case "prefill_tokens_per_s" -> r.context() * 1e3 / m.timeMs(w, e, r.precision(), 1, h);
            default -> r.batch() == 0 ? asymptoticItemsPerS(m, w, e, r.precision())
                    : r.batch() * 1e3 / m.timeMs(w, e, r.precision(), r.batch(), h);
        };
    }

    /** Items/s as the batch grows without bound: per-call overhead and weight reads amortised away. */
    static double asymptoticItemsPerS(PerformanceModel m, Workload w, PerformanceModel.Engine e, PerformanceModel.Precision p) {
        int big = 1 << 20;
        return big * 1e3 / (m.timeMs(w, e, p, big) - m.timeMs(new Workload(w.name(), w.kind(), 0, 0, 0, w.kernels(),
                w.decoderLayers()), e, p, 1));
    }

    /** Every row's result. */
    public static List<Result> run(Measurements table, List<Measurements.Row> rows, PerformanceCoefficients c) {
        List<Result> out = new ArrayList<>();
        for (Measurements.Row r : rows) {
            double pred = predict(table, r, c);
            out.add(new Result(r, pred, Math.log(pred / r.value())));
        }
        return out;
    }

    /** The summary of some results. */
    public static Summary summarize(List<Result> results) {
        double[] a = results.stream().mapToDouble(r -> Math.abs(r.logRatio())).sorted().toArray();
        Set<String> devices = new LinkedHashSet<>();
        results.forEach(r -> devices.add(r.row().qualifiedDevice()));
        if (a.length == 0) {
            return new Summary(0, 0, Double.NaN, Double.NaN);
        }
        double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        return new Summary(a.length, devices.size(), median, a[a.length - 1]);
    }

    /**
     * Fits the coefficients on rows by least squares on ln(predicted / measured): coordinate search
     * in log space with a shrinking step, deterministic. Fitted: the per-kernel overhead, the host
     * launch cost per kernel without a CUDA graph, the kernels per decoder layer, the memory
     * efficiency, and one compute efficiency per key already in {@code start.computeEfficiency()}.
     * The CPU coefficients and the sources are kept.
     */
    public static PerformanceCoefficients fit(Measurements table, List<Measurements.Row> rows, PerformanceCoefficients start) {
        List<String> classes = new ArrayList<>(start.computeEfficiency().keySet());
        classes.sort(null);
        double[] x = new double[EFF_AT + classes.size()];
        x[0] = Math.log(Math.max(start.kernelOverheadUsGhz(), 1e-3));
        x[1] = Math.log(Math.max(start.llmKernelsPerLayer(), 1e-3));
        x[2] = Math.log(start.memoryEfficiency());
        x[3] = Math.log(Math.max(start.hostLaunchUsGhz(), 1e-3));
        for (int i = 0; i < classes.size(); i++) {
            x[EFF_AT + i] = Math.log(start.computeEfficiency().get(classes.get(i)));
        }
        double best = loss(table, rows, make(start, x, classes));
        for (double step = 0.5; step > 1e-4; step /= 2) {
            boolean moved = true;
            for (int guard = 0; moved && guard < 200; guard++) {
                moved = false;
                for (int i = 0; i < x.length; i++) {
                    for (double d : new double[] {step, -step}) {
                        double[] y = Arrays.copyOf(x, x.length);
                        y[i] += d;
                        if ((i == 2 || i >= EFF_AT) && y[i] > 0) {
                            y[i] = 0; // efficiencies stay <= 1
                        }
                        PerformanceCoefficients c = make(start, y, classes);
                        double l = loss(table, rows, c);
                        if (l < best - 1e-12) {
                            best = l;
                            x = y;
                            moved = true;
                        }
                    }
                }
            }
        }
        return make(start, x, classes);
    }

    /** Index of the first compute efficiency in the fit's parameter vector. */
    private static final int EFF_AT = 4;

    private static PerformanceCoefficients make(PerformanceCoefficients start, double[] x, List<String> classes) {
        Map<String, Double> eff = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            eff.put(classes.get(i), round(Math.min(1, Math.exp(x[EFF_AT + i]))));
        }
        return start.with(round(Math.exp(x[0])), round(Math.exp(x[3])), round(Math.exp(x[1])),
                round(Math.min(1, Math.exp(x[2]))), eff);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double loss(Measurements table, List<Measurements.Row> rows, PerformanceCoefficients c) {
        double s = 0;
        for (Measurements.Row r : rows) {
            double l = Math.log(predict(table, r, c) / r.value());
            s += l * l;
        }
        return s;
    }
}
