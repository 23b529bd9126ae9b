package org.edgefm.trial.parity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Dist;
import org.edgefm.sim.calibration.Overheads;
import org.edgefm.trial.report.ReportWriter;

/**
 * The trial's parity with its calibrated twin: the live figures and the replay's side by side with
 * their gap (percentage points for rates, per cent for latencies and cost), per task type and per
 * window, the targets (on-time within {@value #ON_TIME_TARGET_PP} pp, p50 and p95 within
 * {@value #LATENCY_TARGET_PCT} %) and the measured effects the simulator does not model. For the
 * console, {@code summary.json} ({@value #KEY}) and the report.
 */
public final class ParitySection {
    /** The key in {@code summary.json}. */
    public static final String KEY = "parity";
    /** The on-time target: the replay within this many percentage points of the live rate. */
    public static final double ON_TIME_TARGET_PP = 2.0;
    /** The latency target: the replay's p50 and p95 within this many per cent of the live ones. */
    public static final double LATENCY_TARGET_PCT = 20.0;

    private final String planner;
    private final ParitySide live;
    private final ParitySide sim;
    private final Calibration calibration;
    private final String failure;
    /** The shadow planner, the twin's prediction of it on the same arrivals, or why there is none. */
    private String shadowPlanner;
    private ParitySide shadowSide;
    private String shadowFailure;
    /** The directives replay (the live directives applied to the twin), or null where not run. */
    private DirectivesParity directives;

    private ParitySection(String planner, ParitySide live, ParitySide sim, Calibration calibration, String failure) {
        this.planner = planner;
        this.live = live;
        this.sim = sim;
        this.calibration = calibration;
        this.failure = failure;
    }

    /** A replay that ran. */
    public static ParitySection of(String planner, ParitySide live, ParitySide sim, Calibration calibration) {
        return new ParitySection(planner, live, sim, calibration, null);
    }

    /** A replay that could not run (or was not asked for), with the reason in one line. */
    public static ParitySection failed(String planner, String reason) {
        return new ParitySection(planner, null, null, null, reason);
    }

    /**
     * Adds the twin's prediction for a shadow planner: the same arrivals and calibration under the shadow.
     *
     * @param planner the shadow planner
     * @param side    its simulated side, or null
     * @param failure why there is none, or null
     */
    public void shadow(String planner, ParitySide side, String failure) {
        this.shadowPlanner = planner;
        this.shadowSide = side;
        this.shadowFailure = failure;
    }

    /** Adds the directives replay ({@link DirectivesParity}). */
    public void directives(DirectivesParity d) {
        this.directives = d;
    }

    /** The directives replay, or null. */
    public DirectivesParity directives() {
        return directives;
    }

    /** The twin's prediction for the shadow planner, or null. */
    public ParitySide shadowSide() {
        return shadowSide;
    }

    /** The shadow's line: what the twin predicts it would have achieved, next to the live planner's replay. */
    private String shadowLine() {
        if (shadowPlanner == null) {
            return null;
        }
        if (shadowSide == null) {
            return "shadow " + shadowPlanner + ": no prediction: " + shadowFailure;
        }
        return String.format(Locale.ROOT, "shadow %s as the twin predicts it on the same arrivals: on time %s (live planner"
                + " in the twin %s), p50 %s / p95 %s ms (%s / %s), cost %.1f (%.1f), placement changes %d (%d)", shadowPlanner,
                pct(shadowSide.onTimeRate()), pct(sim.onTimeRate()), ms(shadowSide.p50Ms()), ms(shadowSide.p95Ms()),
                ms(sim.p50Ms()), ms(sim.p95Ms()), shadowSide.cost(), sim.cost(), shadowSide.placementChanges(),
                sim.placementChanges());
    }

    /** Whether the replay ran. */
    public boolean ran() {
        return failure == null;
    }

    /** The live side, or null. */
    public ParitySide live() {
        return live;
    }

    /** The simulated side, or null. */
    public ParitySide sim() {
        return sim;
    }

