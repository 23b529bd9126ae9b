package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.control.FakeFleet;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.ModelSwitch;
import org.edgefm.control.NodeStatus;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.TestPlugin;
import org.edgefm.host.journal.JournalReplay;
import org.edgefm.host.journal.TrialJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalReplayTest {
    @TempDir
    Path dir;

    @Test
    void recordedTrial_replaysAgainstAnotherController() {
        Scenario tiny = ScenarioLoader.resolve("tiny");
        PluginRegistry reg = PluginRegistry.of(List.of(new TestPlugin()));
        FakeFleet fleet = new FakeFleet("n1", "n2", "n3");
        StringWriter export = new StringWriter();
        try (TrialJournal journal = new TrialJournal(dir.resolve("j.db"));
             ControlLoop loop = new ControlLoop(fleet, tiny.model(), reg.resolve("test-pair"), PlannerConfig.EMPTY,
                     new ControlLoop.Settings(100, 0, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5),
                             1, false, () -> 0L), journal)) {
            for (int i = 0; i < 4; i++) {
                fleet.now = i * 100;
                fleet.online.put("n3", i < 2);
                loop.step();
            }
            journal.exportJsonLines(export);
        }
        List<FleetSnapshot> snaps = JournalReplay.snapshots(new StringReader(export.toString()));
        assertThat(snaps).hasSize(4);
        assertThat(snaps.get(3).nodes()).anyMatch(n -> n.node().equals("n3") && !n.online());

        JournalReplay.Outcome o = JournalReplay.replay(snaps, tiny.model(), reg.resolve("first-fit+churn"),
                PlannerConfig.of(Map.of()), 100);
        assertThat(o.failures()).isEmpty();
        assertThat(o.decisions()).hasSize(4);
        // churn changes parallelism every slot; n3 is offline in the last two recorded slots
        assertThat(o.decisions().get(3).allocations()).noneMatch(a -> a.node().equals("n3"));
        assertThat(o.decisions().get(1).allocation("n1", "head").parallelism()).isEqualTo(2);
    }

    @Test
    void journal_keepsModelSwitchesOfSnapshots_andReadsOlderLinesWithout() {
        List<ModelSwitch> switches = List.of(
                new ModelSwitch("n1", ModelSwitch.Kind.LOAD, "patch", 2, 5, 1_700, 41.5, "npy patch.npy"),
                new ModelSwitch("n1", ModelSwitch.Kind.UNLOAD, "enc", 2, 5, 1_700, null, null));
        StringWriter export = new StringWriter();
        try (TrialJournal journal = new TrialJournal(dir.resolve("s.db"))) {
            journal.onSnapshot(0, new FleetSnapshot(100, List.of(new NodeStatus("n1", true, 1, 2, 5, 0.0, null)),
                    List.of(), List.of(), List.of(), List.of(), List.of(), 0, switches));
            journal.exportJsonLines(export);
        }
        assertThat(export.toString()).contains("\"kind\":\"load\"").contains("\"weights\":\"npy patch.npy\"");
        List<FleetSnapshot> back = JournalReplay.snapshots(new StringReader(export.toString()
                + "{\"seq\":2,\"kind\":\"snapshot\",\"slot\":1,\"data\":{\"nowMs\":200.0,\"nodes\":[],\"submitted\":0}}\n"));
        assertThat(back).hasSize(2);
        assertThat(back.get(0).switches()).isEqualTo(switches);
        assertThat(back.get(1).switches()).isEmpty();
    }
}
