package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FleetStateTest {
    final FleetState state = new FleetState(1000, List.of());

    static NodeStatus status(FleetSnapshot s, String node) {
        return s.nodes().stream().filter(n -> n.node().equals(node)).findFirst().orElseThrow();
    }

    @Test
    void death_fromOlderSession_doesNotMarkFreshSessionOffline() {
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        state.onBirth(WireSamples.birth("j1", 2, 0, 0), 10);
        assertThat(state.onDeath(WireSamples.death("j1", 1))).isFalse();
        assertThat(status(state.snapshot(20), "j1").online()).isTrue();
        assertThat(state.onDeath(WireSamples.death("j1", 2))).isTrue();
        assertThat(status(state.snapshot(30), "j1").online()).isFalse();
    }

    @Test
    void death_ofNewerSessionWhoseBirthWasMissed_endsItAndOlderBirthCannotRevive() {
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        assertThat(state.onDeath(WireSamples.death("j1", 3))).isTrue();
        assertThat(state.onBirth(WireSamples.birth("j1", 2, 0, 0), 1)).isFalse();
        assertThat(state.sessionAlive("j1")).isFalse();
        assertThat(state.onBirth(WireSamples.birth("j1", 4, 0, 0), 2)).isTrue();
        assertThat(state.sessionAlive("j1")).isTrue();
    }

    @Test
    void birth_fromOlderSession_isIgnored() {
        state.onBirth(WireSamples.birth("j1", 5, 0, 0), 0);
        assertThat(state.onBirth(WireSamples.birth("j1", 4, 0, 0), 1)).isFalse();
        assertThat(status(state.snapshot(2), "j1").sessionEpoch()).isEqualTo(5);
    }

    @Test
    void telemetry_gapAndUnknownSession_areReported() {
        assertThat(state.onTelemetry(WireSamples.telemetry("j1", 1, 0, 0), 0))
                .isEqualTo(FleetState.TelemetryVerdict.UNKNOWN_SESSION);
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        assertThat(state.onTelemetry(WireSamples.telemetry("j1", 1, 1, 0), 1)).isEqualTo(FleetState.TelemetryVerdict.OK);
        assertThat(state.onTelemetry(WireSamples.telemetry("j1", 1, 2, 0), 2)).isEqualTo(FleetState.TelemetryVerdict.OK);
        assertThat(state.onTelemetry(WireSamples.telemetry("j1", 1, 5, 0), 3)).isEqualTo(FleetState.TelemetryVerdict.GAP);
        assertThat(state.onTelemetry(WireSamples.telemetry("j1", 0, 9, 0), 4))
                .isEqualTo(FleetState.TelemetryVerdict.STALE_SESSION);
    }

    @Test
    void snapshot_staleTelemetry_marksNodeOfflineButSessionAlive() {
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        state.onTelemetry(WireSamples.telemetry("j1", 1, 0, 3), 100);
        NodeStatus fresh = status(state.snapshot(500), "j1");
        assertThat(fresh.online()).isTrue();
        assertThat(fresh.appliedVersion()).isEqualTo(3);
        assertThat(fresh.telemetryAgeMs()).isEqualTo(400.0);
        assertThat(status(state.snapshot(5000), "j1").online()).isFalse();
        assertThat(state.sessionAlive("j1")).isTrue();
    }

    private static org.edgefm.api.wire.Telemetry withPeer(long seq, Long samples) {
        org.edgefm.api.wire.Telemetry t = WireSamples.telemetry("j1", 1, seq, 0);
        return new org.edgefm.api.wire.Telemetry(t.schema(), t.nodeId(), t.sessionEpoch(), t.seq(), t.timestampMs(),
                t.appliedVersion(), t.host(), t.gpus(), t.services(),
                List.of(new org.edgefm.api.wire.PeerMetrics("j2", 12.0, 0.05, samples, 100L)));
    }

    @Test
    void snapshot_reportsALinkOnlyWhenItsSampleCountGrew() {
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        state.onTelemetry(withPeer(0, 3L), 10);
        assertThat(state.snapshot(20).links()).containsExactly(new org.edgefm.api.spi.LinkEstimate("j1", "j2", 12.0, 0.05));
        state.onTelemetry(withPeer(1, 3L), 30);
        assertThat(state.snapshot(40).links()).isEmpty();
        state.onTelemetry(withPeer(2, 4L), 50);
        assertThat(state.snapshot(60).links()).hasSize(1);
        // a restarted agent counts from 0 again
        state.onBirth(WireSamples.birth("j1", 2, 0, 0), 70);
        state.onTelemetry(new org.edgefm.api.wire.Telemetry(1, "j1", 2, 0, 1000, 0, withPeer(0, 1L).host(), List.of(),
                List.of(), withPeer(0, 1L).peers()), 80);
        assertThat(state.snapshot(90).links()).hasSize(1);
        // an agent that does not send the count: every snapshot counts
        state.onTelemetry(new org.edgefm.api.wire.Telemetry(1, "j1", 2, 1, 1000, 0, withPeer(0, 1L).host(), List.of(),
                List.of(), List.of(new org.edgefm.api.wire.PeerMetrics("j3", 5.0, 0.1, null, null))), 100);
        assertThat(state.snapshot(110).links()).extracting(org.edgefm.api.spi.LinkEstimate::b).containsExactly("j3");
        assertThat(state.snapshot(120).links()).extracting(org.edgefm.api.spi.LinkEstimate::b).containsExactly("j3");
    }
}
