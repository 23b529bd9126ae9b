package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.ShadowPlanner;
import org.edgefm.trial.report.ReportWriter;
import org.junit.jupiter.api.Test;

/** The trial's shadow section: slots grouped into the workload's windows, console, JSON and report. */
class ShadowSectionTest {
    private static ShadowPlanner.Slot slot(long n, long atMs, String outcome, int routes) {
        return new ShadowPlanner.Slot(n, atMs, outcome, 0, 1, routes, 4, 5, 1.0);
    }

    @Test
    void slotsAreGroupedIntoWorkloadWindows_withTheSlotsBeforeItApart() {
        ShadowPlanner.Report r = new ShadowPlanner.Report("first-fit+ring", "first-fit", "ring", 6, 1,
                Map.of(ShadowPlanner.AGREE, 2L, ShadowPlanner.DIFFER, 2L, ShadowPlanner.FAILED, 1L),
                new PluginHealth(List.of(new PluginHealth.Planner("shadow:ring", "light-controller", 5, 4,
                        Map.of("threw", 1L, "overran", 0L, "infeasible", 0L, "empty", 0L), 3.0, 9.0)), null, 5, 0, 0),
                List.of(slot(0, 9_000, ShadowPlanner.AGREE, 0), slot(1, 10_000, ShadowPlanner.DIFFER, 2),
                        slot(2, 12_000, ShadowPlanner.DIFFER, 4), slot(3, 15_500, ShadowPlanner.AGREE, 0),
                        slot(4, 16_000, ShadowPlanner.FAILED, 0)),
                4, List.of(new ShadowPlanner.Difference("route", "t/e@n1", "-", "n2:1.00")), CorePlacement.EMPTY);
        ShadowSection s = ShadowSection.of(r, 10_000, 5_000);
        assertThat(s.windows()).extracting(ShadowSection.Window::tS).containsExactly(null, 0.0, 5.0);
        ShadowSection.Window first = s.windows().get(1);
        assertThat(first.slots()).isEqualTo(2);
        assertThat(first.agreement()).isZero();
        assertThat(first.routeDiffs()).isEqualTo(3.0);
        assertThat(s.windows().get(2).agreement()).isEqualTo(0.5);

        ObjectNode j = new ObjectMapper().createObjectNode();
        s.addTo(j);
        assertThat(j.get("shadow").get("applied").asBoolean()).isFalse();
        assertThat(j.get("shadow").get("windows").get(1).get("meanRouteDiffs").asDouble()).isEqualTo(3.0);
        assertThat(j.get("shadow").get("windows").get(0).get("tS").isNull()).isTrue();
        assertThat(j.get("shadow").get("latestDifferences").get(0).get("key").asText()).isEqualTo("t/e@n1");
        assertThat(s.lines()).anySatisfy(l -> assertThat(l).contains("2 agree, 2 differ, 1 failed"))
                .anySatisfy(l -> assertThat(l).contains("shadow:ring").contains("not affected"));
        ReportWriter w = new ReportWriter("t");
        s.addTo(w);
        assertThat(w.html()).contains("Shadow planner first-fit+ring").contains("before the workload").contains("t/e@n1");
    }
}
