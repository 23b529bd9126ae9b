package org.edgefm.api.spi;

/**
 * The time a plugin call may take: the one definition the live host, {@code ./edgefm simulate} and
 * the planner test kit all apply.
 *
 * <ul>
 *   <li>A {@link LightServiceController#decide} call gets {@value #LIGHT_SHARE_OF_SLOT} of a slot
 *       (250 ms at a 500 ms slot).</li>
 *   <li>A controller's first {@value #WARMUP_CALLS} calls get at least {@value #WARMUP_MIN_MS} ms:
 *       they pay for loading the plugin's classes and for interpreted code before the JIT compiles
 *       it. A decision that needed this allowance (slower than the plain budget) is used, but it does
 *       not count as the controller's first usable decision: until a call meets the plain budget, a
 *       failing call still hands the slot to the host's fallback controller.</li>
 *   <li>A {@link CorePlacementPlanner#place} call gets {@value #CORE_BUDGET_MS} ms unless the host
 *       is configured otherwise ({@link CorePlacementContext#timeBudget()} says what applies).</li>
 * </ul>
 *
 * <p>Live, a call runs on the plugin's own thread and is abandoned at its budget; its late result is
 * discarded. In simulation the call runs inline and is charged its thread's CPU time plus the time it
 * spent waiting or blocked; a call charged more than its budget is discarded the same way.
 */
public final class PluginBudget {
    /** Share of the slot length one light-controller call may take. */
    public static final double LIGHT_SHARE_OF_SLOT = 0.5;
    /** How many first calls of a light controller get at least {@link #WARMUP_MIN_MS}. */
    public static final int WARMUP_CALLS = 3;
    /** The least budget, in ms, of a light controller's first {@link #WARMUP_CALLS} calls. */
    public static final long WARMUP_MIN_MS = 1_000;
    /** Default budget of one core-placement call, in ms. */
    public static final long CORE_BUDGET_MS = 10_000;
    /** The slot length most scenarios use, in ms (for stated example figures only). */
    public static final double TYPICAL_SLOT_MS = 500;

    private PluginBudget() {
    }

    /**
     * The plain budget of one light-controller call.
     *
     * @param slotMs the slot length in ms, {@code > 0}
     * @return the budget in ms: {@code slotMs * LIGHT_SHARE_OF_SLOT}
     */
    public static double lightMs(double slotMs) {
        if (!(slotMs > 0)) {
            throw new IllegalArgumentException("slotMs: " + slotMs + " (expected: > 0)");
        }
        return slotMs * LIGHT_SHARE_OF_SLOT;
    }

    /**
     * The budget of a light controller's call number {@code callIndex}.
     *
     * @param plainMs   the plain budget in ms ({@link #lightMs(double)})
     * @param callIndex the call's index, counted from 0 for each controller instance
     * @return {@code plainMs}, but at least {@link #WARMUP_MIN_MS} for the first {@link #WARMUP_CALLS} calls
     */
    public static double lightMs(double plainMs, long callIndex) {
        return callIndex < WARMUP_CALLS ? Math.max(plainMs, WARMUP_MIN_MS) : plainMs;
    }
}
