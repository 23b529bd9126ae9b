package org.edgefm.sim;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.edgefm.api.ConfigException;

/**
 * The simulator's modelling choices that paper 1 does not state (papers.md: every [I] choice is a
 * named setting). A scenario sets them in its {@code planner} section under {@code sim.*} keys;
 * {@link #DEFAULTS} holds the values the shipped scenarios and the documentation use.
 *
 * @param routing               how a stage's node is picked from a routing table
 *                              ({@code sim.routing}: {@code weighted} | {@code capacity-aware})
 * @param unrouted              what happens to a stage whose table names no usable node
 *                              ({@code sim.unrouted}: {@code drop} | {@code nearest-host})
 * @param parallelismExponent   α in the per-task rate {@code f·y^(−α)} of a light instance with
 *                              parallelism y ({@code sim.parallelism-exponent}, in [0, 1]); 0 = each of
 *                              the y concurrent tasks draws its own Gamma rate (eq. 11 read
 *                              literally: capacity x·y), 1 = the instance's rate is split evenly
 * @param deadlineAction        {@code sim.deadline-action}: {@code complete-late} (a late task runs to
 *                              the end and counts as late) | {@code drop-expired} (a task whose
 *                              deadline passed before a stage starts is abandoned there)
 * @param enforceCapacity       {@code sim.enforce-capacity}: a directive whose instances exceed the
 *                              node's capacity vector (eq. 8) is refused, as an agent refuses it
 * @param parallelismCostTimesY {@code sim.parallelism-cost}: {@code x-times-y} (default, papers.md
 *                              1.3) charges {@code c^pl·x·y} per slot, {@code x} charges {@code c^pl·x}
 *                              (eq. 7 as typeset)
 * @param chargeInitialLightDeploy {@code sim.charge-initial-light-deploy}: eq. (7) sums the light
 *                              instantiation price over {@code t ≠ 0}; true charges slot 0 as well
 * @param stageTimings          {@code sim.stage-timings}: put per-stage timings into each
 *                              {@code TaskCompletion} (costs allocations; off by default)
 * @param rateSamples           {@code sim.rate-samples}: measured per-task rates reported per
 *                              (node, service) and snapshot, at most
 * @param compute               {@code sim.compute-model}, {@code sim.compute-precision},
 *                              {@code sim.compute-efficiency}: where processing rates come from
 *                              (see {@link ComputeRates})
 */
