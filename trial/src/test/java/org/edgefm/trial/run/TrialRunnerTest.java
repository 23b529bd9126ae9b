package org.edgefm.trial.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.edgefm.agent.kernel.Kernel;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.RateSchedule;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trial runner's parts that need no running fleet: its run folder, impairment windows, weights and workload clock. */
class TrialRunnerTest {
    static final Scenario TRIAL_LAB = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json"));

    @TempDir
    Path dir;

    @Test
    void missing_scenarioWithoutNodes_saysHowManyMore_andNamesOfflineNodesAndMissingOrigins() {
        Scenario spec = new Scenario(1, "spec", "", null, TRIAL_LAB.services(), TRIAL_LAB.taskTypes(), TRIAL_LAB.users(),
                TRIAL_LAB.workload(), null, null, null);
        String line = ExistingFleet.missing("f", 3, 90_000, List.of(
                new org.edgefm.control.JoinedNode("b1", "generic-cpu", org.edgefm.api.model.ResourceVector.of(1, 1, 0, 0),
                        List.of(), "h:1", true),
                new org.edgefm.control.JoinedNode("b2", "generic-cpu", org.edgefm.api.model.ResourceVector.of(1, 1, 0, 0),
                        List.of(), "h:2", false)), spec, java.util.Map.of("cam-1", "agx-orin"), "tcp://h:1883");
        assertThat(line).isEqualTo("fleet f: 1 of 3 agent(s) online after 90 s (b1); missing: 2 more agent(s) (scenario spec"
                + " pins no node names); born but offline (no fresh telemetry): b2; streams whose origin has not joined:"
                + " cam-1 (origin agx-orin); check that each agent runs with --broker tcp://h:1883 --fleet f");
        assertThat(ExistingFleet.waitFor(null, spec)).isEqualTo(-1);
        assertThat(ExistingFleet.waitFor(null, TRIAL_LAB)).isEqualTo(4);
    }

    @Test
    void writeWeights_writesOneLoadableFilePerNamedWeights_ofTheKernelsSize() {
        Scenario genai = ScenarioLoader.load(Path.of("../scenarios/genai-trial.json"));
        assertThat(TrialWeights.write(genai, dir)).startsWith("4 .npy file(s), 14.7 MB");
        for (ServiceSpec s : genai.services()) {
            Kernel k = Kernel.load(s.kernel(), dir, 1);
            assertThat(dir.resolve(s.kernel().weights())).isRegularFile();
            assertThat(k.preloadMs()).isPositive();
        }
        assertThat(TrialWeights.check(genai, dir)).isEqualTo("4 .npy file(s) read from " + dir);
        assertThat(TrialWeights.check(genai, dir.resolve("x"))).contains("missing: gpt-j-6b.npy, llama2-7b-int4.npy");
    }

    /**
     * A Poisson stream of 1 per 10 ms whose schedule is 0 in the second of every two seconds: the
     * trial's arrival clock (started at a wall-clock time far from 0) puts no arrival into a silent
     * second and about 100 into each active one.
     */
    @Test
    void nextArrivalMs_scheduledPoisson_honoursTheScheduleFromTheTrialStart() {
        RateSchedule onOff = new RateSchedule(List.of(new RateSchedule.Step(0, 1), new RateSchedule.Step(1000, 0)), 2000.0);
        ArrivalProcess p = new ArrivalProcess.Poisson(0.1, onOff);
        SplittableRandom r = new SplittableRandom(3);
        double start = 1_700_000_000_123.0;
        int[] perSecond = new int[20];
        for (double t = WorkloadDriver.nextArrivalMs(p, r, start, start); t < start + 20_000;
                t = WorkloadDriver.nextArrivalMs(p, r, start, t)) {
            perSecond[(int) ((t - start) / 1000)]++;
        }
        for (int s = 0; s < 20; s++) {
            if (s % 2 == 1) {
                assertThat(perSecond[s]).as("silent second %d", s).isZero();
            } else {
                assertThat(perSecond[s]).as("active second %d", s).isBetween(60, 140);
            }
        }
    }

