package org.edgefm.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RateScheduleTest {
    private static final RateSchedule TWO_PHASES = new RateSchedule(
            List.of(new RateSchedule.Step(0, 1), new RateSchedule.Step(1000, 3)), 4000.0);

    @Test
    void factorAt_repeatingSchedule_followsThePatternEveryPeriod() {
        assertThat(TWO_PHASES.factorAt(0)).isEqualTo(1);
        assertThat(TWO_PHASES.factorAt(999)).isEqualTo(1);
        assertThat(TWO_PHASES.factorAt(1000)).isEqualTo(3);
        assertThat(TWO_PHASES.factorAt(3999)).isEqualTo(3);
        assertThat(TWO_PHASES.factorAt(4500)).isEqualTo(1);
        assertThat(TWO_PHASES.nextChangeAfter(4500)).isEqualTo(5000);
        assertThat(TWO_PHASES.nextChangeAfter(5000)).isEqualTo(8000);
        assertThat(TWO_PHASES.meanFactor()).isEqualTo(2.5);
    }

    @Test
    void nextGapMs_scheduledPoisson_countsMatchThePiecewiseRates() {
        ArrivalProcess p = new ArrivalProcess.Poisson(0.01, TWO_PHASES);
        SplittableRandom r = new SplittableRandom(7);
        int low = 0;
        int high = 0;
        double t = p.nextGapMs(r, 0);
        while (t < 4_000_000) {
            if (TWO_PHASES.factorAt(t) == 1) {
                low++;
            } else {
                high++;
            }
            t += p.nextGapMs(r, t);
        }
        // 1000 periods: 1000 ms at 0.01/ms and 3000 ms at 0.03/ms each, so 10,000 and 90,000 expected.
        assertThat(low).isCloseTo(10_000, within(400));
        assertThat(high).isCloseTo(90_000, within(1_200));
        assertThat(p.meanRatePerMs()).isCloseTo(0.025, within(1e-12));
    }

    @Test
    void nextGapMs_zeroPhase_hasNoArrivalsInIt() {
        RateSchedule offThenOn = new RateSchedule(
                List.of(new RateSchedule.Step(0, 0), new RateSchedule.Step(500, 1)), null);
        ArrivalProcess p = new ArrivalProcess.Poisson(0.1, offThenOn);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            assertThat(p.nextGapMs(r, 0)).isGreaterThan(500);
        }
        assertThat(p.scaled(2).meanRatePerMs()).isEqualTo(0.2);
    }
}
