package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgefm.control.PluginRegistry;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.SimStats;
import org.edgefm.sim.SimulationRun;
import org.junit.jupiter.api.Test;

/**
 * {@code trial-lab-slow-link} separates the planners for the reason its file gives: a light tier
 * that keeps the caption stream's light stages on its origin behind the slow link ({@code greedy})
 * sends each task over that link four times (out to the encoder, back to the projector, out to the
 * LLM, back to the detokenizer) and misses the caption deadline; one that places them next to the
 * core hosts ({@code two-tier}) sends it over once.
 */
class SlowLinkScenarioTest {
    @Test
    void slowLink_originFirstLightTier_losesTheCaptionStream_networkAwareKeepsIt() {
        Scenario base = ScenarioLoader.resolve("trial-lab-slow-link");
        RunSettings r = base.run();
        Scenario s = new Scenario(base.schema(), base.name(), base.description(), base.topology(), base.services(),
                base.taskTypes(), base.users(), base.workload(), new RunSettings(r.slotMs(), 60, r.planningEpochMs(),
                r.seed()), base.failures(), base.planner());
        PluginRegistry registry = PluginRegistry.load(getClass().getClassLoader(), Path.of("no-plugins-dir"));
        SimStats twoTier = SimulationRun.run(s, registry.resolve("two-tier"), s.plannerConfig(), r.seed(), 1, null).stats();
        SimStats greedy = SimulationRun.run(s, registry.resolve("greedy"), s.plannerConfig(), r.seed(), 1, null).stats();
        // the caption stream is 1 of the 2.5 tasks/s: 40 % of the arrivals
        assertThat(twoTier.onTimeRate()).as("two-tier").isGreaterThan(0.95);
        assertThat(greedy.onTimeRate()).as("greedy").isLessThan(0.65);
        assertThat(greedy.latencyQuantileMs(0.95)).as("greedy p95: four crossings of 250 ms")
                .isGreaterThan(4 * 250);
    }
}
