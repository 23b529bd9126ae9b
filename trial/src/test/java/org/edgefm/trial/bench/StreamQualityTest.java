package org.edgefm.trial.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.WeightedTarget;
import org.junit.jupiter.api.Test;

class StreamQualityTest {
    static final SystemModel LAB = ScenarioLoader.load(java.nio.file.Path.of("../scenarios/trial-lab.json")).model();

    static RoutingTable allOn(String node, String skipStage) {
        List<Route> routes = new ArrayList<>();
        for (TaskType t : LAB.taskTypes()) {
            for (Stage s : t.stages()) {
                if (!s.id().equals(skipStage)) {
                    routes.add(new Route(t.id(), s.id(), null, List.of(new WeightedTarget("orin-nano", 0.1),
                            new WeightedTarget(node, 0.9))));
                }
            }
        }
        return new RoutingTable(routes);
    }

    @Test
    void everyStageRouted_allStreamsRouted_withAFiniteMeanLatency() {
        StreamQuality q = StreamQuality.of(LAB, allOn("edge-l4", null));
        assertThat(q.streams()).isEqualTo(3);
        assertThat(q.routedShare()).isEqualTo(1.0);
        assertThat(q.meanLatencyMs()).isFinite().isPositive();
        assertThat(q.onTimeShare()).isBetween(0.0, 1.0);
    }

    @Test
    void aStageWithoutRoute_orANodeOutsideTheModel_isNotRouted() {
        assertThat(StreamQuality.of(LAB, allOn("edge-l4", "detok")).routedShare()).isZero();
        assertThat(StreamQuality.of(LAB, allOn("gone", null)).routedShare()).isZero();
        assertThat(StreamQuality.of(LAB, RoutingTable.EMPTY).onTimeShare()).isZero();
    }
}
