package org.edgefm.scenario;

import org.edgefm.api.Check;

/**
 * How long and how finely a scenario runs. Paper 1 gives no slot length or horizon; the defaults
 * are our assumptions (papers.md 5.1).
 *
 * @param slotMs           slot length Δt in ms (default 100)
 * @param slots            number of slots (default 1000)
 * @param planningEpochMs  period of core re-placement in ms; 0 = only at start and on node loss
 *                         (default 0: paper 1 places core services once for the horizon)
 * @param seed             base random seed (default 1)
 */
public record RunSettings(Double slotMs, Integer slots, Double planningEpochMs, Long seed) {
    /** Defaults for every setting. */
    public static final RunSettings DEFAULTS = new RunSettings(null, null, null, null);

    /** Fills in defaults and validates. */
    public RunSettings {
        slotMs = Check.positive(slotMs == null ? 100.0 : slotMs, "slotMs");
        slots = Check.positive(slots == null ? 1000 : slots, "slots");
        planningEpochMs = Check.nonNegative(planningEpochMs == null ? 0.0 : planningEpochMs, "planningEpochMs");
        seed = seed == null ? 1L : seed;
    }

    /** The horizon in ms. */
    public double horizonMs() {
        return slotMs * slots;
    }
}
