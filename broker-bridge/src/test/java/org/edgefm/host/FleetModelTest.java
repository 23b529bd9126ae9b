package org.edgefm.host;

import org.edgefm.control.FleetNotices;
import org.edgefm.control.JoinedNode;
import org.edgefm.control.FleetModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.SystemModel;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

class FleetModelTest {
    static final Scenario TINY = ScenarioLoader.resolve("tiny");
    static final Scenario SPEC = ScenarioLoader.resolve("tiny-fleet");
    final FleetNotices notices = new FleetNotices();

    static JoinedNode node(String id, String profile, String... labels) {
        return new JoinedNode(id, profile, ResourceVector.of(6, 8, 10, 8), List.of(labels), "10.0.0.2:7000", true);
    }

    private List<String> kinds() {
        return notices.open().stream().map(n -> n.kind().label() + " " + n.subject()).toList();
    }

    @Test
    void scenarioWithoutNodes_loads_andHasNoModelOfItsOwn() {
        assertThat(SPEC.pinsNodes()).isFalse();
        assertThatThrownBy(SPEC::model).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("topology.nodes").hasMessageContaining("agents that join");
    }

    @Test
    void refresh_noNodeJoined_givesNoModel() {
        FleetModel m = new FleetModel(SPEC, FleetModel.Settings.defaults(), notices);
        assertThat(m.refresh(List.of(), 0)).isNull();
        assertThat(kinds()).containsExactly("origin-missing door", "origin-missing cam-a", "origin-missing cam-b");
    }

    @Test
    void refresh_nodesFromBirths_kindFromProfile_capacityFromBirth_defaultSpeedFactor() {
        FleetModel m = new FleetModel(SPEC, new FleetModel.Settings(FleetModel.Source.JOINED, 1000, 0.5), notices);
        SystemModel model = m.refresh(List.of(node("jetson-1", "jetson-orin-nano-8gb"), node("gpu-1", "nvidia-l4")), 10);
        assertThat(model.topology().nodes()).extracting(NodeSpec::id).containsExactly("gpu-1", "jetson-1");
        NodeSpec jetson = model.topology().node("jetson-1").orElseThrow();
        assertThat(jetson.kind()).isEqualTo(NodeKind.DEVICE);
        assertThat(jetson.capacity()).isEqualTo(ResourceVector.of(6, 8, 10, 8));
        assertThat(jetson.speedFactor()).isEqualTo(0.5);
        assertThat(model.topology().node("gpu-1").orElseThrow().kind()).isEqualTo(NodeKind.EDGE_SERVER);
        // no node pins in the scenario: nobody is unexpected
        assertThat(kinds()).noneMatch(k -> k.startsWith("unexpected-node"));
    }

    @Test
    void refresh_usersBindToNodeIdOrLabel_missingOriginIsReportedNotRerouted() {
        FleetModel m = new FleetModel(SPEC, FleetModel.Settings.defaults(), notices);
        SystemModel model = m.refresh(List.of(node("cam-x", "generic-cpu", "camera"), node("srv", "nvidia-l4")), 0);
        // cam-a and cam-b both name the label camera: one node carries it, both bind to it; door's gate-1 is absent
        assertThat(m.origins()).containsEntry("cam-a", "cam-x").containsEntry("cam-b", "cam-x").doesNotContainKey("door");
        assertThat(model.users()).extracting(u -> u.id()).containsExactly("cam-a", "cam-b");
        assertThat(model.workload()).extracting(d -> d.user()).containsExactly("cam-a", "cam-b");
        assertThat(kinds()).containsExactly("origin-missing door");
        assertThat(m.unbound()).containsEntry("door", "gate-1");

        SystemModel grown = m.refresh(List.of(node("cam-x", "generic-cpu", "camera"), node("srv", "nvidia-l4"),
                node("gate-1", "jetson-orin-nx-16gb")), 5);
        assertThat(grown).isNotSameAs(model);
        assertThat(m.origins()).containsEntry("door", "gate-1").containsEntry("cam-a", "cam-x");
        assertThat(kinds()).isEmpty();
        assertThat(m.changedAtMs()).isEqualTo(5);
    }

    @Test
    void refresh_labelledUsersSpreadOverLabelledNodes_andKeepTheirBinding() {
        FleetModel m = new FleetModel(SPEC, FleetModel.Settings.defaults(), notices);
        m.refresh(List.of(node("c1", "generic-cpu", "camera"), node("c2", "generic-cpu", "camera")), 0);
        assertThat(m.origins()).containsEntry("cam-a", "c1").containsEntry("cam-b", "c2");
        m.refresh(List.of(node("c0", "generic-cpu", "camera"), node("c1", "generic-cpu", "camera"),
                node("c2", "generic-cpu", "camera")), 1);
        assertThat(m.origins()).containsEntry("cam-a", "c1").containsEntry("cam-b", "c2");
    }

