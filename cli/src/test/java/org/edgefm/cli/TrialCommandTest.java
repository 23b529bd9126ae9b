package org.edgefm.cli;

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

/** Flag checks of {@code edgefm trial} that fail before anything starts, and its workload clock. */
class TrialCommandTest extends CliTestBase {
    static final Scenario TRIAL_LAB = ScenarioLoader.resolve("trial-lab");

    @Test
    void brokerAccountsWithoutBroker_isMisuseExit2() throws Exception {
        Path f = Files.writeString(dir.resolve("accounts.txt"), "edgefm-host:x\n");
        assertThat(run("trial", "--broker-accounts", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--broker-accounts: needs --broker");
    }

    @Test
    void brokerAccountsMalformedLine_namesFileAndLine_exit1() throws Exception {
        Path f = Files.writeString(dir.resolve("accounts.txt"), "# accounts\nedgefm-host:x\nagx-orin\n");
        assertThat(run("trial", "--agents", "1", "--broker", "tcp://127.0.0.1:1", "--broker-accounts", f.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + f + " line 3: expected USER:PASSWORD");
    }

    @Test
    void brokerAccountsMissingFile_exit1() {
        Path f = dir.resolve("none.txt");
        assertThat(run("trial", "--broker", "tcp://127.0.0.1:1", "--broker-accounts", f.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + f + ": no such file");
    }

    @Test
    void modelDir_ofAnUnsupportedModel_failsInOneLine_exit1_andItsFlagsAreChecked_exit2() throws Exception {
        Path model = Files.createDirectories(dir.resolve("t5-small"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"t5\", \"architectures\": [\"T5ForConditionalGeneration\"]}");
        assertThat(run("trial", "--model-dir", model.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm trial: " + model.resolve("config.json") + ": model_type 't5'"
                + " (T5ForConditionalGeneration) is not a supported family (expected one of vit, clip, bert, gpt2, llama)");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--model-dir", model.toString(), "--scenario", "real-models")).isEqualTo(2);
        assertThat(err.toString()).contains("holds a model (config.json): it makes its own scenario");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--cut", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--cut: only with --model-dir and a model folder");
    }

    @Test
    void existingFleet_withoutBroker_isMisuseExit2() {
        assertThat(run("trial", "--agents", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--agents 0 drives agents that already run: name their broker (--broker URL)");
    }

    @Test
    void existingAndAgents_excludeEachOther_andWaitForNeedsAnExistingFleet_exit2() {
        assertThat(run("trial", "--existing", "--agents", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--existing and --agents 2 exclude each other");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--wait-for", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--wait-for: only with --agents 0 (--existing)");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--existing", "--broker", "tcp://127.0.0.1:1", "--broker-port", "1883")).isEqualTo(2);
        assertThat(err.toString()).contains("--broker excludes --broker-port and --bind");
    }

    @Test
    void existingFleet_noAgentComes_failsNamingWhoIsMissing_exit1() throws Exception {
        int port = TrialCommand.freePort();
        assertThat(run("trial", "--existing", "--broker-port", String.valueOf(port), "--fleet", "nobody-here",
                "--wait-for", "1", "--wait-timeout", "2s", "--out", dir.resolve("run").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("fleet nobody-here: 0 of 1 agent(s) online after")
                .contains("missing: agx-orin, orin-nx, edge-l4, orin-nano (pinned by scenario trial-lab)")
                .contains("check that each agent runs with --broker tcp://127.0.0.1:" + port + " --fleet nobody-here");
    }

    @Test
    void existingFleet_hostConfigWithAccounts_theMonitorLogsInAsTheHost_andTheWaitNamesWhoIsMissing() throws Exception {
        Path accounts = Files.writeString(dir.resolve("accounts.txt"), "jetson-1:"
                + org.edgefm.host.broker.Credentials.hash("pw-of-jetson-1".toCharArray()) + "\n");
        int port = TrialCommand.freePort();
        Path cfg = Files.writeString(dir.resolve("host.json"), "{\"credentialsFile\": \"" + accounts + "\", \"brokerPort\": "
                + port + "}");
        assertThat(run("trial", "--existing", "--host-config", cfg.toString(), "--fleet", "lab", "--wait-for", "1",
                "--wait-timeout", "2s", "--out", dir.resolve("run").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("fleet lab: 0 of 1 agent(s) online after")
                .contains("--broker tcp://127.0.0.1:" + port + " --fleet lab");
    }

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
    void modelDirNotAFolder_isMisuseExit2() {
        assertThat(run("trial", "--model-dir", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--model-dir: " + dir.resolve("none") + " is not a folder");
    }

    @Test
    void writeWeights_writesOneLoadableFilePerNamedWeights_ofTheKernelsSize() {
        Scenario genai = ScenarioLoader.load(Path.of("../scenarios/genai-trial.json"));
        assertThat(TrialCommand.writeWeights(genai, dir)).startsWith("4 .npy file(s), 14.7 MB");
        for (ServiceSpec s : genai.services()) {
            Kernel k = Kernel.load(s.kernel(), dir, 1);
            assertThat(dir.resolve(s.kernel().weights())).isRegularFile();
            assertThat(k.preloadMs()).isPositive();
        }
        assertThat(TrialCommand.checkWeights(genai, dir)).isEqualTo("4 .npy file(s) read from " + dir);
        assertThat(TrialCommand.checkWeights(genai, dir.resolve("x"))).contains("missing: gpt-j-6b.npy, llama2-7b-int4.npy");
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
        for (double t = TrialCommand.nextArrivalMs(p, r, start, start); t < start + 20_000;
                t = TrialCommand.nextArrivalMs(p, r, start, t)) {
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
    void outFolderNotEmpty_isRefusedWithOneLine_exit2() throws Exception {
        Path taken = Files.createDirectories(dir.resolve("run"));
        Files.writeString(taken.resolve("summary.json"), "{}");
        assertThat(run("trial", "--out", taken.toString(), "--duration", "1s")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("trial: --out " + taken + ": exists and is not an empty folder (choose a new one)");
        assertThat(out.toString()).isEmpty();
        assertThat(taken.resolve("host.log")).doesNotExist();
    }

    @Test
    void runFolder_emptyOutIsUsed_defaultIsScenarioAndUtcTime_withASuffixWhenTaken() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(TrialCommand.runFolder(empty, dir, "lab", java.time.Instant.EPOCH)).isEqualTo(empty);
        assertThat(TrialCommand.runFolder(Files.writeString(dir.resolve("file"), "x"), dir, "lab",
                java.time.Instant.EPOCH)).isNull();
        java.time.Instant t = java.time.Instant.parse("2026-03-04T05:06:07Z");
        Path first = TrialCommand.runFolder(null, dir.resolve("trials"), "trial-lab", t);
        assertThat(first).isEqualTo(dir.resolve("trials/trial-lab-20260304-050607")).isDirectory();
        assertThat(TrialCommand.runFolder(null, dir.resolve("trials"), "trial-lab", t))
                .isEqualTo(dir.resolve("trials/trial-lab-20260304-050607-2"));
    }

    @Test
    void parseImpair_profileWithAndWithoutAWindow() {
        TrialCommand.ImpairSpec whole = TrialCommand.parseImpair("delay=40ms,loss=1%");
        assertThat(whole.windowed()).isFalse();
        assertThat(whole.profile().delayMs()).isEqualTo(40.0);
        assertThat(whole.describe()).isEqualTo("delay=40ms,loss=1%");
        TrialCommand.ImpairSpec from = TrialCommand.parseImpair("delay=40ms,loss=1%@20s");
        assertThat(from.profile().lossRate()).isEqualTo(0.01);
        assertThat(from.fromMs()).isEqualTo(20_000);
        assertThat(from.toMs()).isEqualTo(-1);
        assertThat(from.describe()).isEqualTo("delay=40ms,loss=1% from 20 s to the end of the workload");
        TrialCommand.ImpairSpec window = TrialCommand.parseImpair("delay=40ms@20s-1m");
        assertThat(window.windowed()).isTrue();
        assertThat(window.fromMs()).isEqualTo(20_000);
        assertThat(window.toMs()).isEqualTo(60_000);
        assertThat(window.describe()).isEqualTo("delay=40ms from 20 s to 60 s of the workload");
        assertThat(TrialCommand.parseImpair("none").windowed()).isFalse();
    }

    @Test
    void parseImpair_badWindows_areOneLineErrors_exit2() {
        assertThatThrownBy(() -> TrialCommand.parseImpair("delay=40ms@40s-20s")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> TrialCommand.parseImpair("delay=40ms@soon")).hasMessageContaining("expected @START or @START-END");
        assertThatThrownBy(() -> TrialCommand.parseImpair("delay=40ms@20s-")).hasMessageContaining("expected @START or @START-END");
        assertThatThrownBy(() -> TrialCommand.parseImpair("none@20s")).hasMessageContaining("a window needs a profile");
        assertThat(run("trial", "--impair", "delay=40ms@40s-20s")).isEqualTo(2);
        assertThat(err.toString()).contains("--impair: impairment 'delay=40ms@40s-20s': window '40s-20s' ends before it starts");
    }

    @Test
    void progressIntervalTooShort_isMisuseExit2() {
        assertThat(run("trial", "--progress-interval", "10ms")).isEqualTo(2);
        assertThat(err.toString()).contains("--progress-interval: '10ms'");
    }

    @Test
    void warmupAndReadyTimeout_badValues_areMisuseExit2() {
        assertThat(run("trial", "--warmup", "later")).isEqualTo(2);
        assertThat(err.toString()).contains("--warmup: 'later' (expected: wait or separate)");
        assertThat(run("trial", "--ready-timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--ready-timeout: 'soon'");
    }
}
