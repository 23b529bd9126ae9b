package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.control.PluginRegistry;
import org.edgefm.sim.FluidLpBound;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.SimStats;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.ZeroContentionBound;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offline bounds against the shipped planners on short runs of the shipped scenarios: for every
 * seed and load, each planner's on-time rate is at most the LP bound for the same arrivals (up to the
 * run's binomial sampling error: the bound caps each stream at its expected feasible share), and the
 * LP bound is at most the zero-contention bound.
 */
class BoundsAgainstPlannersTest {
    private static final List<String> PLANNERS = List.of("two-tier", "prop-avg", "all-static", "greedy", "random");

    @ParameterizedTest
    @ValueSource(strings = {"paper-table1", "jetson-lab"})
    void lpBound_atLeastEveryPlanner_atMostZeroContention(String name) {
        Scenario base = ScenarioLoader.resolve(name);
        RunSettings r = base.run();
        int slots = name.equals("paper-table1") ? 150 : 60;
        Scenario s = new Scenario(base.schema(), base.name(), base.description(), base.topology(), base.services(),
                base.taskTypes(), base.users(), base.workload(), new RunSettings(r.slotMs(), slots, r.planningEpochMs(),
                r.seed()), base.failures(), base.planner());
        SimSettings settings = SimSettings.from(s.planner());
        PluginRegistry registry = PluginRegistry.load(getClass().getClassLoader(), Path.of("no-plugins-dir"));
        double zc = ZeroContentionBound.estimate(s.model(), 50_000, 1, settings.compute()).onTimeRate();
        FluidLpBound lp = FluidLpBound.prepare(s.model(), r.slotMs(), settings, 1_000, 1);
        for (double load : new double[] {1, 3}) {
            for (long seed = 1; seed <= 2; seed++) {
                double bound = lp.onTimeRate(load, slots, seed);
                assertThat(bound).as("%s load %s seed %d", name, load, seed).isLessThanOrEqualTo(zc + 0.01);
                for (String p : PLANNERS) {
                    SimStats st = SimulationRun.run(s, registry.resolve(p), s.plannerConfig(), seed, load, null).stats();
                    // the bound holds for the expected share over channel and rate draws (p_s is a
                    // probability); a single run may exceed it by its own binomial sampling error
                    double n = st.submitted();
                    double tolerance = 3 * Math.sqrt(bound * (1 - bound) / n) + 1 / n;
                    assertThat(st.onTimeRate()).as("%s %s load %s seed %d (LP bound %.4f)", name, p, load, seed, bound)
                            .isLessThanOrEqualTo(bound + tolerance);
                }
            }
        }
    }
}
