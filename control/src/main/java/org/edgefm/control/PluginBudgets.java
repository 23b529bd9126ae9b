package org.edgefm.control;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.spi.PluginBudget;

/**
 * The time budgets of plugin calls as the host applies them: the values are {@link PluginBudget}'s (module
 * api, the one definition the live host, {@code ./edgefm simulate} and the test kit share). A light-service controller gets {@value #LIGHT_SHARE_OF_SLOT} of a slot per call
 * (250 ms at the usual 500 ms slot; its first {@value #WARMUP_CALLS} calls, which load classes and warm the JIT, at least
 * {@value #FIRST_CALL_MS} ms); a core-placement planner gets {@value #CORE_BUDGET_MS} ms per call
 * (the host's {@code coreBudgetMs}). Live, a call runs on the plugin's own thread and is abandoned at
 * its budget (its late result is discarded); in simulation the call runs inline and its thread's CPU
 * time plus the time it spent waiting or blocked is charged against the same budget, and a call over
 * it is discarded the same way.
 */
public final class PluginBudgets {
    /** Share of the slot a light-service controller's call may take ({@link PluginBudget#LIGHT_SHARE_OF_SLOT}). */
    public static final double LIGHT_SHARE_OF_SLOT = PluginBudget.LIGHT_SHARE_OF_SLOT;
    /** Default budget of one core-placement call, in ms ({@link PluginBudget#CORE_BUDGET_MS}). */
    public static final long CORE_BUDGET_MS = PluginBudget.CORE_BUDGET_MS;
    /** The least budget of a controller's first calls, in ms ({@link PluginBudget#WARMUP_MIN_MS}). */
    public static final long FIRST_CALL_MS = PluginBudget.WARMUP_MIN_MS;
    /** How many first calls of a controller get at least {@value #FIRST_CALL_MS} ms ({@link PluginBudget#WARMUP_CALLS}). */
    public static final int WARMUP_CALLS = PluginBudget.WARMUP_CALLS;
    /** The slot length most scenarios use, in ms ({@link PluginBudget#TYPICAL_SLOT_MS}). */
    public static final double TYPICAL_SLOT_MS = PluginBudget.TYPICAL_SLOT_MS;

    private PluginBudgets() {
    }

    /** The light controller's budget at slot length {@code slotMs}. */
    public static Duration light(double slotMs) {
        return Duration.ofNanos((long) (PluginBudget.lightMs(slotMs) * 1e6));
    }

    /**
     * The budget of a controller's call number {@code callIndex} (from 0): {@code light}, but at least
     * {@value #FIRST_CALL_MS} ms for the first {@value #WARMUP_CALLS}.
     */
    public static Duration light(Duration light, long callIndex) {
        return callIndex >= WARMUP_CALLS ? light : Duration.ofNanos((long) (PluginBudget.lightMs(light.toNanos() / 1e6, callIndex) * 1e6));
    }

    /** The default core planner's budget. */
    public static Duration core() {
        return Duration.ofMillis(CORE_BUDGET_MS);
    }

    /** One line for {@code ./edgefm plugins}. */
    public static String summary() {
        return String.format(Locale.ROOT, "light controller %.0f%% of a slot per call (%.0f ms at a %.0f ms slot),"
                + " its first %d calls at least %d ms (a decision that needed that is used but does not end the fallback); core planner %d ms per call (host coreBudgetMs); the same in simulate"
                + " (CPU + waiting time)", LIGHT_SHARE_OF_SLOT * 100, TYPICAL_SLOT_MS * LIGHT_SHARE_OF_SLOT, TYPICAL_SLOT_MS,
                WARMUP_CALLS, FIRST_CALL_MS, CORE_BUDGET_MS);
    }

    /** The budgets as data, for {@code ./edgefm plugins --json}. */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lightShareOfSlot", LIGHT_SHARE_OF_SLOT);
        m.put("lightMsAtTypicalSlot", TYPICAL_SLOT_MS * LIGHT_SHARE_OF_SLOT);
        m.put("typicalSlotMs", TYPICAL_SLOT_MS);
        m.put("lightWarmupCalls", WARMUP_CALLS);
        m.put("lightWarmupMinMs", FIRST_CALL_MS);
        m.put("warmup", "a decision over the plain budget, accepted within the first calls' allowance, is put in force"
                + " but does not count as the controller's first usable decision (the fallback keeps deciding after a failure)");
        m.put("coreMs", CORE_BUDGET_MS);
        m.put("live", "the call runs on the plugin's thread; at the budget it is abandoned and its result discarded");
        m.put("simulate", "the call's thread CPU time plus waiting and blocked time is charged; over the budget its"
                + " result is discarded as live (--no-budget: measured only)");
        return m;
    }
}
