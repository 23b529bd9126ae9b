package org.edgefm.trial.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.edgefm.trial.run.UsageException;
import org.junit.jupiter.api.Test;

class LoadBenchRunnerTest {
    private static LoadBenchOptions options(int agents, String duration, String broker, String coreBudget) {
        return new LoadBenchOptions(agents, duration, "../scenarios/trial-lab.json", LoadBenchRunner.DEFAULT_PLANNER, broker, "1s", "5m",
                coreBudget, null, null, null, "unused.Main");
    }

    private static void run(LoadBenchOptions o) throws Exception {
        new LoadBenchRunner(o).run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    @Test
    void run_badOptions_refusedNamingTheFlagBeforeAnythingStarts() {
        assertThatThrownBy(() -> run(options(0, "10s", null, "60s"))).isInstanceOf(UsageException.class)
                .hasMessage("--agents: 0 (expected: 1-100000)");
        assertThatThrownBy(() -> run(options(10, "soon", null, "60s"))).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--duration: 'soon'");
        assertThatThrownBy(() -> run(options(10, "10s", "http://broker:1883", "60s"))).isInstanceOf(UsageException.class)
                .hasMessage("--broker: 'http://broker:1883' (expected: tcp://host:port)");
        assertThatThrownBy(() -> run(options(10, "10s", null, "0"))).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--core-budget: '0'");
        LoadBenchOptions o = options(10, "10s", null, "60s");
        assertThatThrownBy(() -> run(new LoadBenchOptions(o.agents(), o.duration(), o.scenario(), o.planner(), o.broker(),
                o.telemetryPeriod(), o.planningEpoch(), o.coreBudget(), null, null, 20, o.virtualAgentsMain())))
                .isInstanceOf(UsageException.class)
                .hasMessage("--agents-nice: 20 (expected: 0-19; 0 runs the agents at the host's priority)");
    }
}
