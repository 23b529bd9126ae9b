package org.edgefm.host.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.control.FleetSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that dies while it writes snapshot deltas (no close, no commit: {@code Runtime.halt}) leaves
 * a journal file (real MapDB, write-ahead log) that reopens to the snapshots of its last commit, every
 * one of them whole and as written, and that goes on with a keyframe.
 */
class JournalCrashTest {
    @TempDir
    Path dir;

    /** The crashing writer: {@code FILE SEED COMMITTED EXTRA}; exits by halting, never closing the journal. */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        JournalDeltasTest.History h = new JournalDeltasTest.History(Long.parseLong(args[1]));
        int committed = Integer.parseInt(args[2]);
        int extra = Integer.parseInt(args[3]);
        TrialJournal j = new TrialJournal(file, 4);
        for (int i = 0; i < committed; i++) {
            j.onSnapshot(i, h.next());
        }
        j.commit();
        for (int i = committed; i < committed + extra; i++) {
            j.onSnapshot(i, h.next());
        }
        Runtime.getRuntime().halt(3); // mid-delta: the last entries are in the store but not committed
    }

    @Test
    @Timeout(120)
    void crashMidDelta_reopens_toTheCommittedSnapshotsWhole_andContinuesWithAKeyframe() throws Exception {
        Path file = dir.resolve("journal.db");
        long seed = 77;
        int committed = 9; // keyframes at 1, 5, 9: the commit falls after a keyframe; the lost tail is deltas
        int extra = 3;
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), JournalCrashTest.class.getName(),
                file.toString(), Long.toString(seed), Integer.toString(committed), Integer.toString(extra))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child log: %s", java.nio.file.Files.readString(dir.resolve("child.log")))
                .isEqualTo(3);

        JournalDeltasTest.History h = new JournalDeltasTest.History(seed);
        List<FleetSnapshot> all = new ArrayList<>();
        for (int i = 0; i < committed + extra + 5; i++) {
            all.add(h.next());
        }
        try (TrialJournal j = new TrialJournal(file, 4)) {
            List<FleetSnapshot> back = JournalReplay.snapshots(new StringReader(export(j)));
            // the journal commits by itself once a second, so a slow machine may keep some of the extra
            // deltas; never the last one, which was not committed when the process died
            assertThat(back.size()).isBetween(committed, committed + extra - 1);
            assertThat(back).isEqualTo(all.subList(0, back.size()));
            int kept = back.size();
            for (int i = 0; i < 5; i++) {
                j.onSnapshot(kept + i, all.get(committed + extra + i));
            }
            List<FleetSnapshot> expected = new ArrayList<>(back);
            expected.addAll(all.subList(committed + extra, committed + extra + 5));
            assertThat(JournalReplay.snapshots(new StringReader(export(j)))).isEqualTo(expected);
            long firstNew = j.page(kept, 1).get(0).getKey();
            assertThat(j.stored(firstNew)).contains("\"data\":").doesNotContain("\"delta\":");
        }
    }

    private static String export(TrialJournal j) {
        StringWriter w = new StringWriter();
        j.exportJsonLines(w);
        return w.toString();
    }
}