    @Test
    void runFolder_emptyOutIsUsed_defaultIsScenarioAndUtcTime_withASuffixWhenTaken() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(TrialRunner.runFolder(empty, dir, "lab", java.time.Instant.EPOCH)).isEqualTo(empty);
        assertThat(TrialRunner.runFolder(Files.writeString(dir.resolve("file"), "x"), dir, "lab",
                java.time.Instant.EPOCH)).isNull();
        java.time.Instant t = java.time.Instant.parse("2026-03-04T05:06:07Z");
        Path first = TrialRunner.runFolder(null, dir.resolve("trials"), "trial-lab", t);
        assertThat(first).isEqualTo(dir.resolve("trials/trial-lab-20260304-050607")).isDirectory();
        assertThat(TrialRunner.runFolder(null, dir.resolve("trials"), "trial-lab", t))
                .isEqualTo(dir.resolve("trials/trial-lab-20260304-050607-2"));
    }

    @Test
    void parseImpair_profileWithAndWithoutAWindow() {
        ImpairSpec whole = ImpairSpec.parse("delay=40ms,loss=1%");
        assertThat(whole.windowed()).isFalse();
        assertThat(whole.profile().delayMs()).isEqualTo(40.0);
        assertThat(whole.describe()).isEqualTo("delay=40ms,loss=1%");
        ImpairSpec from = ImpairSpec.parse("delay=40ms,loss=1%@20s");
        assertThat(from.profile().lossRate()).isEqualTo(0.01);
        assertThat(from.fromMs()).isEqualTo(20_000);
        assertThat(from.toMs()).isEqualTo(-1);
        assertThat(from.describe()).isEqualTo("delay=40ms,loss=1% from 20 s to the end of the workload");
        ImpairSpec window = ImpairSpec.parse("delay=40ms@20s-1m");
        assertThat(window.windowed()).isTrue();
        assertThat(window.fromMs()).isEqualTo(20_000);
        assertThat(window.toMs()).isEqualTo(60_000);
        assertThat(window.describe()).isEqualTo("delay=40ms from 20 s to 60 s of the workload");
        assertThat(ImpairSpec.parse("none").windowed()).isFalse();
    }

    @Test
    void parseImpair_badWindows_areOneLineErrors() {
        assertThatThrownBy(() -> ImpairSpec.parse("delay=40ms@40s-20s")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> ImpairSpec.parse("delay=40ms@soon")).hasMessageContaining("expected @START or @START-END");
        assertThatThrownBy(() -> ImpairSpec.parse("delay=40ms@20s-")).hasMessageContaining("expected @START or @START-END");
        assertThatThrownBy(() -> ImpairSpec.parse("none@20s")).hasMessageContaining("a window needs a profile");
    }

    @Test
    void parseImpair_nodePrefix_impairsThatAgentAlone() {
        ImpairSpec one = ImpairSpec.parse("orin-nx:delay=400ms@5s");
        assertThat(one.node()).isEqualTo("orin-nx");
        assertThat(one.profile().delayMs()).isEqualTo(400.0);
        assertThat(one.fromMs()).isEqualTo(5_000);
        assertThat(one.describe()).isEqualTo("orin-nx: delay=400ms from 5 s to the end of the workload");
        assertThat(one.where()).isEqualTo("orin-nx's data plane alone");
        assertThat(one.forNode("orin-nx", one.profile()).delayMs()).isEqualTo(400.0);
        assertThat(one.forNode("edge-l4", one.profile()).isNone()).isTrue();
        ImpairSpec every = ImpairSpec.parse("delay=40ms");
        assertThat(every.node()).isNull();
        assertThat(every.forNode("edge-l4", every.profile()).delayMs()).isEqualTo(40.0);
        assertThat(every.where()).isEqualTo("each agent's data plane");
    }

    @Test
    void parseImpair_badNodePrefix_isAOneLineError() {
        assertThatThrownBy(() -> ImpairSpec.parse(":delay=40ms")).hasMessage(
                "impairment ':delay=40ms': no node before ':' (expected NODE:PROFILE, as orin-nx:delay=400ms)");
        assertThatThrownBy(() -> ImpairSpec.parse("orin-nx:none")).hasMessage(
                "impairment 'orin-nx:none': node orin-nx needs a profile (as orin-nx:delay=400ms)");
    }
}
