package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgefm.wire.Directive;
import org.edgefm.host.outbox.DirectiveOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectiveOutboxTest {
    @TempDir
    Path dir;

    @Test
    void pending_survivesReopen_andEpochCounterIncreases() {
        Path f = dir.resolve("outbox.db");
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            assertThat(o.nextPlannerEpoch()).isEqualTo(1);
            o.put(WireSamples.directive("j1", 1, 3));
        }
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            assertThat(o.nextPlannerEpoch()).isEqualTo(2);
            assertThat(o.due(0, n -> true)).extracting(Directive::version).containsExactly(3L);
        }
    }

    @Test
    void put_olderThanPending_isIgnored_newerReplaces() {
        try (DirectiveOutbox o = new DirectiveOutbox(dir.resolve("o.db"), 1000, 30_000)) {
            o.put(WireSamples.directive("j1", 2, 5));
            o.put(WireSamples.directive("j1", 1, 9));
            assertThat(o.due(0, n -> true)).extracting(Directive::plannerEpoch, Directive::version)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 5L));
            o.put(WireSamples.directive("j1", 2, 6));
            assertThat(o.due(0, n -> true)).extracting(Directive::version).containsExactly(6L);
        }
    }

    @Test
    void putAll_countsPendingDirectivesReplacedBeforeTheyWereSent_notThoseSentOrSettled() {
        try (DirectiveOutbox o = new DirectiveOutbox(dir.resolve("o.db"), 1000, 30_000)) {
            assertThat(o.putAll(java.util.List.of(WireSamples.directive("j1", 1, 1), WireSamples.directive("j2", 1, 1),
                    WireSamples.directive("j3", 1, 1)))).isZero();
            o.sent("j2", 0); // in flight: replacing it is no supersession
            o.settle("j3", 1, 1, DirectiveOutbox.State.APPLIED, null); // delivered
            assertThat(o.putAll(java.util.List.of(WireSamples.directive("j1", 1, 2), WireSamples.directive("j2", 1, 2),
                    WireSamples.directive("j3", 1, 2)))).isEqualTo(1); // j1's version 1 never went out
            assertThat(o.putAll(java.util.List.of(WireSamples.directive("j1", 1, 1)))).isZero(); // older: ignored
            assertThat(o.due(0, n -> true)).extracting(Directive::nodeId, Directive::version).contains(
                    org.assertj.core.groups.Tuple.tuple("j1", 2L));
        }
    }

    @Test
    void sent_backsOff_untilSettledByAppliedVersion() {
        try (DirectiveOutbox o = new DirectiveOutbox(dir.resolve("o.db"), 1000, 4000)) {
            o.put(WireSamples.directive("j1", 1, 1));
            o.sent("j1", 0);
            assertThat(o.due(999, n -> true)).isEmpty();
            assertThat(o.due(1000, n -> true)).hasSize(1);
            o.sent("j1", 1000); // next after 2000 ms
            assertThat(o.due(2999, n -> true)).isEmpty();
            assertThat(o.due(3000, n -> true)).hasSize(1);
            assertThat(o.due(3000, n -> false)).isEmpty();
            assertThat(o.settle("j1", 0, 5, DirectiveOutbox.State.APPLIED, null)).isFalse(); // older epoch
            assertThat(o.settle("j1", 1, 1, DirectiveOutbox.State.APPLIED, null)).isTrue();
            assertThat(o.size()).isZero();
            assertThat(o.entries()).extracting(DirectiveOutbox.Entry::state).containsExactly(DirectiveOutbox.State.APPLIED);
        }
    }

    @Test
    void ackTimeoutFloor_delaysReSends_untilLateAcksCouldHaveArrived() {
        try (DirectiveOutbox o = new DirectiveOutbox(dir.resolve("o.db"), 1000, 30_000)) {
            o.put(WireSamples.directive("j1", 1, 1));
            o.ackTimeoutFloor(4_500); // acks arrive 1.5 s late at p99: wait three times that
            o.sent("j1", 0);
            assertThat(o.due(4_499, n -> true)).isEmpty();
            assertThat(o.due(4_500, n -> true)).hasSize(1);
            o.ackTimeoutFloor(0); // acks are prompt again: the backoff alone (2 s after the second send)
            o.sent("j1", 4_500);
            assertThat(o.due(6_499, n -> true)).isEmpty();
            assertThat(o.due(6_500, n -> true)).hasSize(1);
            o.ackTimeoutFloor(Long.MAX_VALUE); // capped at the longest backoff
            o.sent("j1", 6_500);
            assertThat(o.due(36_499, n -> true)).isEmpty();
            assertThat(o.due(36_500, n -> true)).hasSize(1);
        }
    }

    @Test
    void settle_thenFlush_isGoneAfterReopen() {
        Path f = dir.resolve("o.db");
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            o.put(WireSamples.directive("j1", 1, 1));
            o.put(WireSamples.directive("j2", 1, 1));
            assertThat(o.settle("j1", 1, 1, DirectiveOutbox.State.APPLIED, null)).isTrue();
            assertThat(o.due(0, n -> true)).extracting(Directive::nodeId).containsExactly("j2");
            o.flush();
        }
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            assertThat(o.due(0, n -> true)).extracting(Directive::nodeId).containsExactly("j2");
        }
    }

    @Test
    void settle_thenNewerPutBeforeFlush_keepsTheNewerOneStored() {
        Path f = dir.resolve("o.db");
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            o.put(WireSamples.directive("j1", 1, 1));
            o.settle("j1", 1, 1, DirectiveOutbox.State.APPLIED, null);
            o.put(WireSamples.directive("j1", 1, 2));
            o.flush();
        }
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            assertThat(o.due(0, n -> true)).extracting(Directive::version).containsExactly(2L);
        }
    }

    @Test
    void settle_withoutFlush_isStoredByClose() {
        Path f = dir.resolve("o.db");
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            o.put(WireSamples.directive("j1", 1, 1));
            o.settle("j1", 1, 1, DirectiveOutbox.State.APPLIED, null);
        }
        try (DirectiveOutbox o = new DirectiveOutbox(f, 1000, 30_000)) {
            assertThat(o.size()).isZero();
        }
    }
}