    @Test
    void refresh_sameNodes_sameInstance() {
        FleetModel m = new FleetModel(SPEC, FleetModel.Settings.defaults(), notices);
        SystemModel a = m.refresh(List.of(node("c1", "generic-cpu", "camera")), 0);
        assertThat(m.refresh(List.of(node("c1", "generic-cpu", "camera")), 3)).isSameAs(a);
        assertThat(m.changedAtMs()).isEqualTo(0);
    }

    @Test
    void refresh_pinnedNodesKeepTheirSpec_unpinnedJoinerIsPlannedAndReportedOnce_awaitedNodesListed() {
        FleetModel m = new FleetModel(TINY, FleetModel.Settings.defaults(), notices);
        SystemModel model = m.refresh(List.of(node("n1", "generic-cpu"), node("jetson-9", "jetson-agx-orin-64gb")), 0);
        assertThat(model.topology().nodes()).extracting(NodeSpec::id).containsExactly("jetson-9", "n1");
        NodeSpec n1 = model.topology().node("n1").orElseThrow();
        assertThat(n1).isEqualTo(new NodeSpec("n1", NodeKind.EDGE_SERVER, TINY.topology().node("n1").orElseThrow().capacity(),
                "generic-cpu", 1.0));
        // only the declared links between joined nodes
        assertThat(model.topology().links()).isEmpty();
        assertThat(kinds()).containsExactlyInAnyOrder("unexpected-node jetson-9", "awaited-node n2", "awaited-node n3");
        assertThat(notices.open().stream().filter(n -> n.subject().equals("jetson-9")).findFirst().orElseThrow().reason())
                .contains("does not declare it").contains("jetson-agx-orin-64gb");
        assertThat(m.awaited()).containsExactly("n2", "n3");

        m.refresh(List.of(node("n1", "generic-cpu"), node("jetson-9", "jetson-agx-orin-64gb"), node("n2", "generic-cpu")), 1);
        assertThat(m.current().topology().links()).hasSize(1);
        assertThat(kinds()).containsExactlyInAnyOrder("unexpected-node jetson-9", "awaited-node n3");
        assertThat(notices.totals()).containsEntry("unexpected-node", 1L).containsEntry("awaited-node", 2L);
    }

    @Test
    void declared_keepsTheScenarioNodes_andAnUnexpectedNodeGetsNoWork() {
        FleetModel m = new FleetModel(TINY, new FleetModel.Settings(FleetModel.Source.DECLARED, 0, 1), notices);
        SystemModel model = m.refresh(List.of(node("x9", "generic-cpu")), 0);
        assertThat(model.topology().nodes()).extracting(NodeSpec::id).containsExactly("n1", "n2", "n3");
        assertThat(kinds()).containsExactly("unexpected-node x9");
        assertThatThrownBy(() -> new FleetModel(SPEC, new FleetModel.Settings(FleetModel.Source.DECLARED, 0, 1), notices))
                .isInstanceOf(ConfigException.class).hasMessageContaining("declares no nodes");
    }

    @Test
    void pinnedScenario_originsByLabelOrUnpinnedNode_bindToTheAgentsThatJoin() {
        Scenario pinned = ScenarioLoader.resolve("pinned-labels");
        FleetModel m = new FleetModel(pinned, FleetModel.Settings.defaults(), notices);
        SystemModel model = m.refresh(List.of(node("srv", "nvidia-l4")), 0);
        // neither origin joined: both streams reported and left out, nothing bound to the pinned server
        assertThat(model.users()).isEmpty();
        assertThat(kinds()).containsExactly("origin-missing cam-a", "origin-missing door");

        SystemModel grown = m.refresh(List.of(node("srv", "nvidia-l4"), node("cam-x", "generic-cpu", "camera"),
                node("gate-1", "jetson-orin-nx-16gb")), 1);
        assertThat(m.origins()).containsEntry("cam-a", "cam-x").containsEntry("door", "gate-1");
        assertThat(grown.users()).extracting(u -> u.id() + "@" + u.node()).containsExactly("cam-a@cam-x", "door@gate-1");
        assertThat(grown.workload()).hasSize(2);
        // the joiners the scenario does not pin are planned for and reported as such
        assertThat(kinds()).containsExactlyInAnyOrder("unexpected-node cam-x", "unexpected-node gate-1");
    }

    @Test
    void declared_pinnedScenarioWithALabelOrigin_isRefusedNamingTheUser() {
        assertThatThrownBy(() -> new FleetModel(ScenarioLoader.resolve("pinned-labels"),
                new FleetModel.Settings(FleetModel.Source.DECLARED, 0, 1), notices))
                .hasMessageStartingWith("users[0].node: 'camera' is not a node in 'topology.nodes' of scenario 'pinned-labels'");
    }

    @Test
    void settings_refuseBadValues() {
        assertThatThrownBy(() -> FleetModel.Source.parse("all")).hasMessage("fleet.model: 'all' (expected: joined or declared)");
        assertThatThrownBy(() -> new FleetModel.Settings(FleetModel.Source.JOINED, -1, 1)).hasMessageContaining("fleet.joinSettleMs");
        assertThatThrownBy(() -> new FleetModel.Settings(FleetModel.Source.JOINED, 0, 0)).hasMessageContaining("fleet.defaultSpeedFactor");
    }
}
