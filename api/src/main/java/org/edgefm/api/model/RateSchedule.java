package org.edgefm.api.model;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * A piecewise-constant factor on an arrival rate over virtual time since the run start: load
 * variation and popularity shifts. Step {@code k} applies from {@code steps[k].fromMs} until the next
 * step; with {@code repeatMs} the whole pattern repeats with that period, otherwise the last step
 * lasts for ever.
 *
 * <p>JSON: {@code {"repeatMs": 3600000, "steps": [{"fromMs": 0, "factor": 1}, {"fromMs": 1800000, "factor": 0.2}]}}.
 *
 * @param steps    the steps, the first from 0 ms, strictly increasing {@code fromMs}, factors ≥ 0 and
 *                 not all 0
 * @param repeatMs the period of the pattern (greater than the last step's start), or null for none
 */
public record RateSchedule(List<Step> steps, Double repeatMs) {

    /**
     * One step of a schedule.
     *
     * @param fromMs when it starts, ms since the run start (within one period when repeating)
     * @param factor the factor on the rate from then on, ≥ 0
     */
    public record Step(double fromMs, double factor) {
        /**
         * Validates every field.
         *
         * @param fromMs when it starts, ms since the run start (within one period when repeating)
         * @param factor the factor on the rate from then on, ≥ 0
         */
        public Step {
            Check.nonNegative(fromMs, "fromMs");
            Check.nonNegative(factor, "factor");
        }
    }

    /**
     * Validates the steps and the period.
     *
     * @param steps the steps, the first from 0 ms, strictly increasing {@code fromMs}, factors ≥ 0 and not all 0
     * @param repeatMs the period of the pattern (greater than the last step's start), or null for none
     */
    public RateSchedule {
        steps = Check.listOf(steps, "steps");
        Check.notEmpty(steps, "steps");
        if (steps.get(0).fromMs() != 0) {
            throw new InvalidFieldException("steps", "the first step starts at " + steps.get(0).fromMs()
                    + " ms (expected: 0)");
        }
        boolean anyPositive = false;
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0 && !(steps.get(i).fromMs() > steps.get(i - 1).fromMs())) {
                throw new InvalidFieldException("steps", "step " + i + " starts at " + steps.get(i).fromMs()
                        + " ms, not after step " + (i - 1) + " (expected: strictly increasing fromMs)");
            }
            anyPositive |= steps.get(i).factor() > 0;
        }
        if (repeatMs != null) {
            Check.positive(repeatMs, "repeatMs");
            double last = steps.get(steps.size() - 1).fromMs();
            if (!(repeatMs > last)) {
                throw new InvalidFieldException("repeatMs", repeatMs + " (expected: > the last step's fromMs " + last + ")");
            }
        } else if (steps.get(steps.size() - 1).factor() == 0) {
            throw new InvalidFieldException("steps", "the last step has factor 0 and there is no repeatMs "
                    + "(expected: arrivals that do not stop for ever)");
        }
        if (!anyPositive) {
            throw new InvalidFieldException("steps", "every factor is 0 (expected: at least one > 0)");
        }
    }

    /**
     * The factor in force at {@code timeMs}.
     *
     * @param timeMs the time in ms since the run start
     * @return the factor in force at {@code timeMs}
     */
    public double factorAt(double timeMs) {
        double t = local(timeMs);
        double f = steps.get(0).factor();
        for (Step s : steps) {
            if (s.fromMs() <= t) {
                f = s.factor();
            } else {
                break;
            }
        }
        return f;
    }

    /**
     * The first time after {@code timeMs} at which the factor may change (infinity when never).
     *
     * @param timeMs the time in ms since the run start
     * @return the first time after {@code timeMs} at which the factor may change (infinity when never)
     */
    public double nextChangeAfter(double timeMs) {
        double t = local(timeMs);
        double base = timeMs - t;
        for (Step s : steps) {
            if (s.fromMs() > t) {
                return base + s.fromMs();
            }
        }
        return repeatMs == null ? Double.POSITIVE_INFINITY : base + repeatMs;
    }

    /** {@return the long-run mean factor: the time average over one period, or the last factor without a period} */
    public double meanFactor() {
        if (repeatMs == null) {
            return steps.get(steps.size() - 1).factor();
        }
        double sum = 0;
        for (int i = 0; i < steps.size(); i++) {
            double end = i + 1 < steps.size() ? steps.get(i + 1).fromMs() : repeatMs;
            sum += steps.get(i).factor() * (end - steps.get(i).fromMs());
        }
        return sum / repeatMs;
    }

    private double local(double timeMs) {
        return repeatMs == null ? timeMs : timeMs - Math.floor(timeMs / repeatMs) * repeatMs;
    }
}
