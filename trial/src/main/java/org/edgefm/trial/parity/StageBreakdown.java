package org.edgefm.trial.parity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Task;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;

/**
 * Where a task's time goes, per stage, live and in a replay: the stage's service time (its start to
 * its end) and its time before service (from its last parent's end, or from the task's submission
 * for a first stage, to its start: the hop, the link and the wait in the worker pool together). The
 * live side comes from the stage timings of the calibration's task log, the replay's from its
 * completions; only tasks that completed with every stage timed count. A gap in one column and
 * stage locates a twin's latency bias.
 */
public final class StageBreakdown {
    private StageBreakdown() {
    }

    /** The lines: per task type and stage, p50 / p95 of both times, live then replayed. */
    public static List<String> lines(Calibration calibration, Scenario scenario, List<TaskCompletion> replayed) {
        Map<String, List<double[]>> l = new LinkedHashMap<>();
        Map<String, List<double[]>> r = new LinkedHashMap<>();
        Map<String, TaskType> types = new HashMap<>();
        scenario.taskTypes().forEach(t -> types.put(t.id(), t));
        double workloadMs = calibration.workload().durationMs();
        for (Task t : calibration.taskLog()) {
            TaskType type = types.get(t.taskType());
            if (type == null || t.stages().size() != type.stages().size() || t.atMs() >= workloadMs) {
                continue;
            }
            Map<String, double[]> at = new HashMap<>();
            t.stages().forEach(s -> at.put(s.stage(), new double[] {s.startMs(), s.endMs()}));
            add(l, type, at, t.atMs(), t.latencyMs() == null ? Double.NaN : t.latencyMs());
        }
        for (TaskCompletion c : replayed) {
            TaskType type = types.get(c.taskType());
            if (!c.success() || type == null || c.stages().size() != type.stages().size() || c.submittedAtMs() >= workloadMs) {
                continue;
            }
            Map<String, double[]> at = new HashMap<>();
            for (StageTiming s : c.stages()) {
                at.put(s.stage(), new double[] {s.startMs(), s.endMs()});
            }
            add(r, type, at, c.submittedAtMs(), c.latencyMs());
        }
        List<String> out = new ArrayList<>();
        out.add("where the time goes (p50 / p95 ms, live -> replayed): before service = hop, link and worker-pool wait;"
                + " for a whole task: after its last stage, then its latency");
        for (String k : l.keySet()) {
            List<double[]> a = l.get(k);
            List<double[]> b = r.getOrDefault(k, List.of());
            out.add(String.format(Locale.ROOT, "  %-22s before service %s -> %s; service %s -> %s (%d / %d tasks)", k,
                    q(a, 0), q(b, 0), q(a, 1), q(b, 1), a.size(), b.size()));
        }
        return out;
    }

    private static void add(Map<String, List<double[]>> into, TaskType type, Map<String, double[]> at, double submitted,
            double latencyMs) {
        if (!at.keySet().containsAll(type.stages().stream().map(Stage::id).toList())) {
            return;
        }
        double sinkEnd = at.get(type.sink().id())[1];
        // the whole task: its latency, and what of it lies after the sink stage's end (the result's way back)
        into.computeIfAbsent(type.id() + " (task)", x -> new ArrayList<>())
                .add(new double[] {Math.max(0, latencyMs - (sinkEnd - submitted)), latencyMs});
        for (Stage s : type.stages()) {
            double[] se = at.get(s.id());
            double ready = submitted;
            for (Stage p : type.parents(s.id())) {
                ready = Math.max(ready, at.get(p.id())[1]);
            }
            into.computeIfAbsent(type.id() + "/" + s.id(), x -> new ArrayList<>())
                    .add(new double[] {Math.max(0, se[0] - ready), se[1] - se[0]});
        }
    }

    private static String q(List<double[]> xs, int i) {
        if (xs.isEmpty()) {
            return "-";
        }
        double[] v = xs.stream().mapToDouble(x -> x[i]).sorted().toArray();
        double[] qs = Quantiles.of(v, 0.5, 0.95);
        return String.format(Locale.ROOT, "%.1f / %.1f", qs[0], qs[1]);
    }
}
