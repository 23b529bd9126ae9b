package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.LinkEstimate;
import org.edgefm.api.spi.Route;
import org.edgefm.scenario.LinkImpairment;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;

/** Link impairment windows: transfers slow down or fail inside them, and the links are reported as probes would. */
class LinkImpairmentTest {
    // a (speed 1) and b (speed 2) over 0.5 MB/ms, 100 km, 0.25 ms extra: one-way fixed delay 0.75 ms.
    private static final LinkSpec AB = new LinkSpec("a", "b", 0.5, 100, 0.25);
    private static final ServiceSpec PRE = lightService("pre", 1.0, 1.0, new RateModel.Deterministic(0.5));
    private static final ServiceSpec ENC = coreService("enc", 3.0, 0.2, 1.0);

    private static SimulatedFleet twoStage(List<LinkImpairment> impairments) {
        SystemModel m = model(List.of(node("a", 1.0), node("b", 2.0)), List.of(AB), List.of(PRE, ENC),
                List.of(chain("cap", 2.0, 50, "pre", "enc")), List.of(user("u", "a", 0.5, 3.0)),
                List.of(periodic("u", "cap", 100)));
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 1, SimSettings.DEFAULTS, Map.of(), impairments);
        List<Route> routes = List.of(route("cap", "s0", "a"), route("cap", "s1", "b"));
        f.apply(directive("a", 1, List.of(light(PRE, 1, 1)), routes));
        f.apply(directive("b", 1, List.of(core(ENC, 1)), routes));
        return f;
    }

    @Test
    void degradedWindow_transfersStartedInsideItTakeTheImpairedDelay_linkReportedFromItsStart() {
        // Tasks arrive every 100 ms and hand 1 MB from a to b 4 ms later. Inside [250, 550) the link has a quarter
        // of its bandwidth and 1 ms more latency: 1/0.125 + 0.5 + 1.25 = 9.75 ms instead of 2.75, +7 ms per task.
        SimulatedFleet f = twoStage(List.of(LinkImpairment.degraded("b", "a", 250, 300.0, 0.25, 1.0)));
        f.advanceTo(240);
        assertThat(f.snapshot().links()).isEmpty();
        f.advanceTo(450);
        List<LinkEstimate> during = f.snapshot().links();
        assertThat(during).hasSize(1);
        assertThat(during.get(0).bandwidthMbPerMs()).isCloseTo(0.125, within(1e-12));
        assertThat(during.get(0).rttMs()).isCloseTo(2 * (0.5 + 1.25), within(1e-12));
        assertThat(f.linksInForce()).hasSize(1);
        f.advanceTo(1050);
        List<LinkEstimate> after = f.snapshot().links();
        // probes go on after the window: the declared figures again
        assertThat(after).hasSize(1);
        assertThat(after.get(0).bandwidthMbPerMs()).isEqualTo(0.5);
        assertThat(after.get(0).rttMs()).isCloseTo(1.5, within(1e-12));
        assertThat(f.linksInForce()).containsExactly(AB);
        double[] lat = f.stats().latenciesMs();
        assertThat(lat).hasSize(10);
        // arrivals 100, 200 | 300, 400, 500 | 600 ... 1000
        for (int i = 0; i < lat.length; i++) {
            double want = i >= 2 && i <= 4 ? 15.25 : 8.25;
            assertThat(lat[i]).as("task %d", i).isCloseTo(want, within(1e-9));
        }
    }

    @Test
    void cutLink_tasksThatNeedItInsideTheWindowFail_othersComplete_cutLinkNotReported() {
        SimulatedFleet f = twoStage(List.of(LinkImpairment.cut("a", "b", 250, 300.0)));
        f.advanceTo(400);
        var during = f.snapshot();
        assertThat(during.links()).isEmpty();
        assertThat(f.linksInForce()).isEmpty();
        f.advanceTo(2050);
        SimStats s = f.stats();
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.completed()).isEqualTo(17);
        List<TaskCompletion> all = new ArrayList<>(during.completions());
        all.addAll(f.snapshot().completions());
        assertThat(all).filteredOn(c -> !c.success()).extracting(TaskCompletion::submittedAtMs).containsExactly(300L, 400L, 500L);
    }

    @Test
    void openEndedWindow_lastsToTheEnd_overlappingWindowsCombine() {
        SimulatedFleet f = twoStage(List.of(LinkImpairment.degraded("a", "b", 150, null, 0.5, 0.0),
                LinkImpairment.degraded("a", "b", 350, 100.0, 0.5, 2.0)));
        f.advanceTo(1050);
        double[] lat = f.stats().latenciesMs();
        // from 150 on: 1/0.25 + 0.75 = 4.75 (+2); 350..450 also: 1/0.125 + 0.75 + 2 = 10.75 (+8)
        assertThat(lat[0]).isCloseTo(8.25, within(1e-9));
        assertThat(lat[1]).isCloseTo(10.25, within(1e-9));
        assertThat(lat[3]).isCloseTo(16.25, within(1e-9));
        assertThat(lat[9]).isCloseTo(10.25, within(1e-9));
        assertThat(f.snapshot().links()).singleElement().satisfies(l -> assertThat(l.bandwidthMbPerMs()).isEqualTo(0.25));
    }

    @Test
    void noImpairments_snapshotsReportNoLinks_runUnchanged() {
        SimulatedFleet f = twoStage(List.of());
        f.advanceTo(1050);
        assertThat(f.snapshot().links()).isEmpty();
        assertThat(java.util.Arrays.stream(f.stats().latenciesMs()).boxed().toList()).hasSize(10).allSatisfy(l -> assertThat(l).isCloseTo(8.25, within(1e-9)));
    }

    @Test
    void scenario_impairmentOfAnUndeclaredLinkOrAContradictoryOne_isRefusedWithItsField() {
        Scenario lab = ScenarioLoader.load(Path.of("..", "scenarios", "jetson-lab.json"));
        assertThatThrownBy(() -> lab.withEvents("x", "", List.of(), List.of(LinkImpairment.degraded("cloud", "orin-nano", 0,
                null, 0.5, 0))))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("impairments[0]")
                .hasMessageContaining("not in 'topology.links'");
        assertThatThrownBy(() -> new LinkImpairment("a", "b", 0, null, 0.5, null, true))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("down");
        assertThatThrownBy(() -> new LinkImpairment("a", "b", 0, null, 1.0, 0.0, false))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("bandwidthFactor");
        assertThatThrownBy(() -> new LinkImpairment("a", "b", 0, null, 0.0, null, false))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("in (0, 1]");
        Scenario ok = lab.withEvents("lab-impaired", "", List.of(), List.of(LinkImpairment.cut("edge-a100", "cloud", 10, 5.0)));
        Scenario back = ScenarioLoader.parse(ScenarioLoader.toJson(ok), "round trip");
        assertThat(back.impairments()).isEqualTo(ok.impairments());
    }
}
