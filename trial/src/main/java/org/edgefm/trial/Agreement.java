package org.edgefm.trial;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.trial.report.ReportWriter;
import org.edgefm.wire.TaskAnswer;
import org.edgefm.wire.TaskCompletion;

/**
 * How the answers of a trial's real-model tasks compare with the whole model's: for each task the
 * trial sent to a real model it knows the answer the monolithic model gives (run in the trial's own
 * process), and each successful completion carries the answer of the split run. {@code agreement}
 * is the share of answered tasks whose label equals the monolithic one; a successful completion
 * without an answer counts as a disagreement. Failed and unfinished tasks are not answers (on-time
 * completion counts them). Thread-safe.
 */
public final class Agreement {
    /** Disagreements kept as examples for the summary. */
    static final int EXAMPLES = 5;

    private record Expected(String taskType, TaskAnswer answer) {
    }

    private final Map<String, Expected> expected = new LinkedHashMap<>();
    private final Map<String, String> models = new LinkedHashMap<>();
    private final Map<String, long[]> perType = new LinkedHashMap<>(); // sent, answered, agreed
    private final List<String> examples = new ArrayList<>();
    private final Map<String, Double> wholeModelMs = new LinkedHashMap<>();
    private final java.util.Set<String> decoding = new java.util.HashSet<>();
    /** End-to-end latencies (ms) of the answered tasks, per task type; at most {@value #LATENCIES} kept each. */
    private final Map<String, List<Double>> splitMs = new LinkedHashMap<>();
    private double maxScoreDelta;
    static final int LATENCIES = 100_000;

    /** Declares a task type answered by a real model (so it shows with zero tasks too). */
    public synchronized void taskType(String taskType, String model) {
        models.put(taskType, model);
        perType.computeIfAbsent(taskType, k -> new long[3]);
    }

    /**
     * Declares a task type whose tasks are decoding steps of generations (the prompt's pass, then one
     * token each with the parts' key/value caches), whose speed line says so.
     */
    public synchronized void decodes(String taskType) {
        decoding.add(taskType);
    }

    /**
     * The median time of one input through the whole model in the trial's own process (no wire, no
     * queue), the single-process side of the speed comparison.
     */
    public synchronized void wholeModelMs(String taskType, double ms) {
        wholeModelMs.put(taskType, ms);
    }

    /** A task was sent; {@code answer} is the whole model's answer to its input. */
    public synchronized void expect(String taskId, String taskType, TaskAnswer answer) {
        if (expected.putIfAbsent(taskId, new Expected(taskType, answer)) == null) {
            perType.computeIfAbsent(taskType, k -> new long[3])[0]++;
        }
    }

    /** The agent refused the task: it was never sent. */
    public synchronized void withdraw(String taskId) {
        Expected e = expected.remove(taskId);
        if (e != null) {
            perType.get(e.taskType())[0]--;
        }
    }

    /** A completion arrived (call once per task id; duplicates are the caller's to drop). */
    public synchronized void observe(TaskCompletion c) {
        Expected e = expected.get(c.taskId());
        if (e == null || !c.success()) {
            return;
        }
        long[] n = perType.get(e.taskType());
        n[1]++;
        List<Double> l = splitMs.computeIfAbsent(e.taskType(), k -> new ArrayList<>());
        if (l.size() < LATENCIES) {
            l.add((double) (c.completedAtMs() - c.submittedAtMs()));
        }
        TaskAnswer got = c.answer();
        if (got != null && got.label().equals(e.answer().label())) {
            n[2]++;
            maxScoreDelta = Math.max(maxScoreDelta, Math.abs(got.score() - e.answer().score()));
        } else if (examples.size() < EXAMPLES) {
            examples.add(String.format(Locale.ROOT, "task %s (%s): answered %s, the whole model %s", c.taskId(), e.taskType(),
                    got == null ? "nothing" : "'" + got.label() + "'", "'" + e.answer().label() + "'"));
        }
    }

    /** True when no task type is served by a real model (nothing to report). */
    public synchronized boolean isEmpty() {
        return perType.isEmpty();
    }

    /** Tasks answered (successful completions of real-model tasks). */
    public synchronized long answered() {
        return perType.values().stream().mapToLong(n -> n[1]).sum();
    }

    /** Answers equal to the whole model's. */
    public synchronized long agreed() {
        return perType.values().stream().mapToLong(n -> n[2]).sum();
    }

    /** The share of answers equal to the whole model's; NaN when none was answered. */
    public synchronized double rate() {
        long a = answered();
        return a == 0 ? Double.NaN : (double) agreed() / a;
    }

    /** The largest difference of an agreeing answer's score from the whole model's (FP16 on the wire moves it a little). */
    public synchronized double maxScoreDelta() {
        return maxScoreDelta;
    }

