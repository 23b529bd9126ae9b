package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStoreTest {
    @TempDir
    Path dir;

    @Test
    void stateSurvivesReopen_andSessionEpochsOnlyGrow() {
        long e1;
        try (AgentStore s = AgentStore.open(dir)) {
            e1 = s.nextSessionEpoch();
            assertThat(s.nextSessionEpoch()).isGreaterThan(e1);
            s.saveDirective("{\"v\":3}".getBytes(StandardCharsets.UTF_8));
            s.outboxPut("t1", new byte[] {1});
            s.outboxPut("t2", new byte[] {2});
            s.outboxRemove("t1");
        }
        try (AgentStore s = AgentStore.open(dir)) {
            assertThat(s.nextSessionEpoch()).isGreaterThan(e1 + 1);
            assertThat(new String(s.directive().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":3}");
            assertThat(s.outbox()).containsOnlyKeys("t2");
            assertThat(s.calibration()).isEmpty();
        }
    }
}
