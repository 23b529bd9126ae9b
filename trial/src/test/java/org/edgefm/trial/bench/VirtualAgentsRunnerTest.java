package org.edgefm.trial.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import org.edgefm.trial.run.UsageException;
import org.junit.jupiter.api.Test;

class VirtualAgentsRunnerTest {
    private static int run(String broker, int agents) throws Exception {
        return new VirtualAgentsRunner(new VirtualAgentsOptions(broker, "f", "../scenarios/trial-lab.json", false, agents, 1000, 1, 1,
                Path.of("unused.json"))).run(new PrintWriter(new StringWriter()), new BufferedReader(new StringReader("stop\n")));
    }

    @Test
    void run_badBrokerOrAgentCount_refusedNamingTheFlag() {
        assertThatThrownBy(() -> run("localhost:1883", 1)).isInstanceOf(UsageException.class)
                .hasMessage("--broker: 'localhost:1883' (expected: tcp://host:port)");
        assertThatThrownBy(() -> run("tcp://localhost:1883", 10_000)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--agents: 10000 (expected: 1-");
    }
}