    /** Prints the agreement lines of the console summary. */
    public synchronized void print(PrintWriter out) {
        if (isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "agreement with the monolithic model: %s (%d of %d answers; largest score difference %.2g)%n",
                pct(rate()), agreed(), answered(), maxScoreDelta);
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            long[] n = e.getValue();
            out.printf(Locale.ROOT, "  %-12s %-28s %s (%d of %d answers, %d sent)%n", e.getKey(), models.getOrDefault(e.getKey(), "-"),
                    pct(n[1] == 0 ? Double.NaN : (double) n[2] / n[1]), n[2], n[1], n[0]);
        }
        examples.forEach(x -> out.println("  disagreement: " + x));
        for (String t : perType.keySet()) {
            double whole = wholeModelMs.getOrDefault(t, Double.NaN);
            double split = median(splitMs.get(t));
            if (!Double.isNaN(whole) && decoding.contains(t)) {
                // not the same work: a step is mostly one cached token, the whole model's figure one uncached prompt pass
                out.printf(Locale.ROOT, "  speed %-12s one decoding step across agents %s (median over every step, end to end: the"
                        + " prompt's pass or one new token on the parts' key/value caches); the whole model in one process %.1f ms per"
                        + " prompt pass without a cache (median, no wire); see generation for tokens/s%n", t, Double.isNaN(split) ? "-"
                        : String.format(Locale.ROOT, "%.1f ms", split), whole);
            } else if (!Double.isNaN(whole)) {
                out.printf(Locale.ROOT, "  speed %-12s split across agents %s per answer (median, end to end); whole model in one"
                        + " process %.1f ms per input (median, no wire)%s%n", t, Double.isNaN(split) ? "-" : String.format(Locale.ROOT,
                        "%.1f ms", split), whole, Double.isNaN(split) ? "" : String.format(Locale.ROOT, ": %.2fx", split / whole));
            }
        }
    }

    /** The median of the split run's end-to-end latencies of a task type's answers, in ms; NaN without any. */
    public synchronized double splitMedianMs(String taskType) {
        return median(splitMs.get(taskType));
    }

    private static double median(List<Double> l) {
        if (l == null || l.isEmpty()) {
            return Double.NaN;
        }
        double[] a = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** The {@code agreement} object of summary.json. */
    public synchronized ObjectNode toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        double r = rate();
        if (Double.isNaN(r)) {
            o.putNull("rate");
        } else {
            o.put("rate", r);
        }
        o.put("answered", answered());
        o.put("agreed", agreed());
        o.put("maxScoreDelta", maxScoreDelta);
        ObjectNode types = o.putObject("taskTypes");
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            long[] n = e.getValue();
            ObjectNode t = types.putObject(e.getKey());
            t.put("model", models.get(e.getKey()));
            t.put("sent", n[0]);
            t.put("answered", n[1]);
            t.put("agreed", n[2]);
            putMs(t, "splitMedianMs", median(splitMs.get(e.getKey())));
            putMs(t, "wholeModelMedianMs", wholeModelMs.getOrDefault(e.getKey(), Double.NaN));
        }
        examples.forEach(o.putArray("disagreements")::add);
        return o;
    }

    private static void putMs(ObjectNode o, String key, double ms) {
        if (Double.isNaN(ms)) {
            o.putNull(key);
        } else {
            o.put(key, Math.round(ms * 100) / 100.0);
        }
    }

    /** Adds {@code agreement} to a summary's JSON (nothing without real models; the other fields stay as they are). */
    public void addTo(ObjectNode summary) {
        if (!isEmpty()) {
            summary.set("agreement", toJson());
        }
    }

    /**
     * The trial's report with the "Agreement" table right after its "Summary" table (a copy of
     * {@code report}'s sections; the report itself is left as it is).
     */
    public ReportWriter insertInto(ReportWriter report, String title) {
        if (isEmpty()) {
            return report;
        }
        ReportWriter mine = new ReportWriter(title);
        addTo(mine);
        ReportWriter out = new ReportWriter(title);
        boolean placed = false;
        for (ReportWriter.Section s : report.sections()) {
            out.section(s.title(), s.html());
            if (!placed && "Summary".equals(s.title())) {
                mine.sections().forEach(x -> out.section(x.title(), x.html()));
                placed = true;
            }
        }
        if (!placed) {
            mine.sections().forEach(x -> out.section(x.title(), x.html()));
        }
        return out;
    }

    /** Adds the "Agreement" table to a report. */
    public synchronized void addTo(ReportWriter w) {
        if (isEmpty()) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : perType.entrySet()) {
            long[] n = e.getValue();
            rows.add(List.of(e.getKey(), String.valueOf(models.get(e.getKey())), String.valueOf(n[0]), String.valueOf(n[1]),
                    String.valueOf(n[2]), pct(n[1] == 0 ? Double.NaN : (double) n[2] / n[1])));
        }
        rows.add(List.of("all", "", String.valueOf(perType.values().stream().mapToLong(n -> n[0]).sum()), String.valueOf(answered()),
                String.valueOf(agreed()), pct(rate())));
        w.table("Agreement with the monolithic model", List.of("task type", "model", "sent", "answered", "agreed", "agreement"), rows);
        w.paragraph(String.format(Locale.ROOT, "An answer agrees when its label (class, corpus entry or token) equals the answer of the"
                + " whole model run in the trial's own process on the same input; the split run's scores differ from it by at most"
                + " %.2g (hidden states travel as the manifests' wire type).%s", maxScoreDelta,
                examples.isEmpty() ? "" : " Disagreements: " + String.join("; ", examples) + "."));
    }

    private static String pct(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * r);
    }
}