    /** The gap of two rates in percentage points (sim − live), NaN when either is unknown. */
    public static double gapPp(double live, double sim) {
        return 100 * (sim - live);
    }

    /** The gap in per cent of the live figure ((sim − live) / live), NaN when live is 0 or unknown. */
    public static double gapPct(double live, double sim) {
        return live == 0 ? Double.NaN : 100 * (sim - live) / live;
    }

    /** Whether the replay meets the targets: on-time within 2 pp, p50 and p95 within 20 %. */
    public boolean targetsMet() {
        return ran() && Math.abs(gapPp(live.onTimeRate(), sim.onTimeRate())) <= ON_TIME_TARGET_PP
                && Math.abs(gapPct(live.p50Ms(), sim.p50Ms())) <= LATENCY_TARGET_PCT
                && Math.abs(gapPct(live.p95Ms(), sim.p95Ms())) <= LATENCY_TARGET_PCT;
    }

    /** Whether the targets hold for the tasks submitted after the first window (the warm-up). */
    public boolean targetsMetAfterWarmup() {
        if (!ran()) {
            return false;
        }
        ParitySide.Row l = live.afterWarmup();
        ParitySide.Row s = sim.afterWarmup();
        return Math.abs(gapPp(l.onTimeRate(), s.onTimeRate())) <= ON_TIME_TARGET_PP
                && Math.abs(gapPct(l.p50Ms(), s.p50Ms())) <= LATENCY_TARGET_PCT
                && Math.abs(gapPct(l.p95Ms(), s.p95Ms())) <= LATENCY_TARGET_PCT;
    }

