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
    void expand_withBackbone_linksEveryCellsGatewayInATree_soEveryNodeReachesEveryOther() {
        Scenario s = ScenarioCells.expand(lab, 42, ScenarioCells.Backbone.metro());
        java.util.List<LinkSpec> backbone = s.topology().links().stream()
                .filter(l -> !l.a().substring(l.a().length() - 4).equals(l.b().substring(l.b().length() - 4))).toList();
        assertThat(backbone).hasSize(10); // 11 cells, the last cut to two nodes
        assertThat(backbone.get(0)).isEqualTo(new LinkSpec("edge-l4-0001", "edge-l4-0000", 1.25, 20, 1.0));
        assertThat(backbone.get(4).b()).isEqualTo("edge-l4-0001"); // cell 5 hangs below cell (5 - 1) / 4
        assertThat(backbone.get(9).a()).isEqualTo("agx-orin-0010"); // the cut cell has no edge server
        java.util.Map<String, java.util.List<String>> adj = new java.util.HashMap<>();
        s.topology().links().forEach(l -> {
            adj.computeIfAbsent(l.a(), k -> new java.util.ArrayList<>()).add(l.b());
            adj.computeIfAbsent(l.b(), k -> new java.util.ArrayList<>()).add(l.a());
        });
        java.util.Set<String> seen = new java.util.HashSet<>(java.util.List.of("agx-orin-0000"));
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(seen);
        while (!todo.isEmpty()) {
            adj.getOrDefault(todo.poll(), java.util.List.of()).forEach(n -> {
                if (seen.add(n)) {
                    todo.add(n);
                }
            });
        }
        assertThat(seen).hasSize(42);
        assertThat(s.description()).contains("backbone");
    }

    @Test
    void expand_zeroNodes_isRefused() {
        assertThatThrownBy(() -> ScenarioCells.expand(lab, 0)).hasMessage("nodes: 0 (expected: > 0)");
    }
}
