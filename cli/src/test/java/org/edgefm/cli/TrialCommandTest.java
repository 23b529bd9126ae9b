package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.agent.kernel.Kernel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.scenario.Scenario;
import org.edgefm.api.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag checks of {@code edgefm trial} that fail before anything starts. */
class TrialCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

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
}
