package org.edgefm.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** {@link FleetNotices}: each mismatch counted once while open, also past the listed maximum. */
class FleetNoticesTest {
    @Test
    void raise_moreThanTheListHolds_eachCountedOnceEvenWhenRaisedEverySlot() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FleetNotices n = new FleetNotices(registry);
        int streams = FleetNotices.MAX_NOTICES + 250;
        for (int slot = 0; slot < 3; slot++) {
            for (int u = 0; u < streams; u++) {
                n.raise(FleetNotices.Kind.ORIGIN_MISSING, "user-" + u, "origin 'camera' has not joined");
            }
        }
        assertThat(n.open()).hasSize(FleetNotices.MAX_NOTICES);
        assertThat(n.totals()).containsEntry("origin-missing", (long) streams);
        assertThat(registry.get("edgefm.fleet.mismatches").tag("kind", "origin-missing").counter().count())
                .isEqualTo(streams);

        // one that was only counted is resolved and comes back: a new occurrence, counted again
        n.resolve(FleetNotices.Kind.ORIGIN_MISSING, "user-" + (streams - 1), "bound");
        n.raise(FleetNotices.Kind.ORIGIN_MISSING, "user-" + (streams - 1), "origin 'camera' has not joined");
        assertThat(n.totals()).containsEntry("origin-missing", streams + 1L);
        // a listed one resolved frees a place
        n.resolve(FleetNotices.Kind.ORIGIN_MISSING, "user-0", "bound");
        assertThat(n.open()).hasSize(FleetNotices.MAX_NOTICES - 1);
        assertThat(n.isOpen(FleetNotices.Kind.ORIGIN_MISSING, "user-1")).isTrue();
    }
}
