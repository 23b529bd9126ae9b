package org.edgefm.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How the planner plugins of one run behaved: per planner its calls, its usable results, its
 * failures by reason and its slowest call, and how many slots ran on the fallback controller. The
 * {@code plugins} section of a trial's and a simulation's results (console, JSON, report).
 *
 * @param planners        the core planner, the controller and the fallback controller (those that ran)
 * @param fallback        the fallback controller's name, or null when none is declared
 * @param slots           slots run
 * @param slotsOnFallback slots whose light decision in force came from the fallback controller
 * @param slotsWithout    slots in which no usable light decision was in force at all
 */
public record PluginHealth(List<Planner> planners, String fallback, long slots, long slotsOnFallback, long slotsWithout) {
    /** The plugin threw. */
    public static final String THREW = "threw";
    /** The plugin ran past its time budget; its result, if it came, was discarded. */
    public static final String OVERRAN = "overran";
    /** The plugin returned an infeasible result without a best-effort plan (or a plan that cannot be applied). */
    public static final String INFEASIBLE = "infeasible";
    /** The plugin returned null, or a decision that runs nothing and routes nothing while nodes were online. */
    public static final String EMPTY = "empty";
    /** The failure reasons, in the order they are reported. */
    public static final List<String> REASONS = List.of(THREW, OVERRAN, INFEASIBLE, EMPTY);
    /** Role of the declared fallback controller in {@link #planners()}. */
    public static final String FALLBACK_ROLE = "fallback-controller";

    /** Copies the list. */
    public PluginHealth {
        planners = List.copyOf(planners);
    }

    /**
     * One planner's calls.
     *
     * @param name      the planner's name
     * @param role      {@code core-planner}, {@code light-controller} or {@code fallback-controller}
     * @param calls     calls made
     * @param usable    calls whose result was put in force
     * @param failures  failed calls by reason ({@link #REASONS}, every reason present)
     * @param slowestMs the slowest call in ms (charged time: wall live, CPU + waiting in simulation)
     * @param totalMs   all calls together in ms
     */
    public record Planner(String name, String role, long calls, long usable, Map<String, Long> failures, double slowestMs,
            double totalMs) {
        /** Copies the map. */
        public Planner {
            Objects.requireNonNull(name, "name is null");
            failures = Map.copyOf(failures);
        }

        /** All failed calls. */
        public long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The failures as {@code threw 3, overran 1}, or {@code none}. */
        public String failuresText() {
            StringBuilder b = new StringBuilder();
            for (String r : REASONS) {
                long n = failures.getOrDefault(r, 0L);
                if (n > 0) {
                    b.append(b.length() == 0 ? "" : ", ").append(r).append(' ').append(n);
                }
            }
            return b.length() == 0 ? "none" : b.toString();
        }
    }

    /** All failed calls of all planners. */
    public long failures() {
        return planners.stream().mapToLong(Planner::failed).sum();
    }

    /** True when more than half of the slots ran on the fallback or without any decision. */
    public boolean mostlyOnFallback() {
        return slots > 0 && 2 * (slotsOnFallback + slotsWithout) > slots;
    }

    /**
     * The one-line verdict of a run that must not pass as a result, or null when it may.
     *
     * @param completed tasks completed
     * @param submitted tasks submitted
     */
    public String verdict(long completed, long submitted) {
        String who = planners.stream().filter(p -> PluginInfo.LIGHT.equals(p.role())).map(Planner::name).findFirst()
                .orElse("the planner");
        if (submitted > 0 && completed == 0) {
            return String.format(Locale.ROOT, "FAILED: no task completed (%d submitted); %s: %s", submitted, who, failureLine());
        }
        if (mostlyOnFallback()) {
            return String.format(Locale.ROOT, "FAILED: %d of %d slots ran on the fallback %s or without a decision;"
                    + " %s: %s", slotsOnFallback + slotsWithout, slots, fallback == null ? "(none declared)" : fallback, who,
                    failureLine());
        }
        return null;
    }

    private String failureLine() {
        Planner light = planners.stream().filter(p -> PluginInfo.LIGHT.equals(p.role())).findFirst().orElse(null);
        return light == null ? "no controller" : light.calls() + " calls, failures " + light.failuresText();
    }

    /** Console lines (no trailing newline). */
    public List<String> lines() {
        List<String> out = new java.util.ArrayList<>();
        for (Planner p : planners) {
            out.add(String.format(Locale.ROOT, "  %-24s %-19s calls %d, usable %d, failures %s, slowest %.1f ms",
                    p.name(), p.role(), p.calls(), p.usable(), p.failuresText(), p.slowestMs()));
        }
        out.add(String.format(Locale.ROOT, "  slots %d, on fallback %s %d, without a decision %d", slots,
                fallback == null ? "(none declared)" : fallback, slotsOnFallback, slotsWithout));
        return out;
    }

    /** The section as plain data (JSON via Jackson). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slots", slots);
        m.put("fallback", fallback);
        m.put("slotsOnFallback", slotsOnFallback);
        m.put("slotsWithoutDecision", slotsWithout);
        m.put("failures", failures());
        List<Map<String, Object>> ps = new java.util.ArrayList<>();
        for (Planner p : planners) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", p.name());
            o.put("role", p.role());
            o.put("calls", p.calls());
            o.put("usable", p.usable());
            Map<String, Long> f = new LinkedHashMap<>();
            REASONS.forEach(r -> f.put(r, p.failures().getOrDefault(r, 0L)));
            o.put("failures", f);
            o.put("slowestMs", p.slowestMs());
            o.put("meanMs", p.calls() == 0 ? 0.0 : p.totalMs() / p.calls());
            ps.add(o);
        }
        m.put("planners", ps);
        return m;
    }

    /**
     * Adds up the health of several runs of the same planner (a simulation's seeds and loads).
     *
     * @param runs the runs, at least one
     */
    public static PluginHealth sum(List<PluginHealth> runs) {
        Map<String, Planner> byKey = new LinkedHashMap<>();
        long slots = 0;
        long onFb = 0;
        long without = 0;
        String fb = null;
        for (PluginHealth h : runs) {
            slots += h.slots;
            onFb += h.slotsOnFallback;
            without += h.slotsWithout;
            fb = fb == null ? h.fallback : fb;
            for (Planner p : h.planners) {
                byKey.merge(p.role() + "/" + p.name(), p, (a, b) -> {
                    Map<String, Long> f = new LinkedHashMap<>(a.failures());
                    b.failures().forEach((k, v) -> f.merge(k, v, Long::sum));
                    return new Planner(a.name(), a.role(), a.calls() + b.calls(), a.usable() + b.usable(), f,
                            Math.max(a.slowestMs(), b.slowestMs()), a.totalMs() + b.totalMs());
                });
            }
        }
        return new PluginHealth(List.copyOf(byKey.values()), fb, slots, onFb, without);
    }
}
