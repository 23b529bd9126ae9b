package org.edgefm.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.junit.jupiter.api.Test;

class ScenarioCellsTest {
    private final Scenario lab = ScenarioLoader.resolve("trial-lab");

    @Test
    void expand_tenNodesOfAFourNodeCell_copiesCellsAndCutsTheLast() {
        Scenario s = ScenarioCells.expand(lab, 10);

        assertThat(s.topology().nodes()).hasSize(10);
        assertThat(s.topology().nodes().get(0).id()).isEqualTo(lab.topology().nodes().get(0).id() + "-0000");
        assertThat(s.topology().nodes().get(9).id()).isEqualTo(lab.topology().nodes().get(1).id() + "-0002");
        for (int i = 0; i < 10; i++) {
            NodeSpec base = lab.topology().nodes().get(i % 4);
            NodeSpec n = s.topology().nodes().get(i);
            assertThat(n.profile()).isEqualTo(base.profile());
            assertThat(n.capacity()).isEqualTo(base.capacity());
        }
        for (LinkSpec l : s.topology().links()) {
            assertThat(l.a().substring(l.a().length() - 4)).isEqualTo(l.b().substring(l.b().length() - 4));
        }
        assertThat(s.users()).allSatisfy(u -> assertThat(s.topology().node(u.node())).isPresent());
        assertThat(s.users().size()).isGreaterThan(2 * lab.users().size()).isLessThanOrEqualTo(3 * lab.users().size());
        assertThat(s.workload()).allSatisfy(d -> assertThat(s.users()).anySatisfy(u -> assertThat(u.id()).isEqualTo(d.user())));
        assertThat(s.name()).isEqualTo("trial-lab-x10");
    }

    @Test
    void expand_zeroNodes_isRefused() {
        assertThatThrownBy(() -> ScenarioCells.expand(lab, 0)).hasMessage("nodes: 0 (expected: > 0)");
    }
}
