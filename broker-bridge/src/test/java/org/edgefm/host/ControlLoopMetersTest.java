package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FakeFleet;
import org.edgefm.control.LinkEstimator;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.TestPlugin;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The control loop with the host's meters as its listener: topology rebuilds reach /metrics. */
@Timeout(30)
class ControlLoopMetersTest {
    static final Scenario TINY = ScenarioLoader.resolve("tiny");
    final PluginRegistry registry = PluginRegistry.of(List.of(new TestPlugin()));

    @Test
    void step_measuredLinks_reachTheControllersTopologyAndExpire() {
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        TestPlugin.OBSERVED.clear();
        HostMeters meters = new HostMeters();
        try (ControlLoop loop = new ControlLoop(fleet, TINY.model(), registry.resolve("first-fit+record"),
                PlannerConfig.EMPTY, new ControlLoop.Settings(100, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), 7,
                        false, () -> 42L), new LinkEstimator.Settings(LinkEstimator.Mode.MEASURED, 0.3, 1000, 0.2, 1, 200),
                meters)) {
            loop.step();
            fleet.links.add(new org.edgefm.api.spi.LinkEstimate("n2", "n1", 80, 0.002));
            fleet.now = 100;
            loop.step();
            fleet.now = 5000;
            loop.step();
        }
        List<org.edgefm.api.spi.SlotObservation> seen = TestPlugin.OBSERVED;
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0).model()).isEqualTo(TINY.model());
        assertThat(seen.get(1).links()).containsExactly(new org.edgefm.api.spi.LinkEstimate("n1", "n2", 80, 0.002));
        assertThat(seen.get(1).model().topology().link("n1", "n2").orElseThrow().extraLatencyMs()).isEqualTo(40.0);
        // no report for longer than links.maxAgeMs: back to the declared link
        assertThat(seen.get(2).links()).isEmpty();
        assertThat(seen.get(2).model().topology().link("n1", "n2")).isEqualTo(TINY.model().topology().link("n1", "n2"));
        assertThat(meters.topologyRebuilds(LinkEstimator.Change.APPEARED)).isEqualTo(1);
        assertThat(meters.topologyRebuilds(LinkEstimator.Change.EXPIRED)).isEqualTo(1);
        assertThat(meters.topologyRebuilds()).isEqualTo(2);
        assertThat(meters.scrape()).contains("edgefm_topology_rebuilds_total{reason=\"moved\"} 0.0")
                .contains("edgefm_topology_rebuilds_total{reason=\"link-appeared\"} 1.0");
    }
}