    /** The console's lines. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        if (!ran()) {
            out.add("parity: no replay: " + failure);
            return out;
        }
        out.add(String.format(Locale.ROOT, "parity: the trial's %d arrivals replayed through the simulator calibrated by"
                + " this trial (%s, same planner %s)", live.submitted(), Calibration.FILE, planner));
        out.add(String.format(Locale.ROOT, "  %-18s %10s %10s %10s", "", "live", "simulated", "gap"));
        out.add(row("on time", pct(live.onTimeRate()), pct(sim.onTimeRate()), pp(live.onTimeRate(), sim.onTimeRate())));
        out.add(row("p50 latency ms", ms(live.p50Ms()), ms(sim.p50Ms()), rel(live.p50Ms(), sim.p50Ms())));
        out.add(row("p95 latency ms", ms(live.p95Ms()), ms(sim.p95Ms()), rel(live.p95Ms(), sim.p95Ms())));
        out.add(row("p99 latency ms", ms(live.p99Ms()), ms(sim.p99Ms()), rel(live.p99Ms(), sim.p99Ms())));
        out.add(row("cost", String.format(Locale.ROOT, "%.1f", live.cost()), String.format(Locale.ROOT, "%.1f", sim.cost()),
                rel(live.cost(), sim.cost())));
        out.add(row("directives", String.valueOf(live.directives()), String.valueOf(sim.directives()),
                String.valueOf(sim.directives() - live.directives())));
        out.add(row("placement changes", String.valueOf(live.placementChanges()), String.valueOf(sim.placementChanges()),
                String.valueOf(sim.placementChanges() - live.placementChanges())));
        for (String t : live.perType().keySet()) {
            ParitySide.Row l = live.perType().get(t);
            ParitySide.Row s = sim.perType().get(t);
            out.add(String.format(Locale.ROOT, "  %-18s on time %s / %s (%s), p95 %s / %s ms (%s)", t, pct(l.onTimeRate()),
                    pct(s.onTimeRate()), pp(l.onTimeRate(), s.onTimeRate()), ms(l.p95Ms()), ms(s.p95Ms()), rel(l.p95Ms(), s.p95Ms())));
        }
        ParitySide.Row la = live.afterWarmup();
        ParitySide.Row sa = sim.afterWarmup();
        out.add(String.format(Locale.ROOT, "  after warm-up (from %.0f s) on time %s / %s (%s), p50 %s / %s ms (%s), p95 %s / %s ms (%s)",
                calibration.workload().windowMs() / 1000, pct(la.onTimeRate()), pct(sa.onTimeRate()),
                pp(la.onTimeRate(), sa.onTimeRate()), ms(la.p50Ms()), ms(sa.p50Ms()), rel(la.p50Ms(), sa.p50Ms()),
                ms(la.p95Ms()), ms(sa.p95Ms()), rel(la.p95Ms(), sa.p95Ms())));
        out.add(String.format(Locale.ROOT, "  targets (on time within %.0f pp, p50 and p95 within %.0f %%): %s; after warm-up: %s",
                ON_TIME_TARGET_PP, LATENCY_TARGET_PCT, targetsMet() ? "met" : "not met",
                targetsMetAfterWarmup() ? "met" : "not met"));
        if (directives != null) {
            out.add("  " + directives.line(live));
        }
        effects().forEach(e -> out.add("  " + e));
        if (shadowLine() != null) {
            out.add("  " + shadowLine());
        }
        return out;
    }

    /** What the simulator does not model (or models from these measurements), measured in this trial. */
    List<String> effects() {
        List<String> out = new ArrayList<>();
        Overheads o = calibration.overheads();
        out.add("measured per hop, beyond the modelled links (added by the twin): ingress " + dist(o.ingressMs())
                + "; hop on one node " + dist(o.localHopMs()) + "; hop between nodes " + dist(o.remoteHopMs()));
        double queueP95 = calibration.stations().stream().mapToDouble(s -> s.queueMs().p95Ms() == null ? 0 : s.queueMs().p95Ms())
                .max().orElse(0);
        out.add("measured per task, latency minus the critical path's service and link times: " + dist(o.residualMs())
                + String.format(Locale.ROOT, " (worker-pool waits, modelled as FIFO queues: largest station p95 %.1f ms)", queueP95));
        ResidualEffects r = ResidualEffects.of(calibration);
        if (r != null) {
            out.add(r.line());
        }
        out.add("telemetry age when a directive went out " + dist(calibration.telemetryAgeMs()) + (calibration.observed() == null
                ? "; not modelled: the simulator decides on a snapshot of age 0"
                : String.format(Locale.ROOT, "; recorded, the live loop's readings (%d node reading(s), %d link report(s):"
                        + " online verdicts, telemetry ages, CPU loads, links), reported to a planner replay unless"
                        + " sim.twin.readings=twin",
                        calibration.observed().nodes().size(), calibration.observed().links().size())));
        if (calibration.warmup() != null && !calibration.warmup().coldStations().isEmpty()) {
            List<String> cold = new ArrayList<>();
            for (org.edgefm.sim.calibration.WarmupCut.ColdStation c : calibration.warmup().coldStations()) {
                cold.add(c.node() + "/" + c.service() + " (" + c.warmupSamples() + ", after it "
                        + (c.fromNodes().isEmpty() ? "the model" : "the service at " + String.join(", ", c.fromNodes())) + ")");
            }
            out.add(String.format(Locale.ROOT, "measured during the warm-up (to %.1f s) only: %s; sim.twin.warmup",
                    calibration.warmup().endMs() / 1000, String.join(", ", cold)));
        }
        return out;
    }

