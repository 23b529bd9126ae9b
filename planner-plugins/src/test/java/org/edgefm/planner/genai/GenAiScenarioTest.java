package org.edgefm.planner.genai;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefm.api.scenario.Scenario;
import org.junit.jupiter.api.Test;

class GenAiScenarioTest {
    @Test
    void genaiEdge_gaOverTwentySlots_costsNoMoreThanEveryBaseline() {
        Scenario sc = GenAiScenarioEvaluation.scenario("genai-edge");
        double ga = GenAiScenarioEvaluation.totalCost(sc, "genai-ga", 1, 20);
        for (String b : new String[] {"all-cloud", "popularity-greedy", "density-greedy", "lru"}) {
            assertThat(ga).as(b).isLessThanOrEqualTo(GenAiScenarioEvaluation.totalCost(sc, b, 1, 20));
        }
    }
}
