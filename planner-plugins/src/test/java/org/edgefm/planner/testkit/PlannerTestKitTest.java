package org.edgefm.planner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.ConfigException;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.SlotObservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlannerTestKitTest {
    @Test
    void catalog_listsThePlannersUnderStableKebabCaseNames() {
        PluginCatalog c = PluginCatalog.load();
        assertThat(c.presets().keySet()).containsExactlyInAnyOrder("two-tier", "prop-avg", "greedy", "random", "all-static",
                "cloud-only", "reference", "genai-ga", "all-cloud", "popularity-greedy", "density-greedy", "lru", "lymdo",
                "lymdo-exhaustive", "all-local", "all-edge", "fixed-split");
        assertThat(c.corePlanners().keySet()).contains("sparse-ip", "greedy-core", "random-core", "cloud-core", "reference-core");
        assertThat(c.lightControllers().keySet()).contains("ec-lyapunov", "prop-avg", "greedy-light", "random-light",
                "static-light", "cloud-light", "reference-light");
        List<String> names = new ArrayList<>(c.presets().keySet());
        names.addAll(c.corePlanners().keySet());
        names.addAll(c.lightControllers().keySet());
        assertThat(names).allMatch(n -> n.matches("[a-z0-9]+(-[a-z0-9]+)*"));
    }

    @Test
    void catalog_everyKeyIsPrefixedAndDocumented() {
        PluginCatalog c = PluginCatalog.load();
        List<ConfigKey> keys = new ArrayList<>();
        c.corePlanners().values().forEach(f -> keys.addAll(f.configKeys()));
        c.lightControllers().values().forEach(f -> keys.addAll(f.configKeys()));
        assertThat(keys).isNotEmpty().allMatch(k -> k.name().matches("[a-z0-9-]+\\.[a-z0-9-]+") && !k.description().isBlank());
        assertThat(keys).anyMatch(k -> k.name().equals("sparse-ip.sparsity") && k.origin() == org.edgefm.api.spi.KeyOrigin.PAPER_AMBIGUITY);
    }

    @Test
    void catalog_refusesDuplicateNamesNamingBothPlugins() {
        PluginCatalog c = PluginCatalog.load();
        PlannerPlugin reference = new org.edgefm.planner.reference.ReferencePlugin();
        PlannerPlugin copy = new PlannerPlugin() {
            @Override
            public String name() {
                return "copycat";
            }

            @Override
            public List<org.edgefm.api.spi.CorePlacementPlannerFactory> corePlacementPlanners() {
                return reference.corePlacementPlanners();
            }
        };
        assertThatThrownBy(() -> c.register(copy)).isInstanceOf(ConfigException.class)
                .hasMessage("core planner 'reference-core' is provided by both plugin 'reference' and plugin 'copycat'");
    }

    @Test
    void resolve_unknownNamesGiveOneLineErrors() {
        PluginCatalog c = PluginCatalog.load();
        assertThatThrownBy(() -> c.resolve("nope")).hasMessageStartingWith("planner 'nope' is unknown (expected one of: ");
        assertThatThrownBy(() -> c.resolve("sparse-ip+nope")).hasMessageContaining("light controller 'nope' is unknown");
        assertThat(c.resolve("sparse-ip+prop-avg").core().name()).isEqualTo("sparse-ip");
        assertThat(c.resolve("none+reference-light").core()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"two-tier", "prop-avg", "greedy", "random", "all-static", "reference", "sparse-ip+prop-avg",
            "greedy-core+ec-lyapunov"})
    void everyPlanner_runsOnTheSmallScenarioWithinCapacityAndRoutesEveryStage(String name) {
        PlannerTestKit.Run run = PlannerTestKit.planner(name).slots(4).run();
        run.assertCorePlanned().assertWithinCapacity().assertEveryStageRouted();
        assertThat(run.lastDecision().allocations()).isNotEmpty();
    }

    @Test
    void noCorePlanner_leavesCoreStagesUnroutedAndSaysSo() {
        PlannerTestKit.Run run = PlannerTestKit.planner("none+reference-light").slots(1).run().assertWithinCapacity();
        assertThat(run.core()).isNull();
        assertThat(run.decisions().get(0).reasons()).extracting(Reason::message).contains("no node serves vqa/enc");
    }

    @Test
    void cloudOnly_withoutACloudNode_isInfeasibleWithReasons() {
        PlannerTestKit.Run run = PlannerTestKit.planner("cloud-only").slots(1).run();
        assertThat(run.core()).isInstanceOf(PlanResult.Infeasible.class);
        assertThat(run.core().reasons()).extracting(Reason::code).contains("no-cloud-node");
        assertThat(run.decisions().get(0)).isInstanceOf(PlanResult.Infeasible.class);
    }

    @Test
    void cloudOnly_withACloudNode_placesEverythingThere() {
        var m = TestScenarios.small();
        var nodes = new ArrayList<>(m.topology().nodes());
        nodes.add(new org.edgefm.api.model.NodeSpec("cloud", org.edgefm.api.model.NodeKind.CLOUD,
                org.edgefm.api.model.ResourceVector.of(1024, 1024, 8192, 2048)));
        var links = new ArrayList<>(m.topology().links());
        links.add(new org.edgefm.api.model.LinkSpec("es-1", "cloud", 1.0, 1000, 5));
        var withCloud = new org.edgefm.api.model.SystemModel(new org.edgefm.api.model.Topology(nodes, links), m.services(),
                m.taskTypes(), m.users(), m.workload());
        PlannerTestKit.Run run = PlannerTestKit.planner("cloud-only").on(withCloud).slots(2).run()
                .assertCorePlanned().assertWithinCapacity().assertEveryStageRouted();
        assertThat(run.placement().assignments()).allMatch(a -> a.node().equals("cloud"));
        assertThat(run.lastDecision().allocations()).allMatch(a -> a.node().equals("cloud"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"two-tier", "prop-avg", "greedy", "random", "all-static", "reference"})
    void everyPlanner_givenStaleOrMissingMetrics_returnsAResultNotAnException(String name) {
        PlannerTestKit.Run run = PlannerTestKit.planner(name).slots(3).tamper(o -> {
            List<NodeObservation> nodes = new ArrayList<>();
            for (NodeObservation n : o.nodes()) {
                if (n.node().equals("es-2")) {
                    continue; // missing
                }
                nodes.add(n.node().equals("es-1") ? new NodeObservation("es-1", false, n.residual(), 1e9, null) : n);
            }
            return new SlotObservation(o.slot(), o.nowMs(), o.slotMs(), o.model(), o.corePlacement(), nodes, List.of(), List.of(),
                    List.of(), List.of(), o.previous());
        }).run();
        assertThat(run.decisions()).hasSize(3);
        for (var d : run.decisions()) {
            assertThat(d.plan().isPresent() || !d.reasons().isEmpty()).isTrue();
        }
        run.assertWithinCapacity();
    }

    @Test
    void allStatic_keepsItsFirstAllocationsEvenWhenDemandChanges() {
        PlannerTestKit.Run run = PlannerTestKit.planner("all-static").slots(3).run();
        assertThat(run.decisions().get(2).plan().orElseThrow().allocations())
                .isEqualTo(run.decisions().get(0).plan().orElseThrow().allocations());
    }

    @Test
    void offlineNodes_getNeitherCoreNorLightWork() {
        PlannerTestKit.Run run = PlannerTestKit.planner("two-tier").offline(Set.of("es-1")).slots(2).run();
        assertThat(run.placement().onNode("es-1")).isEmpty();
        assertThat(run.lastDecision().allocations()).noneMatch(a -> a.node().equals("es-1"));
    }

    @Test
    void config_badValueIsAConfigExceptionNamingTheKey() {
        assertThatThrownBy(() -> PlannerTestKit.planner("two-tier").config(Map.of("ec-lyapunov.epsilon", 2)).run())
                .isInstanceOf(ConfigException.class).hasMessage("ec-lyapunov.epsilon: 2.0 (expected: in (0, 1))");
    }

    @Test
    void kit_builtInPlanners_onA200NodeFleet_callWithinTheHostsBudget_andReportTheSlowest() {
        for (String p : List.of("two-tier", "greedy", "reference")) {
            PlannerTestKit.Run run = PlannerTestKit.planner(p).on(TestScenarios.fleet(50)).slotMs(500).slots(8).run();
            System.out.println(p + ": " + run.slowestCall());
            run.assertWithinBudget();
            assertThat(run.callMs()).hasSize(8).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(0));
            assertThat(run.slowestCall()).startsWith("slowest controller call ").contains("budget 250.0 ms");
        }
    }

    @Test
    void kit_fleet_isCellsOfTheSmallScenario() {
        var m = TestScenarios.fleet(50);
        assertThat(m.topology().nodes()).hasSize(200);
        assertThat(m.users()).hasSize(100);
        assertThat(m.topology().links()).hasSize(50 * 4 + 49);
    }
}
