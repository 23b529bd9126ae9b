package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.latency.NetworkPaths;
import org.edgefm.scenario.ScenarioCells;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** {@code sparse-ip.candidates-per-origin} and {@code ec-lyapunov.candidates-per-origin}: the K hosts nearest to a stream's origin. */
class CandidatesPerOriginTest {
    static SystemModel linkedCells(int nodes) {
        return ScenarioCells.expand(ScenarioLoader.load(Path.of("..", "scenarios", "trial-lab.json")), nodes,
                ScenarioCells.Backbone.metro()).model();
    }

    @Test
    void nearest_keepsTheOriginAndTheKClosest_inInputOrder() {
        SystemModel m = linkedCells(40);
        NetworkPaths paths = new NetworkPaths(m.topology());
        int origin = paths.indexOf(ScenarioCells.inCell("orin-nano", 3));
        int[] all = new int[paths.size()];
        for (int v = 0; v < all.length; v++) {
            all[v] = v;
        }
        int[] near = paths.nearest(origin, all, 5, 0.15);
        assertThat(near).hasSize(5).contains(origin).isSorted();
        double[] d = paths.distances(origin, 0.15);
        double worstKept = Arrays.stream(near).mapToDouble(v -> d[v]).max().orElseThrow();
        long closerLeftOut = Arrays.stream(all).filter(v -> Arrays.stream(near).noneMatch(x -> x == v))
                .filter(v -> d[v] < worstKept).count();
        assertThat(closerLeftOut).isZero();
        // its own cell's nodes are the nearest
        assertThat(Arrays.stream(near).mapToObj(v -> paths.node(v).id()).filter(id -> id.endsWith("-0003")).count())
                .isEqualTo(4);
        assertThat(paths.nearest(origin, all, 0, 0.15)).isSameAs(all);
    }

    @Test
    void estimates_onAFleetOfAtMostKNodes_areThoseOfEveryHost() {
        SystemModel m = linkedCells(24);
        CoreEstimates bounded = CoreEstimates.compute(m, List.of(), Set.of(), CoreSettings.from(PlannerConfig.EMPTY));
        CoreEstimates all = CoreEstimates.compute(m, List.of(), Set.of(),
                CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidates-per-origin", 0))));
        assertThat(bounded.load).isDeepEqualTo(all.load);
        assertThat(bounded.qos).isDeepEqualTo(all.qos);
    }

    @Test
    void estimates_withKNearest_putLoadOnlyOnHostsNearSomeOrigin() {
        SystemModel m = linkedCells(200);
        CoreEstimates e = CoreEstimates.compute(m, List.of(), Set.of(),
                CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidates-per-origin", 4))));
        // K = 4: a stream's core stages are estimated on its own cell only (the cell's 4 nodes are its 4 nearest)
        List<String> loadedAway = new ArrayList<>();
        for (int v = 0; v < e.nodes.size(); v++) {
            for (int s = 0; s < e.services.size(); s++) {
                String cell = e.nodes.get(v).substring(e.nodes.get(v).length() - 4);
                boolean hasOrigin = m.users().stream().anyMatch(u -> u.node().endsWith(cell));
                if (e.load[v][s] > 0 && !hasOrigin) {
                    loadedAway.add(e.nodes.get(v));
                }
            }
        }
        assertThat(loadedAway).isEmpty();
        double total = Arrays.stream(e.rate).sum();
        assertThat(total).isPositive();
    }

    @Test
    void settings_negativeK_isRefusedNamingTheKey() {
        assertThatThrownBy(() -> CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidates-per-origin", -1))))
                .isInstanceOf(ConfigException.class).hasMessage("sparse-ip.candidates-per-origin: -1 (expected: >= 0)");
        assertThatThrownBy(() -> LightSettings.from(PlannerConfig.of(Map.of("ec-lyapunov.candidates-per-origin", -2))))
                .isInstanceOf(ConfigException.class).hasMessage("ec-lyapunov.candidates-per-origin: -2 (expected: >= 0)");
    }
}
