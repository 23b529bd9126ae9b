package org.edgefm.trial.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.PluginInfo;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.SimSettings;

/**
 * {@code simulate --set [PLANNER:]KEY=VALUE} and {@code --sweep [PLANNER:]KEY=V1,V2}: simulator keys
 * ({@code sim.*}) into the scenario, planner keys into the chosen planners that read them, each sweep
 * expanded into one {@link PlannerVariant} per combination of values. A key no chosen planner reads is
 * refused naming the planners that do.
 */
final class PlannerVariants {
    private PlannerVariants() {
    }

    /** A parsed {@code [PLANNER:]KEY=VALUE}. */
    record SettingArg(String scope, String key, String value) {
        static SettingArg parse(String option, String kv) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(option + ": '" + kv + "' (expected: [PLANNER:]KEY=VALUE)");
            }
            String lhs = kv.substring(0, eq).trim();
            String scope = null;
            int colon = lhs.indexOf(':');
            if (colon >= 0) {
                scope = lhs.substring(0, colon).trim();
                lhs = lhs.substring(colon + 1).trim();
                if (scope.isEmpty() || lhs.isEmpty()) {
                    throw new ConfigException(option + ": '" + kv + "' (expected: [PLANNER:]KEY=VALUE)");
                }
            }
            return new SettingArg(scope, lhs, kv.substring(eq + 1).trim());
        }
    }

    /** The keys a planner reads: its core planner's and its light controller's. */
    static Set<String> keysOf(ResolvedPlanner r) {
        Set<String> k = new TreeSet<>();
        if (r.core() != null) {
            r.core().configKeys().forEach(c -> k.add(c.name()));
        }
        r.controller().configKeys().forEach(c -> k.add(c.name()));
        return k;
    }

    /** The installed presets and light controllers that read {@code key}. */
    static List<String> readersOf(PluginRegistry registry, String key) {
        List<String> out = new ArrayList<>();
        for (PluginInfo i : registry.list()) {
            if (i.roles().contains(PluginInfo.PRESET) || i.roles().contains(PluginInfo.LIGHT)) {
                try {
                    if (keysOf(registry.resolve(i.name())).contains(key)) {
                        out.add(i.name());
                    }
                } catch (ConfigException e) {
                    // a preset whose parts are missing reads nothing
                }
            }
        }
        return out;
    }

    private static String readersText(PluginRegistry registry, String key) {
        List<String> r = readersOf(registry, key);
        return r.isEmpty() ? "no installed planner reads it; the keys are listed in planner-plugins/README.md, the"
                + " simulator's (sim.*) in docs/simulator.md" : "read by: " + String.join(", ", r);
    }

    /**
     * The chosen planners that {@code o} applies to; a key that none of them reads, or a scope that is
     * not a chosen planner, is refused naming the planners that read the key.
     */
    private static List<String> targets(String option, SettingArg o, Map<String, ResolvedPlanner> resolved,
            PluginRegistry registry) {
        if (o.scope() != null) {
            ResolvedPlanner r = resolved.get(o.scope());
            if (r == null) {
                throw new ConfigException(option + ": '" + o.scope() + "' is not one of the chosen planners ("
                        + String.join(", ", resolved.keySet()) + ")");
            }
            if (!keysOf(r).contains(o.key())) {
                throw new ConfigException(option + ": " + o.scope() + " does not read '" + o.key() + "' ("
                        + readersText(registry, o.key()) + ")");
            }
            return List.of(o.scope());
        }
        List<String> t = new ArrayList<>();
        resolved.forEach((name, r) -> {
            if (keysOf(r).contains(o.key())) {
                t.add(name);
            }
        });
        if (t.isEmpty()) {
            throw new ConfigException(option + ": no chosen planner (" + String.join(", ", resolved.keySet()) + ") reads '"
                    + o.key() + "' (" + readersText(registry, o.key()) + ")");
        }
        return t;
    }

    /**
     * The scenario with the {@code --set sim.*} overrides in its planner section (the simulated fleet
     * and the bounds read them there); an unknown or malformed simulator key is refused.
     */
    static Scenario withSimOverrides(Scenario scenario, List<String> sets) {
        Map<String, Object> planner = new LinkedHashMap<>(scenario.planner());
        boolean any = false;
        for (String kv : sets) {
            SettingArg o = SettingArg.parse("--set", kv);
            if (!o.key().startsWith("sim.")) {
                continue;
            }
            if (o.scope() != null) {
                throw new ConfigException("--set: '" + kv + "': sim.* keys set the simulated fleet of every planner"
                        + " and the bounds, not one planner (drop '" + o.scope() + ":')");
            }
            String key = SimSettings.canonical(o.key());
            if (key == null) {
                throw new ConfigException("--set: unknown simulator key '" + o.key() + "' (known: "
                        + String.join(", ", SimSettings.KEYS) + ")");
            }
            planner.remove(key);
            planner.keySet().removeIf(k -> key.equals(SimSettings.canonical(k)));
            planner.put(key, o.value());
            any = true;
        }
        if (!any) {
            return scenario;
        }
        Scenario out = scenario.withPlanner(planner);
        SimSettings.from(out.planner()); // a malformed value fails here with its key
        return out;
    }

    /**
     * The planners of the run: each chosen planner with the scenario's settings and the {@code --set}
     * overrides it reads, expanded into one variant per combination of the {@code --sweep} values it
     * reads. Each variant is built once here, so a bad value fails before any trial.
     */
    static List<PlannerVariant> of(Scenario scenario, Map<String, ResolvedPlanner> resolved, PluginRegistry registry,
            List<String> sets, List<String> sweeps, PrintWriter out) {
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        resolved.keySet().forEach(p -> overrides.put(p, new LinkedHashMap<>()));
        for (String kv : sets) {
            SettingArg o = SettingArg.parse("--set", kv);
            if (o.key().startsWith("sim.")) {
                continue;
            }
            List<String> t = targets("--set", o, resolved, registry);
            t.forEach(p -> overrides.get(p).put(o.key(), o.value()));
            if (o.scope() == null && t.size() < resolved.size()) {
                List<String> not = resolved.keySet().stream().filter(p -> !t.contains(p)).toList();
                out.printf(Locale.ROOT, "--set %s applies to %s (%s %s not read it)%n", kv, String.join(", ", t),
                        String.join(", ", not), not.size() == 1 ? "does" : "do");
            }
        }
        Map<String, List<Map<String, String>>> variants = new LinkedHashMap<>();
        resolved.keySet().forEach(p -> {
            List<Map<String, String>> v = new ArrayList<>();
            v.add(new LinkedHashMap<>());
            variants.put(p, v);
        });
        for (String kv : sweeps) {
            SettingArg o = SettingArg.parse("--sweep", kv);
            if (o.key().startsWith("sim.")) {
                throw new ConfigException("--sweep: '" + o.key() + "': simulator keys are swept by separate runs with --set");
            }
            List<String> values = Arrays.stream(o.value().split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
            if (values.isEmpty()) {
                throw new ConfigException("--sweep: '" + kv + "' (expected: [PLANNER:]KEY=V1,V2,...)");
            }
            for (String p : targets("--sweep", o, resolved, registry)) {
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> v : variants.get(p)) {
                    for (String value : values) {
                        Map<String, String> m = new LinkedHashMap<>(v);
                        m.put(o.key(), value);
                        next.add(m);
                    }
                }
                variants.put(p, next);
            }
        }
        List<PlannerVariant> out2 = new ArrayList<>();
        for (Map.Entry<String, ResolvedPlanner> e : resolved.entrySet()) {
            for (Map<String, String> v : variants.get(e.getKey())) {
                Map<String, String> all = new LinkedHashMap<>(overrides.get(e.getKey()));
                all.putAll(v);
                PlannerConfig config = scenario.plannerConfig().with(all);
                ResolvedPlanner r = e.getValue();
                if (r.core() != null) {
                    r.core().create(config);
                }
                r.controller().create(config);
                String label = e.getKey();
                if (!v.isEmpty()) {
                    List<String> parts = new ArrayList<>();
                    v.forEach((k, val) -> parts.add(k.substring(k.indexOf('.') + 1) + "=" + val));
                    label += "[" + String.join(",", parts) + "]";
                }
                out2.add(new PlannerVariant(label, e.getKey(), r, config));
            }
        }
        return out2;
    }
}