    /** Adds {@value #KEY} to a summary's JSON. */
    public void addTo(ObjectNode j) {
        ObjectNode p = j.putObject(KEY);
        p.put("planner", planner);
        p.put("calibration", Calibration.FILE);
        if (!ran()) {
            p.put("status", "failed");
            p.put("reason", failure);
            return;
        }
        p.put("status", "ok");
        side(p.putObject("live"), live);
        side(p.putObject("simulated"), sim);
        ObjectNode g = p.putObject("gap");
        num(g, "onTimePp", gapPp(live.onTimeRate(), sim.onTimeRate()));
        num(g, "p50Pct", gapPct(live.p50Ms(), sim.p50Ms()));
        num(g, "p95Pct", gapPct(live.p95Ms(), sim.p95Ms()));
        num(g, "p99Pct", gapPct(live.p99Ms(), sim.p99Ms()));
        num(g, "costPct", gapPct(live.cost(), sim.cost()));
        g.put("directives", sim.directives() - live.directives());
        g.put("placementChanges", sim.placementChanges() - live.placementChanges());
        ObjectNode t = p.putObject("targets");
        t.put("onTimePp", ON_TIME_TARGET_PP);
        t.put("latencyPct", LATENCY_TARGET_PCT);
        t.put("met", targetsMet());
        t.put("metAfterWarmup", targetsMetAfterWarmup());
        ObjectNode aw = p.putObject("afterWarmup");
        aw.put("fromMs", calibration.workload().windowMs());
        row(aw.putObject("live"), live.afterWarmup());
        row(aw.putObject("simulated"), sim.afterWarmup());
        ArrayNode types = p.putArray("perType");
        for (String type : live.perType().keySet()) {
            ObjectNode o = types.addObject();
            o.put("taskType", type);
            row(o.putObject("live"), live.perType().get(type));
            row(o.putObject("simulated"), sim.perType().get(type));
        }
        ArrayNode ws = p.putArray("windows");
        for (int i = 0; i < live.windows().size() && i < sim.windows().size(); i++) {
            ObjectNode o = ws.addObject();
            o.put("tS", Double.parseDouble(live.windows().get(i).label()));
            row(o.putObject("live"), live.windows().get(i));
            row(o.putObject("simulated"), sim.windows().get(i));
        }
        if (directives != null) {
            directives.addTo(p, live);
        }
        ArrayNode e = p.putArray("effects");
        effects().forEach(e::add);
        if (shadowPlanner != null) {
            ObjectNode sh = p.putObject("shadow");
            sh.put("planner", shadowPlanner);
            if (shadowSide == null) {
                sh.put("reason", shadowFailure);
            } else {
                side(sh.putObject("predicted"), shadowSide);
            }
        }
    }

