package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.ModelSwitch;
import org.edgefm.control.NodeStatus;
import org.edgefm.host.fleet.FleetState;
import org.junit.jupiter.api.Test;

class FleetStateTest {
    final FleetState state = new FleetState(1000, List.of());

    static NodeStatus status(FleetSnapshot s, String node) {
        return s.nodes().stream().filter(n -> n.node().equals(node)).findFirst().orElseThrow();
    }

    @Test
    void observer_seesAcceptedBirthsWithTheirSessionRule_andOneThatThrowsStopsNothing() {
        List<String> seen = new java.util.ArrayList<>();
        state.observe(new FleetState.Observer() {
            @Override
            public void onBirth(org.edgefm.wire.Birth b, boolean newSession) {
                throw new IllegalStateException("a broken observer");
            }
        });
        state.observe(new FleetState.Observer() {
            @Override
            public void onBirth(org.edgefm.wire.Birth b, boolean newSession) {
                seen.add(b.sessionEpoch() + (newSession ? " new" : " again"));
            }

            @Override
            public void onDeath(org.edgefm.wire.Death d) {
                seen.add("death " + d.sessionEpoch());
            }
        });
        assertThat(state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0)).isTrue();
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 1); // published again within the session
        state.onDeath(WireSamples.death("j1", 0)); // an older session's: never reaches the observers
        state.onBirth(WireSamples.birth("j1", 2, 0, 0), 2);
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 3); // a stale retained birth
        state.onDeath(WireSamples.death("j1", 2));
        assertThat(seen).containsExactly("1 new", "1 again", "2 new", "death 2");
        assertThat(state.everBorn("j1")).isTrue();
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

    @Test
    void snapshot_oneNodeSilentWhileOthersTalk_marksOnlyThatNodeOffline() {
        for (String n : List.of("j1", "j2", "j3")) {
            state.onBirth(WireSamples.birth(n, 1, 0, 0), 0);
            state.onTelemetry(WireSamples.telemetry(n, 1, 0, 0), 100);
        }
        state.onTelemetry(WireSamples.telemetry("j2", 1, 1, 0), 4000);
        state.onTelemetry(WireSamples.telemetry("j3", 1, 1, 0), 4000);
        FleetSnapshot s = state.snapshot(4500);
        assertThat(status(s, "j1").online()).isFalse();
        assertThat(status(s, "j2").online()).isTrue();
        assertThat(status(s, "j3").online()).isTrue();
    }

    @Test
    void snapshot_wholeFleetSilentAtOnce_keepsNodesOnline_untilOneSpeaksAgain() {
        for (String n : List.of("j1", "j2")) {
            state.onBirth(WireSamples.birth(n, 1, 0, 0), 0);
            state.onTelemetry(WireSamples.telemetry(n, 1, 0, 0), 100);
        }
        // nothing reaches the host for far longer than the stale limit: the host or broker stalled
        FleetSnapshot silent = state.snapshot(60_000);
        assertThat(status(silent, "j1").online()).isTrue();
        assertThat(status(silent, "j2").online()).isTrue();
        assertThat(status(silent, "j1").telemetryAgeMs()).isEqualTo(59_900.0);
        assertThat(state.view(60_000)).allMatch(v -> v.online() && !v.stale());
        // j2 speaks again, j1 does not: j1 is stale measured against the fleet's newest telemetry
        state.onTelemetry(WireSamples.telemetry("j2", 1, 1, 0), 60_100);
        FleetSnapshot after = state.snapshot(60_200);
        assertThat(status(after, "j1").online()).isFalse();
        assertThat(status(after, "j2").online()).isTrue();
    }

    @Test
    void snapshot_wholeFleetSilent_nodeWithEndedSessionIsOfflineAtOnce() {
        for (String n : List.of("j1", "j2", "j3")) {
            state.onBirth(WireSamples.birth(n, 1, 0, 0), 0);
            state.onTelemetry(WireSamples.telemetry(n, 1, 0, 0), 100);
        }
        state.onDeath(new org.edgefm.wire.Death(1, "j3", 1, 200, "will"));
        FleetSnapshot s = state.snapshot(60_000);
        assertThat(status(s, "j3").online()).isFalse();
        assertThat(status(s, "j1").online()).isTrue();
    }

    private static org.edgefm.wire.Telemetry withPeer(long seq, Long samples) {
        org.edgefm.wire.Telemetry t = WireSamples.telemetry("j1", 1, seq, 0);
        return new org.edgefm.wire.Telemetry(t.schema(), t.nodeId(), t.sessionEpoch(), t.seq(), t.timestampMs(),
                t.appliedVersion(), t.host(), t.gpus(), t.services(),
                List.of(new org.edgefm.wire.PeerMetrics("j2", 12.0, 0.05, samples, 100L)));
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
        state.onTelemetry(new org.edgefm.wire.Telemetry(1, "j1", 2, 0, 1000, 0, withPeer(0, 1L).host(), List.of(),
                List.of(), withPeer(0, 1L).peers()), 80);
        assertThat(state.snapshot(90).links()).hasSize(1);
        // an agent that does not send the count: every snapshot counts
        state.onTelemetry(new org.edgefm.wire.Telemetry(1, "j1", 2, 1, 1000, 0, withPeer(0, 1L).host(), List.of(),
                List.of(), List.of(new org.edgefm.wire.PeerMetrics("j3", 5.0, 0.1, null, null))), 100);
        assertThat(state.snapshot(110).links()).extracting(org.edgefm.api.spi.LinkEstimate::b).containsExactly("j3");
        assertThat(state.snapshot(120).links()).extracting(org.edgefm.api.spi.LinkEstimate::b).containsExactly("j3");
    }

    static org.edgefm.wire.Ack applied(String node, long epoch, long version, List<InstanceStart> started,
            List<InstanceStop> stopped) {
        return new org.edgefm.wire.Ack(1, node, epoch, version, AckOutcome.APPLIED, null, 1_000 + version, started,
                stopped);
    }

    static FleetState.SwitchView switches(FleetState s, String node) {
        return s.view(0).stream().filter(v -> v.node().equals(node)).findFirst().orElseThrow().switches();
    }

    @Test
    void ack_appliedWithInstances_recordsLoadsAndUnloadsOncePerDirective() {
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        FleetState.AckSwitches first = state.onAck(applied("j1", 7, 1,
                List.of(new InstanceStart("patch", 40.0, "npy patch.npy"), new InstanceStart("tok", null, null)), List.of()));
        assertThat(first.started()).extracting(InstanceStart::service).containsExactly("patch", "tok");
        // the same ack again (QoS 1 re-delivery) and the ack of an older version add nothing
        assertThat(state.onAck(applied("j1", 7, 1, List.of(new InstanceStart("patch", 40.0, "npy patch.npy")),
                List.of())).isEmpty()).isTrue();
        state.onAck(applied("j1", 7, 2, List.of(new InstanceStart("enc", 80.0, InstanceStart.GENERATED)),
                List.of(new InstanceStop("patch"))));
        assertThat(state.onAck(applied("j1", 7, 1, List.of(new InstanceStart("x", 1.0, null)), List.of())).isEmpty())
                .isTrue();
        // rejected and stale acks carry no switches
        assertThat(state.onAck(new org.edgefm.wire.Ack(1, "j1", 7, 3, AckOutcome.REJECTED, "no", 5)).isEmpty()).isTrue();

        FleetState.SwitchView v = switches(state, "j1");
        assertThat(v.loads()).isEqualTo(3);
        assertThat(v.unloads()).isEqualTo(1);
        assertThat(v.timedLoads()).isEqualTo(2);
        assertThat(v.meanPreloadMs()).isEqualTo(60.0);
        assertThat(v.maxPreloadMs()).isEqualTo(80.0);
        assertThat(v.recent()).containsExactly(
                new ModelSwitch("j1", ModelSwitch.Kind.LOAD, "patch", 7, 1, 1_001, 40.0, "npy patch.npy"),
                new ModelSwitch("j1", ModelSwitch.Kind.LOAD, "tok", 7, 1, 1_001, null, null),
                new ModelSwitch("j1", ModelSwitch.Kind.UNLOAD, "patch", 7, 2, 1_002, null, null),
                new ModelSwitch("j1", ModelSwitch.Kind.LOAD, "enc", 7, 2, 1_002, 80.0, "generated"));
        // a new planner epoch starts its versions again
        assertThat(state.onAck(applied("j1", 8, 1, List.of(), List.of(new InstanceStop("enc")))).isEmpty()).isFalse();
        assertThat(switches(state, "j1").unloads()).isEqualTo(2);
    }

    @Test
    void ack_manySwitches_keepsTheNewestInTheRingAndCountsAll() {
        int n = FleetState.RECENT_SWITCHES + 20;
        for (int v = 1; v <= n; v++) {
            state.onAck(applied("j1", 1, v, List.of(new InstanceStart("s" + v, (double) v, InstanceStart.GENERATED)),
                    List.of()));
        }
        FleetState.SwitchView sw = switches(state, "j1");
        assertThat(sw.loads()).isEqualTo(n);
        assertThat(sw.maxPreloadMs()).isEqualTo((double) n);
        assertThat(sw.recent()).hasSize(FleetState.RECENT_SWITCHES);
        assertThat(sw.recent().get(0).service()).isEqualTo("s21");
        assertThat(sw.recent().get(sw.recent().size() - 1).service()).isEqualTo("s" + n);
    }

    @Test
    void view_nodeWithoutSwitches_reportsZeroTotalsAndNoPreload() {
        state.onBirth(WireSamples.birth("j1", 1, 0, 0), 0);
        FleetState.SwitchView sw = switches(state, "j1");
        assertThat(sw.loads()).isZero();
        assertThat(sw.meanPreloadMs()).isNull();
        assertThat(sw.recent()).isEmpty();
    }

    @Test
    void snapshot_handsOutEachSwitchOnce_acrossNodes() {
        state.onAck(applied("j1", 1, 1, List.of(new InstanceStart("a", 3.0, InstanceStart.GENERATED)), List.of()));
        state.onAck(applied("j2", 1, 1, List.of(), List.of(new InstanceStop("b"))));
        assertThat(state.snapshot(10).switches()).extracting(ModelSwitch::node, ModelSwitch::kind, ModelSwitch::service)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("j1", ModelSwitch.Kind.LOAD, "a"),
                        org.assertj.core.groups.Tuple.tuple("j2", ModelSwitch.Kind.UNLOAD, "b"));
        assertThat(state.snapshot(20).switches()).isEmpty();
        // the node's totals and ring are not consumed by snapshots
        assertThat(switches(state, "j1").recent()).hasSize(1);
    }
}
