package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.random.RandomGenerator;
import org.edgefm.api.Check;

/**
 * How a user generates tasks of one type over time ({@code z_{t,u,n}} in paper 1).
 *
 * <p>JSON: {@code {"type": "poisson", "ratePerMs": 0.05}} or
 * {@code {"type": "periodic", "periodMs": 33.3}}. A Poisson process may carry an optional
 * {@code "schedule"} ({@link RateSchedule}) that multiplies its rate piecewise over time (time-varying
 * load and popularity shifts, seed papers 2 and 3).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ArrivalProcess.Poisson.class, name = "poisson"),
        @JsonSubTypes.Type(value = ArrivalProcess.Periodic.class, name = "periodic")
})
public sealed interface ArrivalProcess permits ArrivalProcess.Poisson, ArrivalProcess.Periodic {

    /** {@return the long-run mean arrival rate in tasks per ms} */
    double meanRatePerMs();

    /**
     * The time to the next arrival in ms, for a process whose rate does not change over time.
     *
     * @param random the random source (seeded by the caller, so runs repeat)
     * @return the time to the next arrival in ms, for a process whose rate does not change over time
     */
    double nextGapMs(RandomGenerator random);

    /**
     * The time to the next arrival in ms when the previous one (or the start) was at {@code nowMs}
     * since the run start; differs from {@link #nextGapMs(RandomGenerator)} only for a scheduled rate.
     *
     * @param random the random source (seeded by the caller, so runs repeat)
     * @param nowMs the previous arrival (or the start), in ms since the run start
     * @return the time to the next arrival in ms when the previous one (or the start) was at {@code nowMs} since the run start; differs from {@link #nextGapMs(RandomGenerator)} only for a scheduled rate
     */
    default double nextGapMs(RandomGenerator random, double nowMs) {
        return nextGapMs(random);
    }

    /**
     * The same process with its rate multiplied by {@code factor} (load scaling).
     *
     * @param factor the load factor (> 0)
     * @return the same process with its rate multiplied by {@code factor} (load scaling)
     */
    ArrivalProcess scaled(double factor);

    /**
     * Poisson arrivals (exponential gaps), optionally with a piecewise-constant rate schedule.
     *
     * @param ratePerMs mean arrivals per ms (before the schedule's factor)
     * @param schedule  factors on the rate over time, or null for a constant rate
     */
    record Poisson(double ratePerMs, RateSchedule schedule) implements ArrivalProcess {
        /**
         * Validates the rate.
         *
         * @param ratePerMs mean arrivals per ms (before the schedule's factor)
         * @param schedule  factors on the rate over time, or null for a constant rate
         */
        public Poisson {
            Check.positive(ratePerMs, "ratePerMs");
        }

        /**
         * Poisson arrivals at a constant rate.
         *
         * @param ratePerMs mean arrivals per ms
         */
        public Poisson(double ratePerMs) {
            this(ratePerMs, null);
        }

        /** The long-run mean: the rate times the schedule's {@link RateSchedule#meanFactor()}. */
        @Override
        public double meanRatePerMs() {
            return schedule == null ? ratePerMs : ratePerMs * schedule.meanFactor();
        }

        @Override
        public double nextGapMs(RandomGenerator random) {
            return -Math.log(1 - random.nextDouble()) / ratePerMs;
        }

        /**
         * With a schedule, the exact non-homogeneous draw: a unit-rate exponential amount of
         * "rate × time" is spent across the schedule's steps from {@code nowMs} on.
         */
        @Override
        public double nextGapMs(RandomGenerator random, double nowMs) {
            if (schedule == null) {
                return nextGapMs(random);
            }
            double need = -Math.log(1 - random.nextDouble());
            double t = nowMs;
            // The schedule is never zero forever (validated), so this ends.
            while (true) {
                double f = schedule.factorAt(t);
                double end = Math.max(schedule.nextChangeAfter(t), Math.nextUp(t));
                double r = ratePerMs * f;
                if (r > 0 && (end - t) * r >= need) {
                    return t + need / r - nowMs;
                }
                if (end == Double.POSITIVE_INFINITY) {
                    throw new IllegalStateException("rate schedule is zero forever after " + t + " ms");
                }
                need -= (end - t) * r;
                t = end;
            }
        }

        @Override
        public ArrivalProcess scaled(double factor) {
            return new Poisson(ratePerMs * Check.positive(factor, "factor"), schedule);
        }
    }

    /**
     * Periodic arrivals, such as video frames.
     *
     * @param periodMs time between arrivals in ms
     */
    record Periodic(double periodMs) implements ArrivalProcess {
        /**
         * Validates the period.
         *
         * @param periodMs the period in ms
         */
        public Periodic {
            Check.positive(periodMs, "periodMs");
        }

        @Override
        public double meanRatePerMs() {
            return 1.0 / periodMs;
        }

        @Override
        public double nextGapMs(RandomGenerator random) {
            return periodMs;
        }

        @Override
        public ArrivalProcess scaled(double factor) {
            return new Periodic(periodMs / Check.positive(factor, "factor"));
        }
    }
}
