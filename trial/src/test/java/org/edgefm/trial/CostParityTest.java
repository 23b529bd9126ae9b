package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.SimulatedFleet;
import org.edgefm.sim.SimulationRun;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same directives cost the same in a trial and in a simulation: one sequence of directives (core
 * placement, light scale-up with a change of parallelism, scale-down, a second core instance) is
 * replayed through the trial's monitor, as it reads them off the broker, and applied to the simulated
 * fleet; both charge eqs. (6)-(7) through {@code ServiceCosts}.
 */
class CostParityTest {
    private static final Scenario LAB = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));
    private static final int HORIZON_SLOTS = 12;
    private static final long T0 = 1_700_000_000_000L;

    /** node → service → {instances, parallelism}, by the slot it comes into force. */
    private static Map<Integer, Map<String, Map<String, int[]>>> plan() {
        Map<Integer, Map<String, Map<String, int[]>>> p = new TreeMap<>();
        p.put(0, Map.of(
                "edge-l4", Map.of("clip-vit", new int[] {1, 1}, "llm", new int[] {1, 1}, "projector", new int[] {2, 3}),
                "agx-orin", Map.of("image-preprocess", new int[] {1, 2}, "tokenizer", new int[] {1, 1})));
        p.put(3, Map.of(
                "edge-l4", Map.of("clip-vit", new int[] {1, 1}, "llm", new int[] {1, 1}, "projector", new int[] {3, 2}),
                "orin-nx", Map.of("detokenizer", new int[] {2, 4})));
        p.put(6, Map.of("agx-orin", Map.of("image-preprocess", new int[] {1, 2})));
        p.put(8, Map.of(
                "edge-l4", Map.of("clip-vit", new int[] {2, 1}, "llm", new int[] {1, 1}, "projector", new int[] {1, 1})));
        return p;
    }

    private static List<Directive> directives(int slot, Map<String, Map<String, int[]>> nodes, Map<String, Long> versions) {
        Map<String, ServiceSpec> catalog = LAB.model().servicesById();
        List<Directive> out = new ArrayList<>();
        nodes.forEach((node, services) -> {
            List<DesiredService> ds = new ArrayList<>();
            services.forEach((s, xy) -> {
                ServiceSpec spec = catalog.get(s);
                ds.add(new DesiredService(s, spec.kind(), xy[0], xy[1], null, spec.workloadMb(), spec.kernel()));
            });
            long v = versions.merge(node, 1L, Long::sum);
            out.add(new Directive(WireCodec.SCHEMA, node, 1, v, T0 + slot * 500L, new DesiredState(ds, List.of(), Map.of())));
        });
        return out;
    }

    /** The simulated fleet and the trial's monitor after the same directives, both charged up to the horizon. */
    private record Replay(SimulatedFleet sim, TrialMonitor trial, double trialCost) {
    }

    private static double[] bothCosts(SimSettings settings) {
        Replay r = replay(settings);
        double simCost = r.sim().stats().totalCost();
        r.sim().close();
        return new double[] {r.trialCost(), simCost};
    }

    private static Replay replay(SimSettings settings) {
        double slotMs = LAB.run().slotMs();
        SimulatedFleet sim = new SimulatedFleet(LAB.model(), slotMs, List.of(), 7, settings);
        TrialMonitor trial = new TrialMonitor(LAB)
                .costForm(settings.parallelismCostTimesY(), settings.chargeInitialLightDeploy());
        Map<String, Long> versions = new TreeMap<>();
        for (var e : plan().entrySet()) {
            int slot = e.getKey();
            sim.advanceTo(slot * slotMs);
            for (Directive d : directives(slot, e.getValue(), versions)) {
                sim.apply(d);
                trial.sent(d, T0 + (long) (slot * slotMs)); // the host's outbox publishing it
            }
        }
        sim.advanceTo(HORIZON_SLOTS * slotMs);
        return new Replay(sim, trial, trial.costUntil(T0 + (long) (HORIZON_SLOTS * slotMs)));
    }

    @Test
    void sameDirectives_resultsDocumentsOfTrialAndSimulation_reportTheSameCost(@TempDir Path dir) throws Exception {
        Replay r = replay(SimSettings.DEFAULTS);
        Results.Result sim = SimResults.of("fixed", 1.0,
                List.of(new SimulationRun.Outcome("fixed", 7, 1.0, r.sim().stats(), 0, 0, 0, null)));
        r.sim().close();
        Results.Result trial = r.trial().summary("fixed", "none").result();
        // each written as its command writes it, and read back by the one reader
        Results.of("simulate", LAB.name(), List.of(sim), null).write(dir.resolve("simulate.json"));
        r.trial().summary("fixed", "none").results().write(dir.resolve("summary.json"));
        Results simDoc = Results.read(dir.resolve("simulate.json"));
        Results trialDoc = Results.read(dir.resolve("summary.json"));
        assertThat(simDoc.mode()).isEqualTo("simulate");
        assertThat(trialDoc.mode()).isEqualTo("trial");
        double simCost = simDoc.results().get(0).cost().mean();
        double trialCost = trialDoc.results().get(0).cost().mean();
        assertThat(trialCost).isCloseTo(simCost, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(simCost).isEqualTo(sim.cost().mean()).isEqualTo(r.sim().stats().totalCost());
        assertThat(trialCost).isEqualTo(trial.cost().mean()).isGreaterThan(0);
    }

    @Test
    void sameDirectives_trialReplayAndSimulator_chargeTheSameCost() {
        double[] c = bothCosts(SimSettings.DEFAULTS);
        assertThat(c[0]).isCloseTo(c[1], org.assertj.core.data.Offset.offset(1e-9));
        // eq. (6) by hand: two core instances deployed at slot 0 and a third at slot 8 (20 each),
        // 4 per instance and slot (2 x 12 + 1 x 4 instance-slots); the light services add to it
        double core = 3 * 20 + 4 * (2 * 12 + 4);
        assertThat(c[1]).isGreaterThan(core);
    }

    @Test
    void sameDirectives_equationAsTypesetAndSlotZeroCharged_stillTheSameCost() {
        SimSettings typeset = SimSettings.from(Map.of("sim.parallelism-cost", "x", "sim.charge-initial-light-deploy", true));
        double[] c = bothCosts(typeset);
        assertThat(c[0]).isCloseTo(c[1], org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c[1]).isNotCloseTo(bothCosts(SimSettings.DEFAULTS)[1], org.assertj.core.data.Offset.offset(1e-6));
    }
}
