package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.edgefm.agent.kernel.Kernel;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.RateSchedule;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.scenario.Scenario;
import org.edgefm.api.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** Flag checks of {@code edgefm trial} that fail before anything starts, and its workload clock. */
class TrialCommandTest extends CliTestBase {
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
}
