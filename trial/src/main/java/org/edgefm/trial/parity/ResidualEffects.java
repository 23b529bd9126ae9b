package org.edgefm.trial.parity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.StageRun;
import org.edgefm.sim.calibration.Task;

/**
 * What a trial's per-task residual (latency minus the critical path's service and link times)
 * depends on, measured from the calibration's task log: its quantiles in the warm-up window and
 * after it, its rank correlation (Spearman) with the tasks in flight at submission and with the
 * submission time, and the share of it that the worker pools' waits and the hops' overheads hold.
 *
 * @param tasks             completed tasks with a residual
 * @param warmupP50Ms       median residual of the tasks submitted in the first window (NaN without any)
 * @param warmupP95Ms       its 95th percentile
 * @param steadyP50Ms       median residual of the tasks submitted after it
 * @param steadyP95Ms       its 95th percentile
 * @param rhoInFlight       Spearman's rank correlation of residual and tasks in flight (NaN below 3 tasks)
 * @param rhoTime           Spearman's rank correlation of residual and submission time
 * @param waitShare         worker-pool waits over the residual, summed over the tasks
 * @param overheadShare     hop overheads (ingress and hops beyond the modelled links) over the residual
 */
public record ResidualEffects(int tasks, double warmupP50Ms, double warmupP95Ms, double steadyP50Ms, double steadyP95Ms,
        double rhoInFlight, double rhoTime, double waitShare, double overheadShare) {

    /** Measures a calibration's task log; null when no task has stage measurements. */
    public static ResidualEffects of(Calibration c) {
        double window = c.workload().windowMs();
        List<double[]> rows = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> steady = new ArrayList<>();
        double residual = 0;
        double waits = 0;
        double overheads = 0;
        for (Task t : c.taskLog()) {
            if (t.residualMs() == null || t.stages().isEmpty()) {
                continue;
            }
            double r = Math.max(0, t.residualMs());
            (t.atMs() < window ? warm : steady).add(r);
            rows.add(new double[] {r, t.inFlight() == null ? 0 : t.inFlight(), t.atMs()});
            residual += r;
            for (StageRun s : t.stages()) {
                waits += s.waitMs();
                overheads += Math.max(0, s.overheadMs());
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        double[] res = rows.stream().mapToDouble(x -> x[0]).toArray();
        double[] inFlight = rows.stream().mapToDouble(x -> x[1]).toArray();
        double[] at = rows.stream().mapToDouble(x -> x[2]).toArray();
        double[] w = warm.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] s = steady.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new ResidualEffects(rows.size(), ParitySide.quantile(w, 0.5), ParitySide.quantile(w, 0.95),
                ParitySide.quantile(s, 0.5), ParitySide.quantile(s, 0.95), spearman(res, inFlight), spearman(res, at),
                residual > 0 ? waits / residual : Double.NaN, residual > 0 ? overheads / residual : Double.NaN);
    }

    /** The console's line. */
    public String line() {
        return String.format(Locale.ROOT, "what the residual depends on (%d tasks): warm-up window p50 %s / p95 %s ms,"
                + " after it p50 %s / p95 %s ms; rank correlation with the tasks in flight at submission %s, with the"
                + " submission time %s; worker-pool waits %s of it, hop overheads %s", tasks, f(warmupP50Ms),
                f(warmupP95Ms), f(steadyP50Ms), f(steadyP95Ms), r(rhoInFlight), r(rhoTime), share(waitShare),
                share(overheadShare));
    }

    /** Spearman's rank correlation (average ranks for ties); NaN below 3 values or without spread. */
    static double spearman(double[] x, double[] y) {
        if (x.length < 3) {
            return Double.NaN;
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElse(0);
        double my = Arrays.stream(ry).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> x[i]));
        double[] r = new double[x.length];
        for (int i = 0; i < x.length;) {
            int j = i;
            while (j + 1 < x.length && x[idx[j + 1]] == x[idx[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[idx[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String r(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.2f", v);
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }
}
