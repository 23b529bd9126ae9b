package org.edgefm.planner.lymdo;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefm.scenario.Scenario;
import org.edgefm.planner.genai.GenAiScenarioEvaluation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LymdoScenarioTest {
    @BeforeAll
    static void oneNd4jThread() {
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);
    }

    @Test
    void lymdoVideo_everyPlannerRunsAndExhaustiveBeatsTheFixedRules() {
        Scenario sc = GenAiScenarioEvaluation.scenario("lymdo-video");
        LymdoScenarioEvaluation.Outcome ex = LymdoScenarioEvaluation.run(sc, "lymdo-exhaustive", 1, 60);
        for (String p : new String[] {"all-local", "all-edge", "fixed-split"}) {
            LymdoScenarioEvaluation.Outcome o = LymdoScenarioEvaluation.run(sc, p, 1, 60);
            assertThat(ex.meanDelayMs()).as(p).isLessThan(o.meanDelayMs());
        }
        assertThat(LymdoScenarioEvaluation.run(sc, "lymdo", 1, 60).meanDelayMs()).isFinite();
    }
}
