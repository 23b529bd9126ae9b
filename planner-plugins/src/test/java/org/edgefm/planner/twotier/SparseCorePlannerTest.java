package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.SystemModel;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Reason;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

class SparseCorePlannerTest {
    private static CorePlacementContext ctx(SystemModel m, Set<String> offline) {
        return new CorePlacementContext(m, List.of(), offline, CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                Duration.ofSeconds(10));
    }

    private static SparseCorePlanner planner(Map<String, ?> cfg) {
        return new SparseCorePlanner(CoreSettings.from(PlannerConfig.of(cfg)));
    }

    private static List<String> codes(PlanResult<?> r) {
        return r.reasons().stream().map(Reason::code).toList();
    }

    @Test
    void example_optimalDiversePlacementWithinCapacityWithFailover() {
        Scenario sc = Fixtures.example();
        SystemModel m = sc.model();
        PlanResult<CorePlacement> r = planner(Map.of()).place(ctx(m, Set.of()));
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        assertThat(codes(r)).contains("solver-optimal", "declared-demand");
        CorePlacement p = r.plan().orElseThrow();
        for (var s : m.services(ServiceKind.CORE)) {
            assertThat(p.nodesHosting(s.id())).as(s.id()).hasSizeGreaterThanOrEqualTo(2);
        }
        for (var n : m.topology().nodes()) {
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : p.onNode(n.id())) {
                used = used.plus(m.service(a.service()).demand().times(a.instances()));
            }
            assertThat(used.fitsIn(n.capacity())).as(n.id()).isTrue();
            if (!p.onNode(n.id()).isEmpty()) {
                // every hosting node has a failover plan, and losing it keeps every core service
                CorePlacement after = p.withoutNode(n.id());
                for (var s : m.services(ServiceKind.CORE)) {
                    assertThat(after.nodesHosting(s.id())).as("without " + n.id()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void offlineNodes_receiveNothing() {
        SystemModel m = Fixtures.star(4, 0.2);
        CorePlacement p = planner(Map.of()).place(ctx(m, Set.of("es", "d0"))).plan().orElseThrow();
        assertThat(p.onNode("es")).isEmpty();
        assertThat(p.onNode("d0")).isEmpty();
        assertThat(p.nodesHosting("bb")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void solverWithoutSolution_usesTheGreedyAndSaysSo() {
        SystemModel m = Fixtures.star(4, 0.2);
        CoreSettings s = CoreSettings.from(PlannerConfig.EMPTY);
        SparseCorePlanner p = new SparseCorePlanner(s,  (problem, limit, hint) -> new MipCoreSolver.Solution(MipCoreSolver.Outcome.NO_SOLUTION, null, Double.NaN, Double.NaN,
                        limit, "NOT_SOLVED"));
        PlanResult<CorePlacement> r = p.place(ctx(m, Set.of()));
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        assertThat(codes(r)).contains("greedy-fallback");
        assertThat(r.plan().orElseThrow().nodesHosting("bb")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void noNodeCanHost_isAnInfeasibleResultWithReasons() {
        SystemModel s = Fixtures.star(2, 0.2);
        List<org.edgefm.api.model.ServiceSpec> services = s.services().stream()
                .map(x -> x.id().equals("bb") ? Fixtures.core("bb", ResourceVector.of(999, 1, 1, 1), 16) : x).toList();
        SystemModel m = new SystemModel(s.topology(), services, s.taskTypes(), s.users(), s.workload());
        PlanResult<CorePlacement> r = planner(Map.of()).place(ctx(m, Set.of()));
        assertThat(r).isInstanceOf(PlanResult.Infeasible.class);
        assertThat(codes(r)).contains("no-host");
    }

    @Test
    void tooFewHosts_relaxesDiversityWithANote() {
        SystemModel m = Fixtures.star(2, 0.2);
        PlanResult<CorePlacement> r = planner(Map.of("sparse-ip.min-nodes", 3)).place(ctx(m, Set.of("d1")));
        assertThat(codes(r)).contains("diversity-relaxed");
        assertThat(r.plan().orElseThrow().nodesHosting("bb")).containsExactlyInAnyOrder("es", "d0");
    }

    @Test
    void isolationReading_neverPutsTwoCoreTypesOnANode() {
        SystemModel m = Fixtures.random(5, 4, 6, 3, 4, 4);
        CorePlacement p = planner(Map.of("sparse-ip.sparsity", "isolation", "sparse-ip.max-types-per-node", 1))
                .place(ctx(m, Set.of())).plan().orElseThrow();
        for (var n : m.topology().nodes()) {
            assertThat(p.onNode(n.id())).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void demandHeadroom_raisesTheInstanceCount() {
        SystemModel m = Fixtures.star(6, 1.5);
        int low = total(planner(Map.of("sparse-ip.demand-headroom", 1.0)).place(ctx(m, Set.of())).plan().orElseThrow());
        int high = total(planner(Map.of("sparse-ip.demand-headroom", 3.0)).place(ctx(m, Set.of())).plan().orElseThrow());
        assertThat(high).isGreaterThan(low);
    }

    @Test
    void badSetting_isAConfigExceptionNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.max-nodes", 1))))
                .hasMessage("sparse-ip.max-nodes: 1 (expected: >= sparse-ip.min-nodes = 2)");
    }

    private static int total(CorePlacement p) {
        return p.assignments().stream().mapToInt(CoreAssignment::instances).sum();
    }
}
