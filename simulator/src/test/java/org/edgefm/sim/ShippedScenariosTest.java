package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.Directive;
import org.junit.jupiter.api.Test;

/** The shipped scenarios load, run, and paper-table1 is exactly its generator's output. */
class ShippedScenariosTest {
    private static final Path DIR = Path.of("..", "scenarios");

    @Test
    void paperTable1_fileIsTheGeneratorsOutput() throws Exception {
        String shipped = Files.readString(DIR.resolve("paper-table1.json"), StandardCharsets.UTF_8);
        assertThat(shipped).isEqualTo(PaperTable1Generator.generate());
    }

    @Test
    void paperTable1Contended_fileIsTheGeneratorsOutputWithItsSettings() throws Exception {
        String shipped = Files.readString(DIR.resolve("paper-table1-contended.json"), StandardCharsets.UTF_8);
        assertThat(shipped).isEqualTo(PaperTable1Generator.generate(PaperTable1Generator.SEED, PaperTable1Generator.CONTENDED));
        Scenario c = ScenarioLoader.load(DIR.resolve("paper-table1-contended.json"));
        assertThat(c.name()).isEqualTo("paper-table1-contended");
        assertThat(c.users()).hasSize(104);
        assertThat(c.topology().nodes()).hasSize(13);
        SimSettings st = SimSettings.from(c.planner());
        assertThat(st.parallelismExponent()).isEqualTo(1.0);
        assertThat(st.deadlineAction()).isEqualTo(SimSettings.DeadlineAction.DROP_EXPIRED);
        // every light service is used by a task type
        for (org.edgefm.api.model.ServiceSpec svc : c.services()) {
            assertThat(c.taskTypes().stream().flatMap(t -> t.stages().stream()).anyMatch(st2 -> st2.service().equals(svc.id())))
                    .as(svc.id()).isTrue();
        }
    }

    @Test
    void paperTable1_otherSeed_validVariantWithOtherValues() {
        Scenario v = org.edgefm.scenario.ScenarioLoader.parse(PaperTable1Generator.generate(7), "variant");
        Scenario s = ScenarioLoader.load(DIR.resolve("paper-table1.json"));
        assertThat(v.name()).isEqualTo("paper-table1-s7");
        assertThat(v.topology().nodes()).hasSize(16);
        assertThat(v.workload()).isNotEqualTo(s.workload());
    }

    @Test
    void paperTable1_loadsAndRunsUnderTheReferenceDeployment() {
        Scenario s = ScenarioLoader.load(DIR.resolve("paper-table1.json"));
        assertThat(s.topology().nodes()).hasSize(16);
        assertThat(s.services()).hasSize(12);
        assertThat(s.run().slotMs()).isEqualTo(20.0);
        SimStats st = runBriefly(s);
        assertThat(st.completed()).isGreaterThan(1000);
        assertThat(st.refusedDirectives()).isZero();
    }

    @Test
    void jetsonLab_loadsAndRunsUnderTheReferenceDeployment() {
        Scenario s = ScenarioLoader.load(DIR.resolve("jetson-lab.json"));
        assertThat(s.topology().nodes()).extracting(n -> n.profile()).contains("jetson-orin-nano-8gb",
                "jetson-orin-nx-16gb", "jetson-agx-orin-64gb", "jetson-xavier-nx-8gb", "nvidia-l4",
                "nvidia-a100-80gb", "generic-cpu");
        SimStats st = runBriefly(s);
        assertThat(st.completed()).isGreaterThan(100);
        assertThat(st.refusedDirectives()).isZero();
    }

    @Test
    void realModels_runsInTheSimulator_withItsPartsRealShapes() {
        Scenario s = ScenarioLoader.load(DIR.resolve("real-models.json"));
        assertThat(s.models()).hasSize(2);
        assertThat(s.services()).filteredOn(x -> x.kernel() != null).extracting(x -> x.kernel().weights())
                .allMatch(w -> w.contains(".json#"));
        SimStats st = runBriefly(s);
        assertThat(st.completed()).isGreaterThan(0);
        assertThat(st.refusedDirectives()).isZero();
    }

    private static SimStats runBriefly(Scenario s) {
        SimulatedFleet f = new SimulatedFleet(s, 1, 1.0);
        List<Directive> plan = ReferenceDeployment.directives(f.model(), 4, 2.0);
        plan.forEach(f::apply);
        double slot = s.run().slotMs();
        for (int k = 1; k <= 100; k++) {
            f.advanceTo(k * slot);
            f.snapshot();
        }
        return f.stats();
    }
}
