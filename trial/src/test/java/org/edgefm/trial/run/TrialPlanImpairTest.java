package org.edgefm.trial.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Where a trial's impairment comes from: {@code --impair}, else the scenario's {@code trial.impair} where it applies. */
class TrialPlanImpairTest {
    /** The shipped scenario by file (built-in names resolve in the command's module). */
    private static final String SLOW_LINK = "../scenarios/trial-lab-slow-link.json";
    private final StringWriter said = new StringWriter();

    private TrialPlan plan(String scenario, Integer agents, Integer brokerPort, String impair) throws IOException {
        TrialOptions o = new TrialOptions(scenario, agents, false, null, null, null, brokerPort, null, null, null, null,
                null, null, null, null, null, impair, null, null, null, null, null, null, null, null, false, null, null,
                null, null, false, null, null, null);
        return TrialPlan.check(o, new PrintWriter(said, true));
    }

    @Test
    void scenarioImpairment_appliesWhenNoFlagIsGiven() throws IOException {
        TrialPlan p = plan(SLOW_LINK, null, null, null);
        assertThat(p.impairFromScenario).isTrue();
        assertThat(p.impairSpec.node()).isEqualTo("orin-nx");
        assertThat(p.impairSpec.describe()).isEqualTo("orin-nx: delay=500ms");
        assertThat(said.toString()).isEmpty();
    }

    @Test
    void impairFlag_replacesOrSwitchesOffTheScenarios() throws IOException {
        TrialPlan other = plan(SLOW_LINK, null, null, "agx-orin:delay=100ms");
        assertThat(other.impairFromScenario).isFalse();
        assertThat(other.impairSpec.node()).isEqualTo("agx-orin");
        TrialPlan none = plan(SLOW_LINK, null, null, "none");
        assertThat(none.impairFromScenario).isFalse();
        assertThat(none.impairSpec.profile().isNone()).isTrue();
    }

    @Test
    void scenarioImpairmentOfANodeWithoutAnAgent_isLeftOutWithTheReason() throws IOException {
        TrialPlan p = plan(SLOW_LINK, 1, null, null);
        assertThat(p.impairFromScenario).isFalse();
        assertThat(p.impairSpec.profile().isNone()).isTrue();
        assertThat(said.toString()).contains("scenario trial-lab-slow-link's live impairment (orin-nx:delay=500ms) is not"
                + " applied: orin-nx runs no agent in this trial");
    }

    @Test
    void scenarioImpairmentWithAnExistingFleet_isLeftOutWithTheReason() throws IOException {
        TrialPlan p = plan(SLOW_LINK, 0, 18830, null);
        assertThat(p.impairSpec.profile().isNone()).isTrue();
        assertThat(said.toString()).contains("is not applied: --agents 0 drives agents that run already, over their own"
                + " links");
    }

    @Test
    void scenarioWithoutImpairment_runsUnimpaired() throws IOException {
        TrialPlan p = plan("../scenarios/trial-lab.json", null, null, null);
        assertThat(p.impairFromScenario).isFalse();
        assertThat(p.impairSpec.profile().isNone()).isTrue();
    }

    @Test
    void nodeImpairmentFlagWithAnExistingFleet_isMisuse() {
        assertThatThrownBy(() -> plan(SLOW_LINK, 0, 18830, "orin-nx:delay=5ms"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("a node's impairment needs the trial's own agents");
    }
}
