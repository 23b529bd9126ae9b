package org.edgefm.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgefm.api.InvalidFieldException;
import org.junit.jupiter.api.Test;

/**
 * A scenario may pin some nodes and still let users name an origin that is a label or a node that
 * joins later: a live host binds it; the simulator's model refuses it, naming the user and the scenario.
 */
class ScenarioOriginsTest {
    /** One pinned server; users at the pinned server, at a label and at a node that is not pinned. */
    static String scenario(String secondOrigin) {
        return """
                {"schema": 1, "name": "pinned-and-labels",
                 "topology": {"nodes": [{"id": "srv", "kind": "edge-server", "capacity": {"cpu": 8, "ram": 16, "gpu": 16, "vram": 8}}]},
                 "services": [{"id": "enc", "kind": "core", "demand": {"cpu": 2, "ram": 2, "gpu": 8, "vram": 2},
                   "workloadMb": 1.0, "outputMb": 0.5, "rate": {"type": "deterministic", "rate": 0.1},
                   "costs": {"deploy": 20.0, "maintain": 4.0, "parallelism": 0.0}}],
                 "taskTypes": [{"id": "t", "inputMb": 0.5, "deadlineMs": 200, "stages": [{"id": "e", "service": "enc"}]}],
                 "users": [
                   {"id": "local", "node": "srv", "uplinkBandwidthMbPerMs": 0.01, "channel": {"type": "fixed", "snr": 60}},
                   {"id": "cam-a", "node": "%s", "uplinkBandwidthMbPerMs": 0.01, "channel": {"type": "fixed", "snr": 60}}],
                 "workload": [
                   {"user": "local", "taskType": "t", "arrivals": {"type": "poisson", "ratePerMs": 0.001}},
                   {"user": "cam-a", "taskType": "t", "arrivals": {"type": "poisson", "ratePerMs": 0.001}}]}
                """.formatted(secondOrigin);
    }

    @Test
    void pinnedNodes_userNamingALabel_loads_andTheOriginIsListedAsUnpinned() {
        Scenario s = ScenarioLoader.parse(scenario("camera"), "test");
        assertThat(s.pinsNodes()).isTrue();
        assertThat(s.unpinnedOrigins()).containsExactly(java.util.Map.entry("cam-a", "camera"));
    }

    @Test
    void model_userWhoseOriginIsNotPinned_isRefusedNamingUserAndScenario() {
        Scenario s = ScenarioLoader.parse(scenario("camera"), "test");
        assertThatThrownBy(s::model).isInstanceOf(InvalidFieldException.class)
                .hasMessageStartingWith("users[1].node: 'camera' is not a node in 'topology.nodes' of scenario 'pinned-and-labels'")
                .hasMessageContaining("live host binds");
    }

    @Test
    void model_everyOriginPinned_isTheModel() {
        Scenario s = ScenarioLoader.parse(scenario("srv"), "test");
        assertThat(s.unpinnedOrigins()).isEmpty();
        assertThat(s.model().users()).hasSize(2);
    }

    @Test
    void badOriginId_isStillRefusedOnLoad() {
        assertThatThrownBy(() -> ScenarioLoader.parse(scenario("cam/1"), "test")).hasMessageContaining("users[1].node");
    }
}
