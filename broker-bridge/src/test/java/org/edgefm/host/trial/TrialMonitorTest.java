package org.edgefm.host.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.scenario.ScenarioLoader;
import org.edgefm.api.wire.Birth;
import org.edgefm.api.wire.Capabilities;
import org.edgefm.api.wire.Death;
import org.edgefm.api.wire.Topics;
import org.edgefm.api.wire.WireCodec;
import org.junit.jupiter.api.Test;

/** The monitor's bookkeeping of births and deaths, fed the wire messages directly. */
class TrialMonitorTest {
    private final Topics topics = Topics.forFleet("f");
    private final WireCodec codec = new WireCodec();
    private final TrialMonitor monitor = new TrialMonitor("tcp://127.0.0.1:1", "f",
            ScenarioLoader.load(Path.of("../scenarios/trial-lab.json")));

    private void birth(String node, long session, String endpoint) {
        monitor.handle(topics.birth(node), codec.encode(new Birth(WireCodec.SCHEMA, node, session, 1000, "p", "test",
                new Capabilities(ResourceVector.of(4, 8, 0, 0), "amd64", "nd4j-cpu", List.of()), 0, 0, List.of(), endpoint)));
    }

    private void death(String node, long session) {
        monitor.handle(topics.death(node), codec.encode(new Death(WireCodec.SCHEMA, node, session, 1000, "will")));
    }

    private int births(String node) {
        return monitor.summary("two-tier", "embedded").agents().get(node).births();
    }

    @Test
    void birthRepublishedInTheSameSession_countsOnce() {
        birth("a", 10, "127.0.0.1:1000");
        birth("a", 10, "127.0.0.1:1000"); // after calibration
        assertThat(births("a")).isEqualTo(1);
    }

    @Test
    void newSessionAfterADeath_countsAsASecondBirth() {
        birth("a", 10, "127.0.0.1:1000");
        death("a", 10);
        assertThat(monitor.endpoint("a")).isNull();
        birth("a", 11, "127.0.0.1:1001");
        assertThat(births("a")).isEqualTo(2);
        assertThat(monitor.endpoint("a")).isEqualTo("127.0.0.1:1001");
    }

    @Test
    void willOfAnOlderSession_doesNotEndTheCurrentOne() {
        birth("a", 11, "127.0.0.1:1001");
        death("a", 10);
        assertThat(monitor.endpoint("a")).isEqualTo("127.0.0.1:1001");
        birth("a", 10, "127.0.0.1:1000"); // a stale retained birth
        assertThat(monitor.endpoint("a")).isEqualTo("127.0.0.1:1001");
        assertThat(births("a")).isEqualTo(1);
    }
}
