package org.edgefm.host.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The directive pacer on a fake clock: bucket, in-flight cap, one directive per node in flight, timeout. */
class SendPacerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private SendPacer pacer(double perSecond, double burst, int maxInFlight) {
        return new SendPacer(new SendPacer.Settings(perSecond, burst, maxInFlight), now::get);
    }

    private void advanceMs(long ms) {
        now.addAndGet(ms * 1_000_000L);
    }

    @Test
    void aBurstGoesAtOnceAndTheRestAtTheSustainedRate() {
        SendPacer p = pacer(100, 10, 1_000);
        int started = 0;
        for (int i = 0; i < 50; i++) {
            if (p.tryStart("n" + i)) {
                started++;
            }
        }
        assertEquals(10, started, "the bucket's burst");
        assertEquals(40, p.deferred());
        advanceMs(100); // 100/s for 0.1 s: 10 more tokens
        started = 0;
        for (int i = 10; i < 50; i++) {
            if (p.tryStart("n" + i)) {
                started++;
            }
        }
        assertEquals(10, started);
        advanceMs(10_000); // a long pause refills the bucket to its size only
        started = 0;
        for (int i = 20; i < 50; i++) {
            if (p.tryStart("n" + i)) {
                started++;
            }
        }
        assertEquals(10, started);
    }

    @Test
    void theInFlightCapHoldsUntilPublicationsAreConfirmed() {
        SendPacer p = pacer(1e6, 1e6, 3);
        assertTrue(p.tryStart("a"));
        assertTrue(p.tryStart("b"));
        assertTrue(p.tryStart("c"));
        assertFalse(p.tryStart("d"), "three in flight");
        assertEquals(3, p.inFlightCount());
        p.done("b");
        assertTrue(p.tryStart("d"));
        assertFalse(p.tryStart("e"));
    }

    @Test
    void aNodesDirectiveIsNotSentAgainWhileInFlight() {
        SendPacer p = pacer(1e6, 1e6, 100);
        assertTrue(p.tryStart("a"));
        assertTrue(p.inFlight("a"));
        assertFalse(p.tryStart("a"), "the first publication is not confirmed yet");
        assertEquals(0, p.deferred(), "waiting for one's own confirmation is not pacing");
        p.done("a");
        assertFalse(p.inFlight("a"));
        assertTrue(p.tryStart("a"));
    }

    @Test
    void anUnconfirmedPublicationStopsCountingAfterTheTimeout() {
        SendPacer p = pacer(1e6, 1e6, 2);
        assertTrue(p.tryStart("a"));
        assertTrue(p.tryStart("b"));
        assertFalse(p.tryStart("c"));
        now.addAndGet(SendPacer.CONFIRM_TIMEOUT_NANOS - 1);
        assertFalse(p.tryStart("a"));
        assertFalse(p.tryStart("c"));
        now.addAndGet(1);
        assertTrue(p.tryStart("a"), "a lost confirmation does not block its node for good");
        assertTrue(p.tryStart("c"), "nor the cap");
        assertEquals(2, p.inFlightCount());
    }

    @Test
    void resetForgetsWhatWasInFlight() {
        SendPacer p = pacer(1e6, 1e6, 1);
        assertTrue(p.tryStart("a"));
        assertFalse(p.tryStart("b"));
        p.reset();
        assertTrue(p.tryStart("b"));
        assertTrue(p.tryStart("a") == false, "the cap of one holds again");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SendPacer.Settings(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SendPacer.Settings(1, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new SendPacer.Settings(1, 1, 0));
    }
}
