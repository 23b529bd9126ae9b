package org.edgefm.planner.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every planner on random systems with offline nodes and degraded telemetry: results, never exceptions. */
class PlannerRobustnessTest {
    @ParameterizedTest
    @ValueSource(strings = {"two-tier", "prop-avg", "greedy", "random", "all-static", "cloud-only", "reference"})
    void randomSystemsWithFailuresAndBadTelemetry_giveResultsWithinCapacity(String planner) {
        for (long seed = 1; seed <= 4; seed++) {
            SystemModel m = Fixtures.random(seed, 3, 7, 2, 4, 3);
            SplittableRandom r = new SplittableRandom(seed);
            String lost = "d" + r.nextInt(7);
            PlannerTestKit.Run run = PlannerTestKit.planner(planner).on(m).offline(Set.of(lost)).slots(3).tamper(o -> {
                List<NodeObservation> nodes = new ArrayList<>();
                for (NodeObservation n : o.nodes()) {
                    int roll = r.nextInt(10);
                    if (roll == 0) {
                        continue; // no telemetry at all
                    }
                    nodes.add(roll == 1 ? new NodeObservation(n.node(), n.online(), n.residual(), 1e7, null) : n);
                }
                return new SlotObservation(o.slot(), o.nowMs(), o.slotMs(), o.model(), o.corePlacement(), nodes, o.services(),
                        r.nextBoolean() ? o.arrivals() : List.of(), o.users(), o.links(), o.previous());
            }).run();
            assertThat(run.placement().onNode(lost)).isEmpty();
            run.assertWithinCapacity();
            for (var d : run.decisions()) {
                assertThat(d.plan().isPresent() || !d.reasons().isEmpty()).isTrue();
                d.plan().ifPresent(x -> assertThat(x.allocations()).noneMatch(a -> a.node().equals(lost)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"two-tier", "prop-avg", "greedy", "all-static"})
    void exampleScenario_isPlannedAndEveryStageRouted(String planner) {
        PlannerTestKit.planner(planner).on(Fixtures.example().model()).slots(3).run()
                .assertCorePlanned().assertWithinCapacity().assertEveryStageRouted();
    }
}
