package org.edgefm.planner.genai;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefm.scenario.Scenario;
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

    /**
     * Slots 20-39 of genai-edge are the phase in which TinyLlama is the most requested model: the
     * greedy baselines fill the GPU with the small LLMs, the GA keeps Llama-2 FP16 (docs/seed-papers-2-3.md).
     */
    @Test
    void genaiEdge_trendingSmallModelPhase_gaCostsAtLeastOnePercentLessThanTheGreedyBaselines() {
        Scenario sc = GenAiScenarioEvaluation.scenario("genai-edge");
        double ga = GenAiScenarioEvaluation.totalCost(sc, "genai-ga", 1, 40);
        for (String b : new String[] {"popularity-greedy", "density-greedy"}) {
            assertThat(ga).as(b).isLessThan(0.99 * GenAiScenarioEvaluation.totalCost(sc, b, 1, 40));
        }
    }
}
