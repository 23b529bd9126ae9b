package org.edgefm.host.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Death;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;

/**
 * Snapshots reuse the service rows of a node without news and skip the links it already reported;
 * on random sequences of births, deaths, restarts and telemetry (services, repeated and unmeasured
 * links, links without sample counts) every snapshot equals the one built from scratch.
 */
class FleetStateIncrementalTest {
    @Test
    void snapshots_randomReports_equalTheFromScratchOnes() {
        for (long seed : new long[] {1, 2, 3, 5, 8, 13, 21, 34, 55, 89}) {
            Random rnd = new Random(seed);
            FleetState inc = new FleetState(2_000, List.of(), true);
            FleetState ref = new FleetState(2_000, List.of(), false);
            int nodes = 8;
            long[] session = new long[nodes];
            long[] seq = new long[nodes];
            long[] samples = new long[nodes];
            double now = 0;
            int snapshots = 0;
            for (int step = 0; step < 1_500; step++) {
                now += rnd.nextInt(120);
                int i = rnd.nextInt(nodes);
                String id = "n" + i;
                int what = rnd.nextInt(20);
                if (what == 0 || session[i] == 0) {
                    session[i]++; // a (re)start: a new session, link counts from 0
                    seq[i] = 0;
                    samples[i] = 0;
                    Birth b = new Birth(WireCodec.SCHEMA, id, session[i], 1000, "p", "test",
                            new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "nd4j-cpu", List.of()), 0, 0, List.of(),
                            "127.0.0.1:" + (9000 + i));
                    inc.onBirth(b, now);
                    ref.onBirth(b, now);
                } else if (what == 1) {
                    Death d = new Death(WireCodec.SCHEMA, id, session[i], 1000, "will");
                    inc.onDeath(d);
                    ref.onDeath(d);
                } else if (what < 12) {
                    seq[i]++;
                    if (rnd.nextBoolean()) {
                        samples[i] += rnd.nextInt(3);
                    }
                    Telemetry t = telemetry(rnd, id, session[i], seq[i], samples[i], nodes);
                    assertThat(inc.onTelemetry(t, now)).isEqualTo(ref.onTelemetry(t, now));
                } else {
                    FleetSnapshot a = inc.snapshot(now);
                    FleetSnapshot b = ref.snapshot(now);
                    assertThat(a).as("seed %d, snapshot %d", seed, snapshots).isEqualTo(b);
                    snapshots++;
                }
            }
            assertThat(snapshots).isGreaterThan(100);
        }
    }

    private static Telemetry telemetry(Random rnd, String id, long session, long seq, long samples, int nodes) {
        List<ServiceMetrics> services = new ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
            List<Double> rates = rnd.nextBoolean() ? List.of() : List.of(rnd.nextDouble());
            services.add(new ServiceMetrics(rnd.nextBoolean() ? "enc" : "dec", 1, 1, rnd.nextInt(3), 0, rnd.nextInt(3),
                    rnd.nextInt(2), null, rnd.nextBoolean() ? null : 12.0, rates, List.of()));
        }
        List<PeerMetrics> peers = new ArrayList<>();
        for (int k = rnd.nextInt(4); k > 0; k--) {
            String peer = "n" + rnd.nextInt(nodes);
            if (peer.equals(id)) {
                continue;
            }
            int kind = rnd.nextInt(6);
            // a measured link with a count; without one; unmeasured; the same peer twice with a smaller count
            Long count = kind == 0 ? null : kind == 1 ? Math.max(0, samples - 1) : samples;
            Double rtt = kind == 2 ? null : 1.0 + rnd.nextInt(5);
            peers.add(new PeerMetrics(peer, rtt, 12.5, count, null));
        }
        return new Telemetry(WireCodec.SCHEMA, id, session, seq, 1000, 0,
                new HostMetrics(rnd.nextDouble(), List.of(), 1, 2, 0, 0, 1, 2, 0, 0, null, 1), List.of(), services, peers);
    }
}
