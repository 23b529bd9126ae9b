package org.edgefm.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedCoresTest {

    /** Runs the event loop of {@link SharedCores} alone: the end time of each payload. */
    private static double[] endTimes(SharedCores cores, double[] startMs, double[] workMs) {
        double[] end = new double[startMs.length];
        int next = 0;
        double now = 0;
        int done = 0;
        while (done < startMs.length) {
            double due = cores.nextEndMs(now);
            if (next < startMs.length && (Double.isNaN(due) || startMs[next] <= due)) {
                now = startMs[next];
                cores.start(now, workMs[next], next);
                next++;
                continue;
            }
            now = due;
            for (long p : cores.finished(now)) {
                end[(int) p] = now;
                done++;
            }
        }
        return end;
    }

    @Test
    void stagesInService_shareOneCore_eachAtHalfPace() {
        double[] end = endTimes(new SharedCores(1, 0), new double[] {0, 0}, new double[] {10, 10});
        assertArrayEquals(new double[] {20, 20}, end, 1e-9);
    }

    @Test
    void finished_manyStagesEndingTogether_returnsEachPayloadOnce() {
        // nine stages of 10 ms work on three cores: each at a third of its pace, all end at 30, and only then
        SharedCores cores = new SharedCores(3, 0);
        for (int i = 0; i < 9; i++) {
            cores.start(0, 10, 100 + i);
        }
        assertEquals(0, cores.finished(29.9).length);
        long[] done = cores.finished(30);
        Arrays.sort(done);
        assertArrayEquals(new long[] {100, 101, 102, 103, 104, 105, 106, 107, 108}, done);
        assertEquals(0, cores.finished(40).length);
        assertTrue(Double.isNaN(cores.nextEndMs(40)));
    }

    @Test
    void loneStage_onTwoCores_keepsItsOwnPace() {
        double[] end = endTimes(new SharedCores(2, 0), new double[] {0, 50}, new double[] {10, 10});
        assertArrayEquals(new double[] {10, 60}, end, 1e-9);
    }

    @Test
    void overlap_slowsOnlyWhileItLasts() {
        // one core: a stage of 10 ms work alone for 5 ms, then shared with a second for 10 ms (5 ms of work
        // each), the first ends at 15; the second has 5 ms left alone and ends at 20
        double[] end = endTimes(new SharedCores(1, 0), new double[] {0, 5}, new double[] {10, 10});
        assertArrayEquals(new double[] {15, 20}, end, 1e-9);
    }

    @Test
    void backgroundThreads_slowALoneStage() {
        // two cores, two other runnable threads: a lone stage gets 2 / 3 of a core
        double[] end = endTimes(new SharedCores(2, 2), new double[] {0}, new double[] {10});
        assertEquals(15, end[0], 1e-9);
    }

    @Test
    void deflate_overlappingSamples_becomeWorkAtTheirLivePace() {
        Map<String, Twin.Series> measured = Map.of(
                "a/s", new Twin.Series(new double[] {0, 100}, new double[] {20, 10}),
                "b/s", new Twin.Series(new double[] {0}, new double[] {20}));
        Map<String, Twin.Series> work = SharedCores.deflate(measured, Map.of(SharedCores.KEY, 1));
        // the two samples at 0 overlapped all along (2 in service on one core: half pace), the one at 100 was alone
        assertArrayEquals(new double[] {10, 10}, work.get("a/s").ms(), 1e-9);
        assertArrayEquals(new double[] {10}, work.get("b/s").ms(), 1e-9);
        assertArrayEquals(new double[] {0, 100}, work.get("a/s").atMs(), 1e-9);
    }

    @Test
    void deflate_keyOff_returnsTheMeasuredTimes() {
        Map<String, Twin.Series> measured = Map.of("a/s", new Twin.Series(new double[] {0}, new double[] {20}));
        assertSame(measured, SharedCores.deflate(measured, Map.of()));
    }
}