    /** Adds the report's "Parity with the simulator" section. */
    public void addTo(ReportWriter w) {
        if (!ran()) {
            w.section("Parity with the simulator", "<p>No replay: " + ReportWriter.esc(failure) + "</p>");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("on time", pct(live.onTimeRate()), pct(sim.onTimeRate()), pp(live.onTimeRate(), sim.onTimeRate())));
        rows.add(List.of("p50 latency ms", ms(live.p50Ms()), ms(sim.p50Ms()), rel(live.p50Ms(), sim.p50Ms())));
        rows.add(List.of("p95 latency ms", ms(live.p95Ms()), ms(sim.p95Ms()), rel(live.p95Ms(), sim.p95Ms())));
        rows.add(List.of("p99 latency ms", ms(live.p99Ms()), ms(sim.p99Ms()), rel(live.p99Ms(), sim.p99Ms())));
        rows.add(List.of("cost", String.format(Locale.ROOT, "%.1f", live.cost()), String.format(Locale.ROOT, "%.1f", sim.cost()),
                rel(live.cost(), sim.cost())));
        rows.add(List.of("directives", String.valueOf(live.directives()), String.valueOf(sim.directives()),
                String.valueOf(sim.directives() - live.directives())));
        rows.add(List.of("placement changes", String.valueOf(live.placementChanges()), String.valueOf(sim.placementChanges()),
                String.valueOf(sim.placementChanges() - live.placementChanges())));
        for (String t : live.perType().keySet()) {
            ParitySide.Row l = live.perType().get(t);
            ParitySide.Row s = sim.perType().get(t);
            rows.add(List.of(t + ": on time", pct(l.onTimeRate()), pct(s.onTimeRate()), pp(l.onTimeRate(), s.onTimeRate())));
            rows.add(List.of(t + ": p95 ms", ms(l.p95Ms()), ms(s.p95Ms()), rel(l.p95Ms(), s.p95Ms())));
        }
        w.table("Parity with the simulator (planner " + planner + ")", List.of("", "live", "simulated", "gap"), rows);
        List<List<String>> win = new ArrayList<>();
        for (int i = 0; i < live.windows().size() && i < sim.windows().size(); i++) {
            ParitySide.Row l = live.windows().get(i);
            ParitySide.Row s = sim.windows().get(i);
            win.add(List.of(l.label(), String.valueOf(l.submitted()), pct(l.onTimeRate()) + " / " + pct(s.onTimeRate()),
                    ms(l.p50Ms()) + " / " + ms(s.p50Ms()), ms(l.p95Ms()) + " / " + ms(s.p95Ms()),
                    l.directives() + " / " + s.directives(), l.placementChanges() + " / " + s.placementChanges()));
        }
        w.table("Parity per window (live / simulated)", List.of("window start s", "submitted", "on time", "p50 ms", "p95 ms",
                "directives", "placement changes"), win);
        StringBuilder h = new StringBuilder("<p>").append(ReportWriter.esc(String.format(Locale.ROOT, "The trial's own"
                + " arrivals (its task log) were replayed through the simulator calibrated by this trial's measurements"
                + " (%s in the run folder: service times per node and service, measured links, preloads, per-hop"
                + " overheads) under the same planner and keys. Both sides are measured by the same functions (latency"
                + " quantiles, eqs. (6)-(7) over the workload's time). Targets: on time within %.0f pp, p50 and p95 within"
                + " %.0f %%: %s.", Calibration.FILE, ON_TIME_TARGET_PP, LATENCY_TARGET_PCT, targetsMet() ? "met" : "not met")))
                .append("</p><ul>");
        if (directives != null) {
            h.append("<li>").append(ReportWriter.esc(directives.line(live))).append("</li>");
        }
        effects().forEach(e -> h.append("<li>").append(ReportWriter.esc(e)).append("</li>"));
        if (shadowLine() != null) {
            h.append("<li>").append(ReportWriter.esc(shadowLine())).append("</li>");
        }
        w.section("Parity: measured effects", h.append("</ul>").toString());
    }

    private static void side(ObjectNode o, ParitySide s) {
        o.put("submitted", s.submitted());
        o.put("completed", s.completed());
        o.put("onTime", s.onTime());
        num(o, "onTimeRate", s.onTimeRate());
        num(o, "p50Ms", s.p50Ms());
        num(o, "p95Ms", s.p95Ms());
        num(o, "p99Ms", s.p99Ms());
        num(o, "cost", s.cost());
        o.put("directives", s.directives());
        o.put("placementChanges", s.placementChanges());
    }

    private static void row(ObjectNode o, ParitySide.Row r) {
        o.put("submitted", r.submitted());
        o.put("completed", r.completed());
        o.put("onTime", r.onTime());
        num(o, "onTimeRate", r.onTimeRate());
        num(o, "p50Ms", r.p50Ms());
        num(o, "p95Ms", r.p95Ms());
        o.put("directives", r.directives());
        o.put("placementChanges", r.placementChanges());
    }

    private static void num(ObjectNode o, String k, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(k);
        } else {
            o.put(k, Math.round(v * 1000) / 1000.0);
        }
    }

    private static String row(String label, String l, String s, String gap) {
        return String.format(Locale.ROOT, "  %-18s %10s %10s %10s", label, l, s, gap);
    }

    private static String dist(Dist d) {
        return d.n() == 0 ? "not measured" : String.format(Locale.ROOT, "p50 %.1f / p95 %.1f / p99 %.1f ms (%d)",
                d.p50Ms(), d.p95Ms(), d.p99Ms(), d.n());
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pp(double live, double sim) {
        double g = gapPp(live, sim);
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%+.1f pp", g);
    }

    private static String rel(double live, double sim) {
        double g = gapPct(live, sim);
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%+.1f%%", g);
    }
}
