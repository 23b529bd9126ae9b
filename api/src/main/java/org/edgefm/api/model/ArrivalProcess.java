package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.random.RandomGenerator;
import org.edgefm.api.Check;

/**
 * How a user generates tasks of one type over time ({@code z_{t,u,n}} in paper 1).
 *
 * <p>JSON: {@code {"type": "poisson", "ratePerMs": 0.05}} or
 * {@code {"type": "periodic", "periodMs": 33.3}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ArrivalProcess.Poisson.class, name = "poisson"),
        @JsonSubTypes.Type(value = ArrivalProcess.Periodic.class, name = "periodic")
})
public sealed interface ArrivalProcess permits ArrivalProcess.Poisson, ArrivalProcess.Periodic {

    /** The long-run mean arrival rate in tasks per ms. */
    double meanRatePerMs();

    /** The time to the next arrival in ms. */
    double nextGapMs(RandomGenerator random);

    /** The same process with its rate multiplied by {@code factor} (load scaling). */
    ArrivalProcess scaled(double factor);

    /**
     * Poisson arrivals (exponential gaps).
     *
     * @param ratePerMs mean arrivals per ms
     */
    record Poisson(double ratePerMs) implements ArrivalProcess {
        /** Validates the rate. */
        public Poisson {
            Check.positive(ratePerMs, "ratePerMs");
        }

        @Override
        public double meanRatePerMs() {
            return ratePerMs;
        }

        @Override
        public double nextGapMs(RandomGenerator random) {
            return -Math.log(1 - random.nextDouble()) / ratePerMs;
        }

        @Override
        public ArrivalProcess scaled(double factor) {
            return new Poisson(ratePerMs * Check.positive(factor, "factor"));
        }
    }

    /**
     * Periodic arrivals, such as video frames.
     *
     * @param periodMs time between arrivals in ms
     */
    record Periodic(double periodMs) implements ArrivalProcess {
        /** Validates the period. */
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