public record SimSettings(Routing routing, Unrouted unrouted, double parallelismExponent, DeadlineAction deadlineAction,
        boolean enforceCapacity, boolean parallelismCostTimesY, boolean chargeInitialLightDeploy,
        boolean stageTimings, int rateSamples, Compute compute) {

    /** Where a (node, service) pair's processing rate comes from. */
    public enum ComputeModel {
        /**
         * From the device-profiles calibrated performance model ({@code PerformanceModel.calibrated})
         * when the node names a device profile and the service has a kernel spec; otherwise as
         * {@link #SCENARIO}.
         */
        PROFILES,
        /** As {@link #PROFILES} with the plain roofline ({@code sim.compute-efficiency}, no per-call overhead). */
        ROOFLINE,
        /** The service's rate times the node's {@code speedFactor}, always. */
        SCENARIO
    }

    /**
     * The compute-rate settings.
     *
     * @param model      {@code sim.compute-model}: {@code profiles} (default) | {@code roofline} | {@code scenario}
     * @param fp16       {@code sim.compute-precision}: {@code fp16} (default; tensor cores, as GPU
     *                   serving normally runs) | {@code fp32}; the CPU engine always computes FP32
     * @param efficiency {@code sim.compute-efficiency}: achieved fraction of both roofs of the
     *                   {@code roofline} model, in (0, 1] (default 1: the pure roofline bound)
     */
    public record Compute(ComputeModel model, boolean fp16, double efficiency) {
        /** Validates the fields. */
        public Compute {
            Objects.requireNonNull(model, "model is null");
            if (!(efficiency > 0 && efficiency <= 1)) {
                throw new ConfigException("sim.compute-efficiency: " + efficiency + " (expected: in (0, 1])");
            }
        }
    }

    /** How a stage's node is chosen at run time. */
    public enum Routing {
        /** Weighted random choice among the table's targets that are online and run the service. */
        WEIGHTED,
        /**
         * papers.md 5.1 item 6: among the table's targets (all hosting nodes when the table is
         * empty), the one with the smallest expected transfer + wait + processing time, preferring
         * nodes with a free instance slot.
         */
        CAPACITY_AWARE
    }

    /** What to do when no target in the table is online and runs the service. */
    public enum Unrouted {
        /** The task fails with error {@code unrouted}. */
        DROP,
        /** The stage goes to the online hosting node with the smallest expected transfer + processing time. */
        NEAREST_HOST
    }

    /** What a task whose deadline has passed does. */
    public enum DeadlineAction {
        /** Runs to the end and counts as late. */
        COMPLETE_LATE,
        /** Abandoned when a stage would start after the deadline (frees capacity for others). */
        DROP_EXPIRED
    }

    /** The defaults (documented in docs/simulator.md). */
    public static final SimSettings DEFAULTS = new SimSettings(Routing.WEIGHTED, Unrouted.DROP, 0.0,
            DeadlineAction.COMPLETE_LATE, true, true, false, false, 64, new Compute(ComputeModel.PROFILES, true, 1.0));

    /** Validates every field. */
    public SimSettings {
        Objects.requireNonNull(routing, "routing is null");
        Objects.requireNonNull(unrouted, "unrouted is null");
        Objects.requireNonNull(deadlineAction, "deadlineAction is null");
        Objects.requireNonNull(compute, "compute is null");
        if (!(parallelismExponent >= 0 && parallelismExponent <= 1)) {
            throw new ConfigException("sim.parallelism-exponent: " + parallelismExponent + " (expected: 0 to 1)");
        }
        if (rateSamples < 0) {
            throw new ConfigException("sim.rate-samples: " + rateSamples + " (expected: >= 0)");
        }
    }

    /**
     * Reads the {@code sim.*} keys of a scenario's planner section over {@link #DEFAULTS}; other keys
     * are ignored (they belong to planners).
     *
     * @throws ConfigException naming the key of a malformed value, or a {@code sim.*} key that
     *                         {@link SimKeys} does not declare (a misspelt key would otherwise change nothing)
     */
    public static SimSettings from(Map<String, ?> planner) {
        for (String k : planner.keySet()) {
            if (k.startsWith("sim.") && SimKeys.canonical(k) == null) {
                throw new ConfigException(k + ": unknown simulator key (known: " + String.join(", ", KEYS) + ")");
            }
        }
        SimSettings d = DEFAULTS;
        return new SimSettings(
                choice(planner, "sim.routing", Routing.class, d.routing),
                choice(planner, "sim.unrouted", Unrouted.class, d.unrouted),
                number(planner, "sim.parallelism-exponent", d.parallelismExponent),
                choice(planner, "sim.deadline-action", DeadlineAction.class, d.deadlineAction),
                bool(planner, "sim.enforce-capacity", d.enforceCapacity),
                text(planner, "sim.parallelism-cost", "x-times-y", "x-times-y", "x").equals("x-times-y"),
                bool(planner, "sim.charge-initial-light-deploy", d.chargeInitialLightDeploy),
                bool(planner, "sim.stage-timings", d.stageTimings),
                (int) number(planner, "sim.rate-samples", d.rateSamples),
                new Compute(choice(planner, "sim.compute-model", ComputeModel.class, d.compute.model()),
                        text(planner, "sim.compute-precision", "fp16", "fp16", "fp32").equals("fp16"),
                        number(planner, "sim.compute-efficiency", d.compute.efficiency())));
    }

    /** This settings object with another routing rule. */
    public SimSettings withRouting(Routing r) {
        return new SimSettings(r, unrouted, parallelismExponent, deadlineAction, enforceCapacity,
                parallelismCostTimesY, chargeInitialLightDeploy, stageTimings, rateSamples, compute);
    }

    /** This settings object with another deadline action. */
    public SimSettings withDeadlineAction(DeadlineAction a) {
        return new SimSettings(routing, unrouted, parallelismExponent, a, enforceCapacity,
                parallelismCostTimesY, chargeInitialLightDeploy, stageTimings, rateSamples, compute);
    }

    /** This settings object with other compute-rate settings. */
    public SimSettings withCompute(Compute c) {
        return new SimSettings(routing, unrouted, parallelismExponent, deadlineAction, enforceCapacity,
                parallelismCostTimesY, chargeInitialLightDeploy, stageTimings, rateSamples, c);
    }

    /** This settings object with stage timings on or off. */
    public SimSettings withStageTimings(boolean on) {
        return new SimSettings(routing, unrouted, parallelismExponent, deadlineAction, enforceCapacity,
                parallelismCostTimesY, chargeInitialLightDeploy, on, rateSamples, compute);
    }

    /**
     * Every {@code sim.*} key the simulator reads, as {@link SimKeys#DECLARED} declares them (kebab case);
     * {@link #canonical} also maps the deprecated camel-case spellings.
     */
    public static final java.util.List<String> KEYS = SimKeys.names();

    /** The key as {@link #KEYS} spells it (a deprecated camel-case spelling mapped, with a warning), or null if unknown. */
    public static String canonical(String key) {
        return SimKeys.canonical(key);
    }

    /** A value by its declared key or, with a deprecation warning, by the key's deprecated camel-case spelling. */
    private static Object lookup(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, String> e : SimKeys.DEPRECATED_ALIASES.entrySet()) {
            if (e.getValue().equals(key) && m.get(e.getKey()) != null) {
                SimKeys.warnDeprecated(e.getKey(), key);
                return m.get(e.getKey());
            }
        }
        return null;
    }

    private static <E extends Enum<E>> E choice(Map<String, ?> m, String key, Class<E> type, E def) {
        Object v = lookup(m, key);
        if (v == null) {
            return def;
        }
        String s = String.valueOf(v).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new ConfigException(key + ": '" + v + "' (expected one of: " + allowed + ")");
        }
    }

    private static String text(Map<String, ?> m, String key, String def, String... allowed) {
        Object v = lookup(m, key);
        if (v == null) {
            return def;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new ConfigException(key + ": '" + v + "' (expected one of: " + String.join(", ", allowed) + ")");
    }

    private static double number(Map<String, ?> m, String key, double def) {
        Object v = lookup(m, key);
        if (v == null) {
            return def;
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' (expected: a number)");
        }
    }

    /** A number {@code >= 0} under {@code key}, or {@code def}; for the sub-models' keys. */
    static double nonNegative(Map<String, ?> m, String key, double def) {
        double v = number(m, key, def);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + ": " + v + " (expected: >= 0)");
        }
        return v;
    }

    /** One of {@code allowed} under {@code key}, or {@code def}; for the sub-models' keys. */
    static String oneOf(Map<String, ?> m, String key, String def, String... allowed) {
        return text(m, key, def, allowed);
    }

    static boolean bool(Map<String, ?> m, String key, boolean def) {
        Object v = lookup(m, key);
        if (v == null) {
            return def;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key + ": '" + v + "' (expected: true or false)");
    }
}
