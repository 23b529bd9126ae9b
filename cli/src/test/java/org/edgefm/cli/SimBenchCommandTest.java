package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SimBenchCommandTest extends CliTestBase {
    @Test
    void engineAlone_countsEventsAndTasksOfEveryTrial() throws Exception {
        Path json = dir.resolve("b.json");
        int rc = run("bench", "sim", "--scenario", "../scenarios/jetson-lab.json", "--seeds", "3", "--slots", "40",
                "--threads", "2", "--json", json.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("3 seeds x 40 slots").contains("event loop alone").contains("M events/s");

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("planner").isNull()).isTrue();
        assertThat(r.get("tasks").asLong()).isPositive();
        assertThat(r.get("events").asLong()).isGreaterThan(r.get("tasks").asLong()); // several events per task
        assertThat(r.get("plannerS").asDouble()).isZero();
        assertThat(r.get("onTimeRate").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void withPlanner_runsTheSameTrialsAsSimulate() throws Exception {
        Path json = dir.resolve("p.json");
        int rc = run("bench", "sim", "--scenario", "../scenarios/jetson-lab.json", "--seeds", "2", "--slots", "30",
                "--threads", "1", "--planner", "greedy", "--json", json.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("planner greedy in the loop").contains("planner calls");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("planner").asText()).isEqualTo("greedy");
        assertThat(r.get("plannerS").asDouble()).isPositive();

        // The planner's on-time rate is the one simulate reports for the same seeds and slots.
        Path sim = dir.resolve("s.json");
        assertThat(run("simulate", "--scenario", "../scenarios/jetson-lab.json", "--planners", "greedy", "--seeds", "2",
                "--slots", "30", "--threads", "1", "--json", sim.toString())).isZero();
        double simulated = new ObjectMapper().readTree(sim.toFile()).get("results").get(0).get("onTimeRate").get("mean").asDouble();
        assertThat(r.get("onTimeRate").asDouble()).isCloseTo(simulated, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void badArguments_oneLineErrorAndUsageExit() {
        assertThat(run("bench", "sim", "--seeds", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds: 0");
        assertThat(run("bench", "sim", "--scenario", "../scenarios/jetson-lab.json", "--seeds", "1", "--slots", "2",
                "--planner", "nope")).isEqualTo(1);
        assertThat(err.toString()).contains("'nope'");
    }
}
